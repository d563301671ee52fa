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

// A migration takes strong locks on live tables; a running process of the previous release can
// lock the same tables in the other order, and Postgres then aborts one of the two. A migration it
// aborts rolled back alone (one transaction each), so the run starts again where it stopped.
const DEADLOCK = '40P01';
const DEADLOCK_ATTEMPTS = 5;

export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, async () => {
    const applied: Migration[] = [];
    for (let attempt = 1; ; attempt += 1) {
      try {
        applied.push(...(await dataSource.runMigrations({ transaction: 'each' })));
        return applied;
      } catch (error) {
        if (attempt >= DEADLOCK_ATTEMPTS || (error as { code?: unknown }).code !== DEADLOCK) throw error;
      }
    }
  });
}

/**
 * Names of the migrations this build knows that the database has not applied, in order. A
 * process that does not migrate waits for none to be left before it touches the schema.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = new Set(await appliedMigrationNames(dataSource));
  return dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name).filter((name) => !applied.has(name));
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
  return (await appliedMigrationNames(dataSource)).length > 0;
}

async function appliedMigrationNames(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists = (await dataSource.query('SELECT to_regclass($1) AS name', [table])) as Array<{
    name: string | null;
  }>;
  if (!exists[0]?.name) return [];
  const rows = (await dataSource.query(`SELECT name FROM ${table}`)) as Array<{ name: string }>;
  return rows.map((row) => row.name);
}
