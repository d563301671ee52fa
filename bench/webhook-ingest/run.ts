// Webhook ingest: autocannon posting signed, realistic status batches at one built gateway,
// with one built worker draining, Postgres and Redis real (issue 8 benchmark).
//
//   npx nx run-many -t build -p gateway worker
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/webhook-ingest/run.ts \
//     [--duration 20] [--connections 50] [--messages 20000] [--no-write] [--ingest-only] [--cpu-prof <dir>]
//
// BENCH_DIST points at another copy of the built apps (default dist/apps).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createMetaSimulator, demoSeed, DEMO_IDS, serializeLikeMeta, signatureHeader } from '@switchboard/meta-simulator';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, freePort } from '@switchboard/testing';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { benchAppEnv } from '../support/bench-stack';
import { processStats } from '../support/bench-process';
import { positiveArg } from '../support/cli-args';
import { appNode, comparability, deployedNodeOptions, machineLine } from '../support/machine';
import { RoundTripMeter, roundTripsLine, type RoundTrips } from '../support/round-trips';

interface Args {
  durationS: number;
  connections: number;
  messages: number;
  write: boolean;
  /** No worker: the gateway's ingest alone (nothing drains; for finding where time goes). */
  ingestOnly: boolean;
  /** GATEWAY_PROCESSES of the gateway. */
  processes: number;
  /** `--cpu-prof <dir>`: a V8 CPU profile of the gateway (and the worker) into dir. */
  cpuProfDir: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => positiveArg(argv, name, fallback);
  return { durationS: value('duration', 20), connections: value('connections', 50), messages: value('messages', 20_000), write: !argv.includes('--no-write'), ingestOnly: argv.includes('--ingest-only'), processes: positiveArg(argv, 'processes', 1, { integer: true }), cpuProfDir: argv.includes('--cpu-prof') ? argv[argv.indexOf('--cpu-prof') + 1] : undefined };
}

const repoRoot = join(__dirname, '..', '..');
const dist = process.env['BENCH_DIST'] ?? join(repoRoot, 'dist', 'apps');
const STATUSES_PER_POST = 3;
const DISTINCT_BODIES = 2000;

function start(script: string, env: Record<string, string>, execArgv: string[]): ChildProcess {
  const child = spawn(appNode().path, [...execArgv, script], { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`${script} exited with ${String(code)}\n`);
  });
  return child;
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** Resident set of a process (the largest of a gateway's processes) now and its peak, in MiB. */
function rss(pid: number | undefined): { rssMb: number; peakMb: number } {
  const stats = processStats(pid ?? 0);
  return { rssMb: Math.round(stats.rssMiB), peakMb: Math.round(stats.peakMiB) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  const seed = demoSeed();
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');

  const database = await createTestDatabase('bench_webhooks');
  const redis = createTestRedis('bench_webhooks');
  const simulator = await createMetaSimulator({ seed });
  const graphBaseUrl = await simulator.listen({ port: 0 });
  await migrateDatabase(database.url, 'bench');
  const [port, workerPort] = [await freePort(), await freePort()];
  const adminKey = randomBytes(32).toString('hex');
  const env = benchAppEnv(database.url, redis, graphBaseUrl, adminKey);
  const profile = args.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`] : [];
  const gateway = start(join(dist, 'gateway', 'main.js'), { ...env, PORT: String(port), GATEWAY_PROCESSES: String(args.processes) }, profile);
  const worker = args.ingestOnly ? undefined : start(join(dist, 'worker', 'main.js'), { ...env, WORKER_PORT: String(workerPort) }, profile);
  const base = `http://127.0.0.1:${port}`;
  const pg = new Client({ connectionString: database.url });
  try {
    await Promise.all([waitFor(`${base}/health/live`), ...(worker ? [waitFor(`http://127.0.0.1:${workerPort}/health/live`)] : [])]);
    await pg.connect();
    const admin = async (path: string, body: unknown) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const tenantId = (await admin('/v1/admin/tenants', { slug: 'bench', name: 'Bench' }))['id'] as string;
    await admin('/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken });
    await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token });
    await admin(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, { phoneNumberId: DEMO_IDS.phoneNumberId, displayPhoneNumber: '+1 555-010-0001' });
    // Sent messages for the statuses to find (what the send worker leaves behind).
    await pg.query(
      `INSERT INTO messages (id, tenant_id, environment, phone_number_id, waba_id, to_wa_id, type, payload, status, wamid)
       SELECT 'msg_' || lpad(i::text, 26, '0'), $1, 'live', $2, $3, '1415' || lpad(i::text, 7, '0'), 'template', '{}', 'sent', 'wamid.BENCH' || i
       FROM generate_series(1, $4::int) AS i`,
      [tenantId, DEMO_IDS.phoneNumberId, DEMO_IDS.wabaId, args.messages],
    );

    // Realistic batches: a few statuses of different messages per POST, Meta's shapes, signed over Meta's serialisation.
    const now = Math.floor(Date.now() / 1000);
    const requests = Array.from({ length: DISTINCT_BODIES }, (_, i) => {
      const statuses = Array.from({ length: STATUSES_PER_POST }, (_, j) => {
        const n = ((i * STATUSES_PER_POST + j) % args.messages) + 1;
        const status = (i + j) % 2 === 0 ? 'delivered' : 'read';
        return {
          id: `wamid.BENCH${n}`,
          status,
          timestamp: String(now + (status === 'read' ? 20 : 10)),
          recipient_id: `1415${String(n).padStart(7, '0')}`,
          biz_opaque_callback_data: `msg_${String(n).padStart(26, '0')}`,
          ...(status === 'delivered' ? { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' } } : {}),
        };
      });
      const body = serializeLikeMeta({
        object: 'whatsapp_business_account',
        entry: [{ id: DEMO_IDS.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: DEMO_IDS.phoneNumberId }, statuses } }] }],
      });
      return { method: 'POST', path: `/webhooks/whatsapp/${app.id}`, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(body, app.secret) }, body };
    });

    const handshakePath = `/webhooks/whatsapp/${app.id}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(app.verifyToken)}&hub.challenge=1158201444`;
    // Warm-up (JIT, pools, vault cache), then the route's floor (the handshake: same routes, vault cache, no body, no database) and the real load.
    await autocannon({ url: base, connections: args.connections, duration: 3, requests });
    if (worker) await waitDrained(pg, 120_000);
    const floor = await autocannon({ url: base, connections: args.connections, duration: 5, requests: [{ method: 'GET', path: handshakePath }] });
    const storedBefore = Number((await pg.query(`SELECT count(*) AS n FROM webhook_inbox`)).rows[0].n);
    const gatewayRssBefore = rss(gateway.pid);
    const appUrls = [base, ...(worker ? [`http://127.0.0.1:${workerPort}`] : [])];
    const meter = new RoundTripMeter(redis.url, () => appUrls);
    const pids = [gateway.pid ?? 0, ...(worker ? [worker.pid ?? 0] : [])];
    const cpuBefore = pids.map((pid) => processStats(pid).cpuS);
    await meter.begin();
    const load = await autocannon({ url: base, connections: args.connections, duration: args.durationS, requests });
    const loadEnded = Date.now();
    const gatewayRss = rss(gateway.pid);
    const workerRss = worker ? rss(worker.pid) : { rssMb: 0, peakMb: 0 };
    const drainMs = worker ? (await waitDrained(pg, 300_000)) - loadEnded : 0;
    const trips = await meter.end();
    await meter.close();
    const cpuS = pids.map((pid, i) => processStats(pid).cpuS - (cpuBefore[i] ?? 0));
    const stored = Number((await pg.query(`SELECT count(*) AS n FROM webhook_inbox`)).rows[0].n) - storedBefore;
    const states = (await pg.query(`SELECT state, count(*)::int AS n FROM webhook_inbox GROUP BY state ORDER BY state`)).rows as Array<{ state: string; n: number }>;
    const loadAfter = loadavg();

    const figures = {
      requestsPerSecond: Math.round(load.requests.average),
      p50Ms: load.latency.p50,
      p99Ms: load.latency.p99,
      maxMs: load.latency.max,
      errors: load.errors,
      timeouts: load.timeouts,
      non2xx: load.non2xx,
      accepted: load['2xx'],
      stored,
      drainMs,
      states,
      floorRequestsPerSecond: Math.round(floor.requests.average),
      floorP99Ms: floor.latency.p99,
      gatewayRss,
      gatewayRssBefore,
      workerRss,
      trips,
      cpuMsPerPost: { gateway: ((cpuS[0] ?? 0) * 1000) / Math.max(1, load['2xx']), worker: ((cpuS[1] ?? 0) * 1000) / Math.max(1, load['2xx']) },
    };
    console.log(JSON.stringify(figures, null, 2));
    if (args.write && worker) writeResults(args, figures, { loadBefore, loadAfter });
  } finally {
    const children = worker ? [gateway, worker] : [gateway];
    for (const child of children) child.kill('SIGINT');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await pg.end().catch(() => undefined);
    await simulator.close();
    await redis.cleanup();
    await database.drop();
  }
}

/** Resolves with the time the inbox had nothing pending. */
async function waitDrained(pg: Client, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = Number((await pg.query(`SELECT count(*) AS n FROM webhook_inbox WHERE state = 'pending'`)).rows[0].n);
    if (pending === 0) return Date.now();
    if (Date.now() > deadline) throw new Error(`${pending} webhooks still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function writeResults(args: Args, figures: Record<string, unknown>, load: { loadBefore: number[]; loadAfter: number[] }): void {
  const f = figures as {
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    accepted: number;
    stored: number;
    drainMs: number;
    states: Array<{ state: string; n: number }>;
    floorRequestsPerSecond: number;
    floorP99Ms: number;
    gatewayRss: { rssMb: number; peakMb: number };
    workerRss: { rssMb: number; peakMb: number };
    trips: RoundTrips;
    cpuMsPerPost: { gateway: number; worker: number };
  };
  const text = `# bench/webhook-ingest: results

Command: \`SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/webhook-ingest/run.ts --duration ${args.durationS} --connections ${args.connections} --messages ${args.messages} --processes ${args.processes}\`
(after \`npx nx run-many -t build -p gateway worker\`).

Setup: one built gateway (\`GATEWAY_PROCESSES=${args.processes}\`) and one built worker (\`NODE_ENV=production\`, the image's \`NODE_OPTIONS=${deployedNodeOptions()}\`, \`LOG_LEVEL=warn\`), the real Postgres
and Redis, autocannon in the runner process, ${args.connections} connections, ${DISTINCT_BODIES} distinct signed bodies of
${STATUSES_PER_POST} statuses each (\`delivered\` with pricing, or \`read\`) for ${args.messages} sent messages, cycled;
the worker drains while the load runs.

Machine: ${machineLine()};
load average before ${load.loadBefore.map((n) => n.toFixed(2)).join(' ')}, after ${load.loadAfter.map((n) => n.toFixed(2)).join(' ')}
(${comparability(load.loadBefore)}).

| figure | value | target |
| --- | --- | --- |
| signed POSTs answered 200 per second | ${f.requestsPerSecond.toLocaleString('en')} | >= 5,000 |
| latency p50 / p99 / max | ${f.p50Ms} / ${f.p99Ms} / ${f.maxMs} ms | p99 <= 20 ms |
| errors / timeouts / non-2xx | ${f.errors} / ${f.timeouts} / ${f.non2xx} | 0 |
| answered 200 / rows stored | ${f.accepted.toLocaleString('en')} / ${f.stored.toLocaleString('en')} | equal (200 only after the row is committed) |
| backlog drained after the load stopped | ${(f.drainMs / 1000).toFixed(1)} s | <= 10 s |
| inbox states at the end | ${f.states.map((s) => `${s.state} ${s.n.toLocaleString('en')}`).join(', ')} | all processed |
| route floor (GET handshake, same gateway, 5 s) | ${f.floorRequestsPerSecond.toLocaleString('en')} req/s, p99 ${f.floorP99Ms} ms | ratio |
| ratio POST / floor | ${(f.requestsPerSecond / f.floorRequestsPerSecond).toFixed(2)} | |
| gateway RSS after the load (peak) | ${f.gatewayRss.rssMb} MB (${f.gatewayRss.peakMb} MB) | recorded |
| worker RSS after the load (peak) | ${f.workerRss.rssMb} MB (${f.workerRss.peakMb} MB) | recorded |
| Node CPU per POST (${STATUSES_PER_POST} statuses), load and drain | gateway ${f.cpuMsPerPost.gateway.toFixed(2)} ms, worker ${f.cpuMsPerPost.worker.toFixed(2)} ms | recorded |
| round trips per POST, load and drain | ${roundTripsLine(f.trips, f.accepted)} | recorded |
`;
  writeFileSync(join(__dirname, 'RESULTS.md'), text);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
