import type { ModuleMetadata } from '@nestjs/common';
import type { QueryLimits } from './protection/query-limits';

export const GRAPHQL_PATH = '/graphql';

export const GRAPHQL_OPTIONS = Symbol('GRAPHQL_OPTIONS');

export interface GraphqlApiOptions extends QueryLimits {
  /** Schema introspection (development by default). */
  introspection: boolean;
  /** Apollo's sandbox UI on GET /graphql (development by default). */
  sandbox: boolean;
  /** Stack traces in `extensions` (development only). */
  stacktraces: boolean;
  /** Largest graphql-ws frame; a bigger one closes the socket (1009) before it is read. */
  wsMaxPayloadBytes: number;
  /** Live subscriptions one API key may hold on this instance, across its connections. */
  maxSubscriptionsPerKey: number;
  /**
   * The modules whose services the resolvers call (messaging, template registry), as the
   * host configured them: the same instances REST uses, never a second copy.
   */
  imports: NonNullable<ModuleMetadata['imports']>;
}
