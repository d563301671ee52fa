import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error';

export interface DevelopmentSecretOptions {
  /** The variable that should hold the secret, e.g. ADMIN_API_KEY. */
  variable: string;
  value: string | undefined;
  nodeEnv: 'development' | 'production' | 'test';
  dataDir: string;
  /** File name under dataDir. */
  file: string;
  generate?: () => string;
}

export interface ResolvedSecret {
  value: string;
  /** True when it came from (or was just written to) the development file. */
  generated: boolean;
}

/**
 * A secret that production must configure, and development may generate once and
 * keep under DATA_DIR (mode 0600) so restarts reuse it. Production without it stops
 * with one line naming the variable.
 */
export function resolveDevelopmentSecret(options: DevelopmentSecretOptions): ResolvedSecret {
  if (options.value) return { value: options.value, generated: false };
  if (options.nodeEnv === 'production') {
    throw new ConfigError([options.variable], `Invalid configuration: ${options.variable} is required when NODE_ENV=production`);
  }
  const path = join(options.dataDir, options.file);
  try {
    return { value: readFileSync(path, 'utf8').trim(), generated: true };
  } catch {
    const value = (options.generate ?? (() => randomBytes(32).toString('base64url')))();
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, generated: true };
  }
}
