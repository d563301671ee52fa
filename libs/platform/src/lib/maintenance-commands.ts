import type { CoreEnv, DatabaseEnv } from '@switchboard/config';
import { createDataSource, pendingMigrations, runMigrations } from '@switchboard/persistence';
import { formatRotationReport, rotateVault, type MasterKeyRing } from '@switchboard/token-vault';
import { resolveDatabase } from './database.resolver';
import { isStorageUnavailable } from './storage-unavailable';

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

export interface SchemaWait {
  /** Between two looks at the migrations table. */
  pollMs?: number;
  /** Between two lines saying what the process waits for. */
  reportEveryMs?: number;
  report?: (line: string) => void;
}

/**
 * For a process that does not migrate (the worker; a gateway with MIGRATE_ON_START=false):
 * resolves once the database has applied every migration this build knows. Started beside a
 * migrating gateway, it would otherwise query tables being created or altered, and its
 * statements can deadlock with the migration's. A database that does not answer yet is waited
 * for too (the worker starts before Postgres, as it always could). Waits as long as it takes,
 * saying what for; any other failure (a wrong password, say) ends the start.
 */
export async function awaitSchema(url: string, service: string, options: SchemaWait = {}): Promise<void> {
  const { pollMs = 500, reportEveryMs = 10_000, report = (text: string) => process.stdout.write(`${text}\n`) } = options;
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: `switchboard-${service}-schema-wait` });
  let reportedAt = -Infinity;
  const waitingFor = (what: string) => {
    if (Date.now() - reportedAt < reportEveryMs) return;
    reportedAt = Date.now();
    report(`[${service}] waiting for ${what}`);
  };
  try {
    for (;;) {
      try {
        if (!dataSource.isInitialized) await dataSource.initialize();
        const pending = await pendingMigrations(dataSource);
        if (pending.length === 0) return;
        waitingFor(
          `${pending.length} migration(s) to be applied (first: ${pending[0]}): a gateway applies them at start unless MIGRATE_ON_START=false, or run \`npm run migrate\``,
        );
      } catch (error) {
        if (!isStorageUnavailable(error)) throw error;
        waitingFor(`the database to answer (${error instanceof Error ? error.message : String(error)})`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
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
