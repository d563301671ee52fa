import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { TenantScopedRepository, type Environment } from '@switchboard/tenancy';
import type { Repository } from 'typeorm';
import { SuppressionEntity, type SuppressionSource } from './persistence/suppression.entity';
import { normaliseRecipient } from './recipients/recipient.normaliser';
import { insertSuppression } from './status/opt-out';

export interface SuppressionView {
  waId: string;
  reason: string | null;
  source: string;
  createdAt: string;
}

function view(row: SuppressionEntity): SuppressionView {
  return { waId: row.waId, reason: row.reason, source: row.source, createdAt: row.createdAt.toISOString() };
}

/** The recipients a tenant environment must not message: manual entries, and automatic ones from the worker and webhooks. */
@Injectable()
export class SuppressionsService {
  private readonly suppressions: TenantScopedRepository<SuppressionEntity>;

  constructor(@InjectRepository(SuppressionEntity) private readonly rows: Repository<SuppressionEntity>) {
    this.suppressions = new TenantScopedRepository(rows);
  }

  /** Outside a request (worker, webhooks): an existing entry, manual or not, is kept as it is. */
  addAutomatic(scope: { tenantId: string; environment: Environment }, waId: string, reason: string, source: Exclude<SuppressionSource, 'manual'>): Promise<void> {
    return insertSuppression(this.rows.manager, scope, waId, reason, source);
  }

  async list(): Promise<{ data: SuppressionView[] }> {
    return { data: (await this.suppressions.find({}, { order: { createdAt: 'DESC' }, take: 1000 })).map(view) };
  }

  /** Idempotent: suppressing a suppressed number answers the existing entry. */
  async add(input: { waId: string; reason?: string | undefined }): Promise<SuppressionView> {
    // Regions are not refused here: suppressing a number is always allowed.
    const { waId } = normaliseRecipient(input.waId, [], 'waId');
    const existing = await this.suppressions.findOne({ waId });
    if (existing) return view(existing);
    return view(await this.suppressions.save({ waId, reason: input.reason ?? null, source: 'manual' }));
  }

  async remove(waIdInput: string): Promise<void> {
    const waId = waIdInput.replace(/[^0-9]/g, '');
    const removed = waId.length === 0 ? 0 : await this.suppressions.delete({ waId });
    if (removed === 0) throw new SwitchboardError({ code: 'not_found', message: `${waIdInput.slice(0, 32)} is not suppressed` });
  }
}
