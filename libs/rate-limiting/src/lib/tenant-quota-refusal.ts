import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { QuotaDecision } from './tenant-request-quota.service';

/** Whole seconds until the quota window starts again (at least 1): Retry-After and RateLimit-Reset. */
export function quotaResetSeconds(resetMs: number): number {
  return Math.max(1, Math.ceil(resetMs / 1000));
}

/**
 * The `rate_limited` refusal of a spent quota, or undefined when the request may go: the
 * one wording for REST, GraphQL and subscriptions. An unanswered quota (Redis away) lets
 * the request through, as `unavailable` says.
 */
export function quotaRefusal(decision: QuotaDecision): SwitchboardError | undefined {
  if (decision.kind !== 'counted' || decision.allowed) return undefined;
  const resetSeconds = quotaResetSeconds(decision.resetMs);
  return new SwitchboardError({
    code: 'rate_limited',
    message: `Request quota of this tenant environment (${decision.limit} requests) is spent; retry after ${resetSeconds} s`,
    retryAfterMs: resetSeconds * 1000,
  });
}
