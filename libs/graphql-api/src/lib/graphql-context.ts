import type { TenantPrincipal } from '@switchboard/tenancy';
import type { FastifyRequest } from 'fastify';

/** A graphql-ws connection, authenticated once at connection_init. */
export interface Subscriber {
  /** Kept in memory only, to check the key again for every event (a revoked key ends the subscription). */
  readonly token: string;
  readonly principal: TenantPrincipal;
}

/**
 * The context of one operation: over HTTP the Fastify request (the auth guard reads its
 * Bearer key, the request context middleware already scoped it); over graphql-ws the
 * connection's subscriber. Per-operation state (DataLoaders) hangs off this object.
 */
export interface GraphqlContext {
  req?: FastifyRequest;
  subscriber?: Subscriber;
}
