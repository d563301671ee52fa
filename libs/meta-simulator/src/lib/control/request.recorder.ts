import { BoundedLog } from '@switchboard/simulator-support';
import type { RouteKind } from './route-kind';

export interface RecordedRequest {
  id: number;
  at: string;
  method: string;
  /** Path without the query string. */
  path: string;
  route: RouteKind;
  query: Record<string, unknown>;
  /** Every header except Authorization and Cookie. */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Parameters that carry credentials; they never reach the log or the control API. */
const SECRET_KEYS = new Set(['access_token', 'input_token', 'fb_exchange_token', 'client_secret', 'appsecret_proof']);
const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** Masks credential parameters and replaces uploaded bytes with their size. */
export function redactParams(params: unknown): unknown {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return params;
  if (Buffer.isBuffer(params)) return `<${params.length} bytes>`;
  return Object.fromEntries(
    Object.entries(params as Record<string, unknown>).map(([key, value]) => {
      if (SECRET_KEYS.has(key)) return [key, '[redacted]'];
      if (value && typeof value === 'object' && Buffer.isBuffer((value as { bytes?: unknown }).bytes)) {
        const { bytes, ...rest } = value as { bytes: Buffer };
        return [key, { ...rest, bytes: `<${bytes.length} bytes>` }];
      }
      return [key, value];
    }),
  );
}

/** Path and query with credential parameters masked, for logs. */
export function redactUrl(url: string): string {
  const [path, query] = url.split('?', 2);
  if (!query) return path;
  const params = new URLSearchParams(query);
  for (const key of params.keys()) if (SECRET_KEYS.has(key)) params.set(key, '[redacted]');
  return `${path}?${params.toString()}`;
}

/** What the simulator received, for tests that assert on the exact calls a client made. */
export class RequestRecorder {
  readonly log: BoundedLog<RecordedRequest>;
  private nextId = 1;

  constructor(limit: number) {
    this.log = new BoundedLog(limit);
  }

  /** `at`: when the request arrived, epoch ms on the simulator's clock. */
  record(entry: Omit<RecordedRequest, 'id' | 'at' | 'headers' | 'query' | 'body'> & {
    at: number;
    headers: Record<string, string | string[] | undefined>;
    query: unknown;
    body: unknown;
  }): void {
    // Benchmarks turn recording off (recordLimit 0); skip the copying too.
    if (!this.log.enabled) return;
    const headers = Object.fromEntries(Object.entries(entry.headers).filter(([name]) => !HIDDEN_HEADERS.has(name.toLowerCase())));
    this.log.add({
      id: this.nextId++,
      at: new Date(entry.at).toISOString(),
      method: entry.method,
      path: entry.path,
      route: entry.route,
      query: (redactParams(entry.query) ?? {}) as Record<string, unknown>,
      headers,
      body: redactParams(entry.body),
    });
  }
}
