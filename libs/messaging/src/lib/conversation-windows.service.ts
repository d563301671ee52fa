import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { TenantScopedRepository } from '@switchboard/tenancy';
import type { EntityManager, Repository } from 'typeorm';
import { WINDOW_MS } from './messaging.constants';
import { ConversationWindowEntity } from './persistence/conversation-window.entity';

export interface WindowState {
  open: boolean;
  expiresAt: string | null;
  lastInboundAt: string | null;
}

/** Meta's 24 h customer-service window per number and contact, from the last inbound message. */
@Injectable()
export class ConversationWindowsService {
  private readonly windows: TenantScopedRepository<ConversationWindowEntity>;

  constructor(@InjectRepository(ConversationWindowEntity) windows: Repository<ConversationWindowEntity>) {
    this.windows = new TenantScopedRepository(windows);
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
