import { ThroughputLimiter } from './throughput.limiter';

describe('ThroughputLimiter (sliding one-second window)', () => {
  it('allows mps sends in any one second and refuses the next', () => {
    const limiter = new ThroughputLimiter();
    for (let i = 0; i < 80; i += 1) expect(limiter.tryAcquire('phone', 80, i)).toBe(true);
    expect(limiter.tryAcquire('phone', 80, 500)).toBe(false);
    // The first send (t=0) leaves the window at t=1000.
    expect(limiter.tryAcquire('phone', 80, 999)).toBe(false);
    expect(limiter.tryAcquire('phone', 80, 1000)).toBe(true);
  });

  it('slides rather than resetting on second boundaries', () => {
    const limiter = new ThroughputLimiter();
    for (let i = 0; i < 5; i += 1) expect(limiter.tryAcquire('phone', 5, 900)).toBe(true);
    // A fixed window would allow 5 more at t=1000; Meta's "per second" is not tied to the clock's seconds.
    expect(limiter.tryAcquire('phone', 5, 1000)).toBe(false);
    expect(limiter.tryAcquire('phone', 5, 1900)).toBe(true);
  });

  it('counts each number separately', () => {
    const limiter = new ThroughputLimiter();
    expect(limiter.tryAcquire('a', 1, 0)).toBe(true);
    expect(limiter.tryAcquire('a', 1, 10)).toBe(false);
    expect(limiter.tryAcquire('b', 1, 10)).toBe(true);
  });

  it('copes with benchmark-sized limits (a million mps) across many milliseconds', () => {
    const limiter = new ThroughputLimiter();
    let allowed = 0;
    for (let t = 0; t < 3000; t += 1) for (let i = 0; i < 10; i += 1) if (limiter.tryAcquire('phone', 1_000_000, t)) allowed += 1;
    expect(allowed).toBe(30_000);
    const small = new ThroughputLimiter();
    let smallAllowed = 0;
    for (let t = 0; t < 3000; t += 1) if (small.tryAcquire('phone', 3, t)) smallAllowed += 1;
    expect(smallAllowed).toBe(9);
  });
});
