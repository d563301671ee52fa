import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, dataSourceOptions } from './data-source.factory';
import { MIGRATIONS } from './migrations';
import { ChannelAgnosticMessages1732431400000 } from './migrations/1732431400000-channel-agnostic-messages.migration';
import { pendingMigrations, revertAllMigrations, runMigrations } from './migration.runner';

describe('migrations on the real Postgres', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('applies every migration, reverts every one, and applies them again', async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    try {
      const tables = async () =>
        (
          (await dataSource.query(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
          )) as Array<{ table_name: string }>
        ).map((row) => row.table_name);

      expect(await pendingMigrations(dataSource)).toEqual(MIGRATIONS.map((m) => m.name));
      const applied = await runMigrations(dataSource);
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      expect(await pendingMigrations(dataSource)).toEqual([]);
      expect(await tables()).toEqual(expect.arrayContaining(['tenants', 'schema_migrations']));

      expect(await runMigrations(dataSource)).toEqual([]);

      expect(await revertAllMigrations(dataSource)).toBe(MIGRATIONS.length);
      expect(await tables()).toEqual(['schema_migrations']);

      expect(await runMigrations(dataSource)).toHaveLength(MIGRATIONS.length);
    } finally {
      await dataSource.destroy();
    }
  });

  it('lets concurrent starters apply each migration exactly once', async () => {
    const fresh = await createTestDatabase('migrations_race');
    const sources = [1, 2, 3].map(() => createDataSource({ url: fresh.url, poolSize: 2 }));
    try {
      await Promise.all(sources.map((source) => source.initialize()));
      const results = await Promise.all(sources.map((source) => runMigrations(source)));
      expect(results.reduce((sum, applied) => sum + applied.length, 0)).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
      await fresh.drop();
    }
  });

  it('applies a migration again when Postgres aborts it in a deadlock with a running process', async () => {
    const fresh = await createTestDatabase('migrations_deadlock');
    const until = MIGRATIONS.indexOf(ChannelAgnosticMessages1732431400000);
    const earlier = new DataSource({ ...dataSourceOptions({ url: fresh.url, poolSize: 2 }), migrations: MIGRATIONS.slice(0, until) });
    const migrating = new DataSource({ ...dataSourceOptions({ url: fresh.url, poolSize: 2 }), migrations: MIGRATIONS.slice(0, until + 1) });
    // The migration's sessions find the deadlock first: they are the victim, as a migrating
    // gateway is when it starts waiting before the running process does.
    const admin = new Client({ connectionString: fresh.url });
    const running = new Client({ connectionString: fresh.url });
    try {
      await admin.connect();
      await admin.query(`ALTER DATABASE "${fresh.name}" SET deadlock_timeout = '100ms'`);
      await earlier.initialize();
      await runMigrations(earlier);
      await running.connect();
      await running.query(`SET deadlock_timeout = '10s'`);
      // A process of the previous release: reads suppressions, then messages, in one transaction.
      await running.query('BEGIN');
      await running.query('SELECT count(*) FROM suppressions');
      await migrating.initialize();
      // The migration alters messages first, then waits for suppressions.
      const applied = runMigrations(migrating);
      for (;;) {
        const waits = await admin.query(
          `SELECT 1 FROM pg_locks WHERE NOT granted AND relation = 'suppressions'::regclass AND pid <> $1`,
          [(await running.query('SELECT pg_backend_pid() AS pid')).rows[0].pid],
        );
        if (waits.rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await running.query('SELECT count(*) FROM messages');
      await running.query('COMMIT');
      expect((await applied).map((m) => m.name)).toEqual([ChannelAgnosticMessages1732431400000.name]);
      expect(await pendingMigrations(migrating)).toEqual([]);
    } finally {
      await running.end();
      await admin.end();
      await Promise.all([earlier, migrating].filter((source) => source.isInitialized).map((source) => source.destroy()));
      await fresh.drop();
    }
  });
});
