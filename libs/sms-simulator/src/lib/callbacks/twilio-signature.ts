import { createHmac, timingSafeEqual } from 'node:crypto';

export type FormParams = Record<string, string | string[]>;

/**
 * `X-Twilio-Signature`: base64 HMAC-SHA1 keyed with the Auth Token over the
 * full URL Twilio called followed by every POST parameter, sorted by name, as
 * name then value with no separators (a repeated parameter contributes each
 * value, in order).
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => {
      const value = params[name];
      return acc + (Array.isArray(value) ? value.map((item) => name + item).join('') : name + value);
    }, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Constant-time check of a received `X-Twilio-Signature`. */
export function verifyTwilioSignature(authToken: string, url: string, params: FormParams, signature: string): boolean {
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The form encoding of the same parameters, repeated names kept. */
export function encodeForm(params: FormParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
  }
  return search.toString();
}

/** Parses a form body; a name given more than once becomes an array. */
export function parseForm(body: string): FormParams {
  const params: FormParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = params[name];
    params[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}
