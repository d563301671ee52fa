import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost, type GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { ApiKeysService, parseBearer } from '@switchboard/tenancy';
import type { Registry } from 'prom-client';
import type { GraphQLSchema } from 'graphql';
import type { Context, ServerOptions } from 'graphql-ws';
import type { GraphqlContext, Subscriber } from './graphql-context';
import { formatGraphqlError } from './graphql-errors';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin';
import { complexityLimitPlugin, depthLimitRule, type QueryLimits } from './protection/query-limits';
import { subscriptionLimitErrors } from './protection/subscription-limits';
import { AccountResolver } from './resolvers/account.resolver';
import { MessageEventsLoader } from './resolvers/message-events.loader';
import { MessageStatusResolver } from './resolvers/message-status.resolver';
import { MessagesResolver } from './resolvers/messages.resolver';
import { SuppressionsResolver } from './resolvers/suppressions.resolver';
import { TemplatesResolver } from './resolvers/templates.resolver';

export const GRAPHQL_PATH = '/graphql';

export interface GraphqlApiOptions extends QueryLimits {
  /** Schema introspection (development by default). */
  introspection: boolean;
  /** Apollo's sandbox UI on GET /graphql (development by default). */
  sandbox: boolean;
  /** Stack traces in `extensions` (development only). */
  stacktraces: boolean;
  /**
   * The modules whose services the resolvers call (messaging, template registry), as the
   * host configured them: the same instances REST uses, never a second copy.
   */
  imports: NonNullable<ModuleMetadata['imports']>;
}

export const GRAPHQL_RESOLVERS = [AccountResolver, MessagesResolver, TemplatesResolver, SuppressionsResolver, MessageStatusResolver];

/** graphql-ws's per-connection context: its `extra` (the socket and upgrade request) also keeps our subscriber. */
type WsContext = Context<Record<string, unknown> | undefined, unknown>;
type WsExtra = { subscriber?: Subscriber };

const isWs = (value: unknown): value is WsContext => typeof value === 'object' && value !== null && 'extra' in value && 'connectionParams' in value;

/**
 * graphql-ws runs none of Apollo's plugins or formatter: the key, the limits and the error
 * shape are applied here. The key goes in connection_init's payload ({"authorization":
 * "Bearer sbk_..."}) because browsers cannot set WebSocket headers; a bad one closes with 4403.
 */
function graphqlWsOptions(
  apiKeys: ApiKeysService,
  schema: () => GraphQLSchema,
  limits: QueryLimits,
  format: ReturnType<typeof formatGraphqlError>,
): Partial<ServerOptions> & { path: string } {
  return {
    path: GRAPHQL_PATH,
    onConnect: async (ctx) => {
      const token = parseBearer(ctx.connectionParams?.['authorization']);
      const principal = token ? await apiKeys.authenticate(token) : undefined;
      if (!token || !principal) return false;
      (ctx.extra as WsExtra).subscriber = { token, principal };
      return true;
    },
    onSubscribe: (_ctx, _id, payload) => {
      const errors = subscriptionLimitErrors(schema(), limits, payload);
      return errors.length > 0 ? errors : undefined;
    },
    onError: (_ctx, _id, _payload, errors) => errors.map((error) => format(error.toJSON(), error)),
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) } : result),
  };
}

/**
 * POST /graphql (Apollo on Fastify, code first) and its graphql-ws subscriptions: the
 * tenant surface of REST in a second dialect, over the same services, keys and errors.
 */
@Module({})
export class GraphqlApiModule {
  static forRoot(options: GraphqlApiOptions): DynamicModule {
    const format = formatGraphqlError(options.stacktraces);
    return {
      module: GraphqlApiModule,
      imports: [
        ...options.imports,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [ApiKeysService, GraphQLSchemaHost, METRICS_REGISTRY],
          useFactory: (apiKeys: ApiKeysService, schemaHost: GraphQLSchemaHost, registry: Registry): ApolloDriverConfig => ({
            path: GRAPHQL_PATH,
            autoSchemaFile: true,
            sortSchema: true,
            introspection: options.introspection,
            playground: false,
            includeStacktraceInErrorResponses: options.stacktraces,
            plugins: [
              options.sandbox ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
              complexityLimitPlugin(options.maxComplexity),
              graphqlMetricsPlugin(registry),
            ],
            validationRules: [depthLimitRule(options.maxDepth)],
            formatError: format,
            context: (request: unknown): GraphqlContext => {
              if (!isWs(request)) return { req: request as GraphqlContext['req'] };
              const { subscriber } = request.extra as WsExtra;
              return subscriber ? { subscriber } : {};
            },
            subscriptions: {
              // Nest's type lists fewer graphql-ws hooks than it passes on (onError is one of them).
              'graphql-ws': graphqlWsOptions(apiKeys, () => schemaHost.schema, options, format) as GraphQLWsSubscriptionsConfig,
            },
          }),
        }),
      ],
      providers: [MessageEventsLoader, ...GRAPHQL_RESOLVERS],
    };
  }
}
