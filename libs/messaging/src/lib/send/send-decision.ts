import { nextRetryDelayMs, type SwitchboardError } from '@switchboard/error-taxonomy';

/** What the send worker does after one failed vendor call. */
export type SendDecision =
  /** The vendor refused the account's credentials (a WABA's token, an SMS auth token): hold its sends until they are replaced. */
  | { readonly kind: 'pause_account' }
  /** The call may have reached Meta: wait for a status webhook before any resend. */
  | { readonly kind: 'reconcile'; readonly tripsCircuit: boolean }
  /**
   * Try again after `delayMs`. `countsAttempt` is false for throttling (Meta refused before
   * doing anything, so the attempt budget is kept); `tripsCircuit` counts the failure
   * against the WABA's circuit breaker.
   */
  | { readonly kind: 'retry'; readonly delayMs: number; readonly countsAttempt: boolean; readonly tripsCircuit: boolean }
  /** Retryable, but the attempts are spent: replayable through the retry route. */
  | { readonly kind: 'dead' }
  /** Retrying would fail the same way: the classified error is final. */
  | { readonly kind: 'failed' };

/**
 * The taxonomy codes that mean the account's credentials were refused: every send of the
 * account would fail the same way (Meta 0, 3, 10, 190, 200-299, 131005; Twilio 20003).
 */
const CREDENTIAL_CODES: ReadonlySet<string> = new Set(['token_invalid', 'token_missing_scopes']);

// Failures that happen before a request leaves the machine: the message certainly did not reach Meta.
const NOT_SENT_DETAILS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * True when a failed send may still have been accepted by Meta: no Graph error body came
 * back (a timeout, a reset, a bare 5xx) and the connection was not refused outright.
 * Vendors' send APIs have no idempotency key, so such a call is reconciled, not repeated.
 */
export function outcomeUnknown(error: SwitchboardError): boolean {
  if (error.meta !== undefined) return false;
  if (error.code !== 'upstream_timeout' && error.code !== 'upstream_unavailable') return false;
  const detail = error.metadata['transportDetail'];
  return !(typeof detail === 'string' && NOT_SENT_DETAILS.has(detail));
}

/** Up to ±20 % around the delay, so workers retrying the same outage do not stampede. */
export function withJitter(delayMs: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(delayMs * (0.8 + 0.4 * random())));
}

/**
 * The taxonomy decides; this only maps its retry policy onto worker actions.
 * `attemptsMade` counts budgeted attempts including the one that just failed.
 */
export function decideAfterFailure(
  error: SwitchboardError,
  attemptsMade: number,
  options: { random?: () => number } = {},
): SendDecision {
  if (CREDENTIAL_CODES.has(error.code)) return { kind: 'pause_account' };
  const classification = error.classification;
  if (!classification) return { kind: 'failed' };
  const policy = classification.retry;
  if (outcomeUnknown(error)) {
    // Each unknown outcome spends an attempt; the wait is the reconciliation window, not the backoff.
    if (nextRetryDelayMs(policy, attemptsMade) === null) return { kind: 'dead' };
    return { kind: 'reconcile', tripsCircuit: policy.kind === 'circuit' };
  }
  const throttled = classification.category === 'throttling';
  // Throttling does not spend the budget: the delay grows with the attempts of this call only.
  const delay = nextRetryDelayMs(policy, throttled ? 1 : attemptsMade, error.retryAfterMs);
  if (delay === null) return classification.retryable ? { kind: 'dead' } : { kind: 'failed' };
  return {
    kind: 'retry',
    delayMs: withJitter(delay, options.random),
    countsAttempt: !throttled,
    tripsCircuit: policy.kind === 'circuit',
  };
}
