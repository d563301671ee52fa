import { Injectable } from '@nestjs/common';
import { lookupMetaError, SwitchboardError, type ErrorDetail, type TaxonomyCode } from '@switchboard/error-taxonomy';
import { ILike } from 'typeorm';
import { z } from 'zod';
import { placeholderSignature } from '../placeholders/placeholder-map';
import type { TemplateEntity } from '../persistence/template.entity';
import { TemplateStore } from '../persistence/template.store';
import { inScope } from '../template-scope';
import type { TemplateScope } from '../waba-access.port';
import { checkTemplateSend, type SendIssue } from './template-send.checker';

export interface TemplateSendRequest {
  /** Meta's id of the WABA the sending number belongs to. */
  readonly wabaId: string;
  /** `template.name` of the send, exact. */
  readonly name: string;
  /** `template.language.code` of the send, exact (en_US is not en_us). */
  readonly language: string;
  /** `template.components` of the send, in Meta's shape. */
  readonly components?: unknown;
}

export interface UsedTemplate {
  readonly id: string;
  readonly wabaId: string;
  readonly metaTemplateId: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: string;
}

export interface TemplatePreSendResult {
  /** The template the message goes out with: the requested one or its backup. */
  readonly template: UsedTemplate;
  readonly requested: { readonly name: string; readonly language: string };
  /** Set when the backup is used: why, and what was asked for. */
  readonly fallback: null | { readonly reason: 'PAUSED' | 'DISABLED'; readonly from: UsedTemplate };
  /** Meta's `template` object to send (name and language of the template used). */
  readonly send: { readonly name: string; readonly language: { readonly code: string }; readonly components: readonly unknown[] };
  /** Header and body as the recipient will read them. */
  readonly rendered: { readonly header: string | null; readonly body: string | null };
}

const requestSchema = z.object({
  wabaId: z.string().regex(/^[0-9]{1,32}$/, 'a numeric WABA id'),
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(16),
  components: z.unknown().optional(),
});

const FALLBACK_STATUSES = new Set(['PAUSED', 'DISABLED']);
const STATUS_META: Record<string, number> = { PAUSED: 132015, DISABLED: 132016 };

function metaRef(code: number): { code: number; title: string } {
  return { code, title: lookupMetaError(code)?.title ?? `Meta error ${code}` };
}

function used(entity: TemplateEntity): UsedTemplate {
  return {
    id: entity.id,
    wabaId: entity.wabaId,
    metaTemplateId: entity.metaTemplateId,
    name: entity.name,
    language: entity.language,
    category: entity.category,
    status: entity.status,
  };
}

function error(code: TaxonomyCode, message: string, details: ErrorDetail[], metaCode?: number): SwitchboardError {
  return new SwitchboardError({ code, message, details, ...(metaCode !== undefined ? { meta: metaRef(metaCode) } : {}) });
}

/**
 * The messaging pipeline's template check, before a message is accepted: the
 * template must exist for the WABA with that exact name and language and be
 * APPROVED (or, when PAUSED/DISABLED, have an APPROVED backup with the same
 * parameters), and the send's components must fit its placeholder map.
 */
@Injectable()
export class TemplatePreSendService {
  constructor(private readonly store: TemplateStore) {}

  /**
   * Every accept of a campaign reads the same rows: they are kept until a write or a status
   * webhook changes the WABA's templates. `fresh` (the send-time check of a message that
   * waited): read them now, a second line that does not depend on an invalidation arriving.
   */
  async check(scope: TemplateScope, input: TemplateSendRequest, { fresh = false }: { fresh?: boolean } = {}): Promise<TemplatePreSendResult> {
    const parsed = requestSchema.safeParse(input);
    if (!parsed.success) {
      throw error(
        'validation_failed',
        'The template reference is not valid',
        parsed.error.issues.map((issue) => ({ path: `template.${issue.path.map(String).join('.')}`, issue: issue.message })),
      );
    }
    const request = parsed.data;
    return inScope(scope, async () => {
      const primary = await this.store.findKept({ wabaId: request.wabaId, name: request.name, language: request.language }, { fresh });
      if (!primary) throw await this.notFound(request);

      let chosen = primary;
      let fallback: TemplatePreSendResult['fallback'] = null;
      if (primary.status !== 'APPROVED') {
        const backup = FALLBACK_STATUSES.has(primary.status) ? await this.usableBackup(primary, fresh) : undefined;
        if (!backup) throw await this.notApproved(primary);
        chosen = backup;
        fallback = { reason: primary.status as 'PAUSED' | 'DISABLED', from: used(primary) };
      }

      const result = checkTemplateSend({ components: chosen.components, placeholders: chosen.placeholderMap }, request.components);
      this.throwOnIssues(chosen, result.issues);
      return {
        template: used(chosen),
        requested: { name: request.name, language: request.language },
        fallback,
        send: { name: chosen.name, language: { code: chosen.language }, components: Array.isArray(request.components) ? request.components : [] },
        rendered: result.rendered,
      };
    });
  }

  private async notFound(request: { wabaId: string; name: string; language: string }): Promise<SwitchboardError> {
    // Case and language are exact on Meta; point at the near miss when there is one.
    const escaped = request.name.replace(/[\\%_]/g, (char) => `\\${char}`);
    const similar = await this.store.find({ wabaId: request.wabaId, name: ILike(escaped) }, { take: 20, order: { name: 'ASC', language: 'ASC' } });
    const sameName = similar.filter((template) => template.name === request.name);
    const details: ErrorDetail[] =
      sameName.length > 0
        ? [{ path: 'template.language.code', issue: `${request.name} has no ${request.language} version; it exists in ${sameName.map((t) => t.language).join(', ')}` }]
        : similar.length > 0
          ? [{ path: 'template.name', issue: `no template ${request.name}; names are case-sensitive: did you mean ${similar[0]?.name ?? ''}?` }]
          : [{ path: 'template.name', issue: `no template ${request.name} (${request.language}) in WABA ${request.wabaId}; sync the registry if it was just created` }];
    return error('template_not_found', `Template ${request.name} (${request.language}) does not exist for this WABA`, details, 132001);
  }

  private async usableBackup(primary: TemplateEntity, fresh: boolean): Promise<TemplateEntity | undefined> {
    if (primary.backupTemplateName === null || primary.backupLanguage === null) return undefined;
    const backup = await this.store.findKept({ wabaId: primary.wabaId, name: primary.backupTemplateName, language: primary.backupLanguage }, { fresh });
    if (!backup || backup.status !== 'APPROVED') return undefined;
    if (placeholderSignature(backup.placeholderMap) !== placeholderSignature(primary.placeholderMap)) return undefined;
    return backup;
  }

  private async notApproved(primary: TemplateEntity): Promise<SwitchboardError> {
    const details: ErrorDetail[] = [{ path: 'template.name', issue: `${primary.name} (${primary.language}) is ${primary.status}; only APPROVED templates can be sent` }];
    if (FALLBACK_STATUSES.has(primary.status)) {
      if (primary.backupTemplateName === null || primary.backupLanguage === null) {
        details.push({ path: 'template.name', issue: 'it has no backup template; set one with PATCH /v1/templates/{name}' });
      } else {
        const backup = await this.store.findOne({ wabaId: primary.wabaId, name: primary.backupTemplateName, language: primary.backupLanguage });
        const why = !backup
          ? 'is not in the registry'
          : backup.status !== 'APPROVED'
            ? `is ${backup.status}`
            : 'takes other parameters';
        details.push({ path: 'template.name', issue: `its backup ${primary.backupTemplateName} (${primary.backupLanguage}) ${why}` });
      }
    }
    return error('template_not_approved', `Template ${primary.name} (${primary.language}) is ${primary.status}`, details, STATUS_META[primary.status]);
  }

  private throwOnIssues(template: TemplateEntity, issues: readonly SendIssue[]): void {
    if (issues.length === 0) return;
    const details = (kinds: SendIssue['kind'][]) => issues.filter((i) => kinds.includes(i.kind)).map(({ path, issue }) => ({ path, issue }));
    const mismatch = details(['count', 'format']);
    if (mismatch.length > 0) {
      const metaCode = issues.some((i) => i.kind === 'count') ? 132000 : 132012;
      throw error('template_param_mismatch', `The parameters do not match template ${template.name} (${template.language})`, mismatch, metaCode);
    }
    const values = details(['value']);
    if (values.length > 0) throw error('validation_failed', 'A template parameter value cannot be sent', values);
    throw error('template_param_mismatch', `Template ${template.name} (${template.language}) is too long once filled in`, details(['length']), 132005);
  }
}
