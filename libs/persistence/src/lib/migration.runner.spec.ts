import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { createDataSource } from './data-source.factory';
import { MIGRATIONS } from './migrations';
import { revertAllMigrations, runMigrations } from './migration.runner';

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

      const applied = await runMigrations(dataSource);
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
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
});
