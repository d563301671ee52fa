import { hashTag, type RedisClient } from '@switchboard/redis';

export interface CircuitBreakerSettings {
  /** Failures within `windowMs` that open the circuit. */
  failureThreshold: number;
  windowMs: number;
  /** How long an open circuit refuses sends before one probe may try. */
  openMs: number;
}

export const DEFAULT_CIRCUIT_SETTINGS: CircuitBreakerSettings = { failureThreshold: 5, windowMs: 30_000, openMs: 30_000 };

export type CircuitPermit =
  | { readonly allowed: true; readonly probe: boolean }
  | { readonly allowed: false; readonly waitMs: number };

// KEYS: failures, open, tripped, probe. One probe at a time once the open period ends.
const ACQUIRE = `
local openTtl = redis.call('PTTL', KEYS[2])
if openTtl > 0 then return {0, openTtl} end
if redis.call('EXISTS', KEYS[3]) == 1 then
  if redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[1]) then return {1, 1} end
  local probeTtl = redis.call('PTTL', KEYS[4])
  if probeTtl < 0 then probeTtl = 1000 end
  return {0, probeTtl}
end
return {1, 0}
`;

// KEYS: failures, open, tripped, probe. ARGV: threshold, windowMs, openMs.
const FAILURE = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('EXISTS', KEYS[3]) == 1 or failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('SET', KEYS[3], '1', 'PX', tonumber(ARGV[3]) * 20)
  redis.call('DEL', KEYS[4])
  return 1
end
return 0
`;

/**
 * A per-WABA circuit breaker for platform outages, shared by every worker through Redis:
 * closed until `failureThreshold` outage failures fall within `windowMs`, then open for
 * `openMs` (sends are delayed, not failed), then half-open: one worker's send probes; its
 * success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly settings: CircuitBreakerSettings = DEFAULT_CIRCUIT_SETTINGS,
  ) {}

  async acquire(wabaId: string): Promise<CircuitPermit> {
    const [allowed, value] = (await this.redis.eval(ACQUIRE, 4, ...this.keys(wabaId), String(this.settings.openMs))) as [number, number];
    return allowed === 1 ? { allowed: true, probe: value === 1 } : { allowed: false, waitMs: value };
  }

  /** Returns true when this failure opened (or re-opened) the circuit. */
  async recordFailure(wabaId: string): Promise<boolean> {
    const { failureThreshold, windowMs, openMs } = this.settings;
    const opened = await this.redis.eval(FAILURE, 4, ...this.keys(wabaId), String(failureThreshold), String(windowMs), String(openMs));
    return opened === 1;
  }

  /** A send got an answer from Meta: whatever the state, the platform is up. */
  async recordSuccess(wabaId: string): Promise<void> {
    await this.redis.del(...this.keys(wabaId));
  }

  /** One hash tag: each script and the DEL touch all four, which must share a Redis Cluster slot. */
  private keys(wabaId: string): [string, string, string, string] {
    const base = `${this.prefix}:circuit:${hashTag(wabaId)}`;
    return [`${base}:failures`, `${base}:open`, `${base}:tripped`, `${base}:probe`];
  }
}
