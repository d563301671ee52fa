export interface WebhookIngestSettings {
  /** Meta batches up to 3 MB per POST (reference §3.3). */
  maxBodyBytes: number;
  /** Rows inserted by one statement at most (group commit under load). */
  maxInsertBatch: number;
  /** Under load, rows committed within this many milliseconds share one processing job (a lone row's job goes at once). */
  jobLingerMs: number;
  /** Committed rows still waiting for their job beyond which new ones are left to the sweep (bounds memory while Redis is away). */
  maxUnqueuedRows: number;
}

export const DEFAULT_WEBHOOK_INGEST_SETTINGS: WebhookIngestSettings = {
  maxBodyBytes: 3 * 1024 * 1024,
  maxInsertBatch: 500,
  jobLingerMs: 20,
  maxUnqueuedRows: 100_000,
};

export const WEBHOOK_INGEST_SETTINGS = Symbol('WEBHOOK_INGEST_SETTINGS');

/** Meta redelivers for up to 7 days; dedupe keys outlive that by a day. */
export const EVENT_KEY_KEEP_MS = 8 * 24 * 3600 * 1000;
/** Processed payloads are kept for a week (evidence, replays); unparseable and failed ones for a month. */
export const PROCESSED_INBOX_KEEP_MS = 7 * 24 * 3600 * 1000;
export const FAILED_INBOX_KEEP_MS = 30 * 24 * 3600 * 1000;
/** A row is processed at most this many times; then it is marked failed, never retried forever. */
export const MAX_INBOX_ATTEMPTS = 10;
/** A pending row older than this has lost its job (or its job keeps failing): the sweep enqueues it again. */
export const INBOX_SWEEP_GRACE_MS = 30_000;
