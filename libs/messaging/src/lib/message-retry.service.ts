import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { RequestContext } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import type { AcceptedMessage } from './http/messages.schemas';
import { acceptedView } from './http/message-views';
import { MessageJobs } from './message-jobs.service';
import { MessageEventEntity } from './persistence/message-event.entity';
import type { MessageStatus } from './persistence/message-status';
import { MessageEntity } from './persistence/message.entity';
import { queuedChange } from './status-feed/message-status-change';
import { MessageStatusFeed } from './status-feed/message-status-feed';
import { providerIdDetail } from './persistence/provider-id-detail';

/** Only a message that ended without a delivery may be sent again; why any other status may not. */
const NOT_RETRYABLE: Record<Exclude<MessageStatus, 'failed' | 'dead'>, string> = {
  queued: 'it is queued and will be sent',
  sending: 'it is being sent',
  sent: 'Meta accepted it and has not reported a failure',
  delivered: 'Meta delivered it',
  read: 'the recipient read it',
};

const isRetryable = (status: MessageStatus): status is 'failed' | 'dead' => status === 'failed' || status === 'dead';

/**
 * POST /v1/messages/{id}/retry (and GraphQL retryMessage): a `failed` or `dead` message goes
 * back to `queued` with fresh attempts and a `queued` event naming what it was, then gets a
 * new send job (its id carries the retry count). A message Meta accepted and later reported
 * `failed` is sent again as a new Graph message: its wamid and attempt mark are cleared, and
 * the old wamid stays in the retry's event (statuses Meta still reports for it are recorded,
 * not applied). Row and event commit together under a row lock, so two concurrent retries
 * make one requeue; the job follows the outbox rule.
 */
@Injectable()
export class MessageRetryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: MessageJobs,
    private readonly feed: MessageStatusFeed,
  ) {}

  async retry(id: string): Promise<AcceptedMessage> {
    const { tenantId, environment } = RequestContext.principal();
    const { message, at } = await this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(MessageEntity, { where: { id, tenantId, environment }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
      if (!isRetryable(row.status)) {
        const reason = NOT_RETRYABLE[row.status];
        throw new SwitchboardError({
          code: 'conflict',
          message: `Only failed or dead messages can be retried; this one is ${row.status}: ${reason}`,
          details: [{ path: 'id', issue: `status is ${row.status}: ${reason}` }],
        });
      }
      const previous = { status: row.status, error: row.error, attempts: row.attempts, ...(row.providerMessageId !== null ? providerIdDetail(row.channel, row.providerMessageId) : {}) };
      const now = new Date();
      Object.assign(row, { status: 'queued', retries: row.retries + 1, attempts: 0, error: null, providerMessageId: null, attemptStartedAt: null, updatedAt: now });
      const saved = await manager.save(MessageEntity, row);
      await manager.insert(MessageEventEntity, { messageId: id, tenantId, environment, status: 'queued', at: now, channel: saved.channel, routeStep: saved.routeStep, detail: { retry: saved.retries, previous } });
      return { message: saved, at: now };
    });
    await this.feed.publish([queuedChange(message, at)]);
    await this.jobs.enqueueCommitted(message);
    return acceptedView(message);
  }
}
