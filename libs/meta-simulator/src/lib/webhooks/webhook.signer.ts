import { createHmac } from 'node:crypto';

/**
 * Serialises a payload the way Meta does: non-ASCII characters as \uXXXX
 * escapes and "/" as "\/". A receiver that verifies the signature over its own
 * re-serialisation instead of the raw bytes breaks on these, exactly as it
 * would with Meta, so the simulator catches that bug.
 */
export function serializeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `X-Hub-Signature-256` value: HMAC-SHA256 of the exact body bytes with the app secret. */
export function signatureHeader(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Meta still sends the legacy SHA-1 header next to the SHA-256 one. */
export function legacySignatureHeader(rawBody: string | Buffer, appSecret: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}`;
}
