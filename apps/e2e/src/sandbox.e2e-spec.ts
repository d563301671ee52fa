import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { freePort, repoRoot, waitFor, type RunningProcess } from './support/app-process';

const ADMIN_API_KEY = `sandbox-admin-${'e'.repeat(32)}`;
const DEMO_NUMBER = '3000000000000001';
const DEMO_CONTACT = '14155551234';
const NOT_ON_WHATSAPP = '14155550410';
const SMS_NUMBERS = { live: '14155550201', test: '14155550202' };
/** A fresh clone installs its dependencies and builds the three apps before it starts them. */
const FIRST_START_TIMEOUT_MS = 900_000;
const run = promisify(execFile);

type Json = Record<string, unknown>;

interface Sandbox {
  process: RunningProcess;
  urls: { gateway: string; worker: string; simulator: string };
}

interface MessageView {
  status: string;
  channel: string;
  wamid: string | null;
  providerMessageId: string | null;
  events: { status: string; channel: string; attempt: number; detail?: Json }[];
}

/**
 * The command printed under a label: the first `  curl ...` line after it. The spec runs
 * exactly that line through a shell, as a person pasting it would.
 */
function printedCurl(output: string, label: string): string {
  const lines = output.split('\n');
  const at = lines.findIndex((line) => line.startsWith(label));
  const command = lines.slice(at + 1).find((line) => line.startsWith('  curl '));
  if (at < 0 || !command) throw new Error(`no curl printed under "${label}":\n${output.slice(-4000)}`);
  return command.trim();
}

/**
 * Runs a printed curl with its HTTP status appended (curl's -w) and a time limit, so a stuck
 * sandbox fails the test rather than hangs it; resolves status and JSON body.
 */
async function shell(command: string, env: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const { stdout } = await run('sh', ['-c', `${command} --max-time 10 -w '\\n%{http_code}'`], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: JSON.parse(stdout.slice(0, at)) as Json };
}

async function simulatorJson(simulatorUrl: string, path: string): Promise<Json> {
  return (await (await fetch(`${simulatorUrl}${path}`)).json()) as Json;
}

/** What npm itself needs from the caller's environment: where packages come from and its cache. */
function npmEnvironment(): Record<string, string> {
  const wanted = /^(npm_config_(registry|cache|userconfig)|https?_proxy|no_proxy)$/i;
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => wanted.test(entry[0]) && entry[1] !== undefined));
}

/**
 * `npm start` in `cwd` as a person starts it in a terminal: its own process group (the
 * terminal's foreground job, which Ctrl-C signals as a whole) and exactly the given environment.
 */
function npmStart(cwd: string, env: Record<string, string>): RunningProcess {
  const child = spawn('npm', ['start'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    output: () => output,
    exited: () => exit,
    stop: async (signal = 'SIGINT') => {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, signal);
      const code = await exit;
      return { code, ms: Date.now() - started };
    },
  };
}

/**
 * The sandbox as a new user meets it: `git clone` of this checkout's HEAD (committed work
 * only) into an empty directory, then `npm start` there with nothing prepared: it installs
 * the dependencies (npm's cache may be warm), builds the apps, uses the embedded Postgres
 * under an empty DATA_DIR and the test's Redis prefix. Every printed curl is run as
 * printed. Ports, data dir and queue prefix are private to this test so it can run beside others.
 */
describe('npm start from a fresh clone (tools/scripts/start.mjs)', () => {
  let redis: TestRedis;
  let workDir: string;
  let clone: string;
  let dataDir: string;
  let first: Sandbox;
  let second: Sandbox | undefined;
  const timings = { cloneStarted: 0, cloned: 0, up: 0 };

  const startSandbox = async (timeoutMs: number): Promise<Sandbox> => {
    const [gateway, worker, simulator, postgres] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const sandbox = npmStart(clone, {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      ...npmEnvironment(),
      PORT: String(gateway),
      WORKER_PORT: String(worker),
      SIMULATOR_PORT: String(simulator),
      EMBEDDED_POSTGRES_PORT: String(postgres),
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      ADMIN_API_KEY,
    });
    const deadline = Date.now() + timeoutMs;
    while (!sandbox.output().includes('Switchboard sandbox is up')) {
      if (sandbox.child.exitCode !== null) throw new Error(`npm start exited early:\n${sandbox.output().slice(-8000)}`);
      if (Date.now() > deadline) throw new Error(`npm start was not up after ${timeoutMs} ms:\n${sandbox.output().slice(-8000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      process: sandbox,
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

  /** Runs the GET curl printed under `label` for the message until `done` says so. */
  const until = async (sandbox: Sandbox, id: string, done: (view: MessageView) => boolean, label = 'Read it', timeoutMs = 30_000): Promise<MessageView> => {
    const readCurl = printedCurl(sandbox.process.output(), label);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = (await shell(readCurl, { MESSAGE_ID: id })).body as unknown as MessageView;
      if (done(view)) return view;
      if (Date.now() > deadline) {
        // What the simulators did with it, and what the sandbox complained about.
        const meta = view.wamid ? await (await fetch(`${sandbox.urls.simulator}/_sim/messages/${view.wamid}`)).text() : 'no wamid';
        const sms = await simulatorJson(sandbox.urls.simulator, '/_sim/sms/callbacks');
        const problems = sandbox.process
          .output()
          .split('\n')
          .filter((line) => /WARN|ERROR|FATAL| -> (4|5)\d\d /.test(line))
          .slice(-15);
        throw new Error(
          `${id} is still ${JSON.stringify(view)} after ${timeoutMs} ms; Meta simulator: ${meta}; SMS callbacks: ${JSON.stringify(sms)}; ` +
            `sandbox warnings and errors:\n${problems.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const settled = (view: MessageView) => ['read', 'delivered', 'failed', 'dead'].includes(view.status);
  // A WhatsApp template's last status: `delivered` comes first and `read` shortly after, in webhooks of their own.
  const readOrFailed = (view: MessageView) => ['read', 'failed', 'dead'].includes(view.status);

  beforeAll(async () => {
    redis = createTestRedis('e2e_sandbox');
    workDir = mkdtempSync(join(tmpdir(), 'switchboard-sandbox-'));
    clone = join(workDir, 'switchboard');
    dataDir = join(workDir, 'data');
    timings.cloneStarted = Date.now();
    await run('git', ['clone', '--no-local', '--depth=1', '--quiet', repoRoot, clone]);
    timings.cloned = Date.now();
    first = await startSandbox(FIRST_START_TIMEOUT_MS);
    timings.up = Date.now();
  }, FIRST_START_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await first?.process.stop();
    await second?.process.stop();
    await redis?.cleanup();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('brings up gateway, worker and simulator on the embedded Postgres', async () => {
    const ready = await waitFor(`${first.urls.gateway}/health/ready`);
    const body = (await ready.json()) as { details: Record<string, { status: string }> };
    expect(body.details['postgres']?.status).toBe('up');
    expect(body.details['redis']?.status).toBe('up');
    expect((await fetch(`${first.urls.worker}/health/ready`)).status).toBe(200);
    expect((await fetch(`${first.urls.simulator}/health`)).status).toBe(200);
    expect((await fetch(`${first.urls.simulator}/_sim/sms/health`)).status).toBe(200);
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

  it("connects both environments to the simulator: a WABA with its number and synced templates, and an SMS connection that takes the account's inbound texts", async () => {
    const tenantId = /Demo tenant (\S+)/.exec(first.process.output())?.[1];
    for (const [environment, number] of [
      ['live', DEMO_NUMBER],
      ['test', '3000000000000003'],
    ] as const) {
      const key = printedKey(first, environment);
      const numbers = (await getJson(first, '/v1/phone-numbers', key))['data'] as Json[];
      expect(numbers.map((entry) => entry['phoneNumberId'])).toContain(number);
      const templates = (await getJson(first, '/v1/templates?name=hello_world', key))['data'] as Json[];
      expect(templates).toEqual([expect.objectContaining({ name: 'hello_world', status: 'APPROVED' })]);
      const connections = (await getJson(first, `/v1/admin/tenants/${tenantId}/environments/${environment}/channel-connections`, ADMIN_API_KEY))['data'] as Json[];
      expect(connections).toEqual([expect.objectContaining({ channel: 'sms', senders: [SMS_NUMBERS[environment]], paused: null })]);
      if (environment === 'live') {
        expect(await simulatorJson(first.urls.simulator, '/_sim/sms/config')).toMatchObject({ inboundUrl: `${first.urls.gateway}${String(connections[0]?.['webhookPath'])}` });
      }
    }
  });

  it('prints a template-send curl that reaches read, and a GET curl that shows it; prints the clone-to-read time', async () => {
    const sent = await shell(printedCurl(first.process.output(), 'Send a template'));
    expect(sent.status).toBe(202);
    const read = await until(first, String(sent.body['id']), readOrFailed);
    const readAt = Date.now();
    expect(read.status).toBe('read');
    expect(read.wamid).toEqual(expect.stringMatching(/^wamid\./));
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `sandbox: fresh clone to the first read message in ${seconds(readAt - timings.cloneStarted)} ` +
        `(git clone ${seconds(timings.cloned - timings.cloneStarted)}, npm start with install and build until up ${seconds(timings.up - timings.cloned)}, ` +
        `printed curls until read ${seconds(readAt - timings.up)})`,
    );
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
    const view = await until(first, String(reply.body['id']), (candidate) => ['sent', 'delivered', 'read', 'failed', 'dead'].includes(candidate.status));
    expect(['sent', 'delivered', 'read']).toContain(view.status);
    const records = ((await simulatorJson(first.urls.simulator, '/_sim/messages'))['data'] as Json[]).filter((record) => record['id'] === view.wamid);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ type: 'text', to: DEMO_CONTACT, phoneNumberId: DEMO_NUMBER, insideWindow: true });
  });

  it('prints an SMS send curl that reaches delivered through the simulated Twilio', async () => {
    const sent = await shell(printedCurl(first.process.output(), 'Send an SMS'));
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ channel: 'sms', status: 'queued', to: DEMO_CONTACT, from: SMS_NUMBERS.live });
    const delivered = await until(first, String(sent.body['id']), settled);
    expect(delivered.events.map((event) => [event.status, event.channel])).toEqual([
      ['queued', 'sms'],
      ['sent', 'sms'],
      ['delivered', 'sms'],
    ]);
    const record = await simulatorJson(first.urls.simulator, `/_sim/sms/messages/${String(delivered.providerMessageId)}`);
    expect(record).toMatchObject({ to: `+${DEMO_CONTACT}`, from: `+${SMS_NUMBERS.live}`, status: 'delivered' });
  });

  it('prints a template curl to a number not on WhatsApp with an SMS fallback that ends delivered by SMS, and the GET that shows both attempts', async () => {
    const sent = await shell(printedCurl(first.process.output(), 'Send the template to'));
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ channel: 'whatsapp', to: NOT_ON_WHATSAPP });
    const delivered = await until(first, String(sent.body['id']), settled, 'See both attempts');
    expect({ status: delivered.status, channel: delivered.channel }).toEqual({ status: 'delivered', channel: 'sms' });
    expect(delivered.events.map((event) => [event.status, event.channel, event.attempt])).toEqual([
      ['queued', 'whatsapp', 1],
      ['sent', 'whatsapp', 1],
      ['failed', 'whatsapp', 1],
      ['queued', 'sms', 2],
      ['sent', 'sms', 2],
      ['delivered', 'sms', 2],
    ]);
    expect(delivered.events[2]?.detail?.['error']).toMatchObject({ code: 'invalid_recipient', meta: { code: 131026 } });
    const record = await simulatorJson(first.urls.simulator, `/_sim/sms/messages/${String(delivered.providerMessageId)}`);
    expect(record).toMatchObject({ to: `+${NOT_ON_WHATSAPP}`, from: `+${SMS_NUMBERS.live}`, body: 'Your order 4521 has shipped.' });
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
    await expect(fetch(`${first.urls.simulator}/health`)).rejects.toThrow();
  });

  it('reuses the tenant, keys, app, WABAs, numbers and SMS connections on a second start (other ports), and still reaches read and delivered', async () => {
    second = await startSandbox(180_000);
    expect(second.process.output()).not.toContain('Installing dependencies');
    expect(printedKey(second, 'live')).toBe(printedKey(first, 'live'));
    expect(printedKey(second, 'test')).toBe(printedKey(first, 'test'));
    const tenants = (await getJson(second, '/v1/admin/tenants', ADMIN_API_KEY))['data'] as Json[];
    const demo = tenants.filter((tenant) => tenant['slug'] === 'demo');
    expect(demo).toHaveLength(1);
    const numbers = (await getJson(second, '/v1/phone-numbers'))['data'] as Json[];
    expect(numbers.filter((entry) => entry['phoneNumberId'] === DEMO_NUMBER)).toHaveLength(1);
    const connections = (await getJson(second, `/v1/admin/tenants/${String(demo[0]?.['id'])}/environments/live/channel-connections`, ADMIN_API_KEY))['data'] as Json[];
    expect(connections).toHaveLength(1);

    const template = await shell(printedCurl(second.process.output(), 'Send a template'));
    expect(template.status).toBe(202);
    expect((await until(second, String(template.body['id']), readOrFailed)).status).toBe('read');
    // The SMS connection follows the simulator to its new port.
    const sms = await shell(printedCurl(second.process.output(), 'Send an SMS'));
    expect(sms.status).toBe(202);
    expect((await until(second, String(sms.body['id']), settled)).status).toBe('delivered');
  }, 240_000);
});
