import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CacheInvalidation, cacheKey, type InvalidatingCache } from '@switchboard/platform';
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

const CACHE_TOPIC = 'templates';

/** Under the scope of the request context; a WABA's key drops every template of it. */
function scopedKey(...parts: string[]): string {
  const { tenantId, environment } = RequestContext.principal();
  return cacheKey(tenantId, environment, ...parts);
}

/**
 * All template reads and writes. The tenant and environment always come from the
 * request context (RequestContext.principal()), never from arguments, so no code
 * path can reach another tenant's templates. Every write drops the kept templates of
 * its WABA (or of the environment) in every process once it has committed.
 */
@Injectable()
export class TemplateStore {
  private readonly scoped: TenantScopedRepository<TemplateEntity>;
  private readonly kept: InvalidatingCache<TemplateEntity | null>;

  constructor(
    @InjectRepository(TemplateEntity) private readonly repository: Repository<TemplateEntity>,
    private readonly caches: CacheInvalidation,
  ) {
    this.scoped = new TenantScopedRepository(repository);
    this.kept = caches.cache(CACHE_TOPIC, 'templates');
  }

  /**
   * The send checks' read of one template, kept by this process until the WABA's templates
   * change anywhere (`fresh`: read now, and keep that). Treat it as read-only.
   */
  findKept(where: { wabaId: string; name: string; language: string }, { fresh = false }: { fresh?: boolean } = {}): Promise<TemplateEntity | null> {
    return this.kept.get(scopedKey(where.wabaId, where.name, where.language), () => this.scoped.findOne(where), fresh ? 0 : undefined);
  }

  find(where: FindOptionsWhere<TemplateEntity> = {}, options: Omit<FindManyOptions<TemplateEntity>, 'where'> = {}): Promise<TemplateEntity[]> {
    return this.scoped.find(where, options);
  }

  findOne(where: FindOptionsWhere<TemplateEntity>): Promise<TemplateEntity | null> {
    return this.scoped.findOne(where);
  }

  async save(entity: DeepPartial<TemplateEntity>): Promise<TemplateEntity> {
    const saved = await this.scoped.save(entity);
    await this.changed(saved.wabaId);
    return saved;
  }

  async delete(where: FindOptionsWhere<TemplateEntity>): Promise<number> {
    const deleted = await this.scoped.delete(where);
    await this.changed(typeof where.wabaId === 'string' ? where.wabaId : undefined);
    return deleted;
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
    for (const wabaId of new Set(rows.map((row) => row.wabaId))) await this.changed(wabaId);
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
    const deleted = (await query.execute()).affected ?? 0;
    if (deleted > 0) await this.changed(wabaId);
    return deleted;
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
    const deleted = (await query.execute()).affected ?? 0;
    if (deleted > 0) await this.changed();
    return deleted;
  }

  /** After the commit: the WABA's kept templates (the environment's, without a WABA) are read again everywhere. */
  private changed(wabaId?: string): Promise<void> {
    return this.caches.invalidate(CACHE_TOPIC, [wabaId === undefined ? scopedKey() : scopedKey(wabaId)]);
  }
}
