import { randomBytes } from 'node:crypto';
import { createMetaSimulator, demoSeed, DEMO_IDS, serializeLikeMeta, signatureHeader, type MetaSimulator } from '@switchboard/meta-simulator';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Client } from 'pg';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';
import { syncTemplates } from './support/template-sync';

const ADMIN_API_KEY = `e2e-operator-${'f'.repeat(32)}`;
type Json = Record<string, unknown>;

/** The attacker: a second registered Meta app with its own tenant, WABA and number. */
const ROGUE = { appId: '1000000000000066', wabaId: '2000000000000066', phoneNumberId: '3000000000000066', display: '+1 555-010-0066' };
const FORGED_TEXT = 'forged-body-that-must-not-be-logged';

/**
 * The forgery as an attacker would try it against the built gateway and worker: a payload
 * signed with one registered app's secret, posted to that app's URL, naming another
 * tenant's WABA and number. Nothing of the victim changes; the worker says why, with ids only.
 */
describe('webhook forgery across tenants (built gateway + worker, simulator as Meta)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: RunningProcess;
  let worker: RunningProcess;
  let url: string;
  let victimKey: string;
  const seed = demoSeed();
  const [victimApp] = seed.apps;
  const [victimToken] = seed.tokens;
  if (!victimApp || !victimToken) throw new Error('demo seed without app or token');
  const rogueApp = { id: ROGUE.appId, name: 'Rogue', secret: `rogue-${randomBytes(16).toString('hex')}`, verifyToken: `rogue-${randomBytes(16).toString('hex')}` };
  const rogueToken = { ...victimToken, token: `rogue-token-${randomBytes(16).toString('hex')}`, appId: ROGUE.appId, wabaIds: [ROGUE.wabaId] };
  seed.apps.push(rogueApp);
  seed.tokens.push(rogueToken);
  // Each WABA's webhooks go to its own app only (a seed's WABA is otherwise subscribed to every app).
  seed.wabas = seed.wabas.map((waba) => ({ ...waba, subscribedAppIds: [victimApp.id] }));
  seed.wabas.push({ id: ROGUE.wabaId, name: 'Rogue', currency: 'USD', timezoneId: '1', subscribedAppIds: [ROGUE.appId] });
  seed.phoneNumbers.push({ ...(seed.phoneNumbers[0] as (typeof seed.phoneNumbers)[number]), id: ROGUE.phoneNumberId, wabaId: ROGUE.wabaId, displayPhoneNumber: ROGUE.display, verifiedName: 'Rogue' });

  const call = async (method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  };
  const pendingPayloads = async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return Number((await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_inbox WHERE state = 'pending'`)).rows[0]?.n);
    } finally {
      await client.end();
    }
  };
  const until = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase('e2e_forgery');
    redis = createTestRedis('e2e_forgery');
    const [gatewayPort, workerPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${gatewayPort}`;
    simulator = await createMetaSimulator({ seed, webhookUrl: `${url}/webhooks/whatsapp/{appId}` });
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'warn', GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }) };
    gateway = startNode('dist/apps/gateway/main.js', { ...env, PORT: String(gatewayPort), ADMIN_API_KEY });
    worker = startNode('dist/apps/worker/main.js', { ...env, WORKER_PORT: String(workerPort) });
    await waitFor(`${url}/health/ready`, { app: gateway });
    await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, { app: worker });

    const register = async (slug: string, app: { id: string; secret: string; verifyToken: string }, token: string, wabaId: string, phoneNumberId: string, display: string) => {
      const tenantId = (await call('POST', '/v1/admin/tenants', ADMIN_API_KEY, { slug, name: slug })).body['id'] as string;
      expect((await call('POST', '/v1/admin/meta-apps', ADMIN_API_KEY, { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
      expect((await call('POST', `/v1/admin/tenants/${tenantId}/wabas`, ADMIN_API_KEY, { environment: 'live', wabaId, appId: app.id, accessToken: token })).status).toBe(201);
      expect((await call('POST', `/v1/admin/tenants/${tenantId}/wabas/${wabaId}/phone-numbers`, ADMIN_API_KEY, { phoneNumberId, displayPhoneNumber: display })).status).toBe(201);
      return (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_API_KEY, { environment: 'live' })).body['key'] as string;
    };
    victimKey = await register('victim', victimApp, victimToken.token, DEMO_IDS.wabaId, DEMO_IDS.phoneNumberId, '+1 555-010-0001');
    await register('rogue', rogueApp, rogueToken.token, ROGUE.wabaId, ROGUE.phoneNumberId, ROGUE.display);
    expect((await syncTemplates(url, victimKey))['state']).toBe('succeeded');
  });

  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it("a payload signed by the rogue app opens no window and fails no message of the victim; the worker logs ids, not content", async () => {
    const accepted = await call('POST', '/v1/messages', victimKey, { from: DEMO_IDS.phoneNumberId, to: '+14155550161', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    expect(accepted.status).toBe(202);
    const id = accepted.body['id'] as string;
    await until(async () => ['delivered', 'read'].includes((await call('GET', `/v1/messages/${id}`, victimKey)).body['status'] as string), 'the victim message to be delivered');
    const wamid = (await call('GET', `/v1/messages/${id}`, victimKey)).body['wamid'] as string;

    const metadata = { display_phone_number: '15550100001', phone_number_id: DEMO_IDS.phoneNumberId };
    const forged = serializeLikeMeta({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: DEMO_IDS.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata,
                contacts: [{ profile: { name: 'Mallory' }, wa_id: '14155550162' }],
                messages: [{ from: '14155550162', id: 'wamid.FORGED-E2E', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: FORGED_TEXT } }],
              },
            },
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata, statuses: [{ id: wamid, status: 'failed', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '14155550161', errors: [{ code: 131026, title: 'Message undeliverable' }] }] },
            },
          ],
        },
      ],
    });
    const response = await fetch(`${url}/webhooks/whatsapp/${ROGUE.appId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(forged, rogueApp.secret) },
      body: forged,
    });
    expect(response.status).toBe(200);
    await until(async () => (await pendingPayloads()) === 0, 'the forged payload to be processed');
    await until(async () => worker.output().includes('dropped unapplied'), 'the worker to log the drop');

    const window = await call('GET', `/v1/contacts/14155550162/window?from=${DEMO_IDS.phoneNumberId}`, victimKey);
    expect(window.body).toMatchObject({ open: false });
    const view = (await call('GET', `/v1/messages/${id}`, victimKey)).body as { status: string; events: Array<{ status: string }> };
    expect(['delivered', 'read']).toContain(view.status);
    expect(view.events.map((event) => event.status)).not.toContain('failed');

    const drops = worker
      .output()
      .split('\n')
      .filter((line) => line.includes('dropped unapplied'));
    expect(drops).toHaveLength(2);
    for (const line of drops) expect(line).toEqual(expect.stringContaining(ROGUE.appId));
    expect(worker.output()).not.toContain(FORGED_TEXT);
    expect(worker.output()).not.toContain(rogueApp.secret);
  });
});
