import { Inject, Injectable } from '@nestjs/common';
import { RateLimitConnection } from './rate-limit.connection';
import { RATE_LIMITING_SETTINGS, type RateLimitingSettings, type TenantQuotaSettings } from './rate-limiting.constants';

export type QuotaDecision =
  /** The quota is off (limit 0). */
  | { readonly kind: 'off' }
  /** Redis did not answer: the request goes through (fail open) and the caller reports it. */
  | { readonly kind: 'unavailable'; readonly error: unknown }
  | {
      readonly kind: 'counted';
      readonly allowed: boolean;
      readonly limit: number;
      readonly remaining: number;
      /** Until the window starts again; for 429s the Retry-After. */
      readonly resetMs: number;
    };

/**
 * Per tenant environment API request budget, shared by every gateway instance:
 * one fixed-window counter in Redis, one round trip per request.
 */
@Injectable()
export class TenantRequestQuota {
  private readonly settings: TenantQuotaSettings | undefined;

  constructor(
    private readonly connection: RateLimitConnection,
    @Inject(RATE_LIMITING_SETTINGS) settings: RateLimitingSettings,
  ) {
    this.settings = settings.tenantQuota;
  }

  async consume(tenantId: string, environment: string): Promise<QuotaDecision> {
    const settings = this.settings;
    if (!settings || settings.limit <= 0) return { kind: 'off' };
    // A reconnecting client would hold the request until it gives up; fail open at once.
    if (!this.connection.ready) return { kind: 'unavailable', error: new Error(`redis ${this.connection.redis.status}`) };
    try {
      const key = this.connection.keys.tenant(tenantId, environment);
      const [count, resetMs] = (await this.connection.redis.tenantQuota(key, settings.windowMs)) as [number, number];
      return {
        kind: 'counted',
        allowed: count <= settings.limit,
        limit: settings.limit,
        remaining: Math.max(0, settings.limit - count),
        resetMs,
      };
    } catch (error) {
      return { kind: 'unavailable', error };
    }
  }
}
