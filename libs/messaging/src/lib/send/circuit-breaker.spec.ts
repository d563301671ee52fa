import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { Redis } from 'ioredis';
import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let other: Redis;
  const settings = { failureThreshold: 3, windowMs: 5_000, openMs: 300 };

  beforeAll(() => {
    testRedis = createTestRedis('circuit');
    redis = new Redis(testRedis.url, { disableClientInfo: true });
    other = new Redis(testRedis.url, { disableClientInfo: true });
  });

  afterAll(async () => {
    await testRedis.cleanup();
    redis.disconnect();
    other.disconnect();
  });

  it('opens after the threshold, shares the state across workers, lets one probe through, and closes on success', async () => {
    const worker1 = new CircuitBreaker(redis, testRedis.prefix, settings);
    const worker2 = new CircuitBreaker(other, testRedis.prefix, settings);
    expect(await worker1.acquire('waba-a')).toEqual({ allowed: true, probe: false });
    expect(await worker1.recordFailure('waba-a')).toBe(false);
    expect(await worker2.recordFailure('waba-a')).toBe(false);
    expect(await worker1.recordFailure('waba-a')).toBe(true);

    const refused = await worker2.acquire('waba-a');
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.waitMs).toBeGreaterThan(0);
    expect(await worker1.acquire('waba-b')).toEqual({ allowed: true, probe: false });

    await new Promise((resolve) => setTimeout(resolve, settings.openMs + 50));
    const [first, second] = await Promise.all([worker1.acquire('waba-a'), worker2.acquire('waba-a')]);
    expect([first, second].filter((permit) => permit.allowed)).toEqual([{ allowed: true, probe: true }]);

    await worker1.recordSuccess('waba-a');
    expect(await worker2.acquire('waba-a')).toEqual({ allowed: true, probe: false });
  });

  it('re-opens at once when the half-open probe fails', async () => {
    const breaker = new CircuitBreaker(redis, testRedis.prefix, settings);
    for (let i = 0; i < 3; i += 1) await breaker.recordFailure('waba-c');
    await new Promise((resolve) => setTimeout(resolve, settings.openMs + 50));
    expect(await breaker.acquire('waba-c')).toEqual({ allowed: true, probe: true });
    expect(await breaker.recordFailure('waba-c')).toBe(true);
    expect((await breaker.acquire('waba-c')).allowed).toBe(false);
  });
});
