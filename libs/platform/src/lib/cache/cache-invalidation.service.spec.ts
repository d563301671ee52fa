import { createTestRedis, startTcpFaultProxy, type TcpFaultProxy, type TestRedis } from '@switchboard/testing';
import { Registry } from 'prom-client';
import type { CacheSettings } from './cache.constants';
import { CacheInvalidation, type InvalidationEvent } from './cache-invalidation.service';
import { CacheMetrics } from './cache.metrics';

/** Two buses with their own connections on one prefix: two processes. */
describe('CacheInvalidation (real Redis)', () => {
  let redis: TestRedis;
  const started: CacheInvalidation[] = [];

  beforeAll(() => {
    redis = createTestRedis('cache-invalidation');
  });

  afterEach(() => {
    for (const bus of started.splice(0)) bus.onApplicationShutdown();
  });

  afterAll(() => redis.cleanup());

  async function startBus(overrides: Partial<CacheSettings> = {}): Promise<{ bus: CacheInvalidation; registry: Registry }> {
    const registry = new Registry();
    const bus = new CacheInvalidation({ redisUrl: redis.url, prefix: redis.prefix, ttlMs: 60_000, unsubscribedTtlMs: 60_000, ...overrides }, new CacheMetrics(registry));
    started.push(bus);
    bus.onModuleInit();
    await bus.whenSubscribed();
    return { bus, registry };
  }

  const next = (bus: CacheInvalidation, matches: (event: InvalidationEvent) => boolean) =>
    new Promise<InvalidationEvent>((resolve) => {
      const stop = bus.onInvalidation((event) => {
        if (!matches(event)) return;
        stop();
        resolve(event);
      });
    });

  const counter = async (registry: Registry, name: string, labels: Record<string, string>) =>
    (await registry.getSingleMetric(name)?.get())?.values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))?.value ?? 0;

  it('a change written through one process is seen by the next read in the other', async () => {
    const one = await startBus();
    const two = await startBus();
    let row = 'v1';
    const caches = [one, two].map(({ bus }) => bus.cache<string>('accounts', 'wabas'));
    const read = (index: number) => caches[index]?.get('t1:live:w1', () => Promise.resolve(row));
    expect(await read(0)).toBe('v1');
    expect(await read(1)).toBe('v1');

    row = 'v2';
    const heard = next(two.bus, (event) => event.source === 'remote');
    await one.bus.invalidate('accounts', ['t1:live:w1']);
    // The writer's own entry is gone at once, before any message.
    expect(await read(0)).toBe('v2');
    expect(await heard).toEqual({ topic: 'accounts', keys: ['t1:live:w1'], source: 'remote' });
    expect(await read(1)).toBe('v2');

    expect(await counter(two.registry, 'switchboard_cache_hits_total', { cache: 'wabas' })).toBe(0);
    expect(await counter(two.registry, 'switchboard_cache_misses_total', { cache: 'wabas' })).toBe(2);
    expect(await counter(two.registry, 'switchboard_cache_invalidations_total', { topic: 'accounts', source: 'remote' })).toBe(1);
    expect(await counter(one.registry, 'switchboard_cache_invalidations_total', { topic: 'accounts', source: 'local' })).toBe(1);
    expect(await counter(one.registry, 'switchboard_cache_invalidations_total', { topic: 'accounts', source: 'remote' })).toBe(0);
  });

  it('drops only the topic and keys named, and publishes ids only', async () => {
    const one = await startBus();
    const two = await startBus();
    const accounts = two.bus.cache<string>('accounts', 'wabas');
    const templates = two.bus.cache<string>('templates', 'templates');
    let version = 1;
    const load = () => Promise.resolve(`v${version}`);
    await accounts.get('t1:live:w1', load);
    await accounts.get('t2:live:w1', load);
    await templates.get('t1:live:w1', load);
    version = 2;
    const heard = next(two.bus, (event) => event.source === 'remote');
    await one.bus.invalidate('accounts', ['t1:live']);
    await heard;
    expect(await accounts.get('t1:live:w1', load)).toBe('v2');
    expect(await accounts.get('t2:live:w1', load)).toBe('v1');
    expect(await templates.get('t1:live:w1', load)).toBe('v1');
  });

  it('a load in flight in the other process when the invalidation arrives is not kept', async () => {
    const one = await startBus();
    const two = await startBus();
    const cache = two.bus.cache<string>('accounts', 'wabas');
    let finish: (value: string) => void = () => undefined;
    const inFlight = cache.get('t1:live:w1', () => new Promise<string>((resolve) => (finish = resolve)));
    const heard = next(two.bus, (event) => event.source === 'remote');
    await one.bus.invalidate('accounts', ['t1:live:w1']);
    await heard;
    finish('read before the commit');
    expect(await inFlight).toBe('read before the commit');
    expect(await cache.get('t1:live:w1', () => Promise.resolve('read after the commit'))).toBe('read after the commit');
  });

  describe('through a connection the test cuts', () => {
    let proxy: TcpFaultProxy;

    beforeEach(async () => {
      const target = new URL(redis.url);
      proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port || 6379) });
    });

    afterEach(() => proxy.close());

    it('entries live the short TTL while unsubscribed, and a resubscription clears everything (messages were missed)', async () => {
      const one = await startBus();
      const url = new URL(redis.url);
      url.host = proxy.address;
      const two = await startBus({ redisUrl: url.toString(), unsubscribedTtlMs: 0 });
      const cache = two.bus.cache<string>('accounts', 'wabas');
      let row = 'v1';
      const read = () => cache.get('t1:live:w1', () => Promise.resolve(row));
      expect(await read()).toBe('v1');

      proxy.cut();
      await until(() => !two.bus.subscribed);
      row = 'v2';
      // Published while the other process cannot hear it.
      await one.bus.invalidate('accounts', ['t1:live:w1']);
      expect(await read()).toBe('v2');

      row = 'v3';
      const resubscribed = next(two.bus, (event) => event.source === 'resubscribe');
      proxy.restore();
      expect(await resubscribed).toEqual({ topic: '*', keys: 'all', source: 'resubscribe' });
      expect(two.bus.subscribed).toBe(true);
      expect(await read()).toBe('v3');
      row = 'v4';
      // Subscribed again: the long TTL applies.
      expect(await read()).toBe('v3');
    });
  });
});

/** Waits for a state change the test cannot await directly (a socket's close event), a turn of the event loop at a time. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
