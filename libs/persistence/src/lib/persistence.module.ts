import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, type DataSourceSettings } from './data-source.factory';

/** The app's TypeORM DataSource; feature libs register their entities through `entities`. */
@Module({})
export class PersistenceModule {
  static forRoot(settings: DataSourceSettings): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(settings),
          // Feature libs register their entities with TypeOrmModule.forFeature.
          autoLoadEntities: true,
          // Start even while Postgres is away: /health/ready reports it, the pool reconnects.
          retryAttempts: 0,
          manualInitialization: false,
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
