// OpenTelemetry must patch http, pg, ioredis and NestJS before they are loaded.
import './instrumentation';
import { loadConfigOrExit, workerEnvSchema } from '@switchboard/config';
import { runHttpApp } from '@switchboard/platform';
import { WorkerModule } from './app/worker.module';

const config = loadConfigOrExit(workerEnvSchema);

// The worker serves only health and metrics over HTTP; migrations are the gateway's job.
runHttpApp({
  service: 'worker',
  config,
  port: config.WORKER_PORT,
  migrate: false,
  module: (databaseUrl) => WorkerModule.forRoot(config, databaseUrl),
}).catch((error: unknown) => {
  process.stderr.write(`[worker] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
