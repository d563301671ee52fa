import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type WorkerEnv } from '@switchboard/config';
import { HealthModule } from '@switchboard/health';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { SystemProcessor } from './system.processor';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerEnv, databaseUrl: string): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({ level: config.LOG_LEVEL, service: 'worker' }),
        MetricsModule.forRoot('worker'),
        PersistenceModule.forRoot({
          url: databaseUrl,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'switchboard-worker',
        }),
        QueueModule.forRoot({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX }),
        HealthModule.forRoot({ redisUrl: config.REDIS_URL }),
      ],
      providers: [SystemProcessor],
    };
  }
}
