import type { GraphCallEvent } from './graph-api.types';
import { DEFAULT_TIMEOUTS_MS, type GraphCallKind } from './graph-call-kind';

export interface GraphApiClientOptions {
  /** Graph origin, e.g. `https://graph.facebook.com` (GRAPH_API_BASE_URL). */
  readonly baseUrl: string;
  /** Version segment pinned in every URL, e.g. `v24.0` (GRAPH_API_VERSION). */
  readonly version: string;
  /** Sockets per origin (per resolved address). Default 64. */
  readonly connections?: number;
  /** How long an idle keep-alive socket is kept. Default 55 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Per call-kind deadline covering connect, headers and body. */
  readonly timeoutsMs?: Partial<Record<GraphCallKind, number>>;
  /** TCP/TLS connect timeout. Default 5 s (the call deadline still applies). */
  readonly connectTimeoutMs?: number;
  /** DNS cache of undici's dns interceptor. */
  readonly dns?: {
    /** Longest a DNS answer is reused. Default 60 s. */
    readonly maxTtlMs?: number;
    /** Address family to connect with. Default 4. */
    readonly affinity?: 4 | 6;
    /** Try the other family when a connect is refused. Default false. */
    readonly dualStack?: boolean;
  };
  /** Injectable clock for tests. */
  readonly now?: () => number;
  /** Called after every call (metrics, spans); the event holds no token or URL. */
  readonly onCall?: (event: GraphCallEvent) => void;
}

export interface ResolvedGraphApiClientOptions {
  readonly origin: string;
  readonly version: string;
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  readonly timeoutsMs: Readonly<Record<GraphCallKind, number>>;
  readonly connectTimeoutMs: number;
  readonly dns: { readonly maxTtlMs: number; readonly affinity: 4 | 6; readonly dualStack: boolean };
  readonly now: () => number;
  readonly onCall?: (event: GraphCallEvent) => void;
}

const VERSION = /^v\d+\.\d+$/;

/** Validates once at construction so a typo fails at start, not on the first send. */
export function resolveGraphApiClientOptions(options: GraphApiClientOptions): ResolvedGraphApiClientOptions {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError('GraphApiClient: baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('GraphApiClient: baseUrl must be an http(s) URL');
  }
  if (url.pathname !== '/' || url.search || url.username || url.password) {
    throw new TypeError('GraphApiClient: baseUrl must be an origin without path, query or credentials');
  }
  if (!VERSION.test(options.version)) {
    throw new TypeError(`GraphApiClient: version must look like v24.0, got "${options.version}"`);
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) throw new TypeError(`GraphApiClient: ${name} must be a positive number`);
    return v;
  };
  return {
    origin: url.origin,
    version: options.version,
    connections: positive('connections', options.connections, 64),
    keepAliveTimeoutMs: positive('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 55_000),
    timeoutsMs: {
      messages: positive('timeoutsMs.messages', options.timeoutsMs?.messages, DEFAULT_TIMEOUTS_MS.messages),
      media: positive('timeoutsMs.media', options.timeoutsMs?.media, DEFAULT_TIMEOUTS_MS.media),
      management: positive('timeoutsMs.management', options.timeoutsMs?.management, DEFAULT_TIMEOUTS_MS.management),
    },
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5_000),
    dns: {
      maxTtlMs: positive('dns.maxTtlMs', options.dns?.maxTtlMs, 60_000),
      affinity: options.dns?.affinity ?? 4,
      dualStack: options.dns?.dualStack ?? false,
    },
    now: options.now ?? Date.now,
    ...(options.onCall ? { onCall: options.onCall } : {}),
  };
}
