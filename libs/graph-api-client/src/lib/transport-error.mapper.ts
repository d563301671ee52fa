import { transportFailureOf, type TransportFailure } from '@switchboard/error-taxonomy';

/** Who ended a call early: its own deadline or the caller's AbortSignal. */
export type AbortCause = 'deadline' | 'caller' | undefined;

/** Duck-typed so this file does not depend on the handler (and specs can fake it). */
function cancelReason(error: unknown): 'deadline' | 'caller' | 'too_large' | undefined {
  if (typeof error !== 'object' || error === null || (error as { name?: unknown }).name !== 'GraphCallCancelled') return undefined;
  const reason = (error as { reason?: unknown }).reason;
  return reason === 'deadline' || reason === 'caller' || reason === 'too_large' ? reason : undefined;
}

/**
 * Maps whatever ended a Graph call without an answer to the taxonomy's transport
 * descriptor: the client's own cancellations here, socket and DNS errors through
 * the taxonomy's `transportFailureOf` (which keeps only the error code as `detail`).
 */
export function toTransportFailure(error: unknown): TransportFailure {
  switch (cancelReason(error)) {
    case 'deadline':
      return { type: 'transport', reason: 'timeout', detail: 'deadline' };
    case 'caller':
      return { type: 'transport', reason: 'aborted', detail: 'caller' };
    case 'too_large':
      return { type: 'transport', reason: 'invalid_response', detail: 'too_large' };
    case undefined:
      return transportFailureOf(error);
  }
}
