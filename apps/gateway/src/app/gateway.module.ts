import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type GatewayEnv } from '@switchboard/config';
import { HealthModule } from '@switchboard/health';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RequestContext, TenancyModule } from '@switchboard/tenancy';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { PipelineProbeController } from './pipeline-probe.controller';
import { PipelineProbeService } from './pipeline-probe.service';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayEnv, databaseUrl: string, secrets: { adminApiKey: string }): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({ level: config.LOG_LEVEL, service: 'gateway', contextFields: RequestContext.logFields }),
        MetricsModule.forRoot('gateway'),
        PersistenceModule.forRoot({
          url: databaseUrl,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'switchboard-gateway',
        }),
        QueueModule.forRoot({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX }),
        HealthModule.forRoot({ redisUrl: config.REDIS_URL }),
        TenancyModule.forRoot({ adminApiKey: secrets.adminApiKey }),
      ],
      controllers: [PipelineProbeController],
      providers: [PipelineProbeService],
    };
  }
}
