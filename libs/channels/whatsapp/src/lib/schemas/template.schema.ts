import { z } from 'zod';
import { documentMediaSchema, mediaRefSchema } from './media.schema';
import { locationSchema } from './location.schema';

// Body parameters may reach 32,768 characters when the body is the only component; the
// registry's pre-send check refuses what is too long once filled in (132005).
const TEMPLATE_TEXT_MAX = 32_768;

const parameterName = z
  .string()
  .regex(/^[a-z0-9_]{1,64}$/, 'lowercase letters, digits and underscores, as in the template')
  .optional();

const templateParameter = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('text'), text: z.string().min(1, 'must not be empty').max(TEMPLATE_TEXT_MAX), parameter_name: parameterName }),
    z.strictObject({
      type: z.literal('currency'),
      currency: z.strictObject({ fallback_value: z.string().min(1), code: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'), amount_1000: z.number().int() }),
      parameter_name: parameterName,
    }),
    z.strictObject({ type: z.literal('date_time'), date_time: z.strictObject({ fallback_value: z.string().min(1) }), parameter_name: parameterName }),
    z.strictObject({ type: z.literal('image'), image: mediaRefSchema, parameter_name: parameterName }),
    z.strictObject({ type: z.literal('video'), video: mediaRefSchema, parameter_name: parameterName }),
    z.strictObject({ type: z.literal('document'), document: documentMediaSchema, parameter_name: parameterName }),
    z.strictObject({ type: z.literal('location'), location: locationSchema }),
    z.strictObject({ type: z.literal('payload'), payload: z.string().min(1).max(1000) }),
    z.strictObject({ type: z.literal('coupon_code'), coupon_code: z.string().min(1).max(20, "at most 20 characters (Meta's limit)") }),
    z.strictObject({ type: z.literal('action'), action: z.record(z.string(), z.unknown()) }),
  ],
  { error: 'parameter type must be text, currency, date_time, image, video, document, location, payload, coupon_code or action' },
);

const templateComponent = z.strictObject({
  type: z.enum(['header', 'body', 'button', 'carousel', 'limited_time_offer']),
  sub_type: z.string().min(1).max(32).optional(),
  index: z.string().regex(/^[0-9]$/, 'the 0-based button position, "0"-"9"').optional(),
  parameters: z.array(templateParameter).max(100).optional(),
});

export const templateSchema = z.strictObject({
  name: z.string().min(1).max(512),
  language: z.strictObject({ code: z.string().min(2).max(16), policy: z.literal('deterministic').optional() }),
  // Header, body and up to 10 buttons.
  components: z.array(templateComponent).max(12).optional(),
});
