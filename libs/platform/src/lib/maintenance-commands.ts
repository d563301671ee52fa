import type { CoreEnv, DatabaseEnv } from '@switchboard/config';
import { createDataSource, runMigrations } from '@switchboard/persistence';
import { resolveDatabase } from './database.resolver';

/**
 * Applies pending migrations and reports how many. Two connections: one holds the
 * advisory lock while TypeORM migrates on the other.
 */
export async function migrateDatabase(url: string, service: string): Promise<number> {
  const dataSource = createDataSource({ url, poolSize: 2, applicationName: `switchboard-${service}-migrate` });
  await dataSource.initialize();
  try {
    return (await runMigrations(dataSource)).length;
  } finally {
    await dataSource.destroy();
  }
}

/** `main.js migrate`: the explicit migration step of the contract, then exit. */
export async function runMigrateCommand(config: CoreEnv & DatabaseEnv, service: string): Promise<void> {
  const database = await resolveDatabase(config);
  try {
    const applied = await migrateDatabase(database.url, service);
    process.stdout.write(`[${service}] ${applied} migration(s) applied\n`);
  } finally {
    await database.embedded?.stop();
  }
}
