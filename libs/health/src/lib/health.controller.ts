import { Controller, Get, Headers, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { HEALTH_OPERATOR_ACCESS, READINESS_CONTRIBUTORS, type OperatorAccess, type ReadinessContributor } from './health.constants';
import { PostgresHealthIndicator } from './postgres.health-indicator';
import { RedisHealthIndicator } from './redis.health-indicator';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    @Inject(READINESS_CONTRIBUTORS) private readonly contributors: ReadinessContributor[],
    @Inject(HEALTH_OPERATOR_ACCESS) private readonly operators: OperatorAccess,
  ) {}

  /** Liveness: the process runs and its event loop turns; dependencies are not asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 only when Postgres and Redis answer; 503 names what is down. The
   * contributors' details (tenants, WABAs) only for the operator key; anyone else,
   * a load balancer included, gets counts.
   */
  @Get('ready')
  @HealthCheck()
  ready(@Headers('authorization') authorization?: string) {
    const detailed = this.operators.isOperator(authorization);
    return this.health.check([
      () => this.postgres.isHealthy(),
      () => this.redis.isHealthy(),
      ...this.contributors.map((contributor) => () => contributor.check(detailed)),
    ]);
  }
}
