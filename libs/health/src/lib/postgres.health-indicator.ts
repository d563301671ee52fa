import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { HEALTH_SETTINGS, type HealthSettings } from './health.constants';
import { probe } from './probe';

@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(HEALTH_SETTINGS) private readonly settings: HealthSettings,
  ) {}

  isHealthy(key = 'postgres') {
    return probe(this.health, key, this.settings.timeoutMs ?? 1000, () => this.dataSource.query('SELECT 1'));
  }
}
