import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';

const ADMIN_API_KEY = `sandbox-admin-${'e'.repeat(32)}`;
const DEMO_NUMBER = '3000000000000001';
const DEMO_CONTACT = '14155551234';
const run = promisify(execFile);

type Json = Record<string, unknown>;

interface Sandbox {
  process: RunningProcess;
  urls: { gateway: string; worker: string; simulator: string };
  spawnedAt: number;
}

/**
 * The command printed under a label: the first `  curl ...` line after it. The spec runs
 * exactly that line through a shell, as a person pasting it would.
 */
function printedCurl(output: string, label: string): string {
  const lines = output.split('\n');
  const at = lines.findIndex((line) => line.startsWith(label));
  const command = lines.slice(at + 1).find((line) => line.startsWith('  curl '));
  if (at < 0 || !command) throw new Error(`no curl printed under "${label}":\n${output}`);
  return command.trim();
}

/** Runs a printed curl with its HTTP status appended (curl's -w); resolves status and JSON body. */
async function shell(command: string, env: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const { stdout } = await run('sh', ['-c', `${command} -w '\\n%{http_code}'`], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: JSON.parse(stdout.slice(0, at)) as Json };
}

async function simulatorMessages(simulatorUrl: string): Promise<Json[]> {
  return ((await (await fetch(`${simulatorUrl}/_sim/messages`)).json()) as { data: Json[] }).data;
}

/**
 * `npm start` as a new user runs it: no DATABASE_URL (embedded Postgres), Redis up.
 * Ports, data dir and queue prefix are private to this test so it can run beside others.
 */
describe('npm start (tools/scripts/start.mjs)', () => {
  let redis: TestRedis;
  let dataDir: string;
  let first: Sandbox;
  let second: Sandbox | undefined;

  const startSandbox = async (): Promise<Sandbox> => {
    const [gateway, worker, simulator, postgres] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const spawnedAt = Date.now();
    const sandbox = startNode('tools/scripts/start.mjs', {
      PORT: String(gateway),
      WORKER_PORT: String(worker),
      SIMULATOR_PORT: String(simulator),
      EMBEDDED_POSTGRES_PORT: String(postgres),
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      ADMIN_API_KEY,
      // The defaults a new user gets: info logs, and the script itself choosing development.
      LOG_LEVEL: undefined,
      NODE_ENV: undefined,
    });
    const deadline = Date.now() + 150_000;
    while (!sandbox.output().includes('Switchboard sandbox is up') && Date.now() < deadline) {
      if (sandbox.child.exitCode !== null) throw new Error(`npm start exited early:\n${sandbox.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      process: sandbox,
      spawnedAt,
      urls: { gateway: `http://127.0.0.1:${gateway}`, worker: `http://127.0.0.1:${worker}`, simulator: `http://127.0.0.1:${simulator}` },
    };
  };

  const printedKey = (sandbox: Sandbox, environment: 'live' | 'test'): string => {
    const match = new RegExp(`${environment} key\\s+(sbk_${environment}_\\S+)`).exec(sandbox.process.output());
    if (!match?.[1]) throw new Error(`no ${environment} key printed`);
    return match[1];
  };

  const getJson = async (sandbox: Sandbox, path: string, key = printedKey(sandbox, 'live')): Promise<Json> =>
    (await (await fetch(`${sandbox.urls.gateway}${path}`, { headers: { authorization: `Bearer ${key}` } })).json()) as Json;

  /** Runs the printed GET curl for the message until it shows one of the statuses. */
  const untilStatus = async (sandbox: Sandbox, id: string, statuses: string[], timeoutMs = 30_000): Promise<Json> => {
    const readCurl = printedCurl(sandbox.process.output(), 'Read it');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body: message } = await shell(readCurl, { MESSAGE_ID: id });
      if (statuses.includes(String(message['status']))) return message;
      if (Date.now() > deadline) {
        // What Meta (the simulator) did with it, and what the gateway answered its webhooks.
        const simulated = await (await fetch(`${sandbox.urls.simulator}/_sim/messages/${String(message['wamid'])}`)).text();
        const webhooks = ((await (await fetch(`${sandbox.urls.simulator}/_sim/webhooks`)).json()) as { data: Json[] }).data;
        const answers = webhooks.map((webhook) => `${String(webhook['at'])} ${String(webhook['statusCode'] ?? webhook['error'])}`);
        const problems = sandbox.process
          .output()
          .split('\n')
          .filter((line) => /WARN|ERROR|FATAL| -> (4|5)\d\d /.test(line))
          .slice(-15);
        throw new Error(
          `${id} is still ${JSON.stringify(message)} after ${timeoutMs} ms, wanted ${statuses.join('|')}; simulator: ${simulated}; ` +
            `webhooks: ${answers.join(', ')}; sandbox warnings and errors:\n${problems.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    redis = createTestRedis('e2e_sandbox');
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sandbox-'));
    first = await startSandbox();
  }, 180_000);

  afterAll(async () => {
    await first?.process.stop();
    await second?.process.stop();
    await redis?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('brings up gateway, worker and simulator on the embedded Postgres', async () => {
    expect(first.process.output()).toContain('Switchboard sandbox is up');
    const ready = await waitFor(`${first.urls.gateway}/health/ready`);
    const body = (await ready.json()) as { details: Record<string, { status: string }> };
    expect(body.details['postgres']?.status).toBe('up');
    expect(body.details['redis']?.status).toBe('up');
    expect((await fetch(`${first.urls.worker}/health/ready`)).status).toBe(200);
    expect((await fetch(`${first.urls.simulator}/health`)).status).toBe(200);
    expect((await fetch(`${first.urls.gateway}/health/pipeline`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } })).status).toBe(200);
  });

  it('seeds a demo tenant and prints working live and test keys, for REST and GraphQL', async () => {
    for (const environment of ['live', 'test'] as const) {
      const key = printedKey(first, environment);
      const me = await fetch(`${first.urls.gateway}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ environment, tenant: { slug: 'demo' } });
      const graphql = await fetch(`${first.urls.gateway}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { environment tenant { slug } } }' }),
      });
      expect(await graphql.json()).toEqual({ data: { me: { environment, tenant: { slug: 'demo' } } } });
    }
    expect(first.process.output()).toMatch(/curl -s -H "Authorization: Bearer sbk_test_\S+" http:\/\/127\.0\.0\.1:\d+\/v1\/me/);
  });

  it('connects both environments to the simulator: a WABA with its number and synced templates each', async () => {
    for (const [environment, number] of [
      ['live', DEMO_NUMBER],
      ['test', '3000000000000003'],
    ] as const) {
      const key = printedKey(first, environment);
      const numbers = (await getJson(first, '/v1/phone-numbers', key))['data'] as Json[];
      expect(numbers.map((entry) => entry['phoneNumberId'])).toContain(number);
      const templates = (await getJson(first, '/v1/templates?name=hello_world', key))['data'] as Json[];
      expect(templates).toEqual([expect.objectContaining({ name: 'hello_world', status: 'APPROVED' })]);
    }
  });

  it('prints a template-send curl that reaches read within seconds, and a GET curl that shows it', async () => {
    const sent = await shell(printedCurl(first.process.output(), 'Send a template'));
    expect(sent.status).toBe(202);
    const read = await untilStatus(first, String(sent.body['id']), ['read', 'failed', 'dead']);
    const cloneToReadMs = Date.now() - first.spawnedAt;
    expect(read['status']).toBe('read');
    expect(read['wamid']).toEqual(expect.stringMatching(/^wamid\./));
    process.stdout.write(`\nsandbox: spawn of npm start (fresh DATA_DIR, apps already built) to the first read message: ${(cloneToReadMs / 1000).toFixed(1)} s\n\n`);
  });

  it('prints an inbound call that opens the window, and a free-form reply curl that is accepted and sent', async () => {
    const output = first.process.output();
    const inbound = await shell(printedCurl(output, 'Make the contact write in'));
    expect(inbound.status).toBe(200);
    expect(inbound.body['id']).toEqual(expect.stringMatching(/^wamid\./));
    const deadline = Date.now() + 15_000;
    let window = await getJson(first, `/v1/contacts/${DEMO_CONTACT}/window?from=${DEMO_NUMBER}`);
    while (window['open'] !== true && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      window = await getJson(first, `/v1/contacts/${DEMO_CONTACT}/window?from=${DEMO_NUMBER}`);
    }
    expect(window['open']).toBe(true);

    const reply = await shell(printedCurl(output, 'Reply free-form'));
    expect(reply.status).toBe(202);
    const view = await untilStatus(first, String(reply.body['id']), ['sent', 'delivered', 'read', 'failed', 'dead']);
    expect(['sent', 'delivered', 'read']).toContain(view['status']);
    const records = (await simulatorMessages(first.urls.simulator)).filter((record) => record['id'] === view['wamid']);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ type: 'text', to: DEMO_CONTACT, phoneNumberId: DEMO_NUMBER, insideWindow: true });
  });

  it("logs for a person: formatted lines, no raw JSON, Nest's boot lines only at debug", () => {
    const output = first.process.output();
    expect(output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}meta-simulator Meta simulator listening/m);
    expect(output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}gateway .*POST \/v1\/messages -> 202/m);
    expect(output).not.toMatch(/^\{"level"/m);
    expect(output).not.toMatch(/InstanceLoader|RouterExplorer|Mapped \{/);
  });

  it('stops everything on Ctrl-C within 10 s with exit code 0', async () => {
    const { code, ms } = await first.process.stop('SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    await expect(fetch(`${first.urls.gateway}/health/live`)).rejects.toThrow();
  });

  it('reuses the tenant, keys, app, WABAs and numbers on a second start (other ports), and still reaches read', async () => {
    second = await startSandbox();
    expect(second.process.output()).toContain('Switchboard sandbox is up');
    expect(printedKey(second, 'live')).toBe(printedKey(first, 'live'));
    expect(printedKey(second, 'test')).toBe(printedKey(first, 'test'));
    const tenants = (await getJson(second, '/v1/admin/tenants', ADMIN_API_KEY))['data'] as Json[];
    expect(tenants.filter((tenant) => tenant['slug'] === 'demo')).toHaveLength(1);
    const numbers = (await getJson(second, '/v1/phone-numbers'))['data'] as Json[];
    expect(numbers.filter((entry) => entry['phoneNumberId'] === DEMO_NUMBER)).toHaveLength(1);

    const sent = await shell(printedCurl(second.process.output(), 'Send a template'));
    expect(sent.status).toBe(202);
    expect((await untilStatus(second, String(sent.body['id']), ['read', 'failed', 'dead']))['status']).toBe('read');
  });
});
