import type { CircuitGate } from './circuit-breaker';

export interface SendPermitRequest {
  /** The account's circuit (CircuitBreaker.gate), checked in the same call. */
  readonly circuit: CircuitGate;
  /** The sending number; its throughput and pair limits are keyed by it. */
  readonly phoneNumberId: string;
  /** The number's messages per second (configured or synced); default 80. */
  readonly mps?: number;
  /** Graph usage reports are kept per WABA (recordGraphUsage). */
  readonly wabaId: string;
  /**
   * The business portfolio whose unique-user limit applies; default the WABA id. Meta
   * counts per portfolio, so WABAs of one portfolio should pass the same key.
   */
  readonly portfolioKey?: string;
  /** Meta's messaging limit tier (TIER_2K, TIER_UNLIMITED, ...); unset counts as 250. */
  readonly portfolioTier?: string | null;
  /** wa_id of the recipient. */
  readonly recipient: string;
  /** Sent outside an open customer service window: counts against the portfolio limit. */
  readonly businessInitiated: boolean;
}

export type SendLimitReason = 'circuit_open' | 'throughput' | 'pair_rate' | 'portfolio_limit' | 'graph_usage';

/**
 * The circuit as the permit found it: `closed` with no failure counted (a success has
 * nothing to clear), `failing` (failures counted) or `probe` (this send probes a half-open
 * circuit): then a success must clear it (CircuitBreaker.recordSuccess).
 */
export type CircuitState = 'closed' | 'failing' | 'probe';

/** The portfolio's unique recipients in the moving window; the caller alerts at ratio >= 0.8. */
export interface PortfolioUsage {
  readonly used: number;
  readonly limit: number;
  readonly ratio: number;
}

/** A granted send's throughput slot. */
export interface SendSlot {
  /** The slot (epoch ms, Redis's clock): the limits hold on this timeline. */
  readonly grantedAt: number;
  /** The number's margin when the slot was granted: the send must reach Meta within it after the slot. */
  readonly marginMs: number;
  /** The slot on this process's clock: when the call to the limiter started plus `holdMs`, never after the real slot. */
  readonly localAt: number;
}

export interface SendGrant {
  readonly ok: true;
  /** Call the vendor this long from now (the slot may be up to the hold ahead), not sooner; then ask `depart`. */
  readonly holdMs: number;
  readonly circuit: CircuitState;
  /** Absent when only the circuit was checked (a channel without limits of ours). */
  readonly slot?: SendSlot;
  readonly portfolio?: PortfolioUsage;
}

export interface SendRefusal {
  readonly ok: false;
  /** Delay the job this long (it must not count as an attempt), then ask again. */
  readonly waitMs: number;
  readonly reason: SendLimitReason;
  readonly portfolio?: PortfolioUsage;
}

export type SendPermit = SendGrant | SendRefusal;

/** The part of a Graph usage report (graph-api-client UsageSnapshot) the limiter needs. */
export interface GraphUsageReport {
  /** Highest percentage over every metric of X-App-Usage and X-Business-Use-Case-Usage. */
  readonly maxPercentage: number;
  /** Longest estimated_time_to_regain_access, in ms (0 when none). */
  readonly estimatedTimeToRegainAccessMs: number;
}
