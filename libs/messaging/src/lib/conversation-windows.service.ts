import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { TenantScopedRepository } from '@switchboard/tenancy';
import type { Repository } from 'typeorm';
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
}
