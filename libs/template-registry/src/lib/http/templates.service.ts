import { Inject, Injectable } from '@nestjs/common';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { Like, type FindOptionsWhere } from 'typeorm';
import type { z } from 'zod';
import { lintTemplate } from '../lint/template-linter';
import type { LintResult } from '../lint/lint-rules';
import type { CreateOperationInput, DeleteOperationInput } from '../operations/template-operation.inputs';
import type { TemplateOperationView } from '../operations/template-operation.view';
import { TemplateOperationsService } from '../operations/template-operations.service';
import { buildPlaceholderMap, placeholderSignature, type StoredTemplateComponent } from '../placeholders/placeholder-map';
import type { TemplateEntity } from '../persistence/template.entity';
import { TemplateStore } from '../persistence/template.store';
import { invalid, notFound } from '../template-errors';
import { requestScope } from '../template-scope';
import { WABA_ACCESS_RESOLVER, type WabaAccess, type WabaAccessResolver } from '../waba-access.port';
import { selectWaba } from '../waba-selection';
import { templateView, type TemplateView } from './template.view';
import type {
  createTemplateSchema,
  deleteTemplateQuerySchema,
  listTemplatesQuerySchema,
  oneTemplateQuerySchema,
  updateTemplateSchema,
} from './templates.schemas';

type CreateTemplateInput = z.infer<typeof createTemplateSchema>;

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
 * authenticated request; the scope comes from the request context only. Sync, create
 * and delete check what can be checked without Meta, then queue an operation: Graph
 * is called by a worker, never while the request waits.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly store: TemplateStore,
    private readonly operations: TemplateOperationsService,
    @Inject(WABA_ACCESS_RESOLVER) private readonly resolver: WabaAccessResolver,
  ) {}

  /** Queues a sync of every WABA of the environment (or answers the one already queued or running). */
  sync(): Promise<TemplateOperationView> {
    return this.operations.requestSync();
  }

  validate(body: unknown): LintResult {
    return lintTemplate(body);
  }

  /** Lints, resolves the WABA and checks the backup, then queues the creation through Graph. */
  async create(input: CreateTemplateInput): Promise<TemplateOperationView> {
    const { wabaId, backup, ...definition } = input;
    const lint = lintTemplate(definition);
    if (!lint.valid) {
      throw new SwitchboardError({
        code: 'validation_failed',
        message: `The template breaks ${lint.errors} rule(s) Meta enforces; nothing was submitted`,
        details: lint.issues.filter((i) => i.severity === 'error').map((i) => ({ path: i.path || '(body)', issue: `${i.rule}: ${i.message}` })),
      });
    }
    const access = await this.wabaFor(wabaId);
    const { name, language, category, parameter_format: parameterFormat, components, ...extra } = definition;
    if (backup) {
      const backupRow = await this.store.findOne({ wabaId: access.wabaId, name: backup.name, language: backup.language });
      this.assertBackup(backupRow, backup, placeholderSignature(buildPlaceholderMap(components as StoredTemplateComponent[], parameterFormat)));
    }
    const submission: CreateOperationInput['submission'] = {
      ...extra,
      name,
      language,
      category: category.toUpperCase() as CreateOperationInput['submission']['category'],
      ...(parameterFormat !== undefined ? { parameter_format: parameterFormat.toLowerCase() as 'positional' | 'named' } : {}),
      components,
    };
    const operationInput: CreateOperationInput = { submission, backup: backup ?? null, lint: { ...lint, issues: [...lint.issues] } };
    return this.operations.request({ kind: 'create', wabaId: access.wabaId, templateName: name, language, input: operationInput });
  }

  /** Finds what to delete (404 when nothing), then queues the deletion at Meta and in the registry. */
  async remove(name: string, query: z.infer<typeof deleteTemplateQuerySchema>): Promise<TemplateOperationView> {
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
    const access = await this.wabaFor(first.wabaId);
    const operationInput: DeleteOperationInput = { hsmId: query.language !== undefined ? first.metaTemplateId : null };
    return this.operations.request({ kind: 'delete', wabaId: access.wabaId, templateName: name, language: query.language ?? null, input: operationInput });
  }

  /** One template operation of this environment (404 for another's). */
  operation(id: string): Promise<TemplateOperationView> {
    return this.operations.get(id);
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
  private async wabaFor(wabaId: string | undefined): Promise<WabaAccess> {
    const { tenantId, environment } = requestScope();
    return selectWaba(await this.resolver.resolve({ tenantId, environment }), wabaId);
  }
}
