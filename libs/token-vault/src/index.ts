export { MASTER_KEY_BYTES, MasterKey, MasterKeyRing, masterKeyId } from './lib/master-key';
export {
  DEVELOPMENT_MASTER_KEY_FILE,
  resolveMasterKeys,
  type MasterKeyConfig,
  type ResolveMasterKeysOptions,
} from './lib/resolve-master-keys';
export { formatRotationReport, rotateVault } from './lib/rotate-vault';
export { TOKEN_VAULT } from './lib/token-vault.constants';
export { TokenVaultModule, type TokenVaultModuleOptions } from './lib/token-vault.module';
export {
  createTokenVault,
  TokenVault,
  type RewrapOptions,
  type TokenVaultOptions,
  type VaultDatabase,
  type VaultRotationFailure,
  type VaultRotationReport,
  type VaultSecretRef,
} from './lib/token-vault.service';
export { VaultError, type VaultErrorReason } from './lib/vault-error';
export {
  normaliseScope,
  PLATFORM_ENVIRONMENT,
  PLATFORM_PURPOSES,
  platformScope,
  VAULT_ENVIRONMENTS,
  VAULT_PURPOSES,
  type PlatformPurpose,
  type PlatformVaultScope,
  type TenantVaultScope,
  type VaultEnvironment,
  type VaultPurpose,
  type VaultScope,
} from './lib/vault-scope';
