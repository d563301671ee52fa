import { z } from 'zod';

/** Meta sends some ids as numbers (template ids) and most as strings. */
const id = z.union([z.string().min(1), z.number()]).transform((value) => String(value));
/** Unix seconds, as a string (messages, statuses) or a number (some account fields). */
const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((value) => new Date(Number(value) * 1000));

/** The envelope of every WhatsApp Business Account webhook (reference §3.5). */
export const webhookEnvelopeSchema = z.looseObject({
  object: z.string().optional(),
  entry: z.array(
    z.looseObject({
      id,
      time: z.number().optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).default([]),
    }),
  ),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;
export type WebhookEntry = WebhookEnvelope['entry'][number];
export type WebhookChange = WebhookEntry['changes'][number];

/** The phone number a change names (`value.metadata.phone_number_id`: messages, user_preferences), if any. */
const namedNumberSchema = z.looseObject({ metadata: z.looseObject({ phone_number_id: id }) });

export function phoneNumberIdOf(value: unknown): string | undefined {
  const named = namedNumberSchema.safeParse(value);
  return named.success ? named.data.metadata.phone_number_id : undefined;
}

/** `field: messages` value; each list item is parsed on its own, so one odd item spoils nothing else. */
export const messagesValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: id, display_phone_number: z.string().optional() }).optional(),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

export const webhookErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});
export type WebhookError = z.infer<typeof webhookErrorSchema>;

export const contactSchema = z.looseObject({
  wa_id: z.string().optional(),
  /** Business-scoped user id (2026 payloads), e.g. `US.8811...`. */
  user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional() }).optional(),
});
export type InboundContact = z.infer<typeof contactSchema>;

/** Every inbound type (text, media, interactive, button, reaction, location, contacts, unsupported, system, ...). */
export const inboundMessageSchema = z.looseObject({
  id: z.string().min(1).max(255),
  from: z.string().max(128).optional(),
  from_user_id: z.string().max(128).optional(),
  timestamp: unixSeconds,
  type: z.string().min(1).max(32),
  context: z.looseObject({ id: z.string().optional(), from: z.string().optional() }).optional(),
  errors: z.array(webhookErrorSchema).optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export const statusSchema = z.looseObject({
  id: z.string().min(1).max(255),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(webhookErrorSchema).optional(),
  pricing: z.record(z.string(), z.unknown()).optional(),
  conversation: z.record(z.string(), z.unknown()).optional(),
});

export const phoneQualitySchema = z.looseObject({
  display_phone_number: z.string(),
  event: z.string(),
  current_limit: z.string().optional(),
  old_limit: z.string().optional(),
  max_daily_conversations_per_business: z.string().optional(),
});

export const accountUpdateSchema = z.looseObject({ event: z.string() });

/** `user_preferences`: marketing opt-out (`stop`) and opt-in (`resume`) per user; each preference is parsed on its own. */
export const userPreferencesSchema = z.looseObject({ user_preferences: z.array(z.unknown()) });

export const userPreferenceSchema = z.looseObject({
  // Suppressions hold digits only (their CHECK): anything else is refused here, not by the database.
  wa_id: z.string().regex(/^[0-9]{4,20}$/),
  category: z.string(),
  value: z.string(),
  timestamp: unixSeconds.optional(),
  detail: z.string().optional(),
});
