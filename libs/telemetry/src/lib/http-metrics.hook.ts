import type { FastifyInstance } from 'fastify';
import type { HttpMetrics } from './metrics.registry';

/**
 * Times every request at the Fastify level, so 404s and errors thrown before Nest's
 * handlers are counted too. The route label is the route template ("/v1/messages/:id"),
 * never the raw URL, to keep cardinality bounded.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: HttpMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
