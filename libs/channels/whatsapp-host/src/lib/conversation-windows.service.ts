import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { normaliseRecipient } from '@switchboard/messaging';
import { RequestContext, type Environment } from '@switchboard/tenancy';
import type { EntityManager, Repository } from 'typeorm';
import { z } from 'zod';
import { ConversationWindowEntity } from './conversation-window.entity';
import { SenderDirectory } from './sender-directory.service';

export const windowQuerySchema = z.strictObject({ from: z.string().min(1).max(32) });
export const windowViewSchema = z.object({ open: z.boolean(), expiresAt: z.iso.datetime().nullable(), lastInboundAt: z.iso.datetime().nullable() });
export type WindowState = z.infer<typeof windowViewSchema>;

/** Meta's customer-service window after the contact's last inbound message. */
export const WINDOW_MS = 24 * 3600 * 1000;

/** Meta's 24 h customer-service window per number and contact, from the last inbound message: the one home of the rule. */
@Injectable()
export class ConversationWindowsService {
  constructor(
    @InjectRepository(ConversationWindowEntity) private readonly windows: Repository<ConversationWindowEntity>,
    private readonly senders: SenderDirectory,
  ) {}

  /** The caller's view (REST and GraphQL): `from` is one of its numbers, by phone_number_id or display number. */
  async forContact(from: string, waId: string): Promise<WindowState> {
    const { tenantId, environment } = RequestContext.principal();
    const sender = await this.senders.resolve({ tenantId, environment }, from);
    if (!sender) throw new SwitchboardError({ code: 'not_found', message: `No number ${from.slice(0, 32)} in this environment` });
    return this.state({ tenantId, environment }, sender.phoneNumberId, normaliseRecipient(waId, [], 'waId').waId);
  }

  /** One indexed read (the unique key), on the send path too. */
  async state(scope: { tenantId: string; environment: Environment }, phoneNumberId: string, waId: string, now: number = Date.now()): Promise<WindowState> {
    const rows: Array<{ last_inbound_at: Date }> = await this.windows.query(
      `SELECT last_inbound_at FROM conversation_windows WHERE tenant_id = $1 AND environment = $2 AND phone_number_id = $3 AND wa_id = $4`,
      [scope.tenantId, scope.environment, phoneNumberId, waId],
    );
    const [window] = rows;
    if (!window) return { open: false, expiresAt: null, lastInboundAt: null };
    const expiresAt = window.last_inbound_at.getTime() + WINDOW_MS;
    return { open: expiresAt > now, expiresAt: new Date(expiresAt).toISOString(), lastInboundAt: window.last_inbound_at.toISOString() };
  }

  /**
   * An inbound message opens (or refreshes) the window. Webhooks arrive out of order and
   * are redelivered, so the last inbound time only ever moves forward.
   */
  async recordInbound(manager: EntityManager, scope: { tenantId: string; environment: string }, phoneNumberId: string, waId: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO conversation_windows (tenant_id, environment, phone_number_id, wa_id, last_inbound_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT conversation_windows_key DO UPDATE
         SET last_inbound_at = EXCLUDED.last_inbound_at, updated_at = now()
         WHERE conversation_windows.last_inbound_at < EXCLUDED.last_inbound_at`,
      [scope.tenantId, scope.environment, phoneNumberId, waId, at],
    );
  }
}
