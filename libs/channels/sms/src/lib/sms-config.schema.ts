import { z } from 'zod';
import { E164_PATTERN, SMS_LIMITS } from './sms-limits';

const e164 = z.string().regex(E164_PATTERN, 'an E.164 number with its + (e.g. +14155550100)');

/**
 * What an environment configures for SMS: a Twilio account (or any provider copying Twilio's
 * API, at its own base URL) and the numbers it sends from. The auth token is decrypted by the
 * host for the call and never leaves send() and verify().
 */
export const smsConfigSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'a Twilio account SID (AC and 32 hex digits)'),
  authToken: z.string().min(1),
  // http only so specs can use a loopback stand-in; production configs point at https.
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  from: z.array(e164).min(1, 'at least one sender number'),
  maxSegments: z.number().int().min(1).max(SMS_LIMITS.segments).default(SMS_LIMITS.segments),
});
export type SmsConfig = z.output<typeof smsConfigSchema>;
