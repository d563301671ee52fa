import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelRegistry } from '@switchboard/channel-contract';
import { MediaPreflight, WHATSAPP_CHANNEL_ID, WhatsAppChannel, type MediaPreflightOptions } from '@switchboard/channel-whatsapp';
import { RateLimitConnection } from '@switchboard/rate-limiting';
import { ConversationWindowsService } from './conversation-windows.service';
import { ContactsController, MessagesController, SuppressionsController } from './http/messages.controller';
import { MessageFailuresController, OperatorMessagesController } from './http/operator-messages.controller';
import { MessageFailures } from './message-failures.service';
import { MessageJobs } from './message-jobs.service';
import { MessageRetryService } from './message-retry.service';
import { MessageTimelines } from './message-timelines.service';
import { MessagesService } from './messages.service';
import { OutboxSweeper } from './outbox.sweeper';
import { CHANNEL_REGISTRY, DEFAULT_MESSAGING_SETTINGS, MESSAGING_SETTINGS, type MessagingSettings } from './messaging.constants';
import { ConversationWindowEntity } from './persistence/conversation-window.entity';
import { MessageEventEntity } from './persistence/message-event.entity';
import { MessageEntity } from './persistence/message.entity';
import { SuppressionEntity } from './persistence/suppression.entity';
import { SendTimeChecks } from './send-time-checks.service';
import { SenderDirectory } from './sender-directory.service';
import { PendingStatusEntity } from './status/pending-status.entity';
import { MessageStatusService } from './status/message-status.service';
import { SuppressionsService } from './suppressions.service';
import { CircuitBreaker } from './send/circuit-breaker';
import { MessageSender } from './send/message-sender.service';
import { SendMessageProcessor } from './send/send-message.processor';
import { SEND_CIRCUIT_BREAKER } from './send/send.constants';
import { SendMetrics } from './send/send.metrics';
import { MessageStatusFeed } from './status-feed/message-status-feed';
import { StatusFeedMetrics } from './status-feed/status-feed.metrics';

export const MESSAGING_ENTITIES = [MessageEntity, MessageEventEntity, ConversationWindowEntity, SuppressionEntity, PendingStatusEntity];

export interface MessagingModuleOptions extends Partial<MessagingSettings> {
  /** Mount the /v1/messages, /v1/contacts and /v1/suppressions routes (the gateway). Default true. */
  http?: boolean;
  /** Hosts refused as URL shorteners in media links; default the WhatsApp channel's list. */
  urlShorteners?: readonly string[];
  /**
   * Consume the `messages` queue (the worker). Needs RateLimitingModule from the host
   * (the limits and the Redis connection the circuit breaker shares). Default false.
   */
  sender?: boolean;
  /**
   * The sender's media-link check; the worker passes MEDIA_PREFLIGHT_ALLOW_PRIVATE resolved for its
   * NODE_ENV. Unset here means private targets refused.
   */
  mediaPreflight?: MediaPreflightOptions;
}

const senderProviders: Provider[] = [
  MessageSender,
  SendMetrics,
  SendMessageProcessor,
  {
    provide: SEND_CIRCUIT_BREAKER,
    inject: [RateLimitConnection, MESSAGING_SETTINGS],
    useFactory: (connection: RateLimitConnection, settings: MessagingSettings) => new CircuitBreaker(connection.redis, connection.keyPrefix, settings.send.circuit),
  },
];

/**
 * The outbound message pipeline. Needs, from the host: TypeORM (PersistenceModule),
 * QueueModule (QUEUE_PRODUCER, QUEUE_SETTINGS), MetricsModule, AccountsModule (global: the tenant's numbers),
 * TemplateRegistryModule (TemplatePreSendService) and, for the routes, TenancyModule.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions = {}): DynamicModule {
    const settings: MessagingSettings = {
      refusedRegions: options.refusedRegions ?? DEFAULT_MESSAGING_SETTINGS.refusedRegions,
      idempotencyTtlMs: options.idempotencyTtlMs ?? DEFAULT_MESSAGING_SETTINGS.idempotencyTtlMs,
      send: { ...DEFAULT_MESSAGING_SETTINGS.send, ...options.send },
    };
    const services = [MessagesService, MessageTimelines, ConversationWindowsService, SuppressionsService, SenderDirectory, OutboxSweeper, MessageStatusService, MessageJobs, MessageRetryService, SendTimeChecks, MessageFailures];
    return {
      module: MessagingModule,
      imports: [TypeOrmModule.forFeature(MESSAGING_ENTITIES)],
      controllers: options.http === false ? [] : [MessageFailuresController, MessagesController, ContactsController, SuppressionsController, OperatorMessagesController],
      providers: [
        { provide: MESSAGING_SETTINGS, useValue: settings },
        // The explicit plugin list: a missing or duplicate channel stops the process at boot.
        // The sender checks media links before it sends (issue 7); accept needs no network.
        {
          provide: CHANNEL_REGISTRY,
          useFactory: () =>
            new ChannelRegistry(
              [new WhatsAppChannel({ urlShorteners: options.urlShorteners, ...(options.sender ? { mediaPreflight: new MediaPreflight(options.mediaPreflight) } : {}) })],
              [WHATSAPP_CHANNEL_ID],
            ),
        },
        // Gateway and worker alike: both write timeline events; only a gateway watches.
        StatusFeedMetrics,
        MessageStatusFeed,
        ...services,
        ...(options.sender ? senderProviders : []),
      ],
      exports: [MESSAGING_SETTINGS, CHANNEL_REGISTRY, MessageStatusFeed, ...services],
    };
  }
}
