import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, gatewayEnvSchema, loadConfig, vaultEnvSchema, workerEnvSchema } from '@switchboard/config';
import { MasterKey, MasterKeyRing, masterKeyId } from './master-key';
import { DEVELOPMENT_MASTER_KEY_FILE, resolveMasterKeys } from './resolve-master-keys';

const randomKey = () => randomBytes(32).toString('base64');

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('resolveMasterKeys', () => {
  let dataDir: string;
  let warnings: string[];
  const warn = (line: string) => warnings.push(line);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-vault-'));
    warnings = [];
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uses VAULT_MASTER_KEY and the previous keys, each found by its id', () => {
    const current = randomKey();
    const previous = [randomKey(), randomKey()];
    const ring = resolveMasterKeys(
      { NODE_ENV: 'production', DATA_DIR: dataDir, VAULT_MASTER_KEY: current, VAULT_PREVIOUS_MASTER_KEYS: previous },
      { warn },
    );
    expect(ring.current.id).toBe(masterKeyId(Buffer.from(current, 'base64')));
    expect(ring.current.id).toMatch(/^[0-9a-f]{8}$/);
    expect(ring.previous.map((key) => key.id)).toEqual(previous.map((text) => masterKeyId(Buffer.from(text, 'base64'))));
    for (const id of ring.ids) expect(ring.get(id)?.id).toBe(id);
    expect(warnings).toEqual([]);
  });

  it('in development without a key generates one once (mode 0600) with a warning, then reuses it', () => {
    const nested = join(dataDir, 'not-yet-there');
    const first = resolveMasterKeys({ NODE_ENV: 'development', DATA_DIR: nested, VAULT_MASTER_KEY: undefined }, { warn });
    const file = join(nested, DEVELOPMENT_MASTER_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(MasterKey.tryFromBase64(readFileSync(file, 'utf8'))?.id).toBe(first.current.id);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('VAULT_MASTER_KEY is unset');
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).not.toContain(first.current.toBase64());

    const second = resolveMasterKeys({ NODE_ENV: 'test', DATA_DIR: nested, VAULT_MASTER_KEY: undefined }, { warn });
    expect(second.current.id).toBe(first.current.id);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain('using the development master key');
    expect(warnings.join('\n')).not.toContain(first.current.toBase64());
  });

  it('warns when the development key file is readable by others', () => {
    resolveMasterKeys({ NODE_ENV: 'development', DATA_DIR: dataDir, VAULT_MASTER_KEY: undefined }, { warn });
    chmodSync(join(dataDir, DEVELOPMENT_MASTER_KEY_FILE), 0o644);
    resolveMasterKeys({ NODE_ENV: 'development', DATA_DIR: dataDir, VAULT_MASTER_KEY: undefined }, { warn });
    expect(warnings.some((line) => line.includes('chmod 600'))).toBe(true);
  });

  it('refuses a corrupt development key file instead of silently replacing it', () => {
    writeFileSync(join(dataDir, DEVELOPMENT_MASTER_KEY_FILE), 'not a key\n', { mode: 0o600 });
    const error = thrown(() =>
      resolveMasterKeys({ NODE_ENV: 'development', DATA_DIR: dataDir, VAULT_MASTER_KEY: undefined }, { warn }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['VAULT_MASTER_KEY']);
  });

  it('in production without a key refuses to start, naming VAULT_MASTER_KEY, and writes no file', () => {
    const error = thrown(() =>
      resolveMasterKeys({ NODE_ENV: 'production', DATA_DIR: dataDir, VAULT_MASTER_KEY: undefined }, { warn }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['VAULT_MASTER_KEY']);
    expect((error as ConfigError).message).toMatch(/^Invalid configuration: VAULT_MASTER_KEY is required when NODE_ENV=production/);
    expect((error as ConfigError).message.split('\n')).toHaveLength(1);
    expect(() => statSync(join(dataDir, DEVELOPMENT_MASTER_KEY_FILE))).toThrow();
  });

  it('names a malformed key without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    const error = thrown(() =>
      resolveMasterKeys({ NODE_ENV: 'production', DATA_DIR: dataDir, VAULT_MASTER_KEY: randomKey(), VAULT_PREVIOUS_MASTER_KEYS: [short] }),
    ) as ConfigError;
    expect(error.variables).toEqual(['VAULT_PREVIOUS_MASTER_KEYS']);
    expect(error.message).not.toContain(short);
  });
});

describe('vaultEnvSchema', () => {
  it('is part of the gateway and worker schemas, with defaults', () => {
    for (const schema of [gatewayEnvSchema, workerEnvSchema]) {
      const config = loadConfig(schema, {});
      expect(config.VAULT_MASTER_KEY).toBeUndefined();
      expect(config.VAULT_PREVIOUS_MASTER_KEYS).toEqual([]);
      expect(config.VAULT_CACHE_TTL_MS).toBe(60_000);
    }
  });

  it('accepts base64 of 32 bytes and comma-separated previous keys', () => {
    const current = randomKey();
    const previous = [randomKey(), randomBytes(32).toString('base64url')];
    const config = loadConfig(vaultEnvSchema, {
      VAULT_MASTER_KEY: current,
      VAULT_PREVIOUS_MASTER_KEYS: ` ${previous[0]} , ${previous[1]},`,
    });
    expect(config.VAULT_MASTER_KEY).toBe(current);
    expect(config.VAULT_PREVIOUS_MASTER_KEYS).toEqual(previous);
  });

  it.each([
    ['VAULT_MASTER_KEY', randomBytes(31).toString('base64')],
    ['VAULT_MASTER_KEY', randomBytes(33).toString('base64')],
    ['VAULT_MASTER_KEY', randomBytes(32).toString('hex')],
    ['VAULT_PREVIOUS_MASTER_KEYS', `${randomKey()},${randomBytes(16).toString('base64')}`],
  ])('rejects a bad %s in one line that names it and never shows the value', (variable, value) => {
    const error = thrown(() => loadConfig(gatewayEnvSchema, { [variable]: value })) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(variable);
    for (const part of value.split(',')) expect(error.message).not.toContain(part);
  });
});

describe('MasterKey and MasterKeyRing', () => {
  it('never print or serialise key material', () => {
    const text = randomKey();
    const ring = MasterKeyRing.fromBase64(text, [randomKey()]);
    const hex = Buffer.from(text, 'base64').toString('hex');
    for (const rendered of [JSON.stringify(ring), JSON.stringify(ring.current), inspect(ring), inspect(ring.current, { showHidden: true }), String(ring.current)]) {
      expect(rendered).not.toContain(text);
      expect(rendered).not.toContain(hex);
    }
  });

  it('drops a previous key equal to the current one', () => {
    const text = randomKey();
    expect(MasterKeyRing.fromBase64(text, [text]).previous).toHaveLength(0);
  });
});
