import { Inject, Injectable } from '@nestjs/common';
import { isTaxonomyCode, SwitchboardError } from '@switchboard/error-taxonomy';
import type { NewTemplate } from '@switchboard/graph-api-client';
import { Like, type FindOptionsWhere } from 'typeorm';
import type { z } from 'zod';
import { lintTemplate } from '../lint/template-linter';
import type { LintResult } from '../lint/lint-rules';
import { buildPlaceholderMap, placeholderSignature, type StoredTemplateComponent } from '../placeholders/placeholder-map';
import type { TemplateEntity } from '../persistence/template.entity';
import { TemplateStore } from '../persistence/template.store';
import { TemplateSyncScheduler } from '../scheduling/template-sync.scheduler';
import { TemplateSyncService, type ScopeSyncResult } from '../sync/template-sync.service';
import { requestScope } from '../template-scope';
import { WABA_ACCESS_RESOLVER, type TemplateScope, type WabaAccess, type WabaAccessResolver } from '../waba-access.port';
import { templateView, type TemplateView } from './template.view';
import type {
  createTemplateSchema,
  deleteTemplateQuerySchema,
  listTemplatesQuerySchema,
  oneTemplateQuerySchema,
  updateTemplateSchema,
} from './templates.schemas';

type CreateTemplateInput = z.infer<typeof createTemplateSchema>;

function notFound(message: string, path?: string): SwitchboardError {
  return new SwitchboardError({ code: 'not_found', message, ...(path ? { details: [{ path, issue: message }] } : {}) });
}

function invalid(path: string, issue: string, message = 'The request is not valid'): SwitchboardError {
  return new SwitchboardError({ code: 'validation_failed', message, details: [{ path, issue }] });
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isSafeInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw invalid('cursor', 'not a cursor returned by this endpoint');
}

/**
 * The tenant-facing operations behind the REST routes. Every call runs inside an
 * authenticated request; the scope comes from the request context only.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly store: TemplateStore,
    private readonly sync: TemplateSyncService,
    private readonly scheduler: TemplateSyncScheduler,
    @Inject(WABA_ACCESS_RESOLVER) private readonly resolver: WabaAccessResolver,
  ) {}

  /** Syncs now and keeps the scope on the periodic schedule. */
  async syncNow(): Promise<ScopeSyncResult> {
    const scope = requestScope();
    const result = await this.sync.syncScope(scope);
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

  validate(body: unknown): LintResult {
    return lintTemplate(body);
  }

  /** Lint, then create through Graph in the chosen WABA; the registry holds it at once (PENDING). */
  async create(input: CreateTemplateInput): Promise<{ template: TemplateView; lint: LintResult }> {
    const scope = requestScope();
    const { wabaId, backup, ...definition } = input;
    const lint = lintTemplate(definition);
    if (!lint.valid) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: `The template breaks ${lint.errors} rule(s) Meta enforces; nothing was submitted`,
        details: lint.issues.filter((i) => i.severity === 'error').map((i) => ({ path: i.path || '(body)', issue: `${i.rule}: ${i.message}` })),
      });
    }
    const access = await this.wabaFor(scope, wabaId);
    const { name, language, category, parameter_format: parameterFormat, components: submitted, ...extra } = definition;
    const components = submitted as StoredTemplateComponent[];
    const placeholderMap = buildPlaceholderMap(components, parameterFormat);
    if (backup) {
      const backupRow = await this.store.findOne({ wabaId: access.wabaId, name: backup.name, language: backup.language });
      this.assertBackup(backupRow, backup, placeholderSignature(placeholderMap));
    }

    const submission = {
      ...extra,
      name,
      language,
      category: category.toUpperCase() as NewTemplate['category'],
      ...(parameterFormat !== undefined ? { parameter_format: parameterFormat.toLowerCase() as 'positional' | 'named' } : {}),
      components,
    } satisfies NewTemplate;
    const created = await access.graph.createTemplate(access.wabaId, submission, { accessToken: access.accessToken });

    const now = new Date();
    await this.store.upsertFromMeta([
      {
        wabaId: access.wabaId,
        metaTemplateId: created.data.id,
        name,
        language,
        category: (created.data.category ?? category).toUpperCase(),
        status: (created.data.status ?? 'PENDING').toUpperCase(),
        rejectionReason: null,
        qualityScore: null,
        parameterFormat: placeholderMap.format,
        components,
        placeholderMap,
        lastSyncedAt: now,
      },
    ]);
    const row = await this.requireOne({ wabaId: access.wabaId, name, language });
    const saved = await this.store.save({ ...row, backupTemplateName: backup?.name ?? null, backupLanguage: backup?.language ?? null });
    await this.scheduler.ensure(scope);
    return { template: templateView(saved), lint };
  }

  async remove(name: string, query: z.infer<typeof deleteTemplateQuerySchema>): Promise<void> {
    const scope = requestScope();
    const where: FindOptionsWhere<TemplateEntity> = {
      name,
      ...(query.language !== undefined ? { language: query.language } : {}),
      ...(query.wabaId !== undefined ? { wabaId: query.wabaId } : {}),
    };
    const rows = await this.store.find(where);
    const first = rows[0];
    if (!first) throw notFound(`No template ${name}${query.language ? ` (${query.language})` : ''}`);
    const wabaIds = [...new Set(rows.map((row) => row.wabaId))];
    if (wabaIds.length > 1) throw invalid('wabaId', `required: ${name} exists in WABAs ${wabaIds.join(', ')}`);
    const access = await this.wabaFor(scope, first.wabaId);
    // By name alone Meta deletes every language; hsm_id narrows it to one.
    await access.graph.deleteTemplate(
      access.wabaId,
      query.language !== undefined ? { name, hsmId: first.metaTemplateId } : { name },
      { accessToken: access.accessToken },
    );
    await this.store.delete({ ...where, wabaId: access.wabaId });
  }

  async list(query: z.infer<typeof listTemplatesQuerySchema>): Promise<{ data: TemplateView[]; nextCursor: string | null }> {
    const offset = decodeCursor(query.cursor);
    const where: FindOptionsWhere<TemplateEntity> = {
      ...(query.status !== undefined ? { status: query.status.toUpperCase() } : {}),
      ...(query.category !== undefined ? { category: query.category.toUpperCase() } : {}),
      ...(query.language !== undefined ? { language: query.language } : {}),
      ...(query.wabaId !== undefined ? { wabaId: query.wabaId } : {}),
      // Like Graph's own filter, the name matches parts of names; "_" is literal here.
      ...(query.name !== undefined ? { name: Like(`%${query.name.replace(/[\\%_]/g, (char) => `\\${char}`)}%`) } : {}),
    };
    const rows = await this.store.find(where, {
      order: { name: 'ASC', language: 'ASC', wabaId: 'ASC', id: 'ASC' },
      skip: offset,
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return { data: page.map(templateView), nextCursor: rows.length > query.limit ? encodeCursor(offset + query.limit) : null };
  }

  async get(name: string, query: z.infer<typeof oneTemplateQuerySchema>): Promise<TemplateView> {
    return templateView(await this.requireOne({ name, language: query.language, ...(query.wabaId !== undefined ? { wabaId: query.wabaId } : {}) }));
  }

  /** Sets or clears the backup template sent while this one is PAUSED or DISABLED. */
  async update(name: string, query: z.infer<typeof oneTemplateQuerySchema>, body: z.infer<typeof updateTemplateSchema>): Promise<TemplateView> {
    const row = await this.requireOne({ name, language: query.language, ...(query.wabaId !== undefined ? { wabaId: query.wabaId } : {}) });
    if (body.backup) {
      if (body.backup.name === row.name && body.backup.language === row.language) {
        throw invalid('backup', 'a template cannot be its own backup');
      }
      const backup = await this.store.findOne({ wabaId: row.wabaId, name: body.backup.name, language: body.backup.language });
      this.assertBackup(backup, body.backup, placeholderSignature(row.placeholderMap));
    }
    const saved = await this.store.save({ ...row, backupTemplateName: body.backup?.name ?? null, backupLanguage: body.backup?.language ?? null });
    return templateView(saved);
  }

  private assertBackup(backup: TemplateEntity | null, ref: { name: string; language: string }, signature: string): void {
    if (!backup) {
      throw new SwitchboardError({
        code: 'template_not_found',
        message: `Backup template ${ref.name} (${ref.language}) is not in this WABA's registry`,
        details: [{ path: 'backup', issue: 'create or sync the backup template first' }],
      });
    }
    if (placeholderSignature(backup.placeholderMap) !== signature) {
      throw new SwitchboardError({
        code: 'template_param_mismatch',
        message: `Backup template ${ref.name} (${ref.language}) takes other parameters`,
        details: [{ path: 'backup', issue: 'a backup must take exactly the same header, body and button parameters' }],
      });
    }
  }

  private async requireOne(where: FindOptionsWhere<TemplateEntity>): Promise<TemplateEntity> {
    const rows = await this.store.find(where, { take: 10 });
    const first = rows[0];
    if (!first) throw notFound(`No template ${String(where.name)} (${String(where.language)})`);
    if (rows.length > 1) throw invalid('wabaId', `required: the template exists in WABAs ${rows.map((row) => row.wabaId).join(', ')}`);
    return first;
  }

  /** The WABA a create/delete goes to: the given one, or the scope's only one. */
  private async wabaFor(scope: TemplateScope, wabaId: string | undefined): Promise<WabaAccess> {
    const accesses = await this.resolver.resolve({ tenantId: scope.tenantId, environment: scope.environment });
    if (wabaId !== undefined) {
      const access = accesses.find((candidate) => candidate.wabaId === wabaId);
      if (!access) throw notFound(`No WABA ${wabaId} in this environment`, 'wabaId');
      return access;
    }
    const only = accesses[0];
    if (!only) throw notFound('No WABA is registered for this environment', 'wabaId');
    if (accesses.length > 1) throw invalid('wabaId', `required: this environment has ${accesses.length} WABAs`);
    return only;
  }
}
