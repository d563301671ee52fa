import { Agent, interceptors, Pool, type Dispatcher } from 'undici';
import type { ResolvedGraphApiClientOptions } from './graph-api-client.options';

/**
 * The connection pool of one Graph origin. undici's dns interceptor caches DNS
 * answers by rewriting the request origin to the resolved address; a bare Pool
 * ignores the request origin, so the interceptor is composed on an Agent whose
 * factory makes the Pool. With one address per host (the usual case for
 * graph.facebook.com) that is exactly one Pool; after a DNS change, the new
 * address gets its own Pool and the old one idles out after keepAliveTimeoutMs.
 */
export function createGraphDispatcher(options: ResolvedGraphApiClientOptions): Dispatcher {
  const poolOptions: Pool.Options = {
    connections: options.connections,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // Without a server hint undici would cap at its own default; Graph sends none.
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs, 600_000),
    connect: { timeout: options.connectTimeoutMs },
    // The call deadline (AbortSignal) is the real limit; these only stop
    // undici's 300 s defaults from outliving it on a stuck socket.
    headersTimeout: 0,
    bodyTimeout: 0,
  };
  const agent = new Agent({
    ...poolOptions,
    factory: (origin, opts) => new Pool(origin, { ...opts, ...poolOptions }),
  });
  return agent.compose(
    interceptors.dns({
      maxTTL: options.dns.maxTtlMs,
      affinity: options.dns.affinity,
      dualStack: options.dns.dualStack,
    }),
  );
}
