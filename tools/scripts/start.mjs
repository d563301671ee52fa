// `npm start`: the whole sandbox on one machine. Gateway, worker and the Meta
// simulator; the embedded Postgres when DATABASE_URL is unset; Redis must answer.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDependencies, nxEnv, redisAnswers, root, run } from './lib.mjs';

// The built apps run as production unless told otherwise; the sandbox is development
// (embedded Postgres, generated keys, private event targets, GraphQL sandbox).
const env = { ...nxEnv, NODE_ENV: nxEnv.NODE_ENV || 'development' };
const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
const host = env.HOST || '127.0.0.1';
const gatewayPort = Number(env.PORT || 3000);
const workerPort = Number(env.WORKER_PORT || 3001);
const simulatorPort = Number(env.SIMULATOR_PORT || 4010);
const dataDir = resolve(root, env.DATA_DIR || '.data');
env.DATA_DIR = dataDir;
const gatewayUrl = `http://${host}:${gatewayPort}`;

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
    // Own process group: a terminal's Ctrl-C reaches only this script, which then
    // stops the apps in order (the gateway, owner of the embedded Postgres, last).
    detached: true,
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

process.once('exit', () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

// The gateway first: it applies migrations and, without DATABASE_URL, serves the
// embedded Postgres that the worker then connects to.
startApp('gateway', gatewayPort);
if (!(await waitReady('gateway', `${gatewayUrl}/health/ready`))) await stopAll(1);
startApp('worker', workerPort);
startApp('meta-simulator', simulatorPort);
const ready = await Promise.all([
  waitReady('worker', `http://${host}:${workerPort}/health/ready`),
  waitReady('meta-simulator', `http://${host}:${simulatorPort}/health`),
]);
if (ready.includes(false)) await stopAll(1);

/** Admin API call with the operator key; returns [status, json]. */
async function admin(method, path, adminKey, body) {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return [response.status, await response.json().catch(() => ({}))];
}

/**
 * A demo tenant with a live and a test key, reused across restarts (kept under
 * DATA_DIR) while they still work.
 */
async function seedDemoTenant() {
  const adminKey = env.ADMIN_API_KEY || readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
  const keysFile = join(dataDir, 'demo-keys.json');
  let saved = {};
  try {
    saved = JSON.parse(readFileSync(keysFile, 'utf8'));
  } catch {
    // first start
  }
  const works = async (key) =>
    Boolean(key) && (await fetch(`${gatewayUrl}/v1/me`, { headers: { authorization: `Bearer ${key}` } })).ok;
  if ((await works(saved.live)) && (await works(saved.test))) return saved;

  let [status, tenant] = await admin('POST', '/v1/admin/tenants', adminKey, { slug: 'demo', name: 'Demo business unit' });
  if (status === 409) {
    const [, list] = await admin('GET', '/v1/admin/tenants', adminKey);
    tenant = list.data.find((t) => t.slug === 'demo');
  } else if (status !== 201) {
    throw new Error(`creating the demo tenant answered ${status}`);
  }
  const keys = { tenantId: tenant.id };
  for (const environment of ['live', 'test']) {
    const [keyStatus, created] = await admin('POST', `/v1/admin/tenants/${tenant.id}/api-keys`, adminKey, {
      environment,
      name: 'sandbox',
    });
    if (keyStatus !== 201) throw new Error(`creating the demo ${environment} key answered ${keyStatus}`);
    keys[environment] = created.key;
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

let demo;
try {
  demo = await seedDemoTenant();
} catch (error) {
  process.stderr.write(`Seeding the demo tenant failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
}

process.stdout.write(
  [
    '',
    'Switchboard sandbox is up:',
    `  gateway         ${gatewayUrl}   (health: /health/ready, pipeline: /health/pipeline with the operator key, metrics: /metrics, docs: /docs, GraphQL: /graphql)`,
    `  worker          http://${host}:${workerPort}   (health: /health/ready, metrics: /metrics)`,
    `  meta simulator  http://${host}:${simulatorPort}   (Graph API stand-in; control routes under /_sim)`,
    `  database        ${env.DATABASE_URL ? 'DATABASE_URL' : `embedded Postgres (PGlite) under ${env.DATA_DIR || '.data'}/pglite`}`,
    '',
    `Demo tenant ${demo.tenantId} (development keys, kept in ${join(dataDir, 'demo-keys.json')}):`,
    `  live key  ${demo.live}`,
    `  test key  ${demo.test}`,
    '',
    'Try:',
    `  curl -s ${gatewayUrl}/health/ready`,
    `  curl -s -H "Authorization: Bearer ${demo.test}" ${gatewayUrl}/v1/me`,
    `  curl -s -H "Authorization: Bearer ${demo.test}" -H 'content-type: application/json' ${gatewayUrl}/graphql -d '{"query":"{ me { environment tenant { slug } } }"}'`,
    `  API docs: ${gatewayUrl}/docs   GraphQL sandbox: ${gatewayUrl}/graphql`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
