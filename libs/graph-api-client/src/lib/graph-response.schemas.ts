import { z } from 'zod';

// Light parsing: only the fields the gateway reads are checked, and optional
// wherever Meta has been seen to omit them. Unknown fields are dropped.

const str = z.string();
const numeric = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

export const sendMessageResponseSchema = z.object({
  contacts: z.array(z.object({ input: str.optional(), wa_id: str.optional() })).optional(),
  messages: z.array(z.object({ id: str, message_status: str.optional() })).min(1),
});

export const successResponseSchema = z.object({ success: z.boolean() });

export const mediaUploadResponseSchema = z.object({ id: str });

export const mediaUrlResponseSchema = z.object({
  id: str,
  url: str,
  mime_type: str,
  sha256: str.optional(),
  file_size: numeric.optional(),
});

export const debugTokenResponseSchema = z.object({
  data: z.object({
    app_id: str.optional(),
    type: str.optional(),
    application: str.optional(),
    data_access_expires_at: z.number().optional(),
    expires_at: z.number().optional(),
    is_valid: z.boolean(),
    issued_at: z.number().optional(),
    scopes: z.array(str).optional(),
    granular_scopes: z
      .array(z.object({ scope: str, target_ids: z.array(str).optional() }))
      .optional(),
    user_id: str.optional(),
    error: z
      .object({ code: z.number().optional(), message: str.optional(), subcode: z.number().optional() })
      .optional(),
  }),
});

export const pagingSchema = z
  .object({
    cursors: z.object({ before: str.optional(), after: str.optional() }).optional(),
    next: str.optional(),
    previous: str.optional(),
  })
  .optional();

export const phoneNumberSchema = z.object({
  id: str,
  display_phone_number: str.optional(),
  verified_name: str.optional(),
  quality_rating: str.optional(),
  throughput: z.object({ level: str.optional() }).optional(),
  whatsapp_business_manager_messaging_limit: str.optional(),
  messaging_limit_tier: str.optional(),
  status: str.optional(),
  name_status: str.optional(),
  code_verification_status: str.optional(),
  platform_type: str.optional(),
});

export const subscribedAppsResponseSchema = z.object({
  data: z.array(
    z.object({
      whatsapp_business_api_data: z
        .object({ id: str.optional(), name: str.optional(), link: str.optional() })
        .optional(),
      override_callback_uri: str.optional(),
    }),
  ),
});

export const templateSchema = z.object({
  id: str,
  name: str,
  language: str.optional(),
  status: str.optional(),
  category: str.optional(),
  parameter_format: str.optional(),
  components: z.array(z.record(z.string(), z.unknown())).optional(),
  quality_score: z.union([z.object({ score: str.optional() }), str]).optional(),
  rejected_reason: str.optional(),
});

export const createTemplateResponseSchema = z.object({
  id: str,
  status: str.optional(),
  category: str.optional(),
});

export const exchangeTokenResponseSchema = z.object({
  access_token: str,
  token_type: str.optional(),
  expires_in: numeric.optional(),
});

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), paging: pagingSchema });
}
