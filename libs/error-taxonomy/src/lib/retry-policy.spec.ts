import { describeRetryPolicy, isAutomaticRetry, nextRetryDelayMs, type RetryPolicy } from './retry-policy';

describe('retry policy', () => {
  const backoff: RetryPolicy = { kind: 'backoff', maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 3000 };

  it('backs off exponentially up to the cap and stops after maxAttempts', () => {
    expect([1, 2, 3, 4].map((n) => nextRetryDelayMs(backoff, n))).toEqual([1000, 2000, 3000, null]);
  });

  it('waits the longer of the policy and the server hint', () => {
    expect(nextRetryDelayMs(backoff, 1, 60_000)).toBe(60_000);
    expect(nextRetryDelayMs(backoff, 2, 10)).toBe(2000);
  });

  it("uses Meta's 4^X seconds per recipient", () => {
    const policy: RetryPolicy = { kind: 'per_recipient', maxAttempts: 5 };
    expect([1, 2, 3, 4, 5].map((n) => nextRetryDelayMs(policy, n))).toEqual([1000, 4000, 16_000, 64_000, null]);
  });

  it('never schedules a manual delay and schedules an automatic one', () => {
    const manual: RetryPolicy = { kind: 'delay', minDelayMs: 86_400_000, automatic: false, maxAttempts: 1 };
    const auto: RetryPolicy = { kind: 'delay', minDelayMs: 300_000, automatic: true, maxAttempts: 3 };
    expect(isAutomaticRetry(manual)).toBe(false);
    expect(nextRetryDelayMs(manual, 1)).toBeNull();
    expect(isAutomaticRetry(auto)).toBe(true);
    expect(nextRetryDelayMs(auto, 1)).toBe(300_000);
    expect(nextRetryDelayMs(auto, 3)).toBeNull();
  });

  it('never retries none, and circuit behaves like backoff', () => {
    expect(nextRetryDelayMs({ kind: 'none' }, 1)).toBeNull();
    const circuit: RetryPolicy = { kind: 'circuit', maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 1000 };
    expect(nextRetryDelayMs(circuit, 1)).toBe(500);
    expect(nextRetryDelayMs(circuit, 2)).toBeNull();
  });

  it('describes policies for humans', () => {
    expect(describeRetryPolicy({ kind: 'delay', minDelayMs: 86_400_000, automatic: false, maxAttempts: 1 })).toBe(
      'manual, wait ≥ 24 h',
    );
    expect(describeRetryPolicy(backoff)).toBe('backoff ×4 from 1 s');
  });
});
