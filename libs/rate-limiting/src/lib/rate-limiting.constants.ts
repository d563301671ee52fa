/** DI tokens. */
export const RATE_LIMITING_SETTINGS = Symbol('RATE_LIMITING_SETTINGS');

/** Meta's per-number default (reference §7): 80 messages per second. */
export const DEFAULT_MPS = 80;

export interface SendLimitSettings {
  /**
   * Added to the 1-second throughput window: a number's sends get slots (1,000 + margin) / mps
   * ms apart. A send reaches Meta a few ms after its slot and those ms vary, so Meta may see
   * two sends closer together than we spaced them; mps sends fit in one of Meta's seconds
   * only when that jitter exceeds the margin (30 ms costs 2.9 % of the rate).
   */
  throughputMarginMs: number;
  /**
   * How far ahead a caller may take a number's next slot; it holds its send until then.
   * Covers callers that come back late or in clumps (jobs queued behind others in a busy
   * worker) without losing slots; costs up to hold / spacing jobs held per saturated number.
   */
  throughputHoldMs: number;
  /** Pair rate (reference §7): bursts up to 45 to one user ... */
  pairBurst: number;
  /** ... repaid at one message every 6 s. */
  pairIntervalMs: number;
  /** Meta's messaging limit counts unique users over a moving 24 h. */
  portfolioWindowMs: number;
  /** Graph usage (highest metric of X-App-Usage / X-Business-Use-Case-Usage) that starts the slowdown. */
  usageSlowdownPercent: number;
  /** Spacing between one WABA's sends as usage approaches 100 % (linear from 0 at the threshold). */
  usageMaxSpacingMs: number;
  /** How long one usage report counts when no newer one arrives (longer when Graph names a regain time). */
  usageTtlMs: number;
}

export const DEFAULT_SEND_LIMIT_SETTINGS: SendLimitSettings = {
  throughputMarginMs: 30,
  throughputHoldMs: 200,
  pairBurst: 45,
  pairIntervalMs: 6_000,
  portfolioWindowMs: 24 * 60 * 60 * 1000,
  usageSlowdownPercent: 85,
  usageMaxSpacingMs: 1_000,
  usageTtlMs: 60_000,
};

export interface TenantQuotaSettings {
  /** Requests per window per tenant environment; 0 turns the quota off. */
  limit: number;
  windowMs: number;
}

export interface RateLimitingSettings {
  redisUrl: string;
  /** Every key lives under `<prefix>:rl:` (the deployment's QUEUE_PREFIX). */
  prefix: string;
  send?: Partial<SendLimitSettings>;
  tenantQuota?: TenantQuotaSettings;
  /**
   * Epoch ms instead of Redis TIME, for tests only. In production every worker reads
   * Redis's clock, so skewed machines still agree on one timeline.
   */
  clock?: () => number;
}
