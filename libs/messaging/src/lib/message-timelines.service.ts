import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RequestContext } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import type { MessageView } from './http/messages.schemas';
import type { MessageStatus } from './persistence/message-status';

export type MessageTimeline = MessageView['events'];

/** The status timelines of messages of the caller's environment, many at once in one query (a GraphQL page's DataLoader). */
@Injectable()
export class MessageTimelines {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One timeline per id, in the order asked; an id of another tenant or environment gets an
   * empty one. Meta's status times are whole seconds while ours have milliseconds, so within a
   * second the order is the order the events were stored (a `delivered` stamped 12:00:00 is not
   * put before the `queued` of 12:00:00.400). Each event names its channel and attempt (the
   * route step, from 1) and carries its detail (the error, the fallback that started).
   */
  async of(ids: readonly string[]): Promise<MessageTimeline[]> {
    const { tenantId, environment } = RequestContext.principal();
    const rows = (
      ids.length === 0
        ? []
        : await this.dataSource.query(
            `SELECT message_id, status, at, channel, route_step, detail FROM message_events
              WHERE tenant_id = $1 AND environment = $2 AND message_id = ANY($3)
              ORDER BY date_trunc('second', at), id`,
            [tenantId, environment, [...ids]],
          )
    ) as Array<{ message_id: string; status: MessageStatus; at: Date; channel: string; route_step: number; detail: Record<string, unknown> | null }>;
    const byMessage = new Map<string, MessageTimeline>(ids.map((id) => [id, []]));
    for (const row of rows) {
      byMessage.get(row.message_id)?.push({
        status: row.status,
        at: row.at.toISOString(),
        channel: row.channel,
        attempt: row.route_step + 1,
        ...(row.detail ? { detail: row.detail } : {}),
      });
    }
    return ids.map((id) => byMessage.get(id) ?? []);
  }
}
