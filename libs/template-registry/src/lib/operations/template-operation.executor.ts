import { Inject, Injectable } from '@nestjs/common';
import { isTaxonomyCode, SwitchboardError } from '@switchboard/error-taxonomy';
import { buildPlaceholderMap, type StoredTemplateComponent } from '../placeholders/placeholder-map';
import type { TemplateOperationEntity } from '../persistence/template-operation.entity';
import { TemplateStore } from '../persistence/template.store';
import { TemplateSyncScheduler } from '../scheduling/template-sync.scheduler';
import { TemplateSyncService, type ScopeSyncResult } from '../sync/template-sync.service';
import { notFound } from '../template-errors';
import { templateView } from '../http/template.view';
import { WABA_ACCESS_RESOLVER, type TemplateScope, type WabaAccessResolver } from '../waba-access.port';
import { selectWaba } from '../waba-selection';
import { createOperationInputSchema, deleteOperationInputSchema } from './template-operation.inputs';
import type { CreatedTemplate } from './template-operation.view';

/**
 * The Graph side of template operations, run by a worker inside the operation's scope.
 * Each kind returns what the operation's `result` holds, or throws the taxonomy error
 * of Graph's refusal.
 */
@Injectable()
export class TemplateOperationExecutor {
  constructor(
    private readonly store: TemplateStore,
    private readonly syncService: TemplateSyncService,
    private readonly scheduler: TemplateSyncScheduler,
    @Inject(WABA_ACCESS_RESOLVER) private readonly resolver: WabaAccessResolver,
  ) {}

  async execute(operation: TemplateOperationEntity): Promise<Record<string, unknown>> {
    const scope: TemplateScope = { tenantId: operation.tenantId, environment: operation.environment };
    switch (operation.kind) {
      case 'sync':
        return { ...(await this.sync(scope)) };
      case 'create':
        return { ...(await this.create(scope, operation)) };
      case 'delete':
        return { deleted: await this.delete(scope, operation) };
    }
  }

  /** Syncs every WABA and keeps the scope on the periodic schedule; fails only when every WABA failed. */
  private async sync(scope: TemplateScope): Promise<ScopeSyncResult> {
    const result = await this.syncService.syncScope(scope);
    if (result.wabas.length > 0) await this.scheduler.ensure(scope);
    const failures = result.wabas.filter((waba) => waba.error !== undefined);
    const first = failures[0]?.error;
    if (first && failures.length === result.wabas.length) {
      throw new SwitchboardError({
        code: isTaxonomyCode(first.code) ? first.code : 'upstream_error',
        message: first.message,
        details: failures.map((waba) => ({ path: `wabas.${waba.wabaId}`, issue: waba.error?.message ?? '' })),
      });
    }
    return result;
  }

  /** Creates through Graph; the registry holds the template at once (usually PENDING), with its backup. */
  private async create(scope: TemplateScope, operation: TemplateOperationEntity): Promise<CreatedTemplate> {
    const { submission, backup, lint } = createOperationInputSchema.parse(operation.input);
    const access = selectWaba(await this.resolver.resolve(scope), operation.wabaId);
    const created = await access.graph.createTemplate(access.wabaId, submission, { accessToken: access.accessToken });

    const components = submission.components as StoredTemplateComponent[];
    const placeholderMap = buildPlaceholderMap(components, submission.parameter_format);
    await this.store.upsertFromMeta([
      {
        wabaId: access.wabaId,
        metaTemplateId: created.data.id,
        name: submission.name,
        language: submission.language,
        category: (created.data.category ?? submission.category).toUpperCase(),
        status: (created.data.status ?? 'PENDING').toUpperCase(),
        rejectionReason: null,
        qualityScore: null,
        parameterFormat: placeholderMap.format,
        components,
        placeholderMap,
        lastSyncedAt: new Date(),
      },
    ]);
    const row = await this.store.findOne({ wabaId: access.wabaId, name: submission.name, language: submission.language });
    if (!row) throw notFound(`No template ${submission.name} (${submission.language})`);
    const saved = await this.store.save({ ...row, backupTemplateName: backup?.name ?? null, backupLanguage: backup?.language ?? null });
    await this.scheduler.ensure(scope);
    return { template: templateView(saved), lint };
  }

  /** Deletes at Meta, then in the registry; returns the registry rows removed. */
  private async delete(scope: TemplateScope, operation: TemplateOperationEntity): Promise<number> {
    const { hsmId } = deleteOperationInputSchema.parse(operation.input);
    const name = operation.templateName;
    if (name === null) throw new Error('a delete operation without a template name');
    const access = selectWaba(await this.resolver.resolve(scope), operation.wabaId);
    // By name alone Meta deletes every language; hsm_id narrows it to one.
    await access.graph.deleteTemplate(access.wabaId, hsmId !== null ? { name, hsmId } : { name }, { accessToken: access.accessToken });
    return this.store.delete({ name, wabaId: access.wabaId, ...(operation.language !== null ? { language: operation.language } : {}) });
  }
}
