import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import type { EntityManager, Repository } from 'typeorm';
import { WINDOW_MS } from './messaging.constants';
import { ConversationWindowEntity } from './persistence/conversation-window.entity';
import { normaliseRecipient } from './recipients/recipient.normaliser';
import { SenderDirectory } from './sender-directory.service';

export interface WindowState {
  open: boolean;
  expiresAt: string | null;
  lastInboundAt: string | null;
}

/** Meta's 24 h customer-service window per number and contact, from the last inbound message. */
@Injectable()
export class ConversationWindowsService {
  private readonly windows: TenantScopedRepository<ConversationWindowEntity>;

  constructor(
    @InjectRepository(ConversationWindowEntity) windows: Repository<ConversationWindowEntity>,
    private readonly senders: SenderDirectory,
  ) {
    this.windows = new TenantScopedRepository(windows);
  }

  /** The caller's view (REST and GraphQL): `from` is one of its numbers, by phone_number_id or display number. */
  async forContact(from: string, waId: string): Promise<WindowState> {
    const { tenantId, environment } = RequestContext.principal();
    const sender = await this.senders.resolve({ tenantId, environment }, from);
    if (!sender) throw new SwitchboardError({ code: 'not_found', message: `No number ${from.slice(0, 32)} in this environment` });
    return this.state(sender.phoneNumberId, normaliseRecipient(waId, [], 'waId').waId);
  }

  async state(phoneNumberId: string, waId: string, now: number = Date.now()): Promise<WindowState> {
    const window = await this.windows.findOne({ phoneNumberId, waId });
    if (!window) return { open: false, expiresAt: null, lastInboundAt: null };
    const expiresAt = window.lastInboundAt.getTime() + WINDOW_MS;
    return { open: expiresAt > now, expiresAt: new Date(expiresAt).toISOString(), lastInboundAt: window.lastInboundAt.toISOString() };
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
