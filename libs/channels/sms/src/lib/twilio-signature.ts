import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form fields as a parser gives them: a repeated name arrives as a list. */
export type FormFields = Readonly<Record<string, string | readonly string[]>>;

/**
 * Twilio's request signature: base64 of HMAC-SHA1, keyed with the auth token, over the URL
 * Twilio called followed by every form field's name and value, sorted by name, with no
 * separators (a repeated name contributes each of its values in order).
 */
export function twilioSignature(authToken: string, url: string, fields: FormFields): string {
  let data = url;
  for (const name of Object.keys(fields).sort()) {
    const value = fields[name];
    for (const item of typeof value === 'string' ? [value] : (value ?? [])) data += name + item;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Compares a received signature in constant time; false on any absence or mismatch. */
export function isValidTwilioSignature(authToken: string, url: string, fields: FormFields, received: string | undefined): boolean {
  if (!received || !authToken) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, fields));
  const actual = Buffer.from(received);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
