import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import type { Registry } from 'prom-client';
import { dataSourceOptions, type DataSourceSettings } from './data-source.factory';
import { StatementCounter } from './statement-counter';

/**
 * The app's TypeORM DataSource; feature libs register their entities through `entities`. With
 * the process's metrics registry (apps have one; some tests do not) its statements are counted.
 */
@Module({})
export class PersistenceModule {
  static forRoot(settings: DataSourceSettings): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [{ token: METRICS_REGISTRY, optional: true }],
          useFactory: (registry: Registry | undefined) => ({
            ...dataSourceOptions(settings),
            ...(registry ? { logger: new StatementCounter(registry) } : {}),
            // Feature libs register their entities with TypeOrmModule.forFeature.
            autoLoadEntities: true,
            // Start even while Postgres is away: /health/ready reports it, the pool reconnects.
            retryAttempts: 0,
            manualInitialization: false,
          }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
