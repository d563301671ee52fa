import { randomBytes, randomUUID } from 'node:crypto';
import { openSecret, rewrapDataKey, sealSecret, unwrapDataKey, wrapDataKey, type SealedSecret } from './envelope-crypto';
import { MasterKey } from './master-key';
import type { TenantVaultScope } from './vault-scope';

const scope: TenantVaultScope = {
  tenantId: randomUUID(),
  environment: 'live',
  purpose: 'waba_access_token',
  ownerRef: 'waba-100',
};
const secret = () => `test-secret-${randomBytes(24).toString('base64url')}`;
const flip = (buffer: Buffer, index = 0): Buffer => {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
};

describe('envelope crypto', () => {
  const key = MasterKey.generate();

  it('seals with fresh randomness every time and opens only with the same scope', () => {
    const plaintext = secret();
    const first = sealSecret(scope, plaintext, key);
    const second = sealSecret(scope, plaintext, key);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(first.wrappedKey.equals(second.wrappedKey)).toBe(false);
    expect([first.iv.length, first.tag.length, first.wrapIv.length, first.wrapTag.length, first.wrappedKey.length]).toEqual([
      12, 16, 12, 16, 32,
    ]);
    expect(first.masterKeyId).toBe(key.id);
    expect(openSecret(scope, first, key)).toEqual({ ok: true, plaintext });
  });

  it.each([
    ['tenant', { tenantId: randomUUID() }],
    ['environment', { environment: 'test' }],
    ['purpose', { purpose: 'meta_app_secret' }],
    ['owner', { ownerRef: 'waba-101' }],
  ] as const)('refuses another %s at the data-key layer', (_, change) => {
    const sealed = sealSecret(scope, secret(), key);
    expect(openSecret({ ...scope, ...change }, sealed, key)).toEqual({ ok: false, layer: 'data_key' });
  });

  it('binds the secret layer too: a data key re-wrapped for another scope still cannot open it', () => {
    const sealed = sealSecret(scope, secret(), key);
    const other: TenantVaultScope = { ...scope, tenantId: randomUUID() };
    // What someone holding the master key and write access could do: move the data key.
    const dataKey = unwrapDataKey(scope, sealed, key);
    expect(dataKey).toBeDefined();
    const moved: SealedSecret = { ...sealed, ...wrapDataKey(other, dataKey as Buffer, key) };
    expect(openSecret(other, moved, key)).toEqual({ ok: false, layer: 'secret' });
  });

  it.each(['ciphertext', 'iv', 'tag', 'wrappedKey', 'wrapIv', 'wrapTag'] as const)('detects a flipped bit in %s', (field) => {
    const sealed = sealSecret(scope, secret(), key);
    const tampered: SealedSecret = { ...sealed, [field]: flip(sealed[field]) };
    expect(openSecret(scope, tampered, key).ok).toBe(false);
  });

  it('refuses a truncated tag instead of checking fewer bits', () => {
    const sealed = sealSecret(scope, secret(), key);
    expect(openSecret(scope, { ...sealed, tag: sealed.tag.subarray(0, 12) }, key).ok).toBe(false);
    expect(openSecret(scope, { ...sealed, wrapTag: sealed.wrapTag.subarray(0, 4) }, key).ok).toBe(false);
  });

  it('refuses another master key, and a row claiming another key id', () => {
    const sealed = sealSecret(scope, secret(), key);
    const other = MasterKey.generate();
    expect(openSecret(scope, sealed, other).ok).toBe(false);
    expect(openSecret(scope, { ...sealed, masterKeyId: other.id }, other).ok).toBe(false);
  });

  it('re-wraps the data key without touching the ciphertext', () => {
    const plaintext = secret();
    const sealed = sealSecret(scope, plaintext, key);
    const next = MasterKey.generate();
    const rewrapped = rewrapDataKey(scope, sealed, key, next);
    expect(rewrapped?.masterKeyId).toBe(next.id);
    const moved: SealedSecret = { ...sealed, ...rewrapped };
    expect(openSecret(scope, moved, next)).toEqual({ ok: true, plaintext });
    expect(openSecret(scope, moved, key).ok).toBe(false);
    expect(rewrapDataKey({ ...scope, environment: 'test' }, sealed, key, next)).toBeUndefined();
  });
});
