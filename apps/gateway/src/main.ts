// First: the garbage collector's settings, and OpenTelemetry's patches of http, pg, ioredis and
// NestJS, which must come before those are loaded.
import './instrumentation';
import { join } from 'node:path';
import { gatewayEnvSchema, loadConfigOrExit, resolveDevelopmentSecret } from '@switchboard/config';
import { failStartup, processCount, runHttpApp, runHttpCluster, runMigrateCommand, runVaultRotateCommand, startsProcesses } from '@switchboard/platform';
import { resolveMasterKeys } from '@switchboard/token-vault';
import { GatewayModule } from './app/gateway.module';

const config = loadConfigOrExit(gatewayEnvSchema);

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'migrate') {
    await runMigrateCommand(config, 'gateway');
    process.exit(0);
  }
  const vaultKeys = resolveMasterKeys(config);
  if (command === 'vault:rotate') {
    process.exit(await runVaultRotateCommand(config, vaultKeys));
  }
  const adminApiKey = resolveDevelopmentSecret({
    variable: 'ADMIN_API_KEY',
    value: config.ADMIN_API_KEY,
    nodeEnv: config.NODE_ENV,
    dataDir: config.DATA_DIR,
    file: 'admin-api-key',
  });
  if (adminApiKey.generated) {
    // Contract §1: in development the operator key is printed at start (production must set it).
    process.stdout.write(`[gateway] development operator key (ADMIN_API_KEY): ${adminApiKey.value}\n`);
  }
  const processes = processCount(config.GATEWAY_PROCESSES);
  if (startsProcesses(processes)) {
    await runHttpCluster({ service: 'gateway', config, processes, migrate: config.MIGRATE_ON_START });
    return;
  }
  await runHttpApp({
    service: 'gateway',
    config,
    port: config.PORT,
    migrate: config.MIGRATE_ON_START,
    // The console's build sits beside the gateway's (dist/apps/console); it is optional.
    http: { openApi: true, staticSites: [{ name: 'console', prefix: '/console', root: join(__dirname, '..', 'console') }] },
    module: (databaseUrl) => GatewayModule.forRoot(config, databaseUrl, { adminApiKey: adminApiKey.value, vaultKeys }),
  });
}

main().catch((error: unknown) => failStartup('gateway', error));
