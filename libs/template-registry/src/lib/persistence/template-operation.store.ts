import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import { In, LessThan, type DeepPartial, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { TemplateOperationEntity, type TemplateOperationErrorMeta, type TemplateOperationKind } from './template-operation.entity';

export type NewTemplateOperation = Pick<TemplateOperationEntity, 'kind' | 'wabaId' | 'templateName' | 'language' | 'input'>;

export interface TemplateOperationFailure {
  readonly code: string;
  readonly message: string;
  readonly meta: TemplateOperationErrorMeta | null;
}

const UNFINISHED = ['queued', 'running'] as const;

/**
 * Reads and writes of template operations. Everything a request or a run does goes
 * through the request context's tenant and environment; only `findForRun`,
 * `unfinishedBefore` and `deleteFinishedBefore` are unscoped, because a job and the
 * sweep name operations by id or age alone and learn their scope from the row.
 */
@Injectable()
export class TemplateOperationStore {
  private readonly scoped: TenantScopedRepository<TemplateOperationEntity>;

  constructor(@InjectRepository(TemplateOperationEntity) private readonly repository: Repository<TemplateOperationEntity>) {
    this.scoped = new TenantScopedRepository(repository);
  }

  findOne(id: string): Promise<TemplateOperationEntity | null> {
    return this.scoped.findOne({ id });
  }

  insert(operation: NewTemplateOperation): Promise<TemplateOperationEntity> {
    return this.scoped.save({ ...operation, state: 'queued' } as DeepPartial<TemplateOperationEntity>);
  }

  /**
   * A new sync, unless one is already queued or running in the scope (the partial
   * unique index decides, so concurrent requests on several gateways get one).
   */
  async insertSyncUnlessActive(): Promise<{ operation: TemplateOperationEntity; created: boolean }> {
    const { tenantId, environment } = RequestContext.principal();
    for (;;) {
      const inserted = (await this.repository.query(
        `INSERT INTO template_operations (tenant_id, environment, kind, state) VALUES ($1, $2, 'sync', 'queued')
         ON CONFLICT (tenant_id, environment) WHERE kind = 'sync' AND state IN ('queued', 'running') DO NOTHING RETURNING id`,
        [tenantId, environment],
      )) as { id: string }[];
      const id = inserted[0]?.id;
      if (id !== undefined) return { operation: await this.require(id), created: true };
      const active = await this.scoped.findOne({ kind: 'sync', state: In([...UNFINISHED]) });
      // The active one may have finished between the insert and the read: try again.
      if (active) return { operation: active, created: false };
    }
  }

  countUnfinished(kinds: readonly TemplateOperationKind[]): Promise<number> {
    return this.scoped.count({ kind: In([...kinds]), state: In([...UNFINISHED]) });
  }

  /** The row a job names, whatever its scope; the runner then works inside that scope. */
  findForRun(id: string): Promise<TemplateOperationEntity | null> {
    return this.repository.findOneBy({ id });
  }

  /** Unfinished operations untouched since `before`, oldest first (for the sweep). */
  unfinishedBefore(before: Date, limit: number): Promise<TemplateOperationEntity[]> {
    return this.repository.find({ where: { state: In([...UNFINISHED]), updatedAt: LessThan(before) }, order: { updatedAt: 'ASC' }, take: limit });
  }

  /** Forgets operations that finished before `before`; returns how many. */
  async deleteFinishedBefore(before: Date): Promise<number> {
    return (await this.repository.delete({ state: In(['succeeded', 'failed']), finishedAt: LessThan(before) })).affected ?? 0;
  }

  /** Claims an unfinished operation for one attempt; null when it already finished (a repeated job). */
  async start(id: string): Promise<TemplateOperationEntity | null> {
    const { tenantId, environment } = RequestContext.principal();
    const updated = (await this.repository.query(
      `UPDATE template_operations SET state = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
       WHERE id = $1 AND tenant_id = $2 AND environment = $3 AND state IN ('queued', 'running') RETURNING id`,
      [id, tenantId, environment],
    )) as [{ id: string }[], number];
    return updated[0].length > 0 ? this.require(id) : null;
  }

  /** Back to queued: the attempt failed and the job will run again. */
  requeue(id: string): Promise<void> {
    return this.update(id, { state: 'queued' });
  }

  succeed(id: string, result: Record<string, unknown>): Promise<void> {
    // jsonb holds the free-form result, which TypeORM's deep-partial type cannot express.
    return this.update(id, { state: 'succeeded', result: result as QueryDeepPartialEntity<Record<string, unknown>>, finishedAt: new Date() });
  }

  fail(id: string, failure: TemplateOperationFailure): Promise<void> {
    return this.update(id, { state: 'failed', errorCode: failure.code, errorMessage: failure.message, errorMeta: failure.meta, finishedAt: new Date() });
  }

  private async update(id: string, patch: QueryDeepPartialEntity<TemplateOperationEntity>): Promise<void> {
    const { tenantId, environment } = RequestContext.principal();
    await this.repository.update({ id, tenantId, environment }, { ...patch, updatedAt: new Date() });
  }

  private async require(id: string): Promise<TemplateOperationEntity> {
    const row = await this.scoped.findOne({ id });
    if (!row) throw new Error(`template operation ${id} vanished`);
    return row;
  }
}
