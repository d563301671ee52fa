import { BoundedLog } from '@switchboard/simulator-support';
import type { SmsRoute } from './fault.injector';

export interface RecordedSmsRequest {
  id: number;
  at: string;
  method: string;
  path: string;
  route: SmsRoute | 'other';
  accountSid: string | null;
  /** Every header except Authorization and Cookie. */
  headers: Record<string, string | string[] | undefined>;
  /** The form parameters received. */
  params: Record<string, unknown>;
}

export interface SmsRequestFilter {
  method?: string;
  route?: string;
  accountSid?: string;
  /** The `To` parameter. */
  to?: string;
}

const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The REST calls received, for tests that assert on what a client sent (credentials never kept). */
export class RequestRecorder {
  readonly log: BoundedLog<RecordedSmsRequest>;
  private nextId = 1;

  constructor(limit: number) {
    this.log = new BoundedLog(limit);
  }

  record(entry: Omit<RecordedSmsRequest, 'id' | 'at'>): void {
    this.log.add({
      ...entry,
      id: this.nextId++,
      at: new Date().toISOString(),
      headers: Object.fromEntries(Object.entries(entry.headers).filter(([name]) => !HIDDEN_HEADERS.has(name.toLowerCase()))),
    });
  }

  list(filter: SmsRequestFilter = {}): RecordedSmsRequest[] {
    const method = filter.method?.toUpperCase();
    return this.log
      .list()
      .filter(
        (entry) =>
          (method === undefined || entry.method === method) &&
          (filter.route === undefined || entry.route === filter.route) &&
          (filter.accountSid === undefined || entry.accountSid === filter.accountSid) &&
          (filter.to === undefined || entry.params['To'] === filter.to),
      );
  }
}
