import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessContributor } from '@switchboard/health';
import { WabasService } from './wabas.service';

/**
 * /health/ready detail `tokens`: how many WABAs have a valid, expiring, expired or invalid
 * token; for the operator also which ones (`attention`: tenant, WABA, status, expiry).
 * Always `up`: an instance cannot fix a token by restarting, so readiness must not fail
 * for it; operators read the details and the metrics.
 */
@Injectable()
export class TokenExpiryReadiness implements ReadinessContributor {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly wabas: WabasService,
  ) {}

  async check(detailed: boolean) {
    const counts = await this.wabas.countByTokenStatus();
    if (!detailed) return this.health.check('tokens').up(counts);
    const attention = (await this.wabas.listTokenAttention()).map((waba) => ({
      tenantId: waba.tenantId,
      environment: waba.environment,
      wabaId: waba.wabaId,
      status: waba.tokenStatus,
      expiresAt: waba.tokenExpiresAt?.toISOString() ?? null,
    }));
    return this.health.check('tokens').up({ ...counts, attention });
  }
}
