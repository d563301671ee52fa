import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import { Brackets, type DeepPartial, type FindManyOptions, type FindOptionsWhere, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { TemplateEntity } from './template.entity';

/** The Meta-owned columns of a template; a sync writes these and nothing else. */
export type MetaTemplateRow = Pick<
  TemplateEntity,
  | 'wabaId'
  | 'metaTemplateId'
  | 'name'
  | 'language'
  | 'category'
  | 'status'
  | 'rejectionReason'
  | 'qualityScore'
  | 'parameterFormat'
  | 'components'
  | 'placeholderMap'
  | 'lastSyncedAt'
>;

const META_COLUMNS = [
  'meta_template_id',
  'category',
  'status',
  'rejection_reason',
  'quality_score',
  'parameter_format',
  'components',
  'placeholder_map',
  'last_synced_at',
  'updated_at',
];

const UPSERT_CHUNK = 200;

/**
 * All template reads and writes. The tenant and environment always come from the
 * request context (RequestContext.principal()), never from arguments, so no code
 * path can reach another tenant's templates.
 */
@Injectable()
export class TemplateStore {
  private readonly scoped: TenantScopedRepository<TemplateEntity>;

  constructor(@InjectRepository(TemplateEntity) private readonly repository: Repository<TemplateEntity>) {
    this.scoped = new TenantScopedRepository(repository);
  }

  find(where: FindOptionsWhere<TemplateEntity> = {}, options: Omit<FindManyOptions<TemplateEntity>, 'where'> = {}): Promise<TemplateEntity[]> {
    return this.scoped.find(where, options);
  }

  findOne(where: FindOptionsWhere<TemplateEntity>): Promise<TemplateEntity | null> {
    return this.scoped.findOne(where);
  }

  save(entity: DeepPartial<TemplateEntity>): Promise<TemplateEntity> {
    return this.scoped.save(entity);
  }

  delete(where: FindOptionsWhere<TemplateEntity>): Promise<number> {
    return this.scoped.delete(where);
  }

  /**
   * Inserts or refreshes templates by (scope, WABA, name, language). Only Meta's
   * columns are overwritten: the backup template and webhook history survive a sync.
   */
  async upsertFromMeta(rows: readonly MetaTemplateRow[]): Promise<void> {
    const { tenantId, environment } = RequestContext.principal();
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      // jsonb columns hold Meta's free-form components, which TypeORM's deep-partial type cannot express.
      const chunk = rows
        .slice(i, i + UPSERT_CHUNK)
        .map((row) => ({ ...row, tenantId, environment, updatedAt: new Date() })) as unknown as QueryDeepPartialEntity<TemplateEntity>[];
      await this.repository
        .createQueryBuilder()
        .insert()
        .into(TemplateEntity)
        .values(chunk)
        .orUpdate(META_COLUMNS, ['tenant_id', 'environment', 'waba_id', 'name', 'language'])
        .execute();
    }
  }

  /**
   * Removes templates of a WABA that Graph no longer lists. Rows written after the
   * listing started (a template created meanwhile) are kept.
   */
  async deleteStale(wabaId: string, listedMetaIds: readonly string[], listedAt: Date): Promise<number> {
    const { tenantId, environment } = RequestContext.principal();
    const query = this.repository
      .createQueryBuilder()
      .delete()
      .from(TemplateEntity)
      .where('tenant_id = :tenantId AND environment = :environment AND waba_id = :wabaId', { tenantId, environment, wabaId })
      .andWhere(new Brackets((q) => q.where('last_synced_at IS NULL').orWhere('last_synced_at < :listedAt', { listedAt })));
    if (listedMetaIds.length > 0) query.andWhere('NOT (meta_template_id = ANY(:listedMetaIds))', { listedMetaIds });
    return (await query.execute()).affected ?? 0;
  }

  /**
   * Every tenant environment that has templates. Deliberately unscoped: it returns
   * scope identifiers only, for the worker to keep each one on the sync schedule.
   */
  async knownScopes(): Promise<{ tenantId: string; environment: TemplateEntity['environment'] }[]> {
    const rows = await this.repository
      .createQueryBuilder('template')
      .select('template.tenant_id', 'tenantId')
      .addSelect('template.environment', 'environment')
      .distinct(true)
      .getRawMany<{ tenantId: string; environment: TemplateEntity['environment'] }>();
    return rows.map((row) => ({ tenantId: row.tenantId, environment: row.environment }));
  }

  /** Removes templates of WABAs that no longer belong to the scope. */
  async deleteOutsideWabas(wabaIds: readonly string[]): Promise<number> {
    const { tenantId, environment } = RequestContext.principal();
    const query = this.repository
      .createQueryBuilder()
      .delete()
      .from(TemplateEntity)
      .where('tenant_id = :tenantId AND environment = :environment', { tenantId, environment });
    if (wabaIds.length > 0) query.andWhere('NOT (waba_id = ANY(:wabaIds))', { wabaIds });
    return (await query.execute()).affected ?? 0;
  }
}
