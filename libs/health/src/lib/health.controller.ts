import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { READINESS_CONTRIBUTORS, type ReadinessContributor } from './health.constants';
import { PostgresHealthIndicator } from './postgres.health-indicator';
import { RedisHealthIndicator } from './redis.health-indicator';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    @Inject(READINESS_CONTRIBUTORS) private readonly contributors: ReadinessContributor[],
  ) {}

  /** Liveness: the process runs and its event loop turns; dependencies are not asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: 200 only when Postgres and Redis answer; 503 names what is down. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.postgres.isHealthy(),
      () => this.redis.isHealthy(),
      ...this.contributors.map((contributor) => () => contributor.check()),
    ]);
  }
}
