import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeedFile, SeedFileError } from './seed-file.loader';

describe('loadSeedFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-seed-'));
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('loads the example seed shipped with the app', () => {
    const seed = loadSeedFile(join(__dirname, '..', '..', 'seed.example.json'));
    expect(seed.apps[0].id).toBe('1000000000000001');
    expect(seed.phoneNumbers).toHaveLength(2);
  });

  it('names the file and every bad path in one line, without echoing values', () => {
    const path = write('bad.json', JSON.stringify({ apps: [{ id: 'abc', secret: 'super-secret-value', verifyToken: 'v' }], wabas: [] }));
    let error: unknown;
    try {
      loadSeedFile(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SeedFileError);
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toContain('apps.0.id');
    expect(message).toContain('wabas');
    expect(message).not.toContain('super-secret-value');
    expect(message.split('\n')).toHaveLength(1);
  });

  it('reports unreadable files and invalid JSON', () => {
    expect(() => loadSeedFile(join(dir, 'missing.json'))).toThrow(/cannot be read: ENOENT/);
    expect(() => loadSeedFile(write('broken.json', '{ nope'))).toThrow(/not valid JSON/);
  });
});
