import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { GroupCommit } from '@switchboard/platform';
import { TenantScopedRepository, type Environment } from '@switchboard/tenancy';
import { IsNull, type Repository } from 'typeorm';
import { SuppressionEntity, type SuppressionSource } from './persistence/suppression.entity';
import { normaliseRecipient } from './recipients/recipient.normaliser';
import { insertSuppression } from './status/opt-out';

export interface SuppressionView {
  waId: string;
  channel: string | null;
  reason: string | null;
  source: string;
  createdAt: string;
}

/** The stored form of an address to remove: normalised as `add` stores it, or null when it is no number. */
function normaliseAddress(input: string): string | null {
  try {
    return normaliseRecipient(input, [], 'waId').waId;
  } catch {
    return null;
  }
}

interface SuppressionLookup {
  tenantId: string;
  environment: Environment;
  address: string;
  channel: string;
}

function view(row: SuppressionEntity): SuppressionView {
  return { waId: row.waId, channel: row.channel, reason: row.reason, source: row.source, createdAt: row.createdAt.toISOString() };
}

/** The recipients a tenant environment must not message: manual entries, and automatic ones from the worker and webhooks. */
@Injectable()
export class SuppressionsService {
  private readonly suppressions: TenantScopedRepository<SuppressionEntity>;

  // A lookup that comes while two statements are in flight waits for the next one with the others.
  private readonly lookups = new GroupCommit<SuppressionLookup, boolean>((batch) => this.lookUp(batch), { maxBatch: 200, concurrency: 2 });

  constructor(@InjectRepository(SuppressionEntity) private readonly rows: Repository<SuppressionEntity>) {
    this.suppressions = new TenantScopedRepository(rows);
  }

  /** Outside a request (worker, webhooks): an existing entry, manual or not, is kept as it is. */
  addAutomatic(scope: { tenantId: string; environment: Environment }, address: string, reason: string, source: Exclude<SuppressionSource, 'manual'>, channel: string): Promise<void> {
    return insertSuppression(this.rows.manager, scope, channel, address, reason, source);
  }

  /**
   * Whether the address may not be messaged on `channel`: an entry for that channel or for every
   * channel. Asked on every accept; the lookups of concurrent accepts go to Postgres together.
   */
  isSuppressed(scope: { tenantId: string; environment: Environment }, channel: string, address: string): Promise<boolean> {
    return this.lookups.submit({ tenantId: scope.tenantId, environment: scope.environment, address, channel });
  }

  /** One statement for many lookups: the positions (1-based) of the suppressed ones. */
  private async lookUp(batch: SuppressionLookup[]): Promise<boolean[]> {
    const rows = (await this.rows.query(
      `SELECT q.i FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[]) WITH ORDINALITY AS q (tenant_id, environment, wa_id, channel, i)
       WHERE EXISTS (SELECT 1 FROM suppressions s WHERE s.tenant_id = q.tenant_id AND s.environment = q.environment AND s.wa_id = q.wa_id AND (s.channel IS NULL OR s.channel = q.channel))`,
      [batch.map((lookup) => lookup.tenantId), batch.map((lookup) => lookup.environment), batch.map((lookup) => lookup.address), batch.map((lookup) => lookup.channel)],
    )) as Array<{ i: string }>;
    const suppressed = new Set(rows.map((row) => Number(row.i)));
    return batch.map((_lookup, index) => suppressed.has(index + 1));
  }

  async list(): Promise<{ data: SuppressionView[] }> {
    return { data: (await this.suppressions.find({}, { order: { createdAt: 'DESC' }, take: 1000 })).map(view) };
  }

  /** Idempotent: suppressing a suppressed number answers the existing entry. */
  async add(input: { waId: string; reason?: string | undefined; channel?: string | undefined }): Promise<SuppressionView> {
    // Regions are not refused here: suppressing a number is always allowed.
    const { waId } = normaliseRecipient(input.waId, [], 'waId');
    const channel = input.channel ?? null;
    const existing = await this.suppressions.findOne({ waId, channel: channel ?? IsNull() });
    if (existing) return view(existing);
    return view(await this.suppressions.save({ waId, channel, reason: input.reason ?? null, source: 'manual' }));
  }

  /** Every entry of the address goes, whatever its channel: one call allows the contact again. */
  async remove(waIdInput: string): Promise<void> {
    const waId = normaliseAddress(waIdInput);
    const removed = waId === null ? 0 : await this.suppressions.delete({ waId });
    if (removed === 0) throw new SwitchboardError({ code: 'not_found', message: `${waIdInput.slice(0, 32)} is not suppressed` });
  }
}
