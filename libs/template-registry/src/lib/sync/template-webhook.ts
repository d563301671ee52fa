import { z } from 'zod';

/** The webhook fields the registry consumes (reference §3.8). */
export const TEMPLATE_WEBHOOK_FIELDS = ['message_template_status_update', 'message_template_quality_update', 'template_category_update'] as const;
export type TemplateWebhookField = (typeof TEMPLATE_WEBHOOK_FIELDS)[number];

/** One `changes[]` entry of a WhatsApp Business Account webhook, with its entry's WABA id and time. */
export interface TemplateWebhookChange {
  /** `entry[].id`: Meta's WABA id. */
  readonly wabaId: string;
  /** `entry[].time` in Unix seconds, when Meta sent one. */
  readonly time?: number;
  readonly field: string;
  readonly value: unknown;
}

const id = z.union([z.number(), z.string()]).transform((value) => String(value));
const text = z.string().nullish();

export const statusUpdateSchema = z.looseObject({
  event: z.string(),
  message_template_id: id.optional(),
  message_template_name: text,
  message_template_language: text,
  reason: text,
  message_template_category: text,
  rejection_info: z.record(z.string(), z.unknown()).nullish(),
  other_info: z.record(z.string(), z.unknown()).nullish(),
  disable_info: z.record(z.string(), z.unknown()).nullish(),
});

export const qualityUpdateSchema = z.looseObject({
  new_quality_score: z.string(),
  previous_quality_score: text,
  message_template_id: id.optional(),
  message_template_name: text,
  message_template_language: text,
});

export const categoryUpdateSchema = z.looseObject({
  new_category: z.string(),
  previous_category: text,
  correct_category: text,
  category_update_timestamp: z.number().nullish(),
  message_template_id: id.optional(),
  message_template_name: text,
  message_template_language: text,
});

/**
 * The template changes of a raw WhatsApp Business Account webhook body, with the
 * WABA each came from. The caller maps the WABA to its tenant environment and
 * passes each change to TemplateStatusService.updateFromWebhook.
 */
export function templateWebhookChanges(body: unknown): TemplateWebhookChange[] {
  const envelope = z
    .looseObject({
      object: z.string().optional(),
      entry: z.array(
        z.looseObject({
          id: id,
          time: z.number().optional(),
          changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).default([]),
        }),
      ),
    })
    .safeParse(body);
  if (!envelope.success) return [];
  return envelope.data.entry.flatMap((entry) =>
    entry.changes
      .filter((change) => (TEMPLATE_WEBHOOK_FIELDS as readonly string[]).includes(change.field))
      .map((change) => ({ wabaId: entry.id, ...(entry.time !== undefined ? { time: entry.time } : {}), field: change.field, value: change.value })),
  );
}
