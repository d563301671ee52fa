import { setTimeout as sleep } from 'node:timers/promises';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { RateLimitConnection } from './rate-limit.connection';
import { DEFAULT_SEND_LIMIT_SETTINGS, type RateLimitingSettings, type SendLimitSettings } from './rate-limiting.constants';
import { SendLimiter } from './send-limiter.service';
import type { SendGrant, SendPermitRequest } from './send-limiter.types';

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
  // The margin pinned at 30 ms (no departure is measured here, so every process reports the widest):
  // at 80 mps one send slot every (1,000 + 30) / 80 ms, taken at most `hold` ms ahead.
  const margin = 30;
  const pinned: Partial<SendLimitSettings> = { throughputMaxMarginMs: margin };
  const { throughputHoldMs: hold } = DEFAULT_SEND_LIMIT_SETTINGS;
  const spacing = (1000 + margin) / 80;
  const connections: RateLimitConnection[] = [];

  /** A limiter on its own connection, like one worker process. */
  function worker(clock?: () => number, send?: Partial<SendLimitSettings>): SendLimiter {
    const settings: RateLimitingSettings = { redisUrl: redis.url, prefix: redis.prefix, ...(clock ? { clock } : {}), send: { ...pinned, ...send } };
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
    return { phoneNumberId: `1000${n}`, wabaId: `2000${n}`, circuit: { key: `whatsapp:2000${n}`, tag: `2000${n}`, probeMs: 30_000 } };
  }

  beforeAll(() => {
    redis = createTestRedis('rate-limiting');
  });

  afterAll(async () => {
    for (const connection of connections) connection.onModuleDestroy();
    await redis.cleanup();
  });

  /** A granted send of a clean circuit, on the fake clock (the local slot is the slot). */
  function granted(grantedAt: number, holdMs: number, marginMs = margin) {
    return { ok: true, holdMs, circuit: 'closed', slot: { grantedAt, marginMs, localAt: grantedAt } };
  }

  /** The closest two sends come (sorted times). */
  function closestGap(times: number[]): number {
    const sorted = [...times].sort((a, b) => a - b);
    return Math.min(...sorted.slice(1).map((t, i) => t - (sorted[i] as number)));
  }

  /**
   * Two workers on a fake clock drain `jobs` sends of one 80 mps number; a held job comes
   * back when told plus `late(call)` ms (an event queue on the fake clock). A granted job
   * sends at its slot. Returns the slots and how many times the limiter was asked.
   */
  async function drainOnFakeClock(jobs: number, late: (call: number) => number): Promise<{ sent: number[]; calls: number }> {
    const clock = fakeClock();
    const limiters = [worker(clock.read), worker(clock.read)];
    const sender = ids();
    let queue = Array.from({ length: jobs }, (_, i) => ({ at: clock.now, recipient: `4477000${i}` }));
    const sent: number[] = [];
    let calls = 0;
    while (queue.length > 0) {
      queue.sort((a, b) => a.at - b.at);
      const job = queue.shift() as { at: number; recipient: string };
      clock.now = job.at;
      calls += 1;
      const permit = await (limiters[calls % 2] as SendLimiter).acquire({ ...sender, mps: 80, recipient: job.recipient, businessInitiated: false });
      if (permit.ok) {
        expect(permit.holdMs).toBe((permit.slot?.grantedAt ?? 0) - clock.now);
        expect(permit.holdMs).toBeGreaterThanOrEqual(0);
        expect(permit.holdMs).toBeLessThanOrEqual(hold);
        sent.push(permit.slot?.grantedAt ?? NaN);
      } else {
        expect(permit.reason).toBe('throughput');
        expect(permit.waitMs).toBeGreaterThan(0);
        queue = [...queue, { at: clock.now + permit.waitMs + late(calls), recipient: job.recipient }];
      }
    }
    return { sent, calls };
  }

  it('spaces one number\'s sends evenly: never two within a step, so never more than mps in a second; held jobs on distinct turns; rate near mps', async () => {
    const { sent, calls } = await drainOnFakeClock(800, () => 0);
    expect(sent).toHaveLength(800);
    // Slots are whole ms, rounded up from the exact spacing.
    expect(closestGap(sent)).toBeGreaterThanOrEqual(Math.floor(spacing));
    expect(busiestWindow(sent)).toBeLessThanOrEqual(80);
    // Not a second's sends at once (the sliding log this replaced granted 80 here).
    expect(busiestWindow(sent, 100)).toBeLessThanOrEqual(Math.ceil(100 / spacing));
    // 1,000 / spacing is 77.7/s; waiters back on time lose none of it.
    const seconds = ((sent.at(-1) as number) - (sent[0] as number)) / 1000;
    expect(800 / seconds).toBeGreaterThanOrEqual(76);
    // The first callers take the slots within the hold; each other job is refused once, with a turn
    // of its own. If held jobs woke together whenever a slot came up, every round would refuse all the rest.
    const atOnce = 1 + Math.floor(hold / spacing);
    expect(calls).toBe(800 + (800 - atOnce));
  });

  it('stays strict and fast whatever the callers\' lateness: jobs back 0-150 ms after their turns', async () => {
    // A fixed pseudo-random lateness per call (LCG), so a failure replays.
    let seed = 7;
    const late = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 151;
    };
    const { sent } = await drainOnFakeClock(800, late);
    expect(sent).toHaveLength(800);
    expect(closestGap(sent)).toBeGreaterThanOrEqual(Math.floor(spacing));
    expect(busiestWindow(sent)).toBeLessThanOrEqual(80);
    // Late callers take slots they find within the hold: the rate holds up.
    const seconds = ((sent.at(-1) as number) - (sent[0] as number)) / 1000;
    expect(800 / seconds).toBeGreaterThanOrEqual(76);
  });

  it('hold: an idle number sends at once, the next callers get the following slots up to the hold ahead, and idling saves nothing', async () => {
    const clock = fakeClock();
    const limiter = worker(clock.read);
    const sender = ids();
    const t0 = clock.now;
    const send = (i: number) => limiter.acquire({ ...sender, mps: 80, recipient: `44760${i}`, businessInitiated: false });

    expect(await send(0)).toEqual(granted(t0, 0));
    const atOnce = 1 + Math.floor(hold / spacing);
    for (let i = 1; i < atOnce; i += 1) expect(await send(i)).toEqual(granted(Math.ceil(t0 + i * spacing), Math.ceil(t0 + i * spacing) - t0));
    // The next slot is beyond the hold: come back when it is within it, and the next caller a step later.
    const next = t0 + atOnce * spacing;
    expect(await send(10)).toEqual({ ok: false, waitMs: Math.ceil(next - hold - t0), reason: 'throughput' });
    expect(await send(11)).toEqual({ ok: false, waitMs: Math.ceil(next + spacing - hold - t0), reason: 'throughput' });
    clock.now = Math.ceil(next - hold);
    expect(await send(10)).toEqual(granted(Math.ceil(next), Math.ceil(next) - clock.now));

    // Ten idle seconds buy no burst: one send now, the next a step later.
    clock.now += 10_000;
    expect(await send(20)).toEqual(granted(clock.now, 0));
    expect(await send(21)).toMatchObject({ ok: true, slot: { grantedAt: Math.ceil(clock.now + spacing) } });
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
        if (permit.ok) {
          sent.push(permit.slot?.grantedAt ?? NaN);
          await sleep(permit.holdMs);
        } else await sleep(Math.min(permit.waitMs, Math.max(0, stopAt - Date.now())));
      }
    };
    await Promise.all([run(first as SendLimiter, '4411'), run(second as SendLimiter, '4422')]);
    expect(busiestWindow(sent)).toBeLessThanOrEqual(20);
    // One slot per 51.5 ms between both workers: 49 in 2.5 s, plus the few taken ahead within the hold;
    // each worker alone would take as many. Fewer only when the machine stalls.
    expect(sent.length).toBeGreaterThanOrEqual(40);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil((2_500 + hold) / ((1000 + margin) / 20)));
  });

  it('real time, two workers, 400 jobs held behind one 80 mps number: slots spaced on Redis\'s clock, never 81 in a second', async () => {
    const limiters = [worker(), worker()];
    const sender = ids();
    const slots: number[] = [];
    // Each job is delayed by exactly the wait it was told, like a BullMQ job moved to the delayed set,
    // and a granted one holds its send until its slot, like the send worker.
    const job = async (i: number): Promise<void> => {
      for (;;) {
        const permit = await (limiters[i % 2] as SendLimiter).acquire({ ...sender, mps: 80, recipient: `4474${i}`, businessInitiated: false });
        if (permit.ok) {
          slots.push(permit.slot?.grantedAt ?? NaN);
          return void (await sleep(permit.holdMs));
        }
        await sleep(permit.waitMs);
      }
    };
    await Promise.all(Array.from({ length: 400 }, (_, i) => job(i)));
    // On Redis's timeline, whatever the timers did: never two sends within a step.
    expect(closestGap(slots)).toBeGreaterThanOrEqual(Math.floor(spacing));
    expect(busiestWindow(slots)).toBeLessThanOrEqual(80);
    // When the sends leave on the local clock and the rate reached depend on the machine's timers:
    // bench/pacing measures those against the simulator's strict window, not a test.
  }, 20_000);

  it('pair rate: a burst of 45 to one user, then one per 6 s; other users unaffected; held waiters get successive turns', async () => {
    const clock = fakeClock();
    const limiter = worker(clock.read);
    const sender = ids();
    // Throughput out of the way: 45 sends in one millisecond.
    const to = (recipient: string): SendPermitRequest => ({ ...sender, mps: 100_000, recipient, businessInitiated: false });

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

    // mps 2: one slot per 515 ms, taken at most 200 ms ahead.
    expect(await limiter.acquire(to('4471001'))).toMatchObject({ ok: true, portfolio: { used: 1 } });
    // Refused by the pair rate: takes no throughput slot and no portfolio place.
    expect(await limiter.acquire(to('4471001'))).toMatchObject({ ok: false, reason: 'pair_rate' });
    clock.now += 315;
    expect(await limiter.acquire(to('4471002'))).toMatchObject({ ok: true, holdMs: 200, portfolio: { used: 2 } });
    // Refused by throughput: the new recipient does not enter the portfolio, its pair bucket stays full.
    expect(await limiter.acquire(to('4471003'))).toMatchObject({ ok: false, reason: 'throughput', portfolio: { used: 2 } });
    clock.now += 515;
    expect(await limiter.acquire(to('4471003'))).toMatchObject({ ok: true, holdMs: 200, portfolio: { used: 3 } });
  });

  it('portfolio limit: 250 unique users in a moving 24 h, repeats free, held until the oldest slides out, usage ratio reported', async () => {
    const clock = fakeClock();
    const limiter = worker(clock.read);
    const sender = ids();
    const otherNumber = { ...sender, phoneNumberId: `${sender.phoneNumberId}9` };
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
    expect(await send('44720000')).toEqual({ ...granted(clock.now, 0), portfolio: { used: 250, limit: 250, ratio: 1 } });
    // A reply inside an open window is not business-initiated: not counted, not held (its slot is the next ms).
    expect(await send('44729999', false)).toEqual(granted(clock.now + 1, 1));

    // A new user waits until the oldest entry slides out; the next waiter for the one after.
    // 44720000 was messaged again just now, so the oldest is 44720001 (sent at first + 1 s).
    const held = await send('44729998');
    expect(held).toMatchObject({ ok: false, reason: 'portfolio_limit', waitMs: first + 1_000 + DAY - clock.now });
    const next = await send('44729997');
    expect(next).toMatchObject({ ok: false, reason: 'portfolio_limit', waitMs: first + 2_000 + DAY - clock.now });

    clock.now = first + 1_000 + DAY;
    expect(await send('44729998')).toEqual({ ...granted(clock.now, 0), portfolio: { used: 250, limit: 250, ratio: 1 } });
    expect((await send('44729997')).ok).toBe(false);

    // Unlimited tier: never held, no usage to report.
    expect(await limiter.acquire({ ...sender, mps: 100_000, recipient: '44729996', businessInitiated: true, portfolioTier: 'TIER_UNLIMITED' })).toMatchObject({ ok: true });
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
  describe('pacing by measured lateness (the margin)', () => {
    /** A fixed pseudo-random sequence (LCG) per run, so a failure replays. */
    function random(seed: number): (below: number) => number {
      let state = seed;
      return (below) => {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        // The high bits: an LCG's low bits repeat with short periods.
        return Math.floor(state / 2 ** 15) % below;
      };
    }

    const { throughputTransitMs: transit, throughputMaxMarginMs: widest } = DEFAULT_SEND_LIMIT_SETTINGS;
    const defaults: Partial<SendLimitSettings> = { throughputMaxMarginMs: widest };

    interface Pacing {
      /** How late (ms) worker `w` wakes after its n-th granted slot. */
      late(w: number, permit: SendGrant, n: number): number;
      /** From departure to Meta (ms); the limiter allows `transit`. */
      transit(): number;
      /** Which worker takes job `i` (default: alternately). */
      workerOf?(job: number): number;
      /** Send even when `depart` says the slot is missed (what the limiter must prevent). */
      ignoreDeparture?: boolean;
      settings?: Partial<SendLimitSettings>;
    }

    /**
     * Two workers (limiters on their own connections, each its own process id and measurements) on
     * one fake clock send `jobs` sends of one 80 mps number, like the send worker: a refused job
     * comes back when told; a granted one holds until its slot, wakes `late` ms after it, asks
     * `depart`, then reaches Meta `transit` ms later, or takes a new slot. Returns the arrival times
     * at Meta, the departures refused as late, and each grant's margin.
     */
    async function paceOnFakeClock(jobs: number, pacing: Pacing): Promise<{ arrivals: number[]; missed: number; margins: number[] }> {
      const clock = fakeClock();
      const limiters = [worker(clock.read, { ...defaults, ...pacing.settings }), worker(clock.read, { ...defaults, ...pacing.settings })] as const;
      const sender = ids();
      interface Event { at: number; w: number; recipient: string; permit?: SendGrant }
      const events: Event[] = [];
      const schedule = (event: Event) => {
        const index = events.findIndex((other) => other.at > event.at);
        events.splice(index < 0 ? events.length : index, 0, event);
      };
      for (let i = 0; i < jobs; i += 1) schedule({ at: clock.now, w: pacing.workerOf?.(i) ?? i % 2, recipient: `4479${i}` });
      const arrivals: number[] = [];
      const margins: number[] = [];
      let missed = 0;
      for (let event = events.shift(); event; event = events.shift()) {
        clock.now = event.at;
        const limiter = limiters[event.w] as SendLimiter;
        if (event.permit) {
          const onTime = limiter.depart(event.permit);
          if (onTime || pacing.ignoreDeparture) arrivals.push(clock.now + pacing.transit());
          else {
            missed += 1;
            schedule({ at: clock.now, w: event.w, recipient: event.recipient });
          }
          continue;
        }
        const permit = await limiter.acquire({ ...sender, mps: 80, recipient: event.recipient, businessInitiated: false });
        if (!permit.ok) {
          schedule({ at: clock.now + permit.waitMs, w: event.w, recipient: event.recipient });
          continue;
        }
        margins.push(permit.slot?.marginMs ?? NaN);
        schedule({ at: clock.now + permit.holdMs + pacing.late(event.w, permit, margins.length), w: event.w, recipient: event.recipient, permit });
      }
      return { arrivals, missed, margins };
    }

    function rate(arrivals: number[]): number {
      const sorted = [...arrivals].sort((a, b) => a - b);
      return sorted.length / (((sorted.at(-1) as number) - (sorted[0] as number)) / 1000);
    }

    it('small lateness: the margin narrows to what the workers measured, never 81 at Meta in any second, >= 95 % of mps', async () => {
      const draw = random(11);
      const { arrivals, missed, margins } = await paceOnFakeClock(1_600, {
        // Worker 0 wakes 0-3 ms after its slots, worker 1 0-6 ms; the way to Meta takes 0-5 ms.
        late: (w) => draw(w === 0 ? 4 : 7),
        transit: () => draw(transit + 1),
      });
      expect(arrivals).toHaveLength(1_600);
      expect(busiestWindow(arrivals)).toBeLessThanOrEqual(80);
      // The widest margin until each worker measured enough, then worker 1's quantile (6) plus transit.
      expect(margins[0]).toBe(widest);
      expect(margins.at(-1)).toBe(6 + transit);
      expect(missed).toBe(0);
      // (1,000 + 11) / 80 ms apart: 79.1/s once measured.
      expect(rate(arrivals)).toBeGreaterThanOrEqual(76);
    });

    it('lateness beyond the widest margin: those sends take new slots instead of going late, and Meta never sees 81 in a second', async () => {
      const draw = random(5);
      const { arrivals, missed, margins } = await paceOnFakeClock(1_600, {
        // Worker 1 is busy: 0-30 ms late, and one send in 20 is 60-200 ms late.
        late: (w) => (w === 0 ? draw(4) : draw(20) === 0 ? 60 + draw(141) : draw(31)),
        transit: () => draw(transit + 1),
      });
      expect(arrivals).toHaveLength(1_600);
      expect(busiestWindow(arrivals)).toBeLessThanOrEqual(80);
      expect(missed).toBeGreaterThan(0);
      expect(margins.at(-1)).toBe(widest);
      // Slots (1,000 + 50) / 80 ms apart less the missed ones.
      expect(rate(arrivals)).toBeGreaterThanOrEqual(72);
    });

    it('a send that goes later than its margin could breach Meta\'s window: depart refuses it', async () => {
      // Every send at its slot, but the 300th (the margin measured by then) wakes 100 ms late: with the next 80 on time,
      // 81 land in one second.
      const pacing: Pacing = { late: (_w, _p, n) => (n === 300 ? 100 : 0), transit: () => 0 };
      const careless = await paceOnFakeClock(600, { ...pacing, ignoreDeparture: true });
      expect(busiestWindow(careless.arrivals)).toBe(81);
      const paced = await paceOnFakeClock(600, pacing);
      expect(paced.missed).toBe(1);
      expect(busiestWindow(paced.arrivals)).toBeLessThanOrEqual(80);
    });

    it('a margin that shrinks keeps the window: the slots granted with the wider one still count with it', async () => {
      // Worker 1 sends the first hundred jobs, each as late as its margin allows (reaching Meta at slot + margin);
      // worker 0 sends at its slots. Once worker 1's report expires (100 ms here), the number's margin drops
      // from worker 1's to worker 0's while worker 1's last sends are still on their way.
      const { arrivals, margins } = await paceOnFakeClock(600, {
        workerOf: (job) => (job < 200 ? job % 2 : 0),
        late: (w, permit) => (w === 1 ? (permit.slot?.marginMs ?? 0) - transit : 0),
        transit: () => transit,
        settings: { throughputMarginTtlMs: 100, throughputLatenessQuantile: 0.5, throughputMinSamples: 10 },
      });
      expect(margins[0]).toBe(widest);
      expect(margins.at(-1)).toBe(transit);
      expect(busiestWindow(arrivals)).toBeLessThanOrEqual(80);
    });
  });
});
