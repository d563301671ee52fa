import { createRedisClient, type RedisClient } from '@switchboard/redis';
import { startTestRedisCluster, type TestRedisCluster } from '@switchboard/testing';
import { CircuitBreaker } from './circuit-breaker';

/** The breaker's scripts and DEL touch four keys of a WABA: on a cluster they must share its hash tag. */
describe('CircuitBreaker on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let redis: RedisClient;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    redis = createRedisClient(cluster.url, { connectionName: 'circuit-cluster-spec', maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  }, 60_000);

  afterAll(async () => {
    redis?.disconnect();
    await cluster?.close();
  });

  it('opens after the threshold, refuses sends while open, and closes on success', async () => {
    const breaker = new CircuitBreaker(redis, 'sb', { failureThreshold: 2, windowMs: 5_000, openMs: 60_000 });
    expect(await breaker.acquire('waba-c')).toEqual({ allowed: true, probe: false });
    expect(await breaker.recordFailure('waba-c')).toBe(false);
    expect(await breaker.recordFailure('waba-c')).toBe(true);
    expect(await breaker.acquire('waba-c')).toMatchObject({ allowed: false });
    await breaker.recordSuccess('waba-c');
    expect(await breaker.acquire('waba-c')).toEqual({ allowed: true, probe: false });
  });
});
