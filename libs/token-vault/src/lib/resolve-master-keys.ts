import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type CoreEnv, type VaultEnv } from '@switchboard/config';
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
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(
      ['VAULT_MASTER_KEY'],
      'Invalid configuration: VAULT_MASTER_KEY is required when NODE_ENV=production ' +
        '(base64 of 32 random bytes, e.g. `openssl rand -base64 32`)',
    );
  }
  const path = resolve(join(config.DATA_DIR, DEVELOPMENT_MASTER_KEY_FILE));
  const existing = readKeyFile(path);
  if (existing) {
    warnIfExposed(path, warn);
    warn(`[token-vault] VAULT_MASTER_KEY is unset: using the development master key ${existing.id} from ${path}`);
    return existing;
  }
  const created = createKeyFile(config.DATA_DIR, path);
  if (created) {
    warn(
      `[token-vault] VAULT_MASTER_KEY is unset: generated development master key ${created.id} at ${path} ` +
        '(mode 0600). Losing that file makes stored secrets unreadable; set VAULT_MASTER_KEY outside development.',
    );
    return created;
  }
  // Another process (gateway and worker start together) created it first: use theirs.
  const winner = readKeyFile(path);
  if (!winner) throw keyFileError(path);
  warn(`[token-vault] VAULT_MASTER_KEY is unset: using the development master key ${winner.id} from ${path}`);
  return winner;
}

function readKeyFile(path: string): MasterKey | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = MasterKey.tryFromBase64(text);
  if (!key) throw keyFileError(path);
  return key;
}

/**
 * Writes a temporary file and hard-links it into place: the link either appears
 * complete or fails with EEXIST, so a concurrent starter never reads a half-written
 * key and never overwrites one already in use. Undefined when someone else won.
 */
function createKeyFile(dataDir: string, path: string): MasterKey | undefined {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = MasterKey.generate();
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, `${key.toBase64()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
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
