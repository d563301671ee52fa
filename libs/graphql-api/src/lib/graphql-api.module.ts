import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import type { Registry } from 'prom-client';
import { GRAPHQL_OPTIONS, GRAPHQL_PATH, type GraphqlApiOptions } from './graphql-api.constants';
import type { GraphqlContext } from './graphql-context';
import { formatGraphqlError } from './graphql-errors';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin';
import { GraphqlWsServer } from './graphql-ws.server';
import { operationSizeError, requestSource } from './protection/operation-size';
import { complexityLimitPlugin, depthLimitRule } from './protection/query-limits';
import { AccountResolver } from './resolvers/account.resolver';
import { MessageEventsLoader } from './resolvers/message-events.loader';
import { MessageStatusResolver } from './resolvers/message-status.resolver';
import { MessagesResolver } from './resolvers/messages.resolver';
import { SuppressionsResolver } from './resolvers/suppressions.resolver';
import { TemplatesResolver } from './resolvers/templates.resolver';

export const GRAPHQL_RESOLVERS = [AccountResolver, MessagesResolver, TemplatesResolver, SuppressionsResolver, MessageStatusResolver];

/**
 * POST /graphql (Apollo on Fastify, code first) and its graphql-ws subscriptions
 * (`GraphqlWsServer`): the tenant surface of REST in a second dialect, over the same
 * services, keys and errors.
 */
@Module({})
export class GraphqlApiModule {
  static forRoot(options: GraphqlApiOptions): DynamicModule {
    return {
      module: GraphqlApiModule,
      imports: [
        ...options.imports,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [METRICS_REGISTRY, GraphQLSchemaHost],
          useFactory: (registry: Registry, schemaHost: GraphQLSchemaHost): ApolloDriverConfig => ({
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
            formatError: formatGraphqlError(options.stacktraces),
            // Apollo builds the context before it parses and validates, and a GraphQLError thrown
            // here is its answer (400 via extensions.http): the size limits run here, before the
            // key is looked at, so an oversized document from anyone costs one bounded parse.
            context: (request: NonNullable<GraphqlContext['req']>): GraphqlContext => {
              const source = requestSource(request);
              const refusal = source === undefined ? undefined : operationSizeError(schemaHost.schema, source, options);
              if (refusal) throw refusal;
              return { req: request };
            },
          }),
        }),
      ],
      providers: [{ provide: GRAPHQL_OPTIONS, useValue: options }, GraphqlWsServer, MessageEventsLoader, ...GRAPHQL_RESOLVERS],
    };
  }
}
