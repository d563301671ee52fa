import { DynamicModule, Module } from '@nestjs/common';
import { InboundMessagesService } from './inbound/inbound-messages.service';
import { InboxWriter } from './inbox.writer';
import { InboxSweeper } from './processing/inbox.sweeper';
import { WebhookProcessingService } from './processing/webhook-processing.service';
import { DEFAULT_WEBHOOK_INGEST_SETTINGS, WEBHOOK_INGEST_SETTINGS, type WebhookIngestSettings } from './webhook-ingest.constants';
import { WebhookMetrics } from './webhook-ingest.metrics';
import { WebhookIngestService } from './webhook-ingest.service';
import { WebhookRoutes } from './webhook.routes';

export interface WebhookIngestModuleOptions extends Partial<WebhookIngestSettings> {
  /** Mount GET|HEAD|POST /webhooks/whatsapp/{appId} and store payloads (the gateway). Default true. */
  http?: boolean;
  /** Process stored payloads and sweep the inbox (the worker). Default false. */
  processing?: boolean;
}

/**
 * Meta's webhooks: the routes and the inbox (gateway), processing and the inbox sweep
 * (worker: list WebhooksProcessor in its providers). Needs, from the host: TypeORM
 * (PersistenceModule), QueueModule, MetricsModule, AccountsModule (global), and for
 * processing MessagingModule and TemplateRegistryModule.
 */
@Module({})
export class WebhookIngestModule {
  static forRoot(options: WebhookIngestModuleOptions = {}): DynamicModule {
    const { http, processing, ...overrides } = options;
    const settings: WebhookIngestSettings = { ...DEFAULT_WEBHOOK_INGEST_SETTINGS, ...overrides };
    const gateway = [WebhookIngestService, InboxWriter, WebhookRoutes];
    const worker = [WebhookProcessingService, InboundMessagesService, InboxSweeper];
    const providers = [...(http === false ? [] : gateway), ...(processing ? worker : [])];
    return {
      module: WebhookIngestModule,
      providers: [{ provide: WEBHOOK_INGEST_SETTINGS, useValue: settings }, WebhookMetrics, ...providers],
      exports: [WebhookMetrics, ...providers],
    };
  }
}
