import { MIGRATIONS } from '@switchboard/persistence';
import { createTestDatabase, startTcpFaultProxy, type TestDatabase } from '@switchboard/testing';
import { awaitSchema, migrateDatabase } from './maintenance-commands';

describe('awaitSchema (real Postgres)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('await_schema');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('waits while migrations are pending, says which, and returns once another process has applied them', async () => {
    const lines: string[] = [];
    let done = false;
    const waiting = awaitSchema(database.url, 'worker', { pollMs: 20, reportEveryMs: 60_000, report: (line) => lines.push(line) }).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(done).toBe(false);
    expect(lines).toEqual([expect.stringContaining(`[worker] waiting for ${MIGRATIONS.length} migration(s) to be applied (first: ${MIGRATIONS[0]?.name})`)]);

    expect(await migrateDatabase(database.url, 'gateway')).toBe(MIGRATIONS.length);
    await waiting;
    expect(done).toBe(true);
  });

  it('returns at once, silently, on a schema with nothing pending', async () => {
    const lines: string[] = [];
    await awaitSchema(database.url, 'worker', { report: (line) => lines.push(line) });
    expect(lines).toEqual([]);
  });

  it('waits for a database that does not answer yet, saying so, and fails at once on one that refuses it', async () => {
    const target = new URL(database.url);
    const proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    try {
      proxy.cut();
      const through = new URL(database.url);
      through.host = proxy.address;
      const lines: string[] = [];
      let done = false;
      const waiting = awaitSchema(through.toString(), 'worker', { pollMs: 20, reportEveryMs: 60_000, report: (line) => lines.push(line) }).then(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(done).toBe(false);
      expect(lines).toEqual([expect.stringContaining('[worker] waiting for the database to answer')]);
      proxy.restore();
      await waiting;
    } finally {
      await proxy.close();
    }

    const missing = new URL(database.url);
    missing.pathname = `/${database.name}_missing`;
    await expect(awaitSchema(missing.toString(), 'worker', { pollMs: 20 })).rejects.toThrow(/does not exist/);
  });
});
