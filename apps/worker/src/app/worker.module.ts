import { DynamicModule, Module } from '@nestjs/common';
import { AlertsModule, AlertsProcessor } from '@switchboard/alerts';
import { AccountsModule, AccountsProcessor, TokenExpiryReadiness, WabasService } from '@switchboard/accounts';
import { ConfigModule, type WorkerEnv } from '@switchboard/config';
import { HealthModule } from '@switchboard/health';
import { PersistenceModule } from '@switchboard/persistence';
import { CacheInvalidationModule } from '@switchboard/platform';
import { loadChannelPlugins } from '@switchboard/channel-plugins';
import { MessagingModule, OutboxProcessor } from '@switchboard/messaging';
import { QueueModule } from '@switchboard/queue';
import { RateLimitingModule } from '@switchboard/rate-limiting';
import { TemplateRegistryModule, TemplateSyncProcessor } from '@switchboard/template-registry';
import { TenancyModule } from '@switchboard/tenancy';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { TokenVaultModule, type MasterKeyRing } from '@switchboard/token-vault';
import { TenantEventsModule, TenantEventsProcessor } from '@switchboard/tenant-events';
import { WebhookIngestModule, WebhooksProcessor } from '@switchboard/webhook-ingest';
import { WhatsAppChannelHost, WhatsAppHostModule } from '@switchboard/whatsapp-host';
import { SchedulesBootstrap } from './schedules.bootstrap';
import { SystemProcessor } from './system.processor';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerEnv, databaseUrl: string, vaultKeys: MasterKeyRing): DynamicModule {
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
        CacheInvalidationModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          ttlMs: config.CACHE_TTL_MS,
          unsubscribedTtlMs: config.CACHE_UNSUBSCRIBED_TTL_MS,
        }),
        HealthModule.forRoot({ redisUrl: config.REDIS_URL, contributors: [TokenExpiryReadiness] }),
        TenancyModule.forData(),
        TokenVaultModule.forRoot({ keys: vaultKeys, cacheTtlMs: config.VAULT_CACHE_TTL_MS }),
        AccountsModule.forRoot(
          { graphBaseUrl: config.GRAPH_API_BASE_URL, graphVersion: config.GRAPH_API_VERSION },
          { http: false },
        ),
        TemplateRegistryModule.forRoot({ wabaAccess: { useExisting: WabasService }, http: false }),
        RateLimitingModule.forRoot({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX }),
        MessagingModule.forRoot({
          plugins: loadChannelPlugins({
            packages: config.CHANNEL_PLUGINS,
            mediaPreflight: { allowPrivateTargets: config.MEDIA_PREFLIGHT_ALLOW_PRIVATE ?? config.NODE_ENV !== 'production' },
          }),
          channelHosts: { imports: [WhatsAppHostModule.forRoot({ http: false })], hosts: [WhatsAppChannelHost] },
          publicBaseUrl: config.PUBLIC_BASE_URL,
          http: false,
          sender: true,
          send: {
            concurrency: config.SEND_CONCURRENCY,
            reconcileWindowMs: config.SEND_RECONCILE_WINDOW_MS,
            pauseRecheckMs: config.SEND_PAUSE_RECHECK_MS,
            circuit: { failureThreshold: config.SEND_CIRCUIT_FAILURE_THRESHOLD, windowMs: config.SEND_CIRCUIT_WINDOW_MS, openMs: config.SEND_CIRCUIT_OPEN_MS },
          },
        }),
        WebhookIngestModule.forRoot({ http: false, processing: true }),
        TenantEventsModule.forRoot({
          http: false,
          allowPrivateTargets: config.EVENT_ENDPOINTS_ALLOW_PRIVATE ?? config.NODE_ENV !== 'production',
          deliveryRetentionMs: config.EVENT_DELIVERY_RETENTION_DAYS * 24 * 3_600_000,
        }),
        AlertsModule.forRoot({
          webhookUrl: config.ALERT_WEBHOOK_URL,
          failureRateThreshold: config.ALERT_FAILURE_RATE,
          failureWindowMs: config.ALERT_FAILURE_WINDOW_MS,
        }),
      ],
      providers: [SchedulesBootstrap, SystemProcessor, AccountsProcessor, TemplateSyncProcessor, OutboxProcessor, WebhooksProcessor, TenantEventsProcessor, AlertsProcessor],
    };
  }
}
