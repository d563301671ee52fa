// First: the garbage collector's settings, and OpenTelemetry's patches of http, pg, ioredis and
// NestJS, which must come before those are loaded.
import './instrumentation';
import { loadConfigOrExit, workerEnvSchema } from '@switchboard/config';
import { failStartup, runHttpApp } from '@switchboard/platform';
import { resolveMasterKeys } from '@switchboard/token-vault';
import { WorkerModule } from './app/worker.module';

const config = loadConfigOrExit(workerEnvSchema);

async function main(): Promise<void> {
  const vaultKeys = resolveMasterKeys(config);
  // The worker serves only health and metrics over HTTP; migrations are the gateway's job, and it
  // waits for them before it starts.
  await runHttpApp({
    service: 'worker',
    config,
    port: config.WORKER_PORT,
    migrate: false,
    module: (databaseUrl) => WorkerModule.forRoot(config, databaseUrl, vaultKeys),
  });
}

main().catch((error: unknown) => failStartup('worker', error));
