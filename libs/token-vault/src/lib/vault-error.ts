import { SwitchboardError, type LogSafeMetadata, type TaxonomyCode } from '@switchboard/error-taxonomy';
import { describeScope, scopeMetadata, type VaultScope } from './vault-scope';

export type VaultErrorReason =
  /** Authentication failed: tampered bytes, a row moved to another scope, or a wrong key under a known id. */
  | 'vault_decrypt_failed'
  /** The row names a master key that is neither VAULT_MASTER_KEY nor in VAULT_PREVIOUS_MASTER_KEYS. */
  | 'vault_master_key_unknown'
  | 'vault_secret_not_found'
  /** put() for a tenant id that has no tenants row. */
  | 'vault_tenant_not_found';

// The taxonomy has no vault code and its list is closed; `unknown` is the nearest
// existing one for "our own data is unreadable". The precise reason rides in
// `reason` and in metadata.reason, and the HTTP status is 500: not Meta's fault.
const REASON_CODES: Record<VaultErrorReason, { code: TaxonomyCode; httpStatus: number }> = {
  vault_decrypt_failed: { code: 'unknown', httpStatus: 500 },
  vault_master_key_unknown: { code: 'unknown', httpStatus: 500 },
  vault_secret_not_found: { code: 'not_found', httpStatus: 404 },
  vault_tenant_not_found: { code: 'not_found', httpStatus: 404 },
};

/**
 * A vault failure. It names tenant, environment, purpose and owner and never the
 * secret (the vault never passes plaintext or key material to an error) and carries
 * no `cause`, so node:crypto and driver internals stay out of logs.
 */
export class VaultError extends SwitchboardError {
  readonly reason: VaultErrorReason;
  readonly scope: VaultScope;

  constructor(reason: VaultErrorReason, scope: VaultScope, message: string, extra: LogSafeMetadata = {}) {
    const { code, httpStatus } = REASON_CODES[reason];
    super({
      code,
      httpStatus,
      retryable: false,
      message,
      metadata: { reason, ...scopeMetadata(scope), ...extra },
    });
    this.reason = reason;
    this.scope = { ...scope };
  }

  static isVaultError(value: unknown): value is VaultError {
    return value instanceof VaultError;
  }
}

export function decryptFailed(scope: VaultScope, layer: 'data_key' | 'secret', masterKeyId: string): VaultError {
  return new VaultError(
    'vault_decrypt_failed',
    scope,
    `Vault secret for ${describeScope(scope)} failed to decrypt: it was altered, copied from another ` +
      'tenant, environment, purpose or owner, or sealed with a different master key',
    { layer, masterKeyId },
  );
}

export function masterKeyUnknown(scope: VaultScope, masterKeyId: string): VaultError {
  return new VaultError(
    'vault_master_key_unknown',
    scope,
    `Vault secret for ${describeScope(scope)} is wrapped by master key ${masterKeyId}, which is neither ` +
      'VAULT_MASTER_KEY nor in VAULT_PREVIOUS_MASTER_KEYS',
    { masterKeyId },
  );
}

export function secretNotFound(scope: VaultScope): VaultError {
  return new VaultError('vault_secret_not_found', scope, `No vault secret for ${describeScope(scope)}`);
}

export function tenantNotFound(scope: VaultScope): VaultError {
  return new VaultError('vault_tenant_not_found', scope, `Cannot store a vault secret: tenant ${scope.tenantId} does not exist`);
}
