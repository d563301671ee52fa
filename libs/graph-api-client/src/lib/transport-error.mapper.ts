import type { TransportFailure } from '@switchboard/error-taxonomy';

/** Why the call's own AbortController fired, if it did. */
export type AbortCause = 'deadline' | 'caller' | undefined;

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
export function toTransportFailure(error: unknown, abortCause: AbortCause): TransportFailure {
  if (abortCause === 'deadline') return { type: 'transport', reason: 'timeout', detail: 'deadline' };
  if (abortCause === 'caller') return { type: 'transport', reason: 'aborted', detail: 'caller' };

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
