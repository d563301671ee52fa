import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { Client } from 'pg';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';
import { callGateway } from './support/gateway-call';
import { syncTemplates } from './support/template-sync';

const ADMIN_API_KEY = `e2e-operator-${'s'.repeat(32)}`;
const GATEWAY = 'dist/apps/gateway/main.js';
const WORKER = 'dist/apps/worker/main.js';
// Long enough for the status webhook of a timed-out send to be processed on a loaded 2-core machine.
const RECONCILE_WINDOW_MS = 15_000;

type Json = Record<string, unknown>;
interface MessageView {
  id: string;
  status: string;
  wamid: string | null;
  attempts: number;
  error: { code: string; meta?: { code: number } } | null;
  events: Array<{ status: string }>;
}

/**
 * The send worker end to end: the built gateway accepts, the built worker sends to the
 * simulator (Meta), the simulator's status webhooks come back through the gateway.
 */
describe('send worker (built gateway + worker, simulator as Meta)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: RunningProcess;
  let worker: RunningProcess;
  let workerEnv: Record<string, string>;
  let url: string;
  let tenantId: string;
  let key: string;
  let recipient = 14155560000;
  const demo = demoSeed();
  // 2,000+ unique recipients in one run: above the demo number's 2K tier, which the limiter enforces.
  const seed = { ...demo, phoneNumbers: demo.phoneNumbers.map((number) => ({ ...number, messagingLimit: 'TIER_10K' as const })) };
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');

  const call = (method: string, path: string, body?: unknown, apiKey = key) => callGateway(url, apiKey, method, path, body);
  const admin = (method: string, path: string, body?: unknown) => call(method, path, body, ADMIN_API_KEY);
  const sendTemplate = async (to = String((recipient += 1))): Promise<string> => {
    const response = await call('POST', '/v1/messages', {
      from: DEMO_IDS.phoneNumberId,
      to: `+${to}`,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(response.status).toBe(202);
    return response.body['id'] as string;
  };
  const message = async (id: string) => (await call('GET', `/v1/messages/${id}`)).body as unknown as MessageView;
  const until = async (id: string, statuses: string[], timeoutMs = 30_000): Promise<MessageView> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await message(id);
      if (statuses.includes(view.status)) return view;
      if (Date.now() > deadline) throw new Error(`${id} is ${view.status} after ${timeoutMs} ms, wanted ${statuses.join('|')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const sendsOf = (id: string) => simulator.messages().filter((record) => record.bizOpaqueCallbackData === id);
  const callsFor = (id: string) =>
    simulator.requests({ route: 'messages' }).filter((request) => (request.body as Json | undefined)?.['biz_opaque_callback_data'] === id);

  beforeAll(async () => {
    database = await createTestDatabase('e2e_send');
    redis = createTestRedis('e2e_send');
    const [gatewayPort, workerPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${gatewayPort}`;
    simulator = await createMetaSimulator({
      seed,
      webhookUrl: `${url}/webhooks/whatsapp/{appId}`,
      simulation: { statusDelaysMs: { sent: 5, delivered: 10, read: 15 } },
    });
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }),
    };
    gateway = startNode(GATEWAY, { ...env, PORT: String(gatewayPort), ADMIN_API_KEY });
    workerEnv = {
      ...env,
      WORKER_PORT: String(workerPort),
      SEND_RECONCILE_WINDOW_MS: String(RECONCILE_WINDOW_MS),
      SEND_PAUSE_RECHECK_MS: '300',
      SEND_CIRCUIT_OPEN_MS: '300',
    };
    worker = startNode(WORKER, workerEnv);
    await waitFor(`${url}/health/ready`, { app: gateway });
    await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, { app: worker });

    tenantId = (await admin('POST', '/v1/admin/tenants', { slug: 'sends', name: 'Sends' })).body['id'] as string;
    expect((await admin('POST', '/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
    expect(
      (await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token })).status,
    ).toBe(201);
    expect(
      (
        await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, {
          phoneNumberId: DEMO_IDS.phoneNumberId,
          displayPhoneNumber: '+1 555-010-0001',
          throughputMps: 80,
        })
      ).status,
    ).toBe(201);
    expect((await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`)).status).toBe(200);
    key = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect(await syncTemplates(url, key)).toMatchObject({ state: 'succeeded' });
  });

  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  beforeEach(() => simulator.clearFaults());

  it("sends a template to a new contact: sent with the simulator's wamid, Meta's exact request shape with biz_opaque_callback_data", async () => {
    const to = String((recipient += 1));
    const id = await sendTemplate(to);
    const sent = await until(id, ['sent', 'delivered', 'read']);
    const [record] = sendsOf(id);
    expect(sent.wamid).toBe(record?.id);
    expect(sent.attempts).toBe(1);
    const [request] = callsFor(id);
    expect(request?.path).toBe(`/v24.0/${DEMO_IDS.phoneNumberId}/messages`);
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
      biz_opaque_callback_data: id,
    });
  });

  it('retries a platform outage: 133004 twice, then success, is sent after 3 attempts', async () => {
    simulator.injectFault({ kind: 'error', code: 133004, count: 2, match: { route: 'messages' } });
    const id = await sendTemplate();
    const sent = await until(id, ['sent', 'delivered', 'read']);
    expect(sent.attempts).toBe(3);
    expect(callsFor(id)).toHaveLength(3);
  });

  it('fails a permanent error after exactly one call: 132001', async () => {
    simulator.injectFault({ kind: 'error', code: 132001, count: 1, match: { route: 'messages' } });
    const id = await sendTemplate();
    const failed = await until(id, ['failed', 'dead']);
    expect(failed.status).toBe('failed');
    expect(failed.error?.meta?.code).toBe(132001);
    expect(failed.attempts).toBe(1);
    expect(callsFor(id)).toHaveLength(1);
  });

  it('pauses the WABA on 190 without failing anything, and sends the held messages after a token rotation', async () => {
    simulator.injectFault({ kind: 'error', code: 190, count: 1, match: { route: 'messages' } });
    const first = await sendTemplate();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = await sendTemplate();
    // Both held: the first back to `queued` with Meta's 190, the second `queued` (its step, a claim
    // given back on the paused WABA, reads `sending` for a moment), so wait for the outcome.
    const held = async (): Promise<boolean> => {
      const [one, two] = [await message(first), await message(second)];
      return one.status === 'queued' && one.error?.meta?.code === 190 && two.status === 'queued';
    };
    for (const deadline = Date.now() + 30_000; !(await held()); await new Promise((resolve) => setTimeout(resolve, 100))) {
      if (Date.now() > deadline) throw new Error(`not held: ${JSON.stringify([await message(first), await message(second)])}`);
    }
    expect(callsFor(first)).toHaveLength(1);
    expect(callsFor(second)).toHaveLength(0);

    expect((await admin('PUT', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/token`, { accessToken: token.token })).status).toBe(200);
    for (const id of [first, second]) expect((await until(id, ['sent', 'delivered', 'read'])).status).not.toBe('failed');
  });

  it('does not resend a timed-out call whose status webhook shows it arrived', async () => {
    simulator.injectFault({ kind: 'latency', latencyMs: 4_500, count: 1, match: { route: 'messages' } });
    const id = await sendTemplate();
    const view = await until(id, ['sent', 'delivered', 'read'], RECONCILE_WINDOW_MS + 20_000);
    await new Promise((resolve) => setTimeout(resolve, RECONCILE_WINDOW_MS + 1_000));
    expect(sendsOf(id)).toHaveLength(1);
    expect(view.wamid).toBe(sendsOf(id)[0]?.id);
  }, 120_000);

  it('lets an in-flight send finish on SIGINT: recorded sent once, the worker exits 0', async () => {
    simulator.injectFault({ kind: 'latency', latencyMs: 1_500, count: 1, match: { route: 'messages' } });
    const id = await sendTemplate();
    const deadline = Date.now() + 20_000;
    while (callsFor(id).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await message(id)).status).toBe('sending');
    const stopped = await worker.stop('SIGINT');
    worker = startNode(WORKER, workerEnv);
    expect(stopped.code).toBe(0);
    const view = await message(id);
    expect(view.status).not.toBe('sending');
    expect(view.wamid).toBe(sendsOf(id)[0]?.id);
    expect(sendsOf(id)).toHaveLength(1);
  });

  it('loses nothing when the worker is SIGKILLed mid-run: every message ends sent or explained', async () => {
    const ids: string[] = [];
    for (let batch = 0; batch < 20; batch += 1) {
      ids.push(...(await Promise.all(Array.from({ length: 100 }, () => sendTemplate()))));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const killed = await worker.stop('SIGKILL');
    expect(killed.code).toBe('SIGKILL');
    worker = startNode(WORKER, workerEnv);

    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const statuses = async () =>
        (await db.query<{ status: string; explained: boolean; n: number }>(
          `SELECT status, error IS NOT NULL AS explained, count(*)::int AS n FROM messages WHERE id = ANY($1) GROUP BY 1, 2`,
          [ids],
        )).rows;
      const deadline = Date.now() + 150_000;
      let rows = await statuses();
      while (rows.some((row) => row.status === 'queued' || row.status === 'sending')) {
        if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        rows = await statuses();
      }
      const unexplained = rows.filter((row) => (row.status === 'failed' || row.status === 'dead') && !row.explained);
      expect(unexplained).toEqual([]);
      const sent = rows.filter((row) => row.status !== 'failed' && row.status !== 'dead').reduce((sum, row) => sum + row.n, 0);
      const duplicates = ids.filter((id) => sendsOf(id).length > 1).length;
      // Counted, not forbidden (issue 7): a send whose outcome is unknown is resent once the reconciliation
      // window passes without its status webhook, which a loaded machine can delay. A job handled twice
      // would duplicate far more than a few percent.
      process.stdout.write(`SIGKILL run: ${ids.length} messages, ${sent} sent, statuses ${JSON.stringify(rows)}, duplicates at the simulator: ${duplicates}\n`);
      expect(duplicates).toBeLessThan(ids.length * 0.05);
    } finally {
      await db.end();
    }
  }, 240_000);
});
