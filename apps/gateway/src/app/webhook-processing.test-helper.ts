import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccountsModule, WabasService } from '@switchboard/accounts';
import { AlertsModule, type AlertsSettings } from '@switchboard/alerts';
import { ConfigModule } from '@switchboard/config';
import { loadChannelPlugins } from '@switchboard/channel-plugins';
import { DEFAULT_MESSAGING_SETTINGS, MessagingModule, type SendSettings } from '@switchboard/messaging';
import { PersistenceModule } from '@switchboard/persistence';
import { CacheInvalidationModule } from '@switchboard/platform';
import { QueueModule } from '@switchboard/queue';
import { RateLimitingModule } from '@switchboard/rate-limiting';
import { TemplateRegistryModule } from '@switchboard/template-registry';
import { TenancyModule } from '@switchboard/tenancy';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import type { TestDatabase, TestRedis } from '@switchboard/testing';
import { TokenVaultModule, type MasterKeyRing } from '@switchboard/token-vault';
import { TenantEventsModule, TenantEventsProcessor, type TenantEventsSettings } from '@switchboard/tenant-events';
import { WebhookIngestModule, WebhooksProcessor } from '@switchboard/webhook-ingest';
import { WhatsAppChannelHost, WhatsAppHostModule } from '@switchboard/whatsapp-host';

export interface TestProcessingSettings {
  events?: Partial<TenantEventsSettings>;
  alerts?: Partial<AlertsSettings>;
  /** Also run the send worker (the `messages` queue) with these settings. */
  sender?: Partial<SendSettings>;
  /** Where the gateway under test answers vendors' callbacks (status callback URLs point there). */
  publicBaseUrl?: string;
}

@Module({})
class WebhookProcessingTestModule {
  static forRoot(database: TestDatabase, redis: Pick<TestRedis, 'url' | 'prefix'>, vaultKeys: MasterKeyRing, graphBaseUrl: string, settings: TestProcessingSettings): DynamicModule {
    return {
      module: WebhookProcessingTestModule,
      imports: [
        ConfigModule.forRoot({}),
        LoggerModule.forRoot({ level: 'silent', service: 'worker' }),
        MetricsModule.forRoot('worker'),
        PersistenceModule.forRoot({ url: database.url, poolSize: 10, applicationName: 'switchboard-test-worker' }),
        QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }),
        CacheInvalidationModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix, ttlMs: 60_000, unsubscribedTtlMs: 1_000 }),
        TenancyModule.forData(),
        TokenVaultModule.forRoot({ keys: vaultKeys, cacheTtlMs: 60_000 }),
        AccountsModule.forRoot({ graphBaseUrl, graphVersion: 'v24.0' }, { http: false }),
        TemplateRegistryModule.forRoot({ wabaAccess: { useExisting: WabasService }, http: false }),
        MessagingModule.forRoot({
          plugins: loadChannelPlugins(settings.sender ? { mediaPreflight: {} } : {}),
          channelHosts: { imports: [WhatsAppHostModule.forRoot({ http: false })], hosts: [WhatsAppChannelHost] },
          publicBaseUrl: settings.publicBaseUrl ?? 'http://127.0.0.1:3000',
          http: false,
          ...(settings.sender ? { sender: true, send: { ...DEFAULT_MESSAGING_SETTINGS.send, ...settings.sender } } : {}),
        }),
        RateLimitingModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }),
        WebhookIngestModule.forRoot({ http: false, processing: true }),
        // The test receivers listen on loopback.
        TenantEventsModule.forRoot({ allowPrivateTargets: true, ...settings.events, http: false }),
        AlertsModule.forRoot(settings.alerts),
      ],
      providers: [WebhooksProcessor, TenantEventsProcessor],
    };
  }
}

/**
 * The worker's webhook side in-process (processors of the `webhooks` and `tenant-events` queues
 * and their services, alerts), with the send worker only when `settings.sender` asks for it;
 * `settings` shortens the delivery backoff and points alerts at a test sink. `redis` may be a
 * proxy in front of the test's Redis (same prefix).
 */
export async function startTestWebhookProcessing(
  database: TestDatabase,
  redis: Pick<TestRedis, 'url' | 'prefix'>,
  vaultKeys: MasterKeyRing,
  graphBaseUrl: string,
  settings: TestProcessingSettings = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WebhookProcessingTestModule.forRoot(database, redis, vaultKeys, graphBaseUrl, settings), { logger: false, abortOnError: false });
  await app.init();
  return app;
}
