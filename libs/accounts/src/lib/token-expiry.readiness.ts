import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessContributor } from '@switchboard/health';
import { WabasService } from './wabas.service';

/**
 * /health/ready detail `tokens`: WABAs whose token expires within 7 days or is already
 * unusable. Always `up`: an instance cannot fix a token by restarting, so readiness
 * must not fail for it; operators read the details and the metrics.
 */
@Injectable()
export class TokenExpiryReadiness implements ReadinessContributor {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly wabas: WabasService,
  ) {}

  async check() {
    const attention = (await this.wabas.listTokenAttention()).map((waba) => ({
      tenantId: waba.tenantId,
      environment: waba.environment,
      wabaId: waba.wabaId,
      status: waba.tokenStatus,
      expiresAt: waba.tokenExpiresAt?.toISOString() ?? null,
    }));
    return this.health.check('tokens').up({ attention });
  }
}
