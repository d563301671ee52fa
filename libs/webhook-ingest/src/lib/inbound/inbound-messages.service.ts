import { Injectable } from '@nestjs/common';
import { ConversationWindowsService } from '@switchboard/whatsapp-host';
import type { Environment } from '@switchboard/tenancy';
import type { EntityManager } from 'typeorm';
import type { InboundContact, InboundMessage } from '../webhook-payload';

export interface InboundScope {
  tenantId: string;
  environment: Environment;
}

/** A WhatsApp id we can message: digits only (reference: `from` is not always a phone number). */
const WA_ID = /^[0-9]{4,20}$/;

interface ContactRow {
  id: string;
  wa_id: string | null;
  user_id: string | null;
}

/**
 * Inbound messages (every type, `unsupported` with its errors included): stored once by
 * wamid, their contact kept by wa_id and, when Meta sends one, the business-scoped user
 * id, so a user known by either is one contact; and the 24 h window of (number, wa_id)
 * opened. Runs inside the caller's transaction.
 */
@Injectable()
export class InboundMessagesService {
  constructor(private readonly windows: ConversationWindowsService) {}

  async store(manager: EntityManager, scope: InboundScope, phoneNumberId: string, message: InboundMessage, contact: InboundContact | undefined): Promise<void> {
    const waId = [contact?.wa_id, message.from].find((candidate): candidate is string => candidate !== undefined && WA_ID.test(candidate)) ?? null;
    const userId = message.from_user_id ?? contact?.user_id ?? (message.from !== undefined && !WA_ID.test(message.from) ? message.from : null);
    const contactId =
      waId !== null || userId !== null
        ? await this.upsertContact(manager, scope, { waId, userId, name: contact?.profile?.name ?? null, at: message.timestamp })
        : null;
    await manager.query(
      `INSERT INTO inbound_messages (tenant_id, environment, phone_number_id, wamid, contact_id, from_wa_id, from_user_id, type, context_wamid, payload, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT ON CONSTRAINT inbound_messages_wamid_key DO NOTHING`,
      [scope.tenantId, scope.environment, phoneNumberId, message.id, contactId, waId, userId, message.type, message.context?.id ?? null, JSON.stringify(message), message.timestamp],
    );
    if (waId !== null) await this.windows.recordInbound(manager, scope, phoneNumberId, waId, message.timestamp);
  }

  /**
   * One contact per user: found by wa_id or user id; a contact first seen by one and now
   * by both gains the other; two contacts that turn out to be the same user are merged
   * into the one known by wa_id.
   */
  private async upsertContact(
    manager: EntityManager,
    scope: InboundScope,
    input: { waId: string | null; userId: string | null; name: string | null; at: Date },
  ): Promise<string> {
    const known = (await manager.query(
      `SELECT id, wa_id, user_id FROM contacts WHERE tenant_id = $1 AND environment = $2 AND (wa_id = $3 OR user_id = $4) ORDER BY wa_id NULLS LAST FOR UPDATE`,
      [scope.tenantId, scope.environment, input.waId, input.userId],
    )) as ContactRow[];
    const [keep, duplicate] = known;
    if (!keep) {
      const inserted = (await manager.query(
        `INSERT INTO contacts (tenant_id, environment, wa_id, user_id, profile_name, last_inbound_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING id`,
        [scope.tenantId, scope.environment, input.waId, input.userId, input.name, input.at],
      )) as Array<{ id: string }>;
      // A concurrent insert of the same user won: use its row.
      return inserted[0]?.id ?? this.upsertContact(manager, scope, input);
    }
    if (duplicate) {
      await manager.query(`UPDATE inbound_messages SET contact_id = $1 WHERE contact_id = $2`, [keep.id, duplicate.id]);
      await manager.query(`DELETE FROM contacts WHERE id = $1`, [duplicate.id]);
    }
    await manager.query(
      `UPDATE contacts SET wa_id = COALESCE(wa_id, $2), user_id = COALESCE(user_id, $3), profile_name = COALESCE($4, profile_name),
         last_inbound_at = GREATEST(last_inbound_at, $5), updated_at = now() WHERE id = $1`,
      [keep.id, input.waId, input.userId ?? duplicate?.user_id ?? null, input.name, input.at],
    );
    return keep.id;
  }
}
