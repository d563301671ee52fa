import { z } from 'zod';
import { LINT_RULES, type LintRuleId } from '../lint/lint-rules';

const metaId = z.string().regex(/^[0-9]{1,32}$/, 'a numeric Meta id');
export const templateNameSchema = z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores');
export const languageCodeSchema = z.string().min(2).max(16);

export const templateRefSchema = z.strictObject({ name: templateNameSchema, language: languageCodeSchema });

/**
 * Meta's creation shape, loosely: the lint reports the details, this only makes sure
 * there is something to lint and to send. Extra Meta fields (allow_category_change,
 * message_send_ttl_seconds, ...) pass through to Graph.
 */
export const templateDefinitionSchema = z.looseObject({
  name: z.string(),
  language: z.string(),
  category: z.string(),
  parameter_format: z.string().optional(),
  components: z.array(z.record(z.string(), z.unknown())).min(1),
});

export const createTemplateSchema = templateDefinitionSchema.extend({
  /** The WABA to create it in; optional when the environment has exactly one. */
  wabaId: metaId.optional(),
  /** Template to send instead while this one is PAUSED or DISABLED; it must take the same parameters. */
  backup: templateRefSchema.optional(),
});

export const updateTemplateSchema = z.strictObject({
  backup: templateRefSchema.nullable(),
});

export const listTemplatesQuerySchema = z.object({
  status: z.string().min(1).max(32).optional(),
  category: z.string().min(1).max(32).optional(),
  language: languageCodeSchema.optional(),
  name: z.string().min(1).max(512).optional(),
  wabaId: metaId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(64).optional(),
});

export const oneTemplateQuerySchema = z.object({ language: languageCodeSchema, wabaId: metaId.optional() });
export const deleteTemplateQuerySchema = z.object({ language: languageCodeSchema.optional(), wabaId: metaId.optional() });

const ruleIds = Object.keys(LINT_RULES) as [LintRuleId, ...LintRuleId[]];
export const lintIssueSchema = z.object({
  rule: z.enum(ruleIds),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  path: z.string().describe('JSON path into the submitted template, e.g. components[1].text'),
});
export const lintResultSchema = z.object({
  valid: z.boolean(),
  errors: z.number().int(),
  warnings: z.number().int(),
  issues: z.array(lintIssueSchema),
});

export const syncResultSchema = z.object({
  syncedAt: z.iso.datetime(),
  wabas: z.array(
    z.object({
      wabaId: z.string(),
      templates: z.number().int(),
      removed: z.number().int(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
  removedFromOtherWabas: z.number().int(),
});

export const EXAMPLE_TEMPLATE = {
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.', example: { body_text: [['John', '#4521']] } },
    {
      type: 'BUTTONS',
      buttons: [{ type: 'URL', text: 'Track order', url: 'https://example.com/orders/{{1}}', example: ['https://example.com/orders/4521'] }],
    },
  ],
};
