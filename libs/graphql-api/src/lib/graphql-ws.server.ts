import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { quotaRefusal, TenantRequestQuota } from '@switchboard/rate-limiting';
import { ApiKeysService, parseBearer } from '@switchboard/tenancy';
import { GraphQLError } from 'graphql';
import type { Context, Disposable, ServerOptions } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { GRAPHQL_OPTIONS, GRAPHQL_PATH, type GraphqlApiOptions } from './graphql-api.constants';
import type { GraphqlContext, Subscriber } from './graphql-context';
import { formatGraphqlError } from './graphql-errors';
import { subscriptionLimitErrors } from './protection/subscription-limits';
import { SubscriptionSlots } from './protection/subscription-slots';

/** What one connection keeps: its key's principal, and the ids of its subscriptions holding a slot. */
interface ConnectionState {
  subscriber?: Subscriber;
  readonly holding: Set<string>;
}
type WsExtra = Extra & { state?: ConnectionState };
type WsContext = Context<Record<string, unknown> | undefined, WsExtra>;

const stateOf = (ctx: WsContext): ConnectionState => {
  ctx.extra.state ??= { holding: new Set() };
  return ctx.extra.state;
};

/**
 * graphql-ws on the gateway's HTTP server, ours rather than Nest's so the socket server
 * gets a `maxPayload`: a frame above it closes the socket (1009) before anything reads it,
 * where ws's default would buffer 100 MiB from a stranger. graphql-ws runs none of Apollo's
 * plugins or formatter, so the key, the limits, the quota and the error shape are applied
 * here. The key goes in connection_init's payload ({"authorization": "Bearer sbk_..."})
 * because browsers cannot set WebSocket headers; a bad one closes with 4403.
 */
@Injectable()
export class GraphqlWsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly slots: SubscriptionSlots;
  private readonly format: ReturnType<typeof formatGraphqlError>;
  private sockets?: WebSocketServer;
  private server?: Disposable;
  private httpServer?: Server;

  constructor(
    @Inject(GRAPHQL_OPTIONS) private readonly options: GraphqlApiOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly apiKeys: ApiKeysService,
    private readonly quota: TenantRequestQuota,
  ) {
    this.slots = new SubscriptionSlots(options.maxSubscriptionsPerKey);
    this.format = formatGraphqlError(options.stacktraces);
  }

  onApplicationBootstrap(): void {
    this.sockets = new WebSocketServer({ noServer: true, maxPayload: this.options.wsMaxPayloadBytes });
    this.server = useServer(this.serverOptions(), this.sockets);
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.httpServer.on('upgrade', this.upgrade);
  }

  async onModuleDestroy(): Promise<void> {
    this.httpServer?.off('upgrade', this.upgrade);
    await this.server?.dispose();
  }

  private readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const sockets = this.sockets;
    // Nothing else on this server speaks WebSocket: any other upgrade is dropped, not left open.
    if (!sockets || new URL(request.url ?? '/', 'http://localhost').pathname !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  };

  private serverOptions(): ServerOptions<Record<string, unknown> | undefined, WsExtra> {
    return {
      schema: () => this.schemaHost.schema,
      context: (ctx): GraphqlContext => {
        const { subscriber } = stateOf(ctx);
        return subscriber ? { subscriber } : {};
      },
      onConnect: async (ctx) => {
        const token = parseBearer(ctx.connectionParams?.['authorization']);
        const principal = token ? await this.apiKeys.authenticate(token) : undefined;
        if (!token || !principal) return false;
        stateOf(ctx).subscriber = { token, principal };
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const errors = subscriptionLimitErrors(this.schemaHost.schema, this.options, payload);
        if (errors.length > 0) return errors;
        const state = stateOf(ctx);
        const principal = state.subscriber?.principal;
        if (!principal) return undefined;
        // A subscription is a tenant request like any other: the same quota counts it.
        const refusal = quotaRefusal(await this.quota.consume(principal.tenantId, principal.environment));
        if (refusal) return [new GraphQLError(refusal.message, { originalError: refusal })];
        if (!this.slots.acquire(principal.keyId)) {
          return [
            new GraphQLError(`This API key already holds ${this.slots.max} subscriptions on this instance; end one first`, {
              extensions: { code: 'rate_limited', maxSubscriptions: this.slots.max },
            }),
          ];
        }
        state.holding.add(id);
        return undefined;
      },
      // graphql-ws calls onComplete when a started subscription ends (the client's complete,
      // the stream's end or error, the socket closing); onError alone for an operation that
      // never started. Either releases the slot once.
      onComplete: (ctx, id) => this.release(ctx, id),
      onError: (ctx, id, _payload, errors) => {
        this.release(ctx, id);
        return errors.map((error) => this.format(error.toJSON(), error));
      },
      onClose: (ctx) => {
        for (const id of stateOf(ctx).holding) this.release(ctx, id);
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map((error) => this.format(error.toJSON(), error)) } : result),
    };
  }

  private release(ctx: WsContext, id: string): void {
    const state = stateOf(ctx);
    const keyId = state.subscriber?.principal.keyId;
    if (keyId && state.holding.delete(id)) this.slots.release(keyId);
  }
}
