// OpenTelemetry must patch http, pg, ioredis and NestJS before they are loaded.
import './instrumentation';
import { ConfigError, gatewayEnvSchema, loadConfigOrExit, resolveDevelopmentSecret } from '@switchboard/config';
import { runHttpApp, runMigrateCommand } from '@switchboard/platform';
import { GatewayModule } from './app/gateway.module';

const config = loadConfigOrExit(gatewayEnvSchema);

async function main(): Promise<void> {
  if (process.argv[2] === 'migrate') {
    await runMigrateCommand(config, 'gateway');
    process.exit(0);
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
  await runHttpApp({
    service: 'gateway',
    config,
    port: config.PORT,
    migrate: config.MIGRATE_ON_START,
    http: { openApi: true },
    module: (databaseUrl) => GatewayModule.forRoot(config, databaseUrl, { adminApiKey: adminApiKey.value }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `[gateway] failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
