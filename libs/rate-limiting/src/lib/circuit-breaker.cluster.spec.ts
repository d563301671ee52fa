import { startTestRedisCluster, type TestRedisCluster } from '@switchboard/testing';
import { CircuitBreaker } from './circuit-breaker';
import { RateLimitConnection } from './rate-limit.connection';
import type { RateLimitingSettings } from './rate-limiting.constants';
import { SendLimiter } from './send-limiter.service';

/** The breaker's scripts and DEL touch four keys of a circuit: on a cluster they must share its hash tag. */
describe('CircuitBreaker on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let connection: RateLimitConnection;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
  }, 60_000);

  afterAll(async () => {
    connection?.onModuleDestroy();
    await cluster?.close();
  });

  it('opens after the threshold, refuses sends while open, and closes on success', async () => {
    const settings: RateLimitingSettings = { redisUrl: cluster.url, prefix: 'sb' };
    connection = new RateLimitConnection(settings);
    const breaker = new CircuitBreaker(connection, { failureThreshold: 2, windowMs: 5_000, openMs: 60_000 });
    const limiter = new SendLimiter(connection, settings);
    const gate = breaker.gate('sms:conn-c', 'conn-c');
    expect(await limiter.acquireCircuit(gate)).toEqual({ ok: true, holdMs: 0, circuit: 'closed' });
    expect(await breaker.recordFailure(gate)).toBe(false);
    expect(await breaker.recordFailure(gate)).toBe(true);
    expect(await limiter.acquireCircuit(gate)).toMatchObject({ ok: false, reason: 'circuit_open' });
    await breaker.recordSuccess(gate);
    expect(await limiter.acquireCircuit(gate)).toEqual({ ok: true, holdMs: 0, circuit: 'closed' });
  });
});
