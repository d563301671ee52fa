import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { createRedisClient } from '@switchboard/redis';
import {
  HEALTH_OPERATOR_ACCESS,
  HEALTH_REDIS_CLIENT,
  HEALTH_SETTINGS,
  READINESS_CONTRIBUTORS,
  type HealthSettings,
  type OperatorAccess,
  type ReadinessContributor,
} from './health.constants';
import { HealthController } from './health.controller';
import { PostgresHealthIndicator } from './postgres.health-indicator';
import { RedisHealthIndicator } from './redis.health-indicator';

/**
 * /health/live and /health/ready for any app with a TypeORM DataSource. The Redis
 * check uses its own connection with the offline queue off, so a ping fails at once
 * while Redis is away instead of waiting for a reconnect.
 */
@Module({})
export class HealthModule {
  static forRoot(settings: HealthSettings): DynamicModule {
    const contributors = settings.contributors ?? [];
    const nobody: OperatorAccess = { isOperator: () => false };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_SETTINGS, useValue: settings },
        {
          provide: HEALTH_REDIS_CLIENT,
          useFactory: () =>
            createRedisClient(settings.redisUrl, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 0,
              connectionName: 'switchboard-health',
              retryStrategy: (times) => Math.min(times * 500, 5000),
            }).on('error', () => undefined),
        },
        PostgresHealthIndicator,
        RedisHealthIndicator,
        ...contributors,
        settings.operatorAccess
          ? { provide: HEALTH_OPERATOR_ACCESS, useExisting: settings.operatorAccess }
          : { provide: HEALTH_OPERATOR_ACCESS, useValue: nobody },
        {
          provide: READINESS_CONTRIBUTORS,
          inject: contributors,
          useFactory: (...instances: ReadinessContributor[]) => instances,
        },
      ],
      exports: [PostgresHealthIndicator, RedisHealthIndicator],
    };
  }
}
