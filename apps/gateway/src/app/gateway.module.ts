import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule, TokenExpiryReadiness, WabasService } from '@switchboard/accounts';
import { ConfigModule, type GatewayEnv } from '@switchboard/config';
import { GraphqlApiModule } from '@switchboard/graphql-api';
import { HealthModule } from '@switchboard/health';
import { loadChannelPlugins, messageApiDocs } from '@switchboard/channel-plugins';
import { MessagingModule } from '@switchboard/messaging';
import { PersistenceModule } from '@switchboard/persistence';
import { CacheInvalidationModule } from '@switchboard/platform';
import { QueueModule } from '@switchboard/queue';
import { QueueBoardModule } from '@switchboard/queue-board';
import { RateLimitingModule } from '@switchboard/rate-limiting';
import { TemplateRegistryModule } from '@switchboard/template-registry';
import { AdminKeyVerifier, RequestContext, TenancyModule } from '@switchboard/tenancy';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { TokenVaultModule, type MasterKeyRing } from '@switchboard/token-vault';
import { TenantEventsModule } from '@switchboard/tenant-events';
import { WebhookIngestModule } from '@switchboard/webhook-ingest';
import { WhatsAppChannelHost, WhatsAppHostModule } from '@switchboard/whatsapp-host';
import { PipelineProbeController } from './pipeline-probe.controller';
import { PipelineProbeService } from './pipeline-probe.service';
import { TenantQuotaAdmission } from './tenant-quota.admission';

/** Resolved before Nest starts, so a missing production secret stops the process with one line. */
export interface GatewaySecrets {
  adminApiKey: string;
  vaultKeys: MasterKeyRing;
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayEnv, databaseUrl: string, secrets: GatewaySecrets): DynamicModule {
    const development = config.NODE_ENV === 'development';
    // One instance of each, shared by the REST controllers and the GraphQL resolvers.
    const templates = TemplateRegistryModule.forRoot({ wabaAccess: { useExisting: WabasService } });
    const plugins = loadChannelPlugins({ packages: config.CHANNEL_PLUGINS });
    const messaging = MessagingModule.forRoot({
      plugins,
      channelHosts: { imports: [WhatsAppHostModule.forRoot()], hosts: [WhatsAppChannelHost] },
      publicBaseUrl: config.PUBLIC_BASE_URL,
      http: messageApiDocs(plugins),
    });
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
        CacheInvalidationModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          ttlMs: config.CACHE_TTL_MS,
          unsubscribedTtlMs: config.CACHE_UNSUBSCRIBED_TTL_MS,
        }),
        QueueBoardModule.forRoot({ operatorAccess: AdminKeyVerifier }),
        HealthModule.forRoot({ redisUrl: config.REDIS_URL, contributors: [TokenExpiryReadiness], operatorAccess: AdminKeyVerifier }),
        TenancyModule.forRoot({ adminApiKey: secrets.adminApiKey, admission: TenantQuotaAdmission }),
        RateLimitingModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          tenantQuota: { limit: config.TENANT_RATE_LIMIT_REQUESTS, windowMs: config.TENANT_RATE_LIMIT_WINDOW_SECONDS * 1000 },
        }),
        TokenVaultModule.forRoot({ keys: secrets.vaultKeys, cacheTtlMs: config.VAULT_CACHE_TTL_MS }),
        AccountsModule.forRoot(
          { graphBaseUrl: config.GRAPH_API_BASE_URL, graphVersion: config.GRAPH_API_VERSION },
          { http: true },
        ),
        templates,
        messaging,
        GraphqlApiModule.forRoot({
          introspection: config.GRAPHQL_INTROSPECTION ?? development,
          sandbox: config.GRAPHQL_SANDBOX ?? development,
          stacktraces: development,
          maxDepth: config.GRAPHQL_MAX_DEPTH,
          maxComplexity: config.GRAPHQL_MAX_COMPLEXITY,
          maxAliases: config.GRAPHQL_MAX_ALIASES,
          maxTokens: config.GRAPHQL_MAX_TOKENS,
          wsMaxPayloadBytes: config.GRAPHQL_WS_MAX_PAYLOAD_BYTES,
          maxSubscriptionsPerKey: config.GRAPHQL_MAX_SUBSCRIPTIONS_PER_KEY,
          imports: [templates, messaging],
        }),
        WebhookIngestModule.forRoot(),
        TenantEventsModule.forRoot({
          allowPrivateTargets: config.EVENT_ENDPOINTS_ALLOW_PRIVATE ?? config.NODE_ENV !== 'production',
          maxEndpointsPerEnvironment: config.EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT,
        }),
      ],
      controllers: [PipelineProbeController],
      providers: [PipelineProbeService],
    };
  }
}
