import { statSync } from 'node:fs';
import { ConfigError, resolveDevelopmentSecret, type CoreEnv, type VaultEnv } from '@switchboard/config';
import { MasterKey, MasterKeyRing } from './master-key';

export const DEVELOPMENT_MASTER_KEY_FILE = 'vault-master.key';

export type MasterKeyConfig = Pick<CoreEnv, 'NODE_ENV' | 'DATA_DIR'> &
  Pick<VaultEnv, 'VAULT_MASTER_KEY'> &
  Partial<Pick<VaultEnv, 'VAULT_PREVIOUS_MASTER_KEYS'>>;

export interface ResolveMasterKeysOptions {
  /** Where the one-line warnings go; default stderr. Never receives key material. */
  warn?: (line: string) => void;
}

const defaultWarn = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * The key ring from configuration. VAULT_MASTER_KEY when set; unset in production
 * stops the start with a ConfigError naming it; unset elsewhere uses (creating it once,
 * mode 0600) a development key under DATA_DIR, so restarts can still read what they stored.
 */
export function resolveMasterKeys(config: MasterKeyConfig, options: ResolveMasterKeysOptions = {}): MasterKeyRing {
  const warn = options.warn ?? defaultWarn;
  const current = config.VAULT_MASTER_KEY
    ? decodeOrThrow(config.VAULT_MASTER_KEY, 'VAULT_MASTER_KEY')
    : developmentKey(config, warn);
  const previous = (config.VAULT_PREVIOUS_MASTER_KEYS ?? []).map((text) =>
    decodeOrThrow(text, 'VAULT_PREVIOUS_MASTER_KEYS'),
  );
  try {
    return new MasterKeyRing(current, previous);
  } catch (error) {
    throw new ConfigError(
      ['VAULT_PREVIOUS_MASTER_KEYS'],
      `Invalid configuration: VAULT_PREVIOUS_MASTER_KEYS ${error instanceof Error ? error.message : 'is invalid'}`,
    );
  }
}

function decodeOrThrow(text: string, variable: string): MasterKey {
  const key = MasterKey.tryFromBase64(text);
  if (!key) {
    throw new ConfigError([variable], `Invalid configuration: ${variable} expected base64 of exactly 32 bytes`);
  }
  return key;
}

function developmentKey(config: MasterKeyConfig, warn: (line: string) => void): MasterKey {
  const secret = resolveDevelopmentSecret({
    variable: 'VAULT_MASTER_KEY',
    value: undefined,
    nodeEnv: config.NODE_ENV,
    dataDir: config.DATA_DIR,
    file: DEVELOPMENT_MASTER_KEY_FILE,
    generate: () => MasterKey.generate().toBase64(),
    hint: 'base64 of 32 random bytes, e.g. `openssl rand -base64 32`',
  });
  const path = secret.path ?? DEVELOPMENT_MASTER_KEY_FILE;
  const key = MasterKey.tryFromBase64(secret.value);
  if (!key) throw keyFileError(path);
  if (secret.created) {
    warn(
      `[token-vault] VAULT_MASTER_KEY is unset: generated development master key ${key.id} at ${path} ` +
        '(mode 0600). Losing that file makes stored secrets unreadable; set VAULT_MASTER_KEY outside development.',
    );
  } else {
    warnIfExposed(path, warn);
    warn(`[token-vault] VAULT_MASTER_KEY is unset: using the development master key ${key.id} from ${path}`);
  }
  return key;
}

function warnIfExposed(path: string, warn: (line: string) => void): void {
  if (process.platform === 'win32') return;
  if ((statSync(path).mode & 0o077) !== 0) {
    warn(`[token-vault] ${path} is readable by other users; run: chmod 600 ${path}`);
  }
}

function keyFileError(path: string): ConfigError {
  return new ConfigError(
    ['VAULT_MASTER_KEY'],
    `Invalid configuration: VAULT_MASTER_KEY is unset and ${path} does not hold base64 of exactly 32 bytes ` +
      '(restore the file, or set VAULT_MASTER_KEY; secrets sealed with a lost key cannot be recovered)',
  );
}
