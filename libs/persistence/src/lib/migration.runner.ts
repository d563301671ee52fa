import type { DataSource, Migration } from 'typeorm';

/**
 * Any number of gateways may start at once against one database; a session-level
 * advisory lock makes exactly one of them apply pending migrations while the others
 * wait, then find nothing left to do.
 */
const MIGRATION_LOCK_KEY = 'switchboard:migrations';

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}

/** Reverts every applied migration, newest first (tests and emergency rollbacks). */
export async function revertAllMigrations(dataSource: DataSource): Promise<number> {
  return withMigrationLock(dataSource, async () => {
    let reverted = 0;
    while (await hasAppliedMigrations(dataSource)) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      reverted += 1;
    }
    return reverted;
  });
}

async function hasAppliedMigrations(dataSource: DataSource): Promise<boolean> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists = (await dataSource.query('SELECT to_regclass($1) AS name', [table])) as Array<{
    name: string | null;
  }>;
  if (!exists[0]?.name) return false;
  const rows = (await dataSource.query(`SELECT count(*)::int AS count FROM ${table}`)) as Array<{
    count: number;
  }>;
  return (rows[0]?.count ?? 0) > 0;
}
