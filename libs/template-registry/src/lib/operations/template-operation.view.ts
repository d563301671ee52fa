import { environmentSchema } from '@switchboard/tenancy';
import { z } from 'zod';
import { templateViewSchema } from '../http/template.view';
import { lintResultSchema, syncResultSchema } from '../http/templates.schemas';
import { TEMPLATE_OPERATION_KINDS, TEMPLATE_OPERATION_STATES, type TemplateOperationEntity } from '../persistence/template-operation.entity';

export const createdTemplateSchema = z.object({ template: templateViewSchema, lint: lintResultSchema });
export const deletedTemplatesSchema = z.object({ deleted: z.number().int().describe('registry rows removed (one per language)') });

export const templateOperationViewSchema = z.object({
  id: z.uuid(),
  environment: environmentSchema,
  kind: z.enum(TEMPLATE_OPERATION_KINDS),
  state: z.enum(TEMPLATE_OPERATION_STATES).describe('queued, running, succeeded or failed; succeeded and failed are final'),
  wabaId: z.string().nullable().describe('the WABA a create or delete goes to; null for a sync (every WABA)'),
  name: z.string().nullable().describe('template name of a create or delete'),
  language: z.string().nullable().describe('template language of a create, or of a delete limited to one language'),
  result: z
    .union([syncResultSchema, createdTemplateSchema, deletedTemplatesSchema])
    .nullable()
    .describe('once succeeded: a sync its per-WABA counts, a create the template and its lint, a delete the rows removed'),
  error: z
    .object({
      code: z.string().describe('taxonomy code, as in the contract error body'),
      message: z.string(),
      meta: z.object({ code: z.number().int(), title: z.string() }).optional().describe("Meta's error, when Graph refused"),
    })
    .nullable(),
  attempts: z.number().int().describe('Graph attempts so far'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});

export type TemplateOperationView = z.infer<typeof templateOperationViewSchema>;
export type CreatedTemplate = z.infer<typeof createdTemplateSchema>;

export function templateOperationView(entity: TemplateOperationEntity): TemplateOperationView {
  return {
    id: entity.id,
    environment: entity.environment,
    kind: entity.kind,
    state: entity.state,
    wabaId: entity.wabaId,
    name: entity.templateName,
    language: entity.language,
    result: (entity.result as TemplateOperationView['result']) ?? null,
    error:
      entity.errorCode !== null
        ? {
            code: entity.errorCode,
            message: entity.errorMessage ?? '',
            ...(entity.errorMeta ? { meta: { code: entity.errorMeta.code, title: entity.errorMeta.title } } : {}),
          }
        : null,
    attempts: entity.attempts,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
    startedAt: entity.startedAt?.toISOString() ?? null,
    finishedAt: entity.finishedAt?.toISOString() ?? null,
  };
}
