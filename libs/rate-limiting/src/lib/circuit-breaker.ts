import { RateLimitConnection } from './rate-limit.connection';

export interface CircuitBreakerSettings {
  /** Failures within `windowMs` that open the circuit. */
  failureThreshold: number;
  windowMs: number;
  /** How long an open circuit refuses sends before one probe may try. */
  openMs: number;
}

export const DEFAULT_CIRCUIT_SETTINGS: CircuitBreakerSettings = { failureThreshold: 5, windowMs: 30_000, openMs: 30_000 };

/** What a permit call needs to check a send's circuit in the same round trip. */
export interface CircuitGate {
  readonly key: string;
  /** The hash tag of its keys: the account's, which its sends' limits share (one slot on a cluster). */
  readonly tag: string;
  /** How long a half-open circuit's probe is exclusive. */
  readonly probeMs: number;
}

/**
 * A circuit breaker for platform outages (one per account, e.g. a WABA), shared by every
 * worker through Redis: closed until `failureThreshold` outage failures fall within
 * `windowMs`, then open for `openMs` (sends are delayed, not failed), then half-open: one
 * worker's send probes; its success closes the circuit, its failure opens it again.
 * Sends pass it in their permit call (SendLimiter); this records the outcomes.
 */
export class CircuitBreaker {
  constructor(
    private readonly connection: RateLimitConnection,
    private readonly settings: CircuitBreakerSettings = DEFAULT_CIRCUIT_SETTINGS,
  ) {}

  gate(key: string, tag: string): CircuitGate {
    return { key, tag, probeMs: this.settings.openMs };
  }

  /** Returns true when this failure opened (or re-opened) the circuit. */
  async recordFailure(gate: CircuitGate): Promise<boolean> {
    const { failureThreshold, windowMs, openMs } = this.settings;
    const opened = await this.connection.redis.circuitFailure(...this.connection.keys.circuit(gate.tag, gate.key), failureThreshold, windowMs, openMs);
    return opened === 1;
  }

  /**
   * A send got an answer from the vendor: the platform is up. Needed only when its permit
   * said the circuit was not clean (failures counted, or the send was the probe).
   */
  async recordSuccess(gate: CircuitGate): Promise<void> {
    await this.connection.redis.del(...this.connection.keys.circuit(gate.tag, gate.key));
  }
}
