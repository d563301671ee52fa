import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from './master-key';
import type { VaultScope } from './vault-scope';

const ALGORITHM = 'aes-256-gcm';
const DATA_KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
// Bumped if the layout or the authenticated data ever change, so old rows fail loudly.
const FORMAT = 'switchboard-vault/v1';

/** Everything stored for one secret; the plaintext and the data key are not among it. */
export interface SealedSecret {
  readonly masterKeyId: string;
  readonly wrappedKey: Buffer;
  readonly wrapIv: Buffer;
  readonly wrapTag: Buffer;
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
}

export type WrappedDataKey = Pick<SealedSecret, 'masterKeyId' | 'wrappedKey' | 'wrapIv' | 'wrapTag'>;

/**
 * Authenticated data of each layer. Binding the scope to BOTH layers means neither
 * a moved ciphertext nor a moved wrapped key opens under another tenant, environment,
 * purpose or owner; the layer name keeps the two from being swapped for each other,
 * and the wrap layer also binds the master key id the row claims. JSON makes the
 * encoding unambiguous whatever characters the parts hold.
 */
function aad(layer: 'data_key' | 'secret', scope: VaultScope, masterKeyId?: string): Buffer {
  const parts = [FORMAT, layer, scope.tenantId, scope.environment, scope.purpose, scope.ownerRef];
  if (masterKeyId !== undefined) parts.push(masterKeyId);
  return Buffer.from(JSON.stringify(parts), 'utf8');
}

function encrypt(key: Buffer, plaintext: Buffer, additionalData: Buffer): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** Undefined on any failure: the caller turns that into a scoped VaultError. */
function decrypt(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, additionalData: Buffer): Buffer | undefined {
  // authTagLength pins the tag at 16 bytes: GCM would otherwise accept a truncated tag.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function wrapDataKey(scope: VaultScope, dataKey: Buffer, masterKey: MasterKey): WrappedDataKey {
  const wrapped = encrypt(masterKey.material(), dataKey, aad('data_key', scope, masterKey.id));
  return { masterKeyId: masterKey.id, wrappedKey: wrapped.ciphertext, wrapIv: wrapped.iv, wrapTag: wrapped.tag };
}

/** The data key, or undefined when the wrap layer does not authenticate for this scope. */
export function unwrapDataKey(scope: VaultScope, wrapped: WrappedDataKey, masterKey: MasterKey): Buffer | undefined {
  if (masterKey.id !== wrapped.masterKeyId) return undefined;
  const dataKey = decrypt(masterKey.material(), wrapped.wrapIv, wrapped.wrappedKey, wrapped.wrapTag, aad('data_key', scope, wrapped.masterKeyId));
  return dataKey?.length === DATA_KEY_BYTES ? dataKey : undefined;
}

/** Seals a secret under a fresh random data key, itself wrapped by the master key. */
export function sealSecret(scope: VaultScope, plaintext: string, masterKey: MasterKey): SealedSecret {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  const clear = Buffer.from(plaintext, 'utf8');
  try {
    const sealed = encrypt(dataKey, clear, aad('secret', scope));
    return { ...wrapDataKey(scope, dataKey, masterKey), ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag };
  } finally {
    dataKey.fill(0);
    clear.fill(0);
  }
}

export type OpenResult =
  | { readonly ok: true; readonly plaintext: string }
  | { readonly ok: false; readonly layer: 'data_key' | 'secret' };

export function openSecret(scope: VaultScope, sealed: SealedSecret, masterKey: MasterKey): OpenResult {
  const dataKey = unwrapDataKey(scope, sealed, masterKey);
  if (!dataKey) return { ok: false, layer: 'data_key' };
  try {
    const clear = decrypt(dataKey, sealed.iv, sealed.ciphertext, sealed.tag, aad('secret', scope));
    if (!clear) return { ok: false, layer: 'secret' };
    const plaintext = clear.toString('utf8');
    clear.fill(0);
    return { ok: true, plaintext };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Moves a data key under another master key without ever decrypting the secret.
 * Undefined when the current wrap does not authenticate for this scope.
 */
export function rewrapDataKey(
  scope: VaultScope,
  wrapped: WrappedDataKey,
  from: MasterKey,
  to: MasterKey,
): WrappedDataKey | undefined {
  const dataKey = unwrapDataKey(scope, wrapped, from);
  if (!dataKey) return undefined;
  try {
    return wrapDataKey(scope, dataKey, to);
  } finally {
    dataKey.fill(0);
  }
}
