// OpenTelemetry must patch http, pg, ioredis and NestJS before they are loaded.
import './instrumentation';
import { gatewayEnvSchema, loadConfigOrExit } from '@switchboard/config';
import { runHttpApp, runMigrateCommand } from '@switchboard/platform';
import { GatewayModule } from './app/gateway.module';

const config = loadConfigOrExit(gatewayEnvSchema);

const fail = (error: unknown) => {
  process.stderr.write(`[gateway] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
};

if (process.argv[2] === 'migrate') {
  runMigrateCommand(config, 'gateway').then(() => process.exit(0), fail);
} else {
  runHttpApp({
    service: 'gateway',
    config,
    port: config.PORT,
    migrate: config.MIGRATE_ON_START,
    module: (databaseUrl) => GatewayModule.forRoot(config, databaseUrl),
  }).catch(fail);
}
