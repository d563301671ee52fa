import { messageMetadataSchema } from '@switchboard/channel-contract';
import { z } from 'zod';
import { E164_PATTERN } from './sms-limits';

/**
 * The SMS part of POST /v1/messages (the host strips its own keys `channel`, `fallback`,
 * `country` and `scheduledAt` first). `text` is a string or `{body}`, like WhatsApp's text;
 * length and segments are validate()'s, so the refusal can say the count.
 */
export const smsMessageSchema = z.strictObject({
  from: z.string().regex(E164_PATTERN, 'an E.164 number with its +').optional().describe("one of the connection's numbers; default: its first"),
  to: z.string().min(1).max(32).describe('recipient phone number; normalised to E.164 digits'),
  text: z.union([z.string().min(1, 'must not be empty'), z.strictObject({ body: z.string().min(1, 'must not be empty') })]),
  metadata: messageMetadataSchema.optional(),
});
export type SmsMessage = z.infer<typeof smsMessageSchema>;

/** The text of a message, whichever form the caller used. */
export function bodyOf(message: SmsMessage): string {
  return typeof message.text === 'string' ? message.text : message.text.body;
}
