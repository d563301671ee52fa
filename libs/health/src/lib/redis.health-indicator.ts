import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { RedisClient } from '@switchboard/redis';
import { HEALTH_REDIS_CLIENT, HEALTH_SETTINGS, type HealthSettings } from './health.constants';
import { probe } from './probe';

@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(HEALTH_REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(HEALTH_SETTINGS) private readonly settings: HealthSettings,
  ) {}

  isHealthy(key = 'redis') {
    return probe(this.health, key, this.settings.timeoutMs ?? 1000, () => this.redis.ping());
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
