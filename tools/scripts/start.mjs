// `npm start`: the whole sandbox on one machine. Gateway, worker and the Meta
// simulator; the embedded Postgres when DATABASE_URL is unset; Redis must answer.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDependencies, nxEnv, redisAnswers, root, run } from './lib.mjs';

const env = { ...nxEnv };
const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
const host = env.HOST || '127.0.0.1';
const gatewayPort = Number(env.PORT || 3000);
const workerPort = Number(env.WORKER_PORT || 3001);
const simulatorPort = Number(env.SIMULATOR_PORT || 4010);

ensureDependencies();

if (!(await redisAnswers(redisUrl))) {
  process.stderr.write(
    [
      `Redis does not answer at ${redisUrl}. Start one, then run npm start again:`,
      '  docker compose up -d redis',
      '  or: redis-server --daemonize yes --port 6379',
      'or point REDIS_URL at a running Redis.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

// Nx rebuilds only what changed since the last build (its cache holds the rest).
run('npx', ['nx', 'run-many', '-t', 'build', '-p', 'gateway', 'worker', 'meta-simulator', '--parallel=2']);

const children = [];
let stopping = false;

function startApp(name, port) {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', name, 'main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited unexpectedly (${code ?? signal}); stopping the sandbox\n`);
      void stopAll(1);
    }
  });
  children.push({ name, child, port });
  return child;
}

async function waitReady(name, url, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return false;
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  process.stderr.write(`${name} did not become ready at ${url} within ${timeoutMs / 1000} s\n`);
  return false;
}

async function stopAll(exitCode) {
  stopping = true;
  // Reverse start order: the gateway may own the embedded Postgres the others use.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  process.exit(exitCode);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

// The gateway first: it applies migrations and, without DATABASE_URL, serves the
// embedded Postgres that the worker then connects to.
startApp('gateway', gatewayPort);
if (!(await waitReady('gateway', `http://${host}:${gatewayPort}/health/ready`))) await stopAll(1);
startApp('worker', workerPort);
startApp('meta-simulator', simulatorPort);
const ready = await Promise.all([
  waitReady('worker', `http://${host}:${workerPort}/health/ready`),
  waitReady('meta-simulator', `http://${host}:${simulatorPort}/health`),
]);
if (ready.includes(false)) await stopAll(1);

process.stdout.write(
  [
    '',
    'Switchboard sandbox is up:',
    `  gateway         http://${host}:${gatewayPort}   (health: /health/ready, pipeline: /health/pipeline, metrics: /metrics)`,
    `  worker          http://${host}:${workerPort}   (health: /health/ready, metrics: /metrics)`,
    `  meta simulator  http://${host}:${simulatorPort}   (Graph API stand-in; control routes under /_sim)`,
    `  database        ${env.DATABASE_URL ? 'DATABASE_URL' : `embedded Postgres (PGlite) under ${env.DATA_DIR || '.data'}/pglite`}`,
    '',
    `Try: curl -s http://${host}:${gatewayPort}/health/ready`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
