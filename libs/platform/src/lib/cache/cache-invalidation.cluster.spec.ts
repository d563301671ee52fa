import { startTestRedisCluster, type TestRedisCluster } from '@switchboard/testing';
import { Registry } from 'prom-client';
import { CacheInvalidation, type InvalidationEvent } from './cache-invalidation.service';
import { CacheMetrics } from './cache.metrics';

/** PUBLISH on one node reaches a subscriber on another: two buses on a cluster hear each other. */
describe('CacheInvalidation on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  const buses: CacheInvalidation[] = [];

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
  }, 60_000);

  afterAll(async () => {
    for (const bus of buses) bus.onApplicationShutdown();
    await cluster?.close();
  });

  const startBus = async () => {
    const bus = new CacheInvalidation({ redisUrl: cluster.url, prefix: 'sb', ttlMs: 60_000, unsubscribedTtlMs: 60_000 }, new CacheMetrics(new Registry()));
    buses.push(bus);
    bus.onModuleInit();
    await bus.whenSubscribed();
    return bus;
  };

  it('a change written through one process is seen by the next read in the other', async () => {
    const [one, two] = [await startBus(), await startBus()];
    const cache = two.cache<string>('accounts', 'wabas');
    let row = 'v1';
    expect(await cache.get('t1:live:w1', () => Promise.resolve(row))).toBe('v1');
    row = 'v2';
    const heard = new Promise<InvalidationEvent>((resolve) => two.onInvalidation((event) => event.source === 'remote' && resolve(event)));
    await one.invalidate('accounts', ['t1:live:w1']);
    expect(await heard).toEqual({ topic: 'accounts', keys: ['t1:live:w1'], source: 'remote' });
    expect(await cache.get('t1:live:w1', () => Promise.resolve(row))).toBe('v2');
  });
});
