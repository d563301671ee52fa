import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { endpointSigningKey } from './endpoint-secret';

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The Standard Webhooks headers (standardwebhooks.com): `webhook-signature` is `v1,<base64
 * HMAC-SHA256 of "<id>.<timestamp>.<body>">` keyed with the bytes of the secret's base64 part,
 * signed by the reference library so any Standard Webhooks verifier accepts it. `id` is the
 * event id, the same on every attempt and replay, so receivers can dedupe on it.
 */
export function signStandardWebhook(secret: string, id: string, body: string, unixSeconds: number): StandardWebhookHeaders {
  const signature = new Webhook(endpointSigningKey(secret), { format: 'raw' }).sign(id, new Date(unixSeconds * 1000), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(unixSeconds), 'webhook-signature': signature };
}

/**
 * The earlier header, still sent beside the Standard Webhooks ones so receivers built on it keep
 * working: `Switchboard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
 * endpoint's whole secret string (`whsec_` included) as the key. The timestamp is signed too, so a receiver can refuse
 * replays older than its tolerance.
 */
export function signEvent(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/** What a receiver does (documented in the README): recompute, compare in constant time, bound the age. */
export function verifyEvent(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts['t']);
  const given = parts['v1'];
  if (!Number.isInteger(t) || given === undefined || !/^[0-9a-f]{64}$/.test(given) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
