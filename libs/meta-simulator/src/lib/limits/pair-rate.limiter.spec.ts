import { PairRateLimiter } from './pair-rate.limiter';

describe('PairRateLimiter (token bucket: burst 45, one message per 6 s)', () => {
  const meta = () => new PairRateLimiter({ burst: 45, refillIntervalMs: 6000 });

  const sendAll = (limiter: PairRateLimiter, count: number, now: number) => {
    let sent = 0;
    for (let i = 0; i < count; i += 1) {
      if (!limiter.canSend('phone', 'user', now)) break;
      limiter.take('phone', 'user', now);
      sent += 1;
    }
    return sent;
  };

  it('allows a burst of 45 to one recipient, then refuses', () => {
    const limiter = meta();
    expect(sendAll(limiter, 100, 0)).toBe(45);
    expect(limiter.canSend('phone', 'user', 0)).toBe(false);
    expect(limiter.waitMs('phone', 'user', 0)).toBe(6000);
  });

  it('refills one message every 6 s: the steady rate is 10 per minute', () => {
    const limiter = meta();
    sendAll(limiter, 45, 0);
    expect(limiter.canSend('phone', 'user', 5999)).toBe(false);
    expect(limiter.canSend('phone', 'user', 6000)).toBe(true);
    let sent = 0;
    for (let t = 6000; t <= 60_000; t += 1000) sent += sendAll(limiter, 1, t);
    expect(sent).toBe(10);
  });

  it('makes a burst borrow against future quota: 20 at once cost about 2 minutes', () => {
    const limiter = meta();
    sendAll(limiter, 20, 0);
    // 25 tokens left; after 2 minutes the 20 borrowed are back.
    expect(sendAll(limiter, 100, 120_000)).toBe(45);
  });

  it('keeps pairs independent: another recipient or another number is unaffected', () => {
    const limiter = meta();
    sendAll(limiter, 45, 0);
    expect(limiter.canSend('phone', 'other-user', 0)).toBe(true);
    expect(limiter.canSend('other-phone', 'user', 0)).toBe(true);
  });

  it('follows a configuration change and forgets everything on reset', () => {
    const limiter = new PairRateLimiter({ burst: 2, refillIntervalMs: 1000 });
    expect(sendAll(limiter, 5, 0)).toBe(2);
    limiter.reset();
    limiter.configure({ burst: 3, refillIntervalMs: 1000 });
    expect(sendAll(limiter, 5, 0)).toBe(3);
  });
});
