import { DynamicModule, Module, type InjectionToken, type ModuleMetadata, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ChannelPlugin } from '@switchboard/channel-contract';
import { ChannelRegistry } from '@switchboard/channel-contract';
import { CircuitBreaker, RateLimitConnection } from '@switchboard/rate-limiting';
import { ChannelHosts } from './channels/channel-hosts';
import { CHANNEL_HOSTS, type ChannelHost } from './channels/channel-host.port';
import { ChannelInbox } from './channels/channel-inbox.service';
import { ChannelWebhookRoutes } from './channels/channel-webhook.routes';
import { ConnectionChannelHosts } from './channels/connection-channel-host';
import { RecipientChecks } from './checks/recipient-checks';
import { SendTimeChecks } from './checks/send-time-checks';
import { ChannelConnectionEntity } from './connections/channel-connection.entity';
import { ChannelConnections } from './connections/channel-connections.service';
import { FallbackPolicies } from './fallback/fallback-policies';
import { MessageFallbacks } from './fallback/message-fallbacks';
import { ChannelConnectionsController, FallbackPolicyController } from './http/channel-connections.controller';
import { messagesControllerFor, SuppressionsController, type MessageApiDocs } from './http/messages.controller';
import { operatorMessagesControllerFor, MessageFailuresController } from './http/operator-messages.controller';
import { MessageFailures } from './message-failures.service';
import { MessageJobs } from './message-jobs.service';
import { MessageRetryService } from './message-retry.service';
import { MessageTimelines } from './message-timelines.service';
import { MessagesService } from './messages.service';
import { OutboxSweeper } from './outbox.sweeper';
import { CHANNEL_REGISTRY, CHANNEL_ROUTES, channelRoutes, DEFAULT_MESSAGING_SETTINGS, MESSAGING_SETTINGS, type MessagingSettings } from './messaging.constants';
import { MessageEventEntity } from './persistence/message-event.entity';
import { MessageEntity } from './persistence/message.entity';
import { SuppressionEntity } from './persistence/suppression.entity';
import { PendingStatusEntity } from './status/pending-status.entity';
import { MessageEvents } from './status/message-events';
import { MessageStatusService } from './status/message-status.service';
import { SuppressionsService } from './suppressions.service';
import { MessageSender } from './send/message-sender.service';
import { SendMessageProcessor } from './send/send-message.processor';
import { SEND_CIRCUIT_BREAKER } from './send/send.constants';
import { SendMetrics } from './send/send.metrics';
import { MessageStatusFeed } from './status-feed/message-status-feed';
import { StatusFeedMetrics } from './status-feed/status-feed.metrics';

export const MESSAGING_ENTITIES = [MessageEntity, MessageEventEntity, SuppressionEntity, PendingStatusEntity, ChannelConnectionEntity];

/** The hosts the app binds for channels with state of their own (WhatsApp's), from the modules that provide them. */
export interface ChannelHostBinding {
  readonly imports: NonNullable<ModuleMetadata['imports']>;
  /** Provider tokens of ChannelHost implementations those modules export. */
  readonly hosts: readonly InjectionToken[];
}

export interface MessagingModuleOptions extends Partial<MessagingSettings> {
  /** The channel plugins (the registry refuses a duplicate id, and a missing `whatsapp`, at boot). */
  plugins: readonly ChannelPlugin[];
  /** ChannelHosts the app binds; every other plugin gets the generic one over channel connections. */
  channelHosts?: ChannelHostBinding;
  /** The gateway's origin as vendors reach it: status callback URLs and callback signatures use it. */
  publicBaseUrl: string;
  /**
   * Mount the /v1/messages, /v1/suppressions, /v1/fallback-policy, channel-connection admin and
   * /webhooks/{channel}/{connectionId} routes (the gateway), documented with these schemas.
   */
  http?: MessageApiDocs | false;
  /**
   * Consume the `messages` queue (the worker). Default false.
   */
  sender?: boolean;
}

const senderProviders: Provider[] = [
  MessageSender,
  SendMetrics,
  SendMessageProcessor,
  {
    provide: SEND_CIRCUIT_BREAKER,
    inject: [RateLimitConnection, MESSAGING_SETTINGS],
    useFactory: (connection: RateLimitConnection, settings: MessagingSettings) => new CircuitBreaker(connection, settings.send.circuit),
  },
];

/**
 * The outbound message pipeline of every channel. Needs, from the host: TypeORM
 * (PersistenceModule), QueueModule (QUEUE_PRODUCER, QUEUE_SETTINGS), MetricsModule,
 * TokenVaultModule (channel connection configs), TenancyModule, RateLimitingModule (every
 * send's permit: the account's circuit and the vendor's limits); the channel plugins and the
 * ChannelHosts of channels with state of their own (WhatsApp's).
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const settings: MessagingSettings = {
      refusedRegions: options.refusedRegions ?? DEFAULT_MESSAGING_SETTINGS.refusedRegions,
      idempotencyTtlMs: options.idempotencyTtlMs ?? DEFAULT_MESSAGING_SETTINGS.idempotencyTtlMs,
      send: { ...DEFAULT_MESSAGING_SETTINGS.send, ...options.send },
    };
    const hosts = options.channelHosts?.hosts ?? [];
    const services = [
      MessagesService,
      MessageTimelines,
      SuppressionsService,
      OutboxSweeper,
      MessageStatusService,
      MessageJobs,
      MessageRetryService,
      ChannelConnections,
      ConnectionChannelHosts,
      ChannelHosts,
      RecipientChecks,
      SendTimeChecks,
      FallbackPolicies,
      MessageFallbacks,
      ChannelInbox,
      MessageEvents,
      MessageFailures,
    ];
    return {
      module: MessagingModule,
      // Global: webhook ingest (WhatsApp's) applies statuses through the same status machine.
      global: true,
      imports: [TypeOrmModule.forFeature(MESSAGING_ENTITIES), ...(options.channelHosts?.imports ?? [])],
      controllers: options.http
        ? [MessageFailuresController, messagesControllerFor(options.http), SuppressionsController, ChannelConnectionsController, FallbackPolicyController, operatorMessagesControllerFor(options.http)]
        : [],
      providers: [
        { provide: MESSAGING_SETTINGS, useValue: settings },
        // The explicit plugin list: a missing or duplicate channel stops the process at boot.
        { provide: CHANNEL_REGISTRY, useFactory: () => new ChannelRegistry(options.plugins, ['whatsapp']) },
        { provide: CHANNEL_ROUTES, useValue: channelRoutes(options.publicBaseUrl) },
        { provide: CHANNEL_HOSTS, inject: [...hosts], useFactory: (...bound: ChannelHost[]) => bound },
        // Gateway and worker alike: both write timeline events; only a gateway watches.
        StatusFeedMetrics,
        MessageStatusFeed,
        ...services,
        ...(options.http ? [ChannelWebhookRoutes] : []),
        ...(options.sender ? senderProviders : []),
      ],
      exports: [MESSAGING_SETTINGS, CHANNEL_REGISTRY, MessageStatusFeed, ...services],
    };
  }
}
