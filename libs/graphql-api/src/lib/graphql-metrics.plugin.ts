import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, type Registry } from 'prom-client';

/**
 * Every GraphQL answer is an HTTP 200 or 400 on one route, so the HTTP histogram cannot
 * tell a refusal from a success: this counts operations by type and by the first
 * error's taxonomy code (`ok` without one). Operation names are the client's to choose,
 * so they are never a label.
 */
export function graphqlMetricsPlugin(registry: Registry): ApolloServerPlugin {
  const operations = new Counter({
    name: 'switchboard_graphql_operations_total',
    help: 'GraphQL operations over HTTP, by operation type and outcome (ok or the taxonomy code of the first error)',
    labelNames: ['type', 'code'],
    registers: [registry],
  });
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse: ({ operation, response }) => {
          const body = response.body;
          const firstError = body.kind === 'single' ? body.singleResult.errors?.[0] : undefined;
          const code = firstError?.extensions?.['code'];
          operations.inc({ type: operation?.operation ?? 'unknown', code: typeof code === 'string' ? code : firstError ? 'unknown' : 'ok' });
          return Promise.resolve();
        },
      }),
  };
}
