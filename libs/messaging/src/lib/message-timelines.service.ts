import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { TenantScopedRepository } from '@switchboard/tenancy';
import { In, type Repository } from 'typeorm';
import type { MessageView } from './http/messages.schemas';
import { MessageEventEntity } from './persistence/message-event.entity';

export type MessageTimeline = MessageView['events'];

/** The status timelines of messages of the caller's environment, many at once in one query (a GraphQL page's DataLoader). */
@Injectable()
export class MessageTimelines {
  private readonly events: TenantScopedRepository<MessageEventEntity>;

  constructor(@InjectRepository(MessageEventEntity) events: Repository<MessageEventEntity>) {
    this.events = new TenantScopedRepository(events);
  }

  /** One timeline per id, in the order asked; an id of another tenant or environment gets an empty one. */
  async of(ids: readonly string[]): Promise<MessageTimeline[]> {
    const rows = ids.length === 0 ? [] : await this.events.find({ messageId: In([...ids]) }, { order: { at: 'ASC', id: 'ASC' } });
    const byMessage = new Map<string, MessageTimeline>(ids.map((id) => [id, []]));
    for (const row of rows) byMessage.get(row.messageId)?.push({ status: row.status, at: row.at.toISOString() });
    return ids.map((id) => byMessage.get(id) ?? []);
  }
}
