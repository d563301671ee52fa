import type { FastifyInstance } from 'fastify';
import type { RootLogger } from './logger.module';
import { redactUrlQuery } from './url-redaction';

/**
 * Requests without a line of their own: probes and scrapes every few seconds would drown real
 * traffic, and vendors' webhook POSTs (thousands a second) are counted by outcome and timed by
 * route in /metrics instead; what goes wrong there is logged by the route itself.
 */
function unlogged(method: string, url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  if (path === '/metrics' || path === '/health' || path.startsWith('/health/')) return true;
  return method === 'POST' && path.startsWith('/webhooks/');
}

/**
 * One line per answered request, at info: request id, method, path with every query value
 * redacted (the webhook handshake's `hub.verify_token` arrives in the query, and so may the next
 * secret), status and time. A Fastify hook on the app's one logger, rather than a child logger
 * with the serialised request made for every request whatever the level: at `warn` a request
 * costs one level check here.
 */
export function registerRequestLog(fastify: FastifyInstance, logger: RootLogger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info') && !unlogged(request.method, request.url)) {
      logger.info(
        {
          req: { id: request.id, method: request.method, url: redactUrlQuery(request.url), remoteAddress: request.ip },
          res: { statusCode: reply.statusCode },
          responseTime: reply.elapsedTime,
        },
        'request completed',
      );
    }
    done();
  });
}
