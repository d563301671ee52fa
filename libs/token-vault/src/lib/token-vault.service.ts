import { SwitchboardError } from '@switchboard/error-taxonomy';
import { openSecret, rewrapDataKey, sealSecret, type SealedSecret } from './envelope-crypto';
import type { MasterKeyRing } from './master-key';
import { SecretCache } from './secret-cache';
import { decryptFailed, masterKeyUnknown, secretNotFound, tenantNotFound, type VaultErrorReason } from './vault-error';
import {
  describeScope,
  normaliseScope,
  PLATFORM_ENVIRONMENT,
  scopeKey,
  type PlatformPurpose,
  type VaultEnvironment,
  type VaultPurpose,
  type VaultScope,
} from './vault-scope';

/**
 * What the vault needs from the database: a TypeORM DataSource, or an EntityManager
 * (e.g. the one of a transaction, so a secret lands together with the row it belongs to).
 */
export interface VaultDatabase {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

export interface TokenVaultOptions {
  readonly db: VaultDatabase;
  readonly keys: MasterKeyRing;
  /** How long a decrypted secret is reused in this process; default 60 s, 0 disables. */
  readonly cacheTtlMs?: number;
  /** Upper bound of cached secrets; default 10,000. */
  readonly cacheMaxEntries?: number;
  /** Clock for the cache; tests move it. Default Date.now. */
  readonly now?: () => number;
}

/** A stored secret, without the secret. */
export type VaultSecretRef = VaultScope & {
  readonly id: string;
  readonly masterKeyId: string;
  readonly createdAt: Date;
  /** When the value was last put. */
  readonly updatedAt: Date;
  /** When the data key was last re-wrapped under a new master key; null until then. */
  readonly rotatedAt: Date | null;
};

export interface VaultRotationFailure {
  readonly id: string;
  readonly tenantId: string | null;
  readonly environment: string;
  readonly purpose: string;
  readonly ownerRef: string;
  readonly masterKeyId: string;
  readonly reason: Extract<VaultErrorReason, 'vault_decrypt_failed' | 'vault_master_key_unknown'>;
}

export interface VaultRotationReport {
  readonly currentKeyId: string;
  /** Rows found under another master key. */
  readonly scanned: number;
  readonly rewrapped: number;
  /** Rows that changed while being re-wrapped (a concurrent put); they are sealed afresh anyway. */
  readonly skipped: number;
  readonly failed: number;
  /** Rows still not under the current key when the run ended (failures, or puts by instances on an old key). */
  readonly remaining: number;
  readonly failures: readonly VaultRotationFailure[];
}

export interface RewrapOptions {
  /** Rows read per query; default 500. */
  readonly batchSize?: number;
}

interface SecretRow {
  id: string;
  tenant_id: string | null;
  environment: VaultEnvironment | typeof PLATFORM_ENVIRONMENT;
  purpose: VaultPurpose;
  owner_ref: string;
  master_key_id: string;
  wrapped_key: Buffer;
  wrap_iv: Buffer;
  wrap_tag: Buffer;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

interface RefRow {
  id: string;
  tenant_id: string | null;
  environment: VaultEnvironment | typeof PLATFORM_ENVIRONMENT;
  purpose: VaultPurpose;
  owner_ref: string;
  master_key_id: string;
  created_at: Date;
  updated_at: Date;
  rotated_at: Date | null;
}

const REF_COLUMNS = 'id, tenant_id, environment, purpose, owner_ref, master_key_id, created_at, updated_at, rotated_at';
const MAX_PLAINTEXT_BYTES = 64 * 1024;
const DEFAULT_TTL_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 10_000;
const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Secrets per tenant + environment, envelope-encrypted (see README). Framework-free:
 * Nest apps get one through TokenVaultModule, scripts build one with createTokenVault.
 * It never logs; plaintext leaves it only as get()'s return value.
 */
export class TokenVault {
  readonly #db: VaultDatabase;
  readonly #keys: MasterKeyRing;
  #cache: SecretCache;
  // A transaction's vault reads the shared cache but never fills it: what it reads may
  // be its own uncommitted write, gone after a rollback.
  #fillsCache = true;

  constructor(options: TokenVaultOptions) {
    this.#db = options.db;
    this.#keys = options.keys;
    this.#cache = new SecretCache(
      options.cacheTtlMs ?? DEFAULT_TTL_MS,
      options.now ?? Date.now,
      options.cacheMaxEntries ?? DEFAULT_MAX_ENTRIES,
    );
  }

  /** The same vault (keys and cache) working through another EntityManager, e.g. a transaction's. */
  withManager(db: VaultDatabase): TokenVault {
    const bound = new TokenVault({ db, keys: this.#keys, cacheTtlMs: 0 });
    bound.#cache = this.#cache;
    bound.#fillsCache = false;
    return bound;
  }

  /** Stores or replaces the secret of a scope under a fresh data key and the current master key. */
  async put(scope: VaultScope, plaintext: string): Promise<VaultSecretRef> {
    const target = normaliseScope(scope);
    assertPlaintext(target, plaintext);
    const sealed = sealSecret(target, plaintext, this.#keys.current);
    let rows: RefRow[];
    try {
      rows = await this.#db.query<RefRow[]>(
        `INSERT INTO vault_secrets
           (tenant_id, environment, purpose, owner_ref, master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT ON CONSTRAINT vault_secrets_scope_key DO UPDATE SET
           master_key_id = EXCLUDED.master_key_id,
           wrapped_key = EXCLUDED.wrapped_key,
           wrap_iv = EXCLUDED.wrap_iv,
           wrap_tag = EXCLUDED.wrap_tag,
           ciphertext = EXCLUDED.ciphertext,
           iv = EXCLUDED.iv,
           tag = EXCLUDED.tag,
           updated_at = now()
         RETURNING ${REF_COLUMNS}`,
        [...scopeParameters(target), ...sealedParameters(sealed)],
      );
    } catch (error) {
      if (isForeignKeyViolation(error)) throw tenantNotFound(target);
      throw error;
    } finally {
      // Not primed with the new value: inside a transaction that may still roll back.
      this.#cache.delete(scopeKey(target));
    }
    const row = rows[0];
    if (!row) throw new Error(`Vault upsert returned no row for ${describeScope(target)}`);
    return toRef(row);
  }

  /**
   * The secret of a scope; VaultError `vault_secret_not_found` (404) when there is none.
   * `fresh`: read the row even when this process holds the secret (a caller whose own cache
   * was invalidated because another process stored a new one).
   */
  async get(scope: VaultScope, { fresh = false }: { fresh?: boolean } = {}): Promise<string> {
    const target = normaliseScope(scope);
    const plaintext = await this.#read(target, fresh);
    if (plaintext === undefined) throw secretNotFound(target);
    return plaintext;
  }

  /** The secret of a scope, or undefined when there is none. */
  async find(scope: VaultScope): Promise<string | undefined> {
    return this.#read(normaliseScope(scope));
  }

  /** True when a secret was removed. */
  async delete(scope: VaultScope): Promise<boolean> {
    const target = normaliseScope(scope);
    const where = scopeWhere(target);
    try {
      const rows = await this.#db.query<Array<{ count: number }>>(
        `WITH deleted AS (DELETE FROM vault_secrets WHERE ${where.sql} RETURNING 1)
         SELECT count(*)::int AS count FROM deleted`,
        where.parameters,
      );
      return (rows[0]?.count ?? 0) > 0;
    } finally {
      this.#cache.delete(scopeKey(target));
    }
  }

  /** Forgets every decrypted secret held by this process. */
  clearCache(): void {
    this.#cache.clear();
  }

  /**
   * Re-wraps every data key not under the current master key with it. Secrets are
   * never decrypted: only the 32-byte data keys move. Safe to run on several instances
   * at once and next to live traffic: a row is only updated if its wrapped key is still
   * the one that was read, so a concurrent put is never overwritten.
   */
  async rewrapAll(options: RewrapOptions = {}): Promise<VaultRotationReport> {
    const batchSize = options.batchSize ?? 500;
    const current = this.#keys.current;
    const failures: VaultRotationFailure[] = [];
    let scanned = 0;
    let rewrapped = 0;
    let skipped = 0;
    let after = FIRST_UUID;
    for (;;) {
      const rows = await this.#db.query<SecretRow[]>(
        `SELECT id, tenant_id, environment, purpose, owner_ref, master_key_id, wrapped_key, wrap_iv, wrap_tag
           FROM vault_secrets
          WHERE master_key_id <> $1 AND id > $2
          ORDER BY id
          LIMIT $3`,
        [current.id, after, batchSize],
      );
      for (const row of rows) {
        scanned += 1;
        // The row's own columns are the scope: a row copied elsewhere fails here, as it would on read.
        const scope = scopeOfRow(row);
        const failure = (reason: VaultRotationFailure['reason']): void => {
          failures.push({ id: row.id, ...scope, masterKeyId: row.master_key_id, reason });
        };
        const from = this.#keys.get(row.master_key_id);
        if (!from) {
          failure('vault_master_key_unknown');
          continue;
        }
        const wrapped = { masterKeyId: row.master_key_id, wrappedKey: row.wrapped_key, wrapIv: row.wrap_iv, wrapTag: row.wrap_tag };
        const next = rewrapDataKey(scope, wrapped, from, current);
        if (!next) {
          failure('vault_decrypt_failed');
          continue;
        }
        const updated = await this.#db.query<Array<{ count: number }>>(
          `WITH updated AS (
             UPDATE vault_secrets
                SET master_key_id = $2, wrapped_key = $3, wrap_iv = $4, wrap_tag = $5, rotated_at = now()
              WHERE id = $1 AND master_key_id = $6 AND wrapped_key = $7
             RETURNING 1)
           SELECT count(*)::int AS count FROM updated`,
          [row.id, next.masterKeyId, next.wrappedKey, next.wrapIv, next.wrapTag, row.master_key_id, row.wrapped_key],
        );
        if ((updated[0]?.count ?? 0) > 0) rewrapped += 1;
        else skipped += 1;
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < batchSize) break;
      after = last.id;
    }
    const remainingRows = await this.#db.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM vault_secrets WHERE master_key_id <> $1`,
      [current.id],
    );
    return {
      currentKeyId: current.id,
      scanned,
      rewrapped,
      skipped,
      failed: failures.length,
      remaining: remainingRows[0]?.count ?? 0,
      failures,
    };
  }

  toJSON(): { keys: unknown; cache: unknown } {
    return { keys: this.#keys.toJSON(), cache: this.#cache.toJSON() };
  }

  async #read(scope: VaultScope, fresh = false): Promise<string | undefined> {
    const key = scopeKey(scope);
    const cached = fresh ? undefined : this.#cache.get(key);
    if (cached !== undefined) return cached;
    // The environment is in the WHERE clause and in the authenticated data: a 'test'
    // scope can neither select a 'live' row nor decrypt one moved under 'test'.
    const where = scopeWhere(scope);
    const rows = await this.#db.query<SecretRow[]>(
      `SELECT id, tenant_id, environment, purpose, owner_ref, master_key_id,
              wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag
         FROM vault_secrets
        WHERE ${where.sql}`,
      where.parameters,
    );
    const row = rows[0];
    if (!row) return undefined;
    const masterKey = this.#keys.get(row.master_key_id);
    if (!masterKey) throw masterKeyUnknown(scope, row.master_key_id);
    // Authenticated against the scope asked for, not the row's columns.
    const opened = openSecret(scope, sealedFromRow(row), masterKey);
    if (!opened.ok) throw decryptFailed(scope, opened.layer, row.master_key_id);
    if (this.#fillsCache) this.#cache.set(key, opened.plaintext);
    return opened.plaintext;
  }
}

export function createTokenVault(
  db: VaultDatabase,
  keys: MasterKeyRing,
  options: Omit<TokenVaultOptions, 'db' | 'keys'> = {},
): TokenVault {
  return new TokenVault({ ...options, db, keys });
}

function assertPlaintext(scope: VaultScope, plaintext: string): void {
  if (typeof plaintext === 'string' && plaintext.length > 0 && Buffer.byteLength(plaintext, 'utf8') <= MAX_PLAINTEXT_BYTES) {
    return;
  }
  throw new SwitchboardError({
    code: 'validation_failed',
    message: `Vault secret for ${describeScope(scope)} must be a non-empty string of at most ${MAX_PLAINTEXT_BYTES} bytes`,
    details: [{ path: 'secret', issue: 'expected a non-empty string within the size limit' }],
  });
}

function scopeOfRow(row: Pick<SecretRow, 'tenant_id' | 'environment' | 'purpose' | 'owner_ref'>): VaultScope {
  return row.tenant_id === null
    ? { tenantId: null, environment: PLATFORM_ENVIRONMENT, purpose: row.purpose as PlatformPurpose, ownerRef: row.owner_ref }
    : { tenantId: row.tenant_id, environment: row.environment as VaultEnvironment, purpose: row.purpose, ownerRef: row.owner_ref };
}

function scopeParameters(scope: VaultScope): Array<string | null> {
  return [scope.tenantId, scope.environment, scope.purpose, scope.ownerRef];
}

/**
 * The row of one scope. A platform scope (no tenant) selects `tenant_id IS NULL`; not
 * `tenant_id IS NOT DISTINCT FROM $1` for both, because Postgres cannot use an index
 * for IS NOT DISTINCT FROM and every read would scan the whole table. `=` and `IS NULL`
 * both use the scope key's index.
 */
function scopeWhere(scope: VaultScope): { sql: string; parameters: string[] } {
  if (scope.tenantId === null) {
    return {
      sql: 'tenant_id IS NULL AND environment = $1 AND purpose = $2 AND owner_ref = $3',
      parameters: [scope.environment, scope.purpose, scope.ownerRef],
    };
  }
  return {
    sql: 'tenant_id = $1 AND environment = $2 AND purpose = $3 AND owner_ref = $4',
    parameters: [scope.tenantId, scope.environment, scope.purpose, scope.ownerRef],
  };
}

function sealedParameters(sealed: SealedSecret): unknown[] {
  return [sealed.masterKeyId, sealed.wrappedKey, sealed.wrapIv, sealed.wrapTag, sealed.ciphertext, sealed.iv, sealed.tag];
}

function sealedFromRow(row: SecretRow): SealedSecret {
  return {
    masterKeyId: row.master_key_id,
    wrappedKey: row.wrapped_key,
    wrapIv: row.wrap_iv,
    wrapTag: row.wrap_tag,
    ciphertext: row.ciphertext,
    iv: row.iv,
    tag: row.tag,
  };
}

function toRef(row: RefRow): VaultSecretRef {
  return {
    id: row.id,
    ...scopeOfRow(row),
    masterKeyId: row.master_key_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    rotatedAt: row.rotated_at,
  };
}

function isForeignKeyViolation(error: unknown): boolean {
  const withCode = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return withCode?.code === '23503' || withCode?.driverError?.code === '23503';
}
