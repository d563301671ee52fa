import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { resolveDevelopmentSecret } from './development-secret';

describe('resolveDevelopmentSecret', () => {
  let dataDir: string;
  const options = () => ({ variable: 'ADMIN_API_KEY', value: undefined, nodeEnv: 'development' as const, dataDir, file: 'admin-api-key' });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-dev-secret-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('uses a configured value and writes nothing', () => {
    expect(resolveDevelopmentSecret({ ...options(), value: 'configured' })).toEqual({ value: 'configured', generated: false, created: false });
    expect(() => statSync(join(dataDir, 'admin-api-key'))).toThrow();
  });

  it('generates once (mode 0600) and reuses the file afterwards', () => {
    const first = resolveDevelopmentSecret(options());
    expect(first).toMatchObject({ generated: true, created: true });
    expect(first.value.length).toBeGreaterThanOrEqual(32);
    const path = join(dataDir, 'admin-api-key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.value);
    expect(resolveDevelopmentSecret(options())).toEqual({ value: first.value, generated: true, created: false, path });
  });

  it('refuses production without the value, naming the variable', () => {
    expect(() => resolveDevelopmentSecret({ ...options(), nodeEnv: 'production', hint: 'openssl rand -base64 32' })).toThrow(
      new ConfigError(['ADMIN_API_KEY'], 'Invalid configuration: ADMIN_API_KEY is required when NODE_ENV=production (openssl rand -base64 32)'),
    );
  });
});
