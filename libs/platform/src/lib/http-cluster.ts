import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { CoreEnv, DatabaseEnv } from '@switchboard/config';
import { serveClusterMetrics } from '@switchboard/telemetry';
import { resolveDatabase } from './database.resolver';
import { migrateDatabase } from './maintenance-commands';

/** A process that dies more often than this within the window stops the whole cluster: a crash loop. */
const RESTARTS_PER_WINDOW = 5;
const RESTART_WINDOW_MS = 60_000;

/** GATEWAY_PROCESSES as a count: `auto` is one per core. */
export function processCount(setting: number | 'auto'): number {
  return setting === 'auto' ? availableParallelism() : setting;
}

/** Whether this process starts the others instead of serving: the primary of several. */
export function startsProcesses(count: number): boolean {
  return count > 1 && cluster.isPrimary;
}

export interface ClusterOptions {
  service: string;
  config: CoreEnv & DatabaseEnv;
  processes: number;
  migrate: boolean;
}

function line(message: string): void {
  process.stdout.write(`${message}\n`);
}

/**
 * The primary of several processes on one port (node:cluster hands the port's connections
 * round-robin). It does once what must happen once: the database (the embedded one in
 * development, which it owns) and the migrations; then it starts the processes with the
 * database's URL and without migrating, serves their aggregated metrics, starts a process
 * again when one dies, and on SIGINT/SIGTERM stops them all and exits once they have (each
 * stops gracefully within SHUTDOWN_TIMEOUT_MS). A crash loop stops the cluster instead.
 */
export async function runHttpCluster(options: ClusterOptions): Promise<void> {
  const { config, service } = options;
  const database = await resolveDatabase(config);
  if (options.migrate) {
    const applied = await migrateDatabase(database.url, service);
    if (applied > 0) line(`[${service}] applied ${applied} migration(s)`);
  }
  serveClusterMetrics();
  const env = { DATABASE_URL: database.url, MIGRATE_ON_START: 'false' };
  let stopping = false;
  let failed = false;
  const restarts: number[] = [];

  const stopAll = (signal: NodeJS.Signals, exitCode: number): void => {
    if (stopping) return;
    stopping = true;
    line(`[${service}] ${signal} received, stopping ${Object.keys(cluster.workers ?? {}).length} processes`);
    const deadline = setTimeout(() => {
      process.stderr.write(`[${service}] processes still running ${config.SHUTDOWN_TIMEOUT_MS} ms after the stop, exiting\n`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 2_000);
    deadline.unref();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const done = async (): Promise<void> => {
      if (Object.values(cluster.workers ?? {}).some((worker) => worker && !worker.isDead())) return;
      await database.embedded?.stop();
      line(`[${service}] stopped`);
      process.exit(failed ? 1 : exitCode);
    };
    cluster.on('exit', () => void done());
    void done();
  };

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) {
      if (code !== 0 && signal === null) failed = true;
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while ((restarts[0] ?? now) < now - RESTART_WINDOW_MS) restarts.shift();
    process.stderr.write(`[${service}] process ${worker.process.pid ?? '?'} exited (${signal ?? `code ${code ?? '?'}`})\n`);
    if (restarts.length > RESTARTS_PER_WINDOW) {
      process.stderr.write(`[${service}] more than ${RESTARTS_PER_WINDOW} exits within ${RESTART_WINDOW_MS / 1000} s: stopping\n`);
      failed = true;
      stopAll('SIGTERM', 1);
      return;
    }
    cluster.fork(env);
  });
  process.once('SIGINT', () => stopAll('SIGINT', 0));
  process.once('SIGTERM', () => stopAll('SIGTERM', 0));

  for (let n = 0; n < options.processes; n += 1) cluster.fork(env);
  line(`[${service}] started ${options.processes} processes`);
}
