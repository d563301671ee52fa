/** DI tokens. */
export const RATE_LIMITING_SETTINGS = Symbol('RATE_LIMITING_SETTINGS');

/** Meta's per-number default (reference §7): 80 messages per second. */
export const DEFAULT_MPS = 80;

export interface SendLimitSettings {
  /**
   * The part of a send's way to Meta after the limiter measures its departure (the HTTP
   * client, the network): added to the measured lateness to make the number's margin.
   */
  throughputTransitMs: number;
  /**
   * The widest margin: a number's slots are (1,000 + margin) / mps ms apart, so 50 ms keeps
   * 95 % of mps. A process whose lateness quantile is beyond it gives up more late slots
   * instead (and uses it until it has `throughputMinSamples`).
   */
  throughputMaxMarginMs: number;
  /**
   * The share of a process's sends its margin covers: the rest left later than their
   * margin and take a new slot (each costs one slot of the number's rate).
   */
  throughputLatenessQuantile: number;
  /** Departures a process measures before its own quantile replaces the widest margin. */
  throughputMinSamples: number;
  /** How long a process's reported margin still widens a number it stopped sending on. */
  throughputMarginTtlMs: number;
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
  throughputTransitMs: 5,
  throughputMaxMarginMs: 50,
  throughputLatenessQuantile: 0.99,
  throughputMinSamples: 50,
  throughputMarginTtlMs: 10_000,
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
   * Epoch ms instead of Redis TIME and the process's monotonic clock, for tests only. In
   * production every worker reads Redis's clock, so skewed machines still agree on one
   * timeline, and measures its sends' lateness on its own monotonic clock.
   */
  clock?: () => number;
}
