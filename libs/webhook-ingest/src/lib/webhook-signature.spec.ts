import { createHmac } from 'node:crypto';
import { isValidSignature, sameSecret } from './webhook-signature';

const secret = 'app-secret';
const body = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"text":"Jos\\u00e9"}}]}]}');
const sign = (bytes: Buffer, key = secret) => `sha256=${createHmac('sha256', key).update(bytes).digest('hex')}`;

describe('isValidSignature', () => {
  it('accepts the HMAC-SHA256 of the exact bytes, in either hex case', () => {
    expect(isValidSignature(body, sign(body), secret)).toBe(true);
    expect(isValidSignature(body, sign(body).toUpperCase().replace('SHA256=', 'sha256='), secret)).toBe(true);
  });

  it('refuses a missing, malformed, truncated or foreign signature, and a re-serialised body', () => {
    expect(isValidSignature(body, undefined, secret)).toBe(false);
    expect(isValidSignature(body, '', secret)).toBe(false);
    expect(isValidSignature(body, sign(body).replace('sha256=', 'sha1='), secret)).toBe(false);
    expect(isValidSignature(body, sign(body).slice(0, -2), secret)).toBe(false);
    expect(isValidSignature(body, sign(body, 'other-secret'), secret)).toBe(false);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(isValidSignature(body, sign(reserialised), secret)).toBe(false);
  });
});

describe('sameSecret', () => {
  it('compares strings of any length', () => {
    expect(sameSecret('token', 'token')).toBe(true);
    expect(sameSecret('token', 'token2')).toBe(false);
    expect(sameSecret('', 'token')).toBe(false);
  });
});
