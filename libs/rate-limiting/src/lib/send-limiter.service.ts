import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { CircuitGate } from './circuit-breaker';
import { LatenessSketch } from './lateness-sketch';
import { uniqueUserLimitOfTier } from './messaging-limit-tier';
import { RateLimitConnection } from './rate-limit.connection';
import {
  DEFAULT_MPS,
  DEFAULT_SEND_LIMIT_SETTINGS,
  RATE_LIMITING_SETTINGS,
  type RateLimitingSettings,
  type SendLimitSettings,
} from './rate-limiting.constants';
import type { CircuitState, GraphUsageReport, PortfolioUsage, SendGrant, SendLimitReason, SendPermit, SendPermitRequest } from './send-limiter.types';

type ScriptReply = [allowed: number, waitMs: number, reason: string, used: number, limit: number, slot: number, holdMs: number, marginMs: number, circuit: number];
type CircuitReply = [allowed: number, waitMs: number, reason: string, circuit: number];

const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'failing', 'probe'];

/**
 * Meta's send limits shared by every worker through Redis (reference §7): per-number
 * throughput, pair rate, the portfolio's unique-user limit and a slowdown from Graph's
 * usage headers, with the account's circuit, in one script call. `acquire` never blocks: it
 * answers "go" (capacity taken in every limit) or "wait N ms" (nothing taken), so a held
 * job is delayed, not polled. `depart` measures how late the send leaves after its slot:
 * the process's lateness quantile is the margin it reports with its next calls, and the
 * number's slots are spaced by the largest margin any of its senders reported.
 */
@Injectable()
export class SendLimiter {
  private readonly limits: SendLimitSettings;
  private readonly clock: (() => number) | undefined;
  private readonly local: () => number;
  private readonly process = randomUUID();
  private readonly lateness: LatenessSketch;

  constructor(
    private readonly connection: RateLimitConnection,
    @Inject(RATE_LIMITING_SETTINGS) settings: RateLimitingSettings,
  ) {
    this.limits = { ...DEFAULT_SEND_LIMIT_SETTINGS, ...settings.send };
    this.clock = settings.clock;
    this.local = settings.clock ?? (() => performance.now());
    this.lateness = new LatenessSketch(this.limits.throughputMaxMarginMs);
  }

  async acquire(request: SendPermitRequest): Promise<SendPermit> {
    const mps = Math.max(1, Math.floor(request.mps && request.mps > 0 ? request.mps : DEFAULT_MPS));
    const limit = request.businessInitiated ? uniqueUserLimitOfTier(request.portfolioTier) : null;
    const keys = this.connection.keys;
    const tag = request.portfolioKey ?? request.wabaId;
    const requestedAt = this.local();
    const reply = (await this.connection.redis.sendAcquire(
      ...keys.circuit(tag, request.circuit.key),
      ...keys.throughput(tag, request.phoneNumberId),
      keys.pair(tag, request.phoneNumberId, request.recipient),
      ...keys.portfolio(tag),
      ...keys.usage(tag, request.wabaId),
      this.clock?.() ?? 0,
      mps,
      this.limits.throughputHoldMs,
      this.limits.pairBurst,
      this.limits.pairIntervalMs,
      limit ?? -1,
      request.recipient,
      this.limits.portfolioWindowMs,
      this.limits.usageSlowdownPercent,
      this.limits.usageMaxSpacingMs,
      request.circuit.probeMs,
      this.process,
      this.margin(),
      this.limits.throughputMarginTtlMs,
    )) as ScriptReply;
    const [allowed, waitMs, reason, used, , grantedAt, holdMs, marginMs, circuit] = reply;
    const counted = limit !== null && reason !== 'circuit_open';
    const usage: PortfolioUsage | undefined = counted ? { used, limit, ratio: used / limit } : undefined;
    const withUsage = usage ? { portfolio: usage } : {};
    if (allowed !== 1) return { ok: false, waitMs, reason: reason as SendLimitReason, ...withUsage };
    const slot = { grantedAt, marginMs, localAt: requestedAt + holdMs };
    return { ok: true, holdMs, circuit: CIRCUIT_STATES[circuit] ?? 'failing', slot, ...withUsage };
  }

  /** The circuit alone, for a channel without limits of ours: one call, no slot. */
  async acquireCircuit(circuit: CircuitGate): Promise<SendPermit> {
    const [allowed, waitMs, reason, state] = (await this.connection.redis.circuitAcquire(...this.connection.keys.circuit(circuit.tag, circuit.key), circuit.probeMs)) as CircuitReply;
    if (allowed !== 1) return { ok: false, waitMs, reason: reason as SendLimitReason };
    return { ok: true, holdMs: 0, circuit: CIRCUIT_STATES[state] ?? 'failing' };
  }

  /**
   * Called right before the send leaves, after holding `holdMs`: records how late it is
   * after its slot, and answers whether it may still go. One later than its slot's margin
   * (less the transit allowance) could reach Meta closer to the next sends than the spacing
   * allows: it must not go, but take a new slot.
   */
  depart(permit: SendGrant): boolean {
    if (!permit.slot) return true;
    const late = Math.max(0, this.local() - permit.slot.localAt);
    this.lateness.record(late);
    return late <= permit.slot.marginMs - this.limits.throughputTransitMs;
  }

  /**
   * Keeps the latest Graph usage of a WABA for every worker. At 100 % sends wait until
   * the report expires (at least Graph's regain time); above the threshold they are spaced.
   * `portfolioKey` is the one its sends pass to acquire.
   */
  async recordGraphUsage(wabaId: string, usage: GraphUsageReport, portfolioKey?: string): Promise<void> {
    const ttlMs = Math.max(this.limits.usageTtlMs, usage.estimatedTimeToRegainAccessMs);
    const [report] = this.connection.keys.usage(portfolioKey ?? wabaId, wabaId);
    await this.connection.redis.set(report, String(usage.maxPercentage), 'PX', ttlMs);
  }

  /**
   * This process's margin: its measured lateness quantile plus the transit allowance, at
   * most the widest margin (also used until enough departures were measured).
   */
  private margin(): number {
    const { throughputMaxMarginMs: widest, throughputMinSamples, throughputLatenessQuantile, throughputTransitMs } = this.limits;
    if (this.lateness.weight < throughputMinSamples) return widest;
    return Math.min(widest, this.lateness.quantile(throughputLatenessQuantile) + throughputTransitMs);
  }
}
