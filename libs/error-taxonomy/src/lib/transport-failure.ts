import type { ErrorBehaviour } from './classification';
import type { RetryPolicy } from './retry-policy';

export const TRANSPORT_FAILURE_REASONS = [
  'timeout',
  'connection_refused',
  'connection_reset',
  'dns_failure',
  'socket_error',
  'http_error',
  'invalid_response',
  'aborted',
] as const;

export type TransportFailureReason = (typeof TRANSPORT_FAILURE_REASONS)[number];

/**
 * A call that did not produce a Graph error body: the network failed, Graph
 * answered with a status but no JSON `error`, or the body was unreadable.
 * `detail` must be log-safe (an error code such as `UND_ERR_HEADERS_TIMEOUT`),
 * never a URL or header.
 */
export interface TransportFailure {
  readonly type: 'transport';
  readonly reason: TransportFailureReason;
  readonly httpStatus?: number;
  readonly detail?: string;
}

/** The rows of the transport table: one per reason, `http_error` split by status class. */
export const TRANSPORT_VARIANTS = [
  'timeout',
  'connection_refused',
  'connection_reset',
  'dns_failure',
  'socket_error',
  'http_5xx',
  'http_429',
  'http_other',
  'invalid_response',
  'aborted',
] as const;

export type TransportVariant = (typeof TRANSPORT_VARIANTS)[number];

export interface TransportEntry extends ErrorBehaviour {
  readonly variant: TransportVariant;
}

const outage: RetryPolicy = { kind: 'circuit', maxAttempts: 5, baseDelayMs: 2000, maxDelayMs: 60_000 };
// A send may have reached Meta before the connection broke (the API has no
// idempotency key), so the worker reconciles by biz_opaque_callback_data first.
const reconcile = 'reconcile sends through biz_opaque_callback_data before resending';

export const TRANSPORT_CATALOGUE: Readonly<Record<TransportVariant, TransportEntry>> = {
  timeout: {
    variant: 'timeout',
    summary: 'Graph did not answer within the call timeout.',
    category: 'transport',
    retry: outage,
    code: 'upstream_timeout',
    action: `Nothing while the circuit recovers; ${reconcile}; raise the timeout only if Graph is slow but healthy.`,
    alert: false,
  },
  connection_refused: {
    variant: 'connection_refused',
    summary: 'The connection to Graph was refused.',
    category: 'transport',
    retry: outage,
    code: 'upstream_unavailable',
    action: 'Check GRAPH_API_BASE_URL and outbound network access if the circuit stays open.',
    alert: false,
  },
  connection_reset: {
    variant: 'connection_reset',
    summary: 'The connection to Graph was closed or reset mid-call.',
    category: 'transport',
    retry: outage,
    code: 'upstream_unavailable',
    action: `Nothing while the circuit recovers; ${reconcile}.`,
    alert: false,
  },
  dns_failure: {
    variant: 'dns_failure',
    summary: 'The Graph host name could not be resolved.',
    category: 'transport',
    retry: outage,
    code: 'upstream_unavailable',
    action: 'Check DNS resolution of the Graph host from the worker if the circuit stays open.',
    alert: false,
  },
  socket_error: {
    variant: 'socket_error',
    summary: 'The connection to Graph failed (socket or TLS error).',
    category: 'transport',
    retry: outage,
    code: 'upstream_unavailable',
    action: `Nothing while the circuit recovers; ${reconcile}; check proxies and TLS interception if it persists.`,
    alert: false,
  },
  http_5xx: {
    variant: 'http_5xx',
    summary: 'Graph answered with a 5xx status and no JSON error body.',
    category: 'server',
    retry: outage,
    code: 'upstream_unavailable',
    action: `Nothing while the circuit recovers; ${reconcile}.`,
    alert: false,
  },
  http_429: {
    variant: 'http_429',
    summary: 'Graph answered 429 without a JSON error body.',
    category: 'throttling',
    retry: { kind: 'backoff', maxAttempts: 5, baseDelayMs: 5000, maxDelayMs: 300_000 },
    code: 'rate_limited',
    action: 'Nothing if it clears; lower call volume if it persists.',
    alert: false,
  },
  http_other: {
    variant: 'http_other',
    summary: 'Graph answered a non-2xx status other than 429/5xx without a JSON error body.',
    category: 'unknown',
    retry: { kind: 'none' },
    code: 'upstream_protocol_error',
    action: 'Check GRAPH_API_BASE_URL (a proxy or wrong host answers like this) and the Graph version.',
    alert: true,
  },
  invalid_response: {
    variant: 'invalid_response',
    summary: 'Graph answered 2xx with a body the client could not read.',
    category: 'unknown',
    // It may have succeeded: retrying a send could duplicate it.
    retry: { kind: 'none' },
    code: 'upstream_protocol_error',
    action: 'Check whether the Graph version changed the response shape; reconcile the message by its webhook.',
    alert: true,
  },
  aborted: {
    variant: 'aborted',
    summary: 'The caller aborted the call before Graph answered.',
    category: 'cancelled',
    retry: { kind: 'none' },
    code: 'request_aborted',
    action: 'Nothing: the caller cancelled (shutdown or its own deadline).',
    alert: false,
  },
};

export function transportVariantOf(failure: TransportFailure): TransportVariant {
  switch (failure.reason) {
    case 'http_error': {
      const status = failure.httpStatus ?? 0;
      if (status >= 500) return 'http_5xx';
      if (status === 429) return 'http_429';
      return 'http_other';
    }
    case 'timeout':
    case 'connection_refused':
    case 'connection_reset':
    case 'dns_failure':
    case 'socket_error':
    case 'invalid_response':
    case 'aborted':
      return failure.reason;
  }
}

const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Maps what an HTTP client (undici, or node:net underneath it) threw to a transport
 * failure, for every vendor client. Only the error *code* is kept as `detail`: client
 * messages can contain the URL, and URLs can contain query credentials.
 */
export function transportFailureOf(error: unknown): TransportFailure {
  const code = errorCode(error);
  const failure = (reason: TransportFailureReason): TransportFailure => ({
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
