import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort, repoRoot, startNode, waitFor, type RunningProcess } from './support/app-process';
import { syncTemplates } from './support/template-sync';

const ADMIN_API_KEY = `e2e-console-${'c'.repeat(32)}`;
const GATEWAY = 'dist/apps/gateway/main.js';
const WORKER = 'dist/apps/worker/main.js';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = join(repoRoot, 'docs', 'console');
const RECIPIENT = '14155557000';

type Json = Record<string, unknown>;

/**
 * The operator console in a real browser (Debian's chromium through playwright-core) against
 * the built gateway, worker and console, the simulator as Meta: a send fails by fault
 * injection, the operator signs in, finds it under Failures, replays it and watches it
 * reach `sent`. Every page the committed screenshots (docs/console/*.png, refreshed with
 * UPDATE_SCREENSHOTS=1) show must render its heading.
 */
describe('operator console (built apps, real browser)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: RunningProcess;
  let worker: RunningProcess;
  let url: string;
  let tenantKey: string;
  let failedId: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  /** Uncaught errors of the pages: any one fails the spec. */
  const pageErrors: string[] = [];
  const seed = demoSeed();
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');

  const call = async (method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  };
  const until = async (id: string, statuses: string[]) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const view = (await call('GET', `/v1/messages/${id}`, tenantKey)).body;
      if (statuses.includes(view['status'] as string)) return view;
      if (Date.now() > deadline) throw new Error(`${id} is ${String(view['status'])}, wanted ${statuses.join('|')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  /** Asserts the page's heading (it rendered), then saves it when screenshots are being refreshed. */
  const shows = async (heading: string, screenshot?: string) => {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor({ state: 'visible', timeout: 15_000 });
    if (screenshot && process.env['UPDATE_SCREENSHOTS'] === '1') {
      await page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`), fullPage: true });
    }
  };
  const nav = async (label: string, heading: string, screenshot: string) => {
    await page.getByRole('navigation').getByRole('link', { name: label, exact: true }).click();
    await shows(heading, screenshot);
  };

  beforeAll(async () => {
    database = await createTestDatabase('e2e_console');
    redis = createTestRedis('e2e_console');
    const [gatewayPort, workerPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${gatewayPort}`;
    simulator = await createMetaSimulator({
      seed,
      webhookUrl: `${url}/webhooks/whatsapp/{appId}`,
      simulation: { statusDelaysMs: { sent: 5, delivered: 400, read: 800 } },
    });
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'warn', GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }) };
    gateway = startNode(GATEWAY, { ...env, PORT: String(gatewayPort), ADMIN_API_KEY });
    worker = startNode(WORKER, { ...env, WORKER_PORT: String(workerPort) });
    await waitFor(`${url}/health/ready`, { app: gateway });
    await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, { app: worker });

    const tenantId = (await call('POST', '/v1/admin/tenants', ADMIN_API_KEY, { slug: 'payments', name: 'Payments' })).body['id'] as string;
    expect((await call('POST', '/v1/admin/meta-apps', ADMIN_API_KEY, { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
    expect(
      (await call('POST', `/v1/admin/tenants/${tenantId}/wabas`, ADMIN_API_KEY, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token })).status,
    ).toBe(201);
    expect((await call('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`, ADMIN_API_KEY)).status).toBe(200);
    tenantKey = (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_API_KEY, { environment: 'live', name: 'orders' })).body['key'] as string;
    expect(await syncTemplates(url, tenantKey)).toMatchObject({ state: 'succeeded' });

    // One send fails: Meta answers 132001 (template does not exist) once, a permanent error.
    simulator.injectFault({ kind: 'error', code: 132001, count: 1, match: { route: 'messages' } });
    const accepted = await call('POST', '/v1/messages', tenantKey, {
      from: DEMO_IDS.phoneNumberId,
      to: `+${RECIPIENT}`,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
      metadata: { orderId: '4521' },
    });
    expect(accepted.status).toBe(202);
    failedId = accepted.body['id'] as string;
    expect(await until(failedId, ['failed', 'dead'])).toMatchObject({ status: 'failed', error: { meta: { code: 132001 } } });

    mkdirSync(SCREENSHOTS, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'switchboard-console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await gateway?.stop();
    await worker?.stop();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('is served by the gateway under /console with a strict content security policy', async () => {
    const redirect = await fetch(`${url}/console`, { redirect: 'manual' });
    expect([301, 302]).toContain(redirect.status);
    const index = await fetch(`${url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<div id="root">');
  });

  it('refuses a wrong key at sign-in with the contract error', async () => {
    await page.goto(`${url}/console/`);
    await shows('Sign in to Switchboard', 'sign-in');
    await page.getByLabel('API key').fill('not-the-operator-key-but-long-enough-to-try');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('unauthorized').waitFor();
  });

  it('signs the operator in, finds the failed message, replays it and watches it reach sent', async () => {
    await page.getByLabel('API key').fill(ADMIN_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shows('Tenants');
    await page.getByRole('button', { name: 'payments' }).click();
    await page.getByRole('heading', { name: 'API keys of payments' }).waitFor();
    await page.getByRole('cell', { name: 'orders' }).waitFor();
    await shows('Tenants', 'tenants');

    await page.getByRole('row', { name: /payments/ }).getByRole('button', { name: 'live' }).click();
    await shows('Messages');
    await page.getByTestId('messages').getByText(failedId).waitFor();
    await shows('Messages', 'messages');

    await nav('Failures', 'Failures', 'failures');
    const group = page.getByTestId('failure-group').filter({ hasText: '132001' });
    await group.getByText('What to do:').waitFor();
    await group.getByRole('link').click();
    await shows('Messages');
    await page.getByTestId('messages').getByRole('link', { name: failedId }).click();

    await shows('Message');
    await page.getByTestId('message-status').getByText('failed').waitFor();
    await page.getByText('What to do:').waitFor();
    await shows('Message', 'message-failed');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByTestId('timeline').getByText('sent', { exact: true }).waitFor({ timeout: 30_000 });
    expect(['sent', 'delivered', 'read']).toContain(await page.getByTestId('message-status').innerText());
    await shows('Message', 'message-replayed');
    expect((await until(failedId, ['sent', 'delivered', 'read']))['attempts']).toBe(1);
  });

  it("renders every other page of the picked tenant environment: numbers with quality and tier, templates, dead letters, endpoints, alerts, connect", async () => {
    await nav('WABAs & numbers', 'WABAs and numbers', 'numbers');
    await page.getByRole('cell', { name: DEMO_IDS.phoneNumberId }).waitFor();
    await page.getByRole('cell', { name: DEMO_IDS.wabaId }).first().waitFor();

    await nav('Templates', 'Templates', 'templates');
    const hello = page.getByRole('row', { name: /hello_world/ });
    await hello.getByRole('button', { name: 'Lint' }).click();
    await hello.getByText(/no findings|warning|error/).first().waitFor();

    await nav('Dead letters', 'Dead letters', 'dead-letters');
    await nav('Event endpoints', 'Event endpoints', 'endpoints');
    await nav('Alerts', 'Alerts', 'alerts');
    await nav('Connect a number', 'Connect a real number', 'connect');
  });

  it("signs a tenant key in to its own environment only", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await shows('Sign in to Switchboard');
    await page.getByLabel('API key').fill(tenantKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shows('Messages');
    expect(await page.getByTestId('scope').innerText()).toBe('payments · live');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Tenants & keys' }).count()).toBe(0);
    await page.getByTestId('messages').getByText(failedId).waitFor();
    await nav('Failures', 'Failures', 'tenant-failures');
  });
});
