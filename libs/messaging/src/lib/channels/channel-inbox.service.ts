import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ChannelEvent, ChannelRegistry, InboundRequest } from '@switchboard/channel-contract';
import { messageErrorOf } from '@switchboard/error-taxonomy';
import { DataSource, type EntityManager } from 'typeorm';
import { ChannelConnections } from '../connections/channel-connections.service';
import { channelLoggerOf } from './channel-logger';
import { CHANNEL_REGISTRY } from '../messaging.constants';
import { MESSAGE_ID_PATTERN } from '../persistence/message-id';
import { MessageStatusService, type AfterCommit } from '../status/message-status.service';
import { recordOptIn, recordOptOut } from '../status/opt-out';

export type InboxOutcome = 'processed' | 'unknown_connection' | 'forged';

/** The query parameter of a status callback URL that names the message (ChannelRoutes puts it there). */
export const CALLBACK_MESSAGE_PARAM = 'messageId';

/**
 * A vendor's callback on a channel connection's route, for every channel whose plugin has
 * `inbound`: the connection's config verifies the signature before anything is read (a forged
 * or unsigned request changes nothing), then the plugin's normalised events are applied in one
 * transaction: status receipts through the status machine (deduplicated by their key, so a
 * repeated callback is one timeline event), consent keywords as the channel's suppressions.
 */
@Injectable()
export class ChannelInbox {
  private readonly logger = new Logger(ChannelInbox.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CHANNEL_REGISTRY) private readonly registry: ChannelRegistry,
    private readonly connections: ChannelConnections,
    private readonly statuses: MessageStatusService,
  ) {}

  async receive(channel: string, connectionId: string, request: InboundRequest): Promise<InboxOutcome> {
    const usable = await this.connections.usableById(connectionId);
    const inbound = this.registry.has(channel) ? this.registry.get(channel).inbound : undefined;
    if (!usable || usable.connection.channel !== channel || !inbound) return 'unknown_connection';
    const { connection, config } = usable;
    const scope = { tenantId: connection.tenantId, environment: connection.environment };
    const ctx = { ...scope, config, logger: channelLoggerOf(this.logger), now: () => new Date() };
    if (!inbound.verify(request, ctx)) {
      this.logger.warn({ channel, connectionId }, 'channel callback refused: its signature does not verify with the connection');
      return 'forged';
    }
    const callbackMessageId = new URL(request.url).searchParams.get(CALLBACK_MESSAGE_PARAM);
    const events = inbound.parse(request);
    const after: AfterCommit = { deliveries: [], changes: [], fallbacks: [] };
    await this.dataSource.transaction(async (manager) => {
      for (const event of events) {
        if (!(await claim(manager, `${channel}:${connectionId}:${event.dedupeKey}`))) continue;
        await this.apply(manager, { ...scope, channel }, event, callbackMessageId, after);
      }
    });
    await this.statuses.afterCommit(after);
    return 'processed';
  }

  private async apply(manager: EntityManager, scope: { tenantId: string; environment: 'live' | 'test'; channel: string }, event: ChannelEvent, callbackMessageId: string | null, after: AfterCommit): Promise<void> {
    if (event.kind === 'status') {
      const messageId = event.messageId ?? callbackMessageId ?? undefined;
      const result = await this.statuses.apply(manager, scope, {
        channel: scope.channel,
        providerMessageId: event.providerMessageId,
        status: event.status,
        at: event.occurredAt.toISOString(),
        ...(messageId !== undefined && MESSAGE_ID_PATTERN.test(messageId) ? { callbackData: messageId } : {}),
        ...(event.error ? { error: messageErrorOf(event.error) } : {}),
      });
      after.deliveries.push(...result.deliveries);
      after.changes.push(...result.changes);
      after.fallbacks.push(...result.fallbacks);
      return;
    }
    if (event.consent === 'opt_out') await recordOptOut(manager, scope, event.from, `${scope.channel}: the recipient opted out (${(event.text ?? '').trim().slice(0, 20)})`);
    if (event.consent === 'opt_in') await recordOptIn(manager, scope, event.from);
  }
}

/** The first time this key is seen (the same table as WhatsApp's webhook items): false for a repeat. */
async function claim(manager: EntityManager, key: string): Promise<boolean> {
  const rows = (await manager.query(`INSERT INTO webhook_event_keys (key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING key`, [key.slice(0, 200)])) as unknown[];
  return rows.length > 0;
}
