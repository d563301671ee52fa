import { Inject, Injectable } from '@nestjs/common';
import { hashTag } from '@switchboard/redis';
import { uniqueUserLimitOfTier } from './messaging-limit-tier';
import { RateLimitConnection } from './rate-limit.connection';
import {
  DEFAULT_MPS,
  DEFAULT_SEND_LIMIT_SETTINGS,
  RATE_LIMITING_SETTINGS,
  type RateLimitingSettings,
  type SendLimitSettings,
} from './rate-limiting.constants';
import type { GraphUsageReport, PortfolioUsage, SendLimitReason, SendPermit, SendPermitRequest } from './send-limiter.types';

type ScriptReply = [allowed: number, waitMs: number, reason: string, used: number, limit: number, slot: number, holdMs: number];

/**
 * Meta's send limits shared by every worker through Redis (reference §7): per-number
 * throughput, pair rate, the portfolio's unique-user limit and a slowdown from Graph's
 * usage headers. `acquire` never blocks: it answers "go" (capacity taken in every
 * limit) or "wait N ms" (nothing taken), so a held job is delayed, not polled.
 */
@Injectable()
export class SendLimiter {
  private readonly limits: SendLimitSettings;
  private readonly clock: (() => number) | undefined;

  constructor(
    private readonly connection: RateLimitConnection,
    @Inject(RATE_LIMITING_SETTINGS) settings: RateLimitingSettings,
  ) {
    this.limits = { ...DEFAULT_SEND_LIMIT_SETTINGS, ...settings.send };
    this.clock = settings.clock;
  }

  async acquire(request: SendPermitRequest): Promise<SendPermit> {
    const mps = request.mps && request.mps > 0 ? request.mps : DEFAULT_MPS;
    const limit = request.businessInitiated ? uniqueUserLimitOfTier(request.portfolioTier) : null;
    const k = this.keysOf(request.wabaId, request.portfolioKey);
    const number = request.phoneNumberId;
    const reply = (await this.connection.redis.sendAcquire(
      `${k}:tp:${number}`,
      `${k}:tp:${number}:next`,
      `${k}:pair:${number}:${request.recipient}`,
      `${k}:pf`,
      `${k}:pf:next`,
      `${k}:usage:${request.wabaId}`,
      `${k}:pace:${request.wabaId}`,
      this.clock?.() ?? 0,
      (1000 + this.limits.throughputMarginMs) / mps,
      this.limits.throughputHoldMs,
      this.limits.pairBurst,
      this.limits.pairIntervalMs,
      limit ?? -1,
      request.recipient,
      this.limits.portfolioWindowMs,
      this.limits.usageSlowdownPercent,
      this.limits.usageMaxSpacingMs,
    )) as ScriptReply;
    const [allowed, waitMs, reason, used, , grantedAt, holdMs] = reply;
    const usage: PortfolioUsage | undefined = limit === null ? undefined : { used, limit, ratio: used / limit };
    const withUsage = usage ? { portfolio: usage } : {};
    if (allowed === 1) return { ok: true, grantedAt, holdMs, ...withUsage };
    return { ok: false, waitMs, reason: reason as SendLimitReason, ...withUsage };
  }

  /**
   * Keeps the latest Graph usage of a WABA for every worker. At 100 % sends wait until
   * the report expires (at least Graph's regain time); above the threshold they are spaced.
   * `portfolioKey` is the one its sends pass to acquire.
   */
  async recordGraphUsage(wabaId: string, usage: GraphUsageReport, portfolioKey?: string): Promise<void> {
    const ttlMs = Math.max(this.limits.usageTtlMs, usage.estimatedTimeToRegainAccessMs);
    const k = this.keysOf(wabaId, portfolioKey);
    await this.connection.redis.set(`${k}:usage:${wabaId}`, String(usage.maxPercentage), 'PX', ttlMs);
  }

  /**
   * Where the keys of a send's limits live: one acquire touches the number's, the pair's, the
   * portfolio's and the WABA's keys, so all of them carry the portfolio's hash tag and stay on
   * one slot of a Redis Cluster (a portfolio's numbers and WABAs share one slot).
   */
  private keysOf(wabaId: string, portfolioKey: string | undefined): string {
    return `${this.connection.keyPrefix}:${hashTag(portfolioKey ?? wabaId)}`;
  }
}
