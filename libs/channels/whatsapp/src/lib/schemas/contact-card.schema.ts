import { z } from 'zod';

const field = z.string().min(1).max(1000);
const kind = z.string().max(32).optional();

/** One card of a `contacts` message, in Meta's shape; only `name.formatted_name` is required. */
export const contactCardSchema = z.strictObject({
  name: z.strictObject({
    formatted_name: field,
    first_name: field.optional(),
    last_name: field.optional(),
    middle_name: field.optional(),
    suffix: field.optional(),
    prefix: field.optional(),
  }),
  phones: z.array(z.strictObject({ phone: field.optional(), wa_id: z.string().regex(/^[0-9]{1,20}$/, 'digits only').optional(), type: kind })).max(20).optional(),
  emails: z.array(z.strictObject({ email: field.optional(), type: kind })).max(20).optional(),
  addresses: z.array(z.record(z.string().max(32), z.string().max(1000))).max(20).optional(),
  org: z.record(z.string().max(32), z.string().max(1000)).optional(),
  urls: z.array(z.strictObject({ url: field.optional(), type: kind })).max(20).optional(),
  birthday: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional(),
});
