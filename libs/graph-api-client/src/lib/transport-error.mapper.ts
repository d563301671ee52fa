import type { TransportFailure } from '@switchboard/error-taxonomy';

/** Who ended a call early: its own deadline or the caller's AbortSignal. */
export type AbortCause = 'deadline' | 'caller' | undefined;

/** Duck-typed so this file does not depend on the handler (and specs can fake it). */
function cancelReason(error: unknown): 'deadline' | 'caller' | 'too_large' | undefined {
  if (typeof error !== 'object' || error === null || (error as { name?: unknown }).name !== 'GraphCallCancelled') return undefined;
  const reason = (error as { reason?: unknown }).reason;
  return reason === 'deadline' || reason === 'caller' || reason === 'too_large' ? reason : undefined;
}

const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const TIMEOUT = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Maps whatever undici (or node:net underneath it) threw to the taxonomy's
 * transport descriptor. Only the error *code* is kept as `detail`: undici
 * messages can contain the URL, and URLs can contain query credentials.
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
      break;
  }

  const code = errorCode(error);
  const failure = (reason: TransportFailure['reason']): TransportFailure => ({
    type: 'transport',
    reason,
    ...(code ? { detail: code } : {}),
  });
  if (code === undefined) return failure('socket_error');
  if (REFUSED.has(code)) return failure('connection_refused');
  if (DNS.has(code)) return failure('dns_failure');
  if (TIMEOUT.has(code)) return failure('timeout');
  if (RESET.has(code)) return failure('connection_reset');
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return failure('aborted');
  return failure('socket_error');
}

// Connection errors may arrive wrapped (AggregateError for dual-stack connects, `cause`).
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors as unknown[]) {
      const c = errorCode(inner, depth + 1);
      if (c) return c;
    }
  }
  return errorCode(e.cause, depth + 1);
}
