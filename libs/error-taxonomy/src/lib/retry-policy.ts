/**
 * How (and whether) a failed call may be repeated without a human changing
 * anything. `maxAttempts` always counts the first attempt too.
 *
 * - `none`: a retry would fail the same way (or make things worse).
 * - `backoff`: exponential backoff from `baseDelayMs`, capped at `maxDelayMs`.
 * - `delay`: wait at least `minDelayMs`. Only `automatic` delays are retried by
 *   the gateway; the others (131049 24 h, 131048 ...) tell an operator or a
 *   campaign scheduler the earliest sensible moment, because Meta says retrying
 *   sooner extends the block or hurts quality.
 * - `per_recipient`: Meta's pair-rate advice (131056): wait 4^X seconds,
 *   X = 0, 1, 2 ..., and only for that one recipient; other recipients go on.
 * - `circuit`: a platform outage. Retry with backoff like `backoff`, and also count
 *   the failure against the Graph origin's circuit breaker so all sends pause
 *   instead of hammering a service that is down.
 */
export type RetryPolicy =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'backoff';
      readonly maxAttempts: number;
      readonly baseDelayMs: number;
      readonly maxDelayMs: number;
    }
  | {
      readonly kind: 'delay';
      readonly minDelayMs: number;
      readonly automatic: boolean;
      readonly maxAttempts: number;
    }
  | { readonly kind: 'per_recipient'; readonly maxAttempts: number }
  | {
      readonly kind: 'circuit';
      readonly maxAttempts: number;
      readonly baseDelayMs: number;
      readonly maxDelayMs: number;
    };

export type RetryKind = RetryPolicy['kind'];

/** True when the gateway may repeat the call on its own. */
export function isAutomaticRetry(policy: RetryPolicy): boolean {
  switch (policy.kind) {
    case 'none':
      return false;
    case 'delay':
      return policy.automatic;
    case 'backoff':
    case 'per_recipient':
    case 'circuit':
      return true;
  }
}

/**
 * Delay before the next attempt, or `null` when the policy allows no further
 * automatic attempt. `attemptsMade` is how many attempts already failed (>= 1).
 * A server-supplied wait (usage headers' estimated_time_to_regain_access) wins
 * when it is longer. No jitter here: the scheduler adds its own.
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  serverRetryAfterMs?: number,
): number | null {
  const floor = serverRetryAfterMs ?? 0;
  switch (policy.kind) {
    case 'none':
      return null;
    case 'delay':
      if (!policy.automatic || attemptsMade >= policy.maxAttempts) return null;
      return Math.max(floor, policy.minDelayMs);
    case 'per_recipient':
      if (attemptsMade >= policy.maxAttempts) return null;
      return Math.max(floor, 4 ** (attemptsMade - 1) * 1000);
    case 'backoff':
    case 'circuit':
      if (attemptsMade >= policy.maxAttempts) return null;
      return Math.max(
        floor,
        Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptsMade - 1)),
      );
  }
}

/** Short human rendering, used in the README table and in logs. */
export function describeRetryPolicy(policy: RetryPolicy): string {
  switch (policy.kind) {
    case 'none':
      return 'no';
    case 'backoff':
      return `backoff ×${policy.maxAttempts} from ${formatDuration(policy.baseDelayMs)}`;
    case 'delay':
      return policy.automatic
        ? `auto after ${formatDuration(policy.minDelayMs)} ×${policy.maxAttempts}`
        : `manual, wait ≥ ${formatDuration(policy.minDelayMs)}`;
    case 'per_recipient':
      return `per recipient, 4^X s ×${policy.maxAttempts}`;
    case 'circuit':
      return `circuit + backoff ×${policy.maxAttempts} from ${formatDuration(policy.baseDelayMs)}`;
  }
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
