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

/** Only a message that ended without reaching Meta's delivery path may be sent again. */
const RETRYABLE: ReadonlySet<MessageStatus> = new Set(['failed', 'dead']);

/**
 * POST /v1/messages/{id}/retry: a `failed` or `dead` message goes back to `queued`
 * with fresh attempts and a `queued` event naming what it was, then gets a new send
 * job (its id carries the retry count). Row and event commit together under a row
 * lock, so two concurrent retries make one requeue; the job follows the outbox rule.
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
      if (!RETRYABLE.has(row.status)) {
        throw new SwitchboardError({
          code: 'conflict',
          message: `Only failed or dead messages can be retried; this one is ${row.status}`,
          details: [{ path: 'id', issue: `status is ${row.status}` }],
        });
      }
      const previous = { status: row.status, error: row.error, attempts: row.attempts };
      const now = new Date();
      Object.assign(row, { status: 'queued', retries: row.retries + 1, attempts: 0, error: null, updatedAt: now });
      const saved = await manager.save(MessageEntity, row);
      await manager.insert(MessageEventEntity, { messageId: id, tenantId, environment, status: 'queued', at: now, detail: { retry: saved.retries, previous } });
      return { message: saved, at: now };
    });
    await this.feed.publish([queuedChange(message, at)]);
    await this.jobs.enqueueCommitted(message);
    return acceptedView(message);
  }
}
