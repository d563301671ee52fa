import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { CircuitBreaker } from './circuit-breaker';
import { RateLimitConnection } from './rate-limit.connection';
import type { RateLimitingSettings } from './rate-limiting.constants';
import { SendLimiter } from './send-limiter.service';

describe('CircuitBreaker (real Redis)', () => {
  let testRedis: TestRedis;
  const connections: RateLimitConnection[] = [];
  const settings = { failureThreshold: 3, windowMs: 5_000, openMs: 300 };

  /** One worker process: its breaker (outcomes) and its limiter (the permit call that checks the circuit). */
  function worker(): { breaker: CircuitBreaker; limiter: SendLimiter } {
    const limits: RateLimitingSettings = { redisUrl: testRedis.url, prefix: testRedis.prefix };
    const connection = new RateLimitConnection(limits);
    connections.push(connection);
    return { breaker: new CircuitBreaker(connection, settings), limiter: new SendLimiter(connection, limits) };
  }

  beforeAll(() => {
    testRedis = createTestRedis('circuit');
  });

  afterAll(async () => {
    for (const connection of connections) connection.onModuleDestroy();
    await testRedis.cleanup();
  });

  /** A circuit, tagged as its account's sends tag it (the account is the key unless named). */
  const gateOf = (key: string, tag = key) => ({ key, tag, probeMs: settings.openMs });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('opens after the threshold, shares the state across workers, lets one probe through, and closes on success', async () => {
    const [one, two] = [worker(), worker()];
    const gate = one.breaker.gate('waba-a', 'waba-a');
    expect(await one.limiter.acquireCircuit(gate)).toEqual({ ok: true, holdMs: 0, circuit: 'closed' });
    expect(await one.breaker.recordFailure(gateOf('waba-a'))).toBe(false);
    // Failures counted: a success now has something to clear.
    expect(await two.limiter.acquireCircuit(gate)).toEqual({ ok: true, holdMs: 0, circuit: 'failing' });
    expect(await two.breaker.recordFailure(gateOf('waba-a'))).toBe(false);
    expect(await one.breaker.recordFailure(gateOf('waba-a'))).toBe(true);

    const refused = await two.limiter.acquireCircuit(gate);
    expect(refused).toMatchObject({ ok: false, reason: 'circuit_open' });
    expect(!refused.ok && refused.waitMs).toBeGreaterThan(0);
    expect(await one.limiter.acquireCircuit(one.breaker.gate('waba-b', 'waba-b'))).toEqual({ ok: true, holdMs: 0, circuit: 'closed' });

    await pause(settings.openMs + 50);
    const [first, second] = await Promise.all([one.limiter.acquireCircuit(gate), two.limiter.acquireCircuit(gate)]);
    expect([first, second].filter((permit) => permit.ok)).toEqual([{ ok: true, holdMs: 0, circuit: 'probe' }]);

    await one.breaker.recordSuccess(gateOf('waba-a'));
    expect(await two.limiter.acquireCircuit(gate)).toEqual({ ok: true, holdMs: 0, circuit: 'closed' });
  });

  it('re-opens at once when the half-open probe fails', async () => {
    const { breaker, limiter } = worker();
    for (let i = 0; i < 3; i += 1) await breaker.recordFailure(gateOf('waba-c'));
    await pause(settings.openMs + 50);
    expect(await limiter.acquireCircuit(breaker.gate('waba-c', 'waba-c'))).toEqual({ ok: true, holdMs: 0, circuit: 'probe' });
    expect(await breaker.recordFailure(gateOf('waba-c'))).toBe(true);
    expect((await limiter.acquireCircuit(breaker.gate('waba-c', 'waba-c'))).ok).toBe(false);
  });

  it('is checked in the send permit call: an open circuit refuses before any limit, and a refused send takes no probe', async () => {
    const { breaker, limiter } = worker();
    const send = (recipient: string) =>
      limiter.acquire({ circuit: breaker.gate('whatsapp:waba-d', 'waba-d'), phoneNumberId: '5550001', wabaId: 'waba-d', mps: 1, recipient, businessInitiated: false });
    expect(await send('447001')).toMatchObject({ ok: true, circuit: 'closed' });
    for (let i = 0; i < 3; i += 1) await breaker.recordFailure(gateOf('whatsapp:waba-d', 'waba-d'));
    // Open: refused by the circuit although the number's next slot is within the hold.
    expect(await send('447002')).toMatchObject({ ok: false, reason: 'circuit_open' });

    await pause(settings.openMs + 50);
    // Half-open, but the number (1 mps) has no slot within the hold: refused by throughput, the probe stays free.
    expect(await send('447003')).toMatchObject({ ok: false, reason: 'throughput' });
    expect(await limiter.acquireCircuit(breaker.gate('whatsapp:waba-d', 'waba-d'))).toEqual({ ok: true, holdMs: 0, circuit: 'probe' });
  });
});
