import { setTimeout as sleep } from 'node:timers/promises';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { RateLimitConnection } from './rate-limit.connection';
import type { RateLimitingSettings, SendLimitSettings } from './rate-limiting.constants';
import { SendLimiter } from './send-limiter.service';
import type { SendPermitRequest } from './send-limiter.types';

const DAY = 24 * 60 * 60 * 1000;

/** The most sends that fall in any window of `windowMs` (half-open, like Meta's counter). */
function busiestWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('SendLimiter (real Redis)', () => {
  let redis: TestRedis;
  const connections: RateLimitConnection[] = [];

  /** A limiter on its own connection, like one worker process. */
  function worker(clock?: () => number, send?: Partial<SendLimitSettings>): SendLimiter {
    const settings: RateLimitingSettings = { redisUrl: redis.url, prefix: redis.prefix, ...(clock ? { clock } : {}), ...(send ? { send } : {}) };
    const connection = new RateLimitConnection(settings);
    connections.push(connection);
    return new SendLimiter(connection, settings);
  }

  /** A fake clock every limiter of a test shares: consistent, and as fast as the test likes. */
  function fakeClock(start = 1_800_000_000_000) {
    const clock = { now: start, read: () => clock.now };
    return clock;
  }

  let n = 0;
  /** Fresh number and WABA per test, so tests never share limits. */
  function ids() {
    n += 1;
    return { phoneNumberId: `1000${n}`, wabaId: `2000${n}` };
  }

  beforeAll(() => {
    redis = createTestRedis('rate-limiting');
  });

  afterAll(async () => {
    for (const connection of connections) connection.onModuleDestroy();
    await redis.cleanup();
  });

  it('never lets more than mps sends into any 1-second window, spreads held jobs over distinct turns and keeps the rate near mps', async () => {
    const clock = fakeClock();
    const limiters = [worker(clock.read), worker(clock.read)];
    const sender = ids();
    // 800 queued jobs; a held job comes back exactly when told (an event queue on the fake clock).
    let queue = Array.from({ length: 800 }, (_, i) => ({ at: clock.now, recipient: `4477000${i}` }));
    const sent: number[] = [];
    let calls = 0;
    while (queue.length > 0) {
      queue.sort((a, b) => a.at - b.at);
      const job = queue.shift() as { at: number; recipient: string };
      clock.now = job.at;
      calls += 1;
      const permit = await (limiters[calls % 2] as SendLimiter).acquire({ ...sender, mps: 80, recipient: job.recipient, businessInitiated: false });
      if (permit.ok) {
        expect(permit.grantedAt).toBe(clock.now);
        sent.push(permit.grantedAt);
      } else {
        expect(permit.reason).toBe('throughput');
        expect(permit.waitMs).toBeGreaterThan(0);
        queue = [...queue, { at: clock.now + permit.waitMs, recipient: job.recipient }];
      }
    }
    expect(sent).toHaveLength(800);
    if (process.env['DBG']) console.log(JSON.stringify(sent.map((t) => t - 1_800_000_000_000)));
    expect(busiestWindow(sent)).toBeLessThanOrEqual(80);
    // The 25 ms margin allows 80 per 1,025 ms: 9 more windows after the first burst.
    const seconds = ((sent.at(-1) as number) - (sent[0] as number)) / 1000;
    expect(800 / seconds).toBeGreaterThanOrEqual(76);
    // Each held job was told a turn of its own: one refusal per held job (1,520 calls). If all held
    // jobs woke whenever slots freed, every round would refuse all the rest: about 4,400 calls.
    expect(calls).toBeLessThan(800 * 2);
  });

  it('shares one number limit between two workers on two connections in real time', async () => {
    const [first, second] = [worker(), worker()];
    const sender = ids();
    const sent: number[] = [];
    const stopAt = Date.now() + 2_500;
    const run = async (limiter: SendLimiter, name: string) => {
      let i = 0;
      while (Date.now() < stopAt) {
        i += 1;
        const permit = await limiter.acquire({ ...sender, mps: 20, recipient: `${name}${i}`, businessInitiated: false });
        if (permit.ok) sent.push(permit.grantedAt);
        else await sleep(Math.min(permit.waitMs, Math.max(0, stopAt - Date.now())));
      }
    };
    await Promise.all([run(first as SendLimiter, '4411'), run(second as SendLimiter, '4422')]);
    expect(busiestWindow(sent)).toBeLessThanOrEqual(20);
    // 2.5 s at 20 per 1,025 ms: the first burst and two more at most; near that unless the machine stalls.
    expect(sent.length).toBeGreaterThanOrEqual(40);
    expect(sent.length).toBeLessThanOrEqual(60);
  });

  it('real time, two workers, 400 jobs held behind one 80 mps number: strict and near 80/s', async () => {
    const limiters = [worker(), worker()];
    const sender = ids();
    const sent: number[] = [];
    // Each job is delayed by exactly the wait it was told, like a BullMQ job moved to the delayed set.
    const job = async (i: number): Promise<void> => {
      for (;;) {
        const permit = await (limiters[i % 2] as SendLimiter).acquire({ ...sender, mps: 80, recipient: `4474${i}`, businessInitiated: false });
        if (permit.ok) return void sent.push(permit.grantedAt);
        await sleep(permit.waitMs);
      }
    };
    await Promise.all(Array.from({ length: 400 }, (_, i) => job(i)));
    expect(busiestWindow(sent)).toBeLessThanOrEqual(80);
    const seconds = (Math.max(...sent) - Math.min(...sent)) / 1000;
    // 80 at once, then 320 at 80 per 1,025 ms: 4.1 s; slower only when the machine stalls the timers.
    expect(400 / seconds).toBeGreaterThanOrEqual(60);
  }, 20_000);

  it('pair rate: a burst of 45 to one user, then one per 6 s; other users unaffected; held waiters get successive turns', async () => {
    const clock = fakeClock();
    const limiter = worker(clock.read);
    const sender = ids();
    const to = (recipient: string): SendPermitRequest => ({ ...sender, mps: 1000, recipient, businessInitiated: false });

    for (let i = 0; i < 45; i += 1) expect((await limiter.acquire(to('4470001'))).ok).toBe(true);
    expect(await limiter.acquire(to('4470001'))).toEqual({ ok: false, waitMs: 6_000, reason: 'pair_rate' });
    expect(await limiter.acquire(to('4470001'))).toEqual({ ok: false, waitMs: 12_000, reason: 'pair_rate' });
    expect((await limiter.acquire(to('4470002'))).ok).toBe(true);

    clock.now += 5_999;
    expect((await limiter.acquire(to('4470001'))).ok).toBe(false);
    clock.now += 1;
    expect((await limiter.acquire(to('4470001'))).ok).toBe(true);
    clock.now += 6_000;
    expect((await limiter.acquire(to('4470001'))).ok).toBe(true);
    expect((await limiter.acquire(to('4470001'))).ok).toBe(false);
  });

  it('a refused send takes nothing from the other limits', async () => {
    const clock = fakeClock();
    const limiter = worker(clock.read, { pairBurst: 1 });
    const sender = ids();
    const to = (recipient: string): SendPermitRequest => ({ ...sender, mps: 2, recipient, businessInitiated: true, portfolioTier: 'TIER_250' });

    expect(await limiter.acquire(to('4471001'))).toMatchObject({ ok: true, portfolio: { used: 1 } });
    // Refused by the pair rate: takes no throughput slot and no portfolio place.
    expect(await limiter.acquire(to('4471001'))).toMatchObject({ ok: false, reason: 'pair_rate' });
    expect(await limiter.acquire(to('4471002'))).toMatchObject({ ok: true, portfolio: { used: 2 } });
    // Refused by throughput: the new recipient does not enter the portfolio, its pair bucket stays full.
    expect(await limiter.acquire(to('4471003'))).toMatchObject({ ok: false, reason: 'throughput', portfolio: { used: 2 } });
    clock.now += 1_025;
    expect(await limiter.acquire(to('4471003'))).toMatchObject({ ok: true, portfolio: { used: 3 } });
  });

  it('portfolio limit: 250 unique users in a moving 24 h, repeats free, held until the oldest slides out, usage ratio reported', async () => {
    const clock = fakeClock();
    const limiter = worker(clock.read);
    const sender = ids();
    const otherNumber = { phoneNumberId: `${sender.phoneNumberId}9`, wabaId: sender.wabaId };
    const send = (recipient: string, businessInitiated = true, from = sender) =>
      limiter.acquire({ ...from, mps: 100_000, recipient, businessInitiated, portfolioTier: 'TIER_250' });

    const first = clock.now;
    for (let i = 0; i < 250; i += 1) {
      // Both numbers of the WABA share the portfolio's count.
      const permit = await send(`4472${String(i).padStart(4, '0')}`, true, i % 2 === 0 ? sender : otherNumber);
      expect(permit.ok).toBe(true);
      if (i === 199) expect(permit.portfolio).toEqual({ used: 200, limit: 250, ratio: 0.8 });
      clock.now += 1_000;
    }
    // A recipient already reached in the window does not count again.
    expect(await send('44720000')).toEqual({ ok: true, grantedAt: clock.now, portfolio: { used: 250, limit: 250, ratio: 1 } });
    // A reply inside an open window is not business-initiated: not counted, not held.
    expect(await send('44729999', false)).toEqual({ ok: true, grantedAt: clock.now });

    // A new user waits until the oldest entry slides out; the next waiter for the one after.
    // 44720000 was messaged again just now, so the oldest is 44720001 (sent at first + 1 s).
    const held = await send('44729998');
    expect(held).toMatchObject({ ok: false, reason: 'portfolio_limit', waitMs: first + 1_000 + DAY - clock.now });
    const next = await send('44729997');
    expect(next).toMatchObject({ ok: false, reason: 'portfolio_limit', waitMs: first + 2_000 + DAY - clock.now });

    clock.now = first + 1_000 + DAY;
    expect(await send('44729998')).toEqual({ ok: true, grantedAt: clock.now, portfolio: { used: 250, limit: 250, ratio: 1 } });
    expect((await send('44729997')).ok).toBe(false);

    // Unlimited tier: never held, no usage to report.
    expect(await limiter.acquire({ ...sender, mps: 100_000, recipient: '44729996', businessInitiated: true, portfolioTier: 'TIER_UNLIMITED' })).toEqual({ ok: true, grantedAt: clock.now });
  });

  it('slows a WABA down past 85 % Graph usage and holds it at 100 % until the report expires', async () => {
    const clock = fakeClock();
    const limiter = worker(clock.read);
    const sender = ids();
    const send = (i: number) => limiter.acquire({ ...sender, mps: 1000, recipient: `44730${i}`, businessInitiated: false });

    await limiter.recordGraphUsage(sender.wabaId, { maxPercentage: 60, estimatedTimeToRegainAccessMs: 0 });
    expect((await send(1)).ok).toBe(true);
    expect((await send(2)).ok).toBe(true);

    // 92.5 % is half-way from 85 % to 100 %: sends of the WABA 500 ms apart.
    await limiter.recordGraphUsage(sender.wabaId, { maxPercentage: 92.5, estimatedTimeToRegainAccessMs: 0 });
    expect((await send(3)).ok).toBe(true);
    expect(await send(4)).toEqual({ ok: false, waitMs: 500, reason: 'graph_usage' });
    expect(await send(5)).toEqual({ ok: false, waitMs: 1_000, reason: 'graph_usage' });
    clock.now += 500;
    expect((await send(4)).ok).toBe(true);

    // 100 %: nothing until Graph's regain time has passed (the report's lifetime).
    await limiter.recordGraphUsage(sender.wabaId, { maxPercentage: 100, estimatedTimeToRegainAccessMs: 120_000 });
    clock.now += 10_000;
    const blocked = await send(6);
    expect(blocked).toMatchObject({ ok: false, reason: 'graph_usage' });
    expect(blocked.ok === false && blocked.waitMs).toBeGreaterThan(110_000);
    expect(blocked.ok === false && blocked.waitMs).toBeLessThanOrEqual(120_000);

    // Usage back down: full speed again.
    await limiter.recordGraphUsage(sender.wabaId, { maxPercentage: 10, estimatedTimeToRegainAccessMs: 0 });
    expect((await send(6)).ok).toBe(true);
    expect((await send(7)).ok).toBe(true);
  });
});
