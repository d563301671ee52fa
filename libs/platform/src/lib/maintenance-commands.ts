import type { CoreEnv, DatabaseEnv } from '@switchboard/config';
import { createDataSource, runMigrations } from '@switchboard/persistence';
import { formatRotationReport, rotateVault, type MasterKeyRing } from '@switchboard/token-vault';
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

/**
 * `main.js vault:rotate`: re-wraps every data key with the current master key. Run it
 * after deploying a new VAULT_MASTER_KEY with the old one in VAULT_PREVIOUS_MASTER_KEYS;
 * drop the old key only after a run reports failed 0, remaining 0. Returns the exit code.
 */
export async function runVaultRotateCommand(config: CoreEnv & DatabaseEnv, keys: MasterKeyRing): Promise<number> {
  const database = await resolveDatabase(config);
  const dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'switchboard-vault-rotate' });
  await dataSource.initialize();
  try {
    const report = await rotateVault(dataSource, keys);
    process.stdout.write(`${formatRotationReport(report)}\n`);
    return report.failed > 0 || report.remaining > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
    await database.embedded?.stop();
  }
}
