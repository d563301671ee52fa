import { environmentSchema } from '@switchboard/tenancy';
import { z } from 'zod';
import type { TemplateEntity } from '../persistence/template.entity';

const slotNames = z.array(z.string());

export const placeholderMapSchema = z.object({
  format: z.enum(['POSITIONAL', 'NAMED']),
  header: z.object({ format: z.string(), placeholders: slotNames }).nullable(),
  body: z.object({ placeholders: slotNames }).nullable(),
  buttons: z.array(
    z.object({
      index: z.number().int(),
      type: z.string(),
      subType: z.string().nullable(),
      parameter: z.object({ type: z.enum(['payload', 'text', 'coupon_code', 'action']), required: z.boolean() }).nullable(),
      placeholders: slotNames,
    }),
  ),
  unchecked: z.array(z.string()),
});

export const templateViewSchema = z.object({
  id: z.uuid(),
  environment: environmentSchema,
  wabaId: z.string(),
  metaTemplateId: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string().describe('APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, ...'),
  rejectionReason: z.string().nullable(),
  qualityScore: z.string().nullable(),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']),
  components: z.array(z.record(z.string(), z.unknown())),
  placeholders: placeholderMapSchema,
  backup: z.object({ name: z.string(), language: z.string() }).nullable(),
  statusDetail: z.object({ event: z.string(), reason: z.string().nullable(), info: z.record(z.string(), z.unknown()).optional() }).nullable(),
  categoryChange: z.object({ category: z.string(), effectiveAt: z.string().nullable() }).nullable(),
  lastSyncedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export type TemplateView = z.infer<typeof templateViewSchema>;

export function templateView(entity: TemplateEntity): TemplateView {
  return {
    id: entity.id,
    environment: entity.environment,
    wabaId: entity.wabaId,
    metaTemplateId: entity.metaTemplateId,
    name: entity.name,
    language: entity.language,
    category: entity.category,
    status: entity.status,
    rejectionReason: entity.rejectionReason,
    qualityScore: entity.qualityScore,
    parameterFormat: entity.parameterFormat,
    components: entity.components.map((component) => ({ ...component })),
    placeholders: {
      ...entity.placeholderMap,
      header: entity.placeholderMap.header ? { ...entity.placeholderMap.header, placeholders: [...entity.placeholderMap.header.placeholders] } : null,
      body: entity.placeholderMap.body ? { placeholders: [...entity.placeholderMap.body.placeholders] } : null,
      buttons: entity.placeholderMap.buttons.map((button) => ({ ...button, placeholders: [...button.placeholders] })),
      unchecked: [...entity.placeholderMap.unchecked],
    },
    backup:
      entity.backupTemplateName !== null && entity.backupLanguage !== null
        ? { name: entity.backupTemplateName, language: entity.backupLanguage }
        : null,
    statusDetail: entity.statusDetail ? { ...entity.statusDetail, ...(entity.statusDetail.info ? { info: { ...entity.statusDetail.info } } : {}) } : null,
    categoryChange: entity.categoryChange ? { ...entity.categoryChange } : null,
    lastSyncedAt: entity.lastSyncedAt?.toISOString() ?? null,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
