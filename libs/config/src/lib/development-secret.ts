import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  /** Appended to the production error, e.g. how to make a value. */
  hint?: string;
}

export interface ResolvedSecret {
  value: string;
  /** True when it came from the development file (read or just written). */
  generated: boolean;
  /** True when this process wrote the file. */
  created: boolean;
  /** The development file, when one was used. */
  path?: string;
}

/**
 * A secret that production must configure, and development may generate once and
 * keep under DATA_DIR (mode 0600) so restarts reuse it. Production without it stops
 * with one line naming the variable. Processes starting together (gateway and
 * worker) agree on one value: the file is written aside and hard-linked into place,
 * so it appears complete or not at all, and the loser of the race reads the winner's.
 */
export function resolveDevelopmentSecret(options: DevelopmentSecretOptions): ResolvedSecret {
  if (options.value) return { value: options.value, generated: false, created: false };
  if (options.nodeEnv === 'production') {
    const hint = options.hint ? ` (${options.hint})` : '';
    throw new ConfigError([options.variable], `Invalid configuration: ${options.variable} is required when NODE_ENV=production${hint}`);
  }
  const path = resolve(join(options.dataDir, options.file));
  const existing = readSecretFile(path);
  if (existing !== undefined) return { value: existing, generated: true, created: false, path };

  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const value = (options.generate ?? (() => randomBytes(32).toString('base64url')))();
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, `${value}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return { value, generated: true, created: true, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  const winner = readSecretFile(path);
  if (winner === undefined) throw new Error(`${path} vanished while being created`);
  return { value: winner, generated: true, created: false, path };
}

function readSecretFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
