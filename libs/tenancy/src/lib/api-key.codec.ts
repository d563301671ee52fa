import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Environment } from './environment';

/** sbk_<env>_<43 url-safe chars> (32 random bytes); the first 12 of them are the lookup prefix. */
const KEY_PATTERN = /^sbk_(live|test)_([A-Za-z0-9_-]{32,128})$/;
const PREFIX_LENGTH = 12;

export interface GeneratedApiKey {
  key: string;
  lookupPrefix: string;
  hash: Buffer;
}

export interface ParsedApiKey {
  environment: Environment;
  lookupPrefix: string;
  hash: Buffer;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function generateApiKey(environment: Environment): GeneratedApiKey {
  const secret = randomBytes(32).toString('base64url');
  const key = `sbk_${environment}_${secret}`;
  return { key, lookupPrefix: secret.slice(0, PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** Undefined for anything that is not shaped like one of our keys (no database trip). */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, environment, secret] = match as unknown as [string, Environment, string];
  return { environment, lookupPrefix: secret.slice(0, PREFIX_LENGTH), hash: hashApiKey(key) };
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
