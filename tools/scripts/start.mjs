// `npm start`: the whole sandbox on one machine. Gateway, worker and the Meta
// simulator; the embedded Postgres when DATABASE_URL is unset; Redis must answer.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectDemoTenant } from './demo-connection.mjs';
import { gatewayCall } from './gateway-api.mjs';
import { ensureDependencies, nxEnv, redisAnswers, root, run } from './lib.mjs';
import { pipeFormatted } from './log-format.mjs';
import { demoSmsAccount, SANDBOX_IDS, writeSandboxSeed } from './sandbox-seed.mjs';

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
// Where the simulator's SMS status callbacks reach the gateway (the worker names it in each send).
env.PUBLIC_BASE_URL = env.PUBLIC_BASE_URL || gatewayUrl;
const simulatorUrl = `http://${host}:${simulatorPort}`;
// JSON lines stay the apps' format (production); a person at a development terminal reads them formatted.
const pretty = env.NODE_ENV === 'development';

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
run('npx', ['nx', 'run-many', '-t', 'build', '-p', 'gateway', 'worker', 'meta-simulator', 'console', '--parallel=2']);

const children = [];
let stopping = false;

function startApp(name, port, appEnv = env) {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', name, 'main.js')], {
    cwd: root,
    env: appEnv,
    stdio: ['ignore', pretty ? 'pipe' : 'inherit', pretty ? 'pipe' : 'inherit'],
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
  if (pretty) {
    pipeFormatted(child.stdout, process.stdout, name);
    pipeFormatted(child.stderr, process.stderr, name);
  }
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
// Under `npm start` a terminal's Ctrl-C arrives twice (from the terminal, and forwarded by
// npm): the first stops the sandbox, later ones must neither stop it again nor kill this script.
const onStopSignal = () => {
  if (!stopping) void stopAll(0);
};
process.on('SIGINT', onStopSignal);
process.on('SIGTERM', onStopSignal);

// The gateway first: it applies migrations and, without DATABASE_URL, serves the
// embedded Postgres that the worker then connects to.
startApp('gateway', gatewayPort);
if (!(await waitReady('gateway', `${gatewayUrl}/health/ready`))) await stopAll(1);
startApp('worker', workerPort);
// The simulator is the sandbox's Meta: its webhooks are signed with the seed app's
// secret and posted to the gateway, which knows that secret once the app is registered.
const simulatorSeed = writeSandboxSeed(dataDir);
startApp('meta-simulator', simulatorPort, {
  ...env,
  SIMULATOR_SEED_FILE: simulatorSeed.path,
  SIMULATOR_WEBHOOK_URL: `${gatewayUrl}/webhooks/whatsapp/{appId}`,
});
const ready = await Promise.all([
  waitReady('worker', `http://${host}:${workerPort}/health/ready`),
  waitReady('meta-simulator', `${simulatorUrl}/health`),
]);
if (ready.includes(false)) await stopAll(1);

/** Admin API call with the operator key; returns [status, json]. */
function admin(method, path, adminKey, body) {
  return gatewayCall(gatewayUrl, method, path, adminKey, body);
}

/**
 * A demo tenant with a live and a test key, reused across restarts (kept under
 * DATA_DIR) while they still work.
 */
async function seedDemoTenant(adminKey) {
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

  const [status, created] = await admin('POST', '/v1/admin/tenants', adminKey, { slug: 'demo', name: 'Demo business unit' });
  if (status !== 201 && status !== 409) throw new Error(`creating the demo tenant answered ${status}`);
  const tenant = status === 201 ? created : (await admin('GET', '/v1/admin/tenants', adminKey))[1].data.find((t) => t.slug === 'demo');
  const keys = { tenantId: tenant.id };
  for (const environment of ['live', 'test']) {
    const [keyStatus, key] = await admin('POST', `/v1/admin/tenants/${tenant.id}/api-keys`, adminKey, {
      environment,
      name: 'sandbox',
    });
    if (keyStatus !== 201) throw new Error(`creating the demo ${environment} key answered ${keyStatus}`);
    keys[environment] = key.key;
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

let demo;
let smsAccount;
try {
  // Development: the gateway generated it under DATA_DIR unless ADMIN_API_KEY is set.
  const adminKey = env.ADMIN_API_KEY || readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
  demo = await seedDemoTenant(adminKey);
  smsAccount = demoSmsAccount();
  await connectDemoTenant({
    gatewayUrl,
    adminKey,
    demo,
    seed: simulatorSeed.seed,
    smsAccount,
    simulatorUrl,
  });
} catch (error) {
  process.stderr.write(`Seeding the demo tenant or connecting it to the simulator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
}

/** From the demo number to the demo contact (or another recipient). */
function sendBody(content, to = SANDBOX_IDS.recipient) {
  return { from: SANDBOX_IDS.live.phoneNumberId, to: `+${to}`, ...content };
}

const helloWorld = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };

/** One line a person can paste (and the sandbox spec runs): double quotes around the URL for $MESSAGE_ID. */
function curl(method, url, key, body) {
  const parts = ['curl -s'];
  if (method !== 'GET') parts.push(`-X ${method}`);
  parts.push(`"${url}"`);
  if (key) parts.push(`-H "Authorization: Bearer ${key}"`);
  if (body) parts.push(`-H 'content-type: application/json' -d '${JSON.stringify(body)}'`);
  return parts.join(' ');
}

process.stdout.write(
  [
    '',
    'Switchboard sandbox is up:',
    `  gateway         ${gatewayUrl}   (health: /health/ready, pipeline: /health/pipeline with the operator key, metrics: /metrics, docs: /docs, GraphQL: /graphql)`,
    `  worker          http://${host}:${workerPort}   (health: /health/ready, metrics: /metrics)`,
    `  meta simulator  ${simulatorUrl}   (Graph API stand-in; control routes under /_sim)`,
    `  database        ${env.DATABASE_URL ? 'DATABASE_URL' : `embedded Postgres (PGlite) under ${env.DATA_DIR || '.data'}/pglite`}`,
    '',
    `Demo tenant ${demo.tenantId} (development keys, kept in ${join(dataDir, 'demo-keys.json')}):`,
    `  live key  ${demo.live}`,
    `  test key  ${demo.test}`,
    '',
    `Connected to the simulator: Meta app ${simulatorSeed.seed.apps[0].id}, live WABA ${SANDBOX_IDS.live.wabaId} (number ${SANDBOX_IDS.live.phoneNumberId}), test WABA ${SANDBOX_IDS.test.wabaId} (number ${SANDBOX_IDS.test.phoneNumberId}), templates synced;`,
    `  SMS account ${smsAccount.accountSid}, from ${smsAccount.numbers.live} (live) and ${smsAccount.numbers.test} (test), inbound texts to the live connection.`,
    '',
    'Send a template (sent, delivered, read within a second or two):',
    `  ${curl('POST', `${gatewayUrl}/v1/messages`, demo.live, sendBody(helloWorld))}`,
    'Read it (MESSAGE_ID=the id it answered):',
    `  ${curl('GET', `${gatewayUrl}/v1/messages/$MESSAGE_ID`, demo.live)}`,
    'Make the contact write in (opens the 24 h window):',
    `  ${curl('POST', `${simulatorUrl}/_sim/inbound`, undefined, { phoneNumberId: SANDBOX_IDS.live.phoneNumberId, from: SANDBOX_IDS.recipient, name: 'Ana', text: 'Hi! Is my order on its way?' })}`,
    'Reply free-form inside the window:',
    `  ${curl('POST', `${gatewayUrl}/v1/messages`, demo.live, sendBody({ type: 'text', text: { body: 'Hi Ana, it ships today.' } }))}`,
    'Send an SMS (queued, sent, delivered):',
    `  ${curl('POST', `${gatewayUrl}/v1/messages`, demo.live, { channel: 'sms', to: `+${SANDBOX_IDS.recipient}`, text: 'Your parcel is on its way.' })}`,
    `Send the template to +${SANDBOX_IDS.notOnWhatsApp}, who is not on WhatsApp, with an SMS fallback (ends delivered by SMS):`,
    `  ${curl('POST', `${gatewayUrl}/v1/messages`, demo.live, sendBody({ ...helloWorld, fallback: [{ channel: 'sms', text: 'Your order 4521 has shipped.' }] }, SANDBOX_IDS.notOnWhatsApp))}`,
    "See both attempts, WhatsApp's failure then the SMS (MESSAGE_ID=the id it answered):",
    `  ${curl('GET', `${gatewayUrl}/v1/messages/$MESSAGE_ID`, demo.live)}`,
    `More: curl -s -H "Authorization: Bearer ${demo.test}" ${gatewayUrl}/v1/me   API docs: ${gatewayUrl}/docs   GraphQL: ${gatewayUrl}/graphql`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
