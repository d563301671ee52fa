import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Client } from 'pg';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';
import { startOtlpCollector, type OtlpCollector } from './support/otlp-collector';

const ADMIN_API_KEY = `e2e-operator-${'k'.repeat(32)}`;
const NEVER_ISSUED = 'sim-token-never-issued-0001';
/** Every simulator token has this shape, the one the worker's token exchange mints included. */
const SIMULATOR_TOKEN = /sim-token-[0-9a-f]{32}/;
const CONTACT = '14155550142';

/**
 * Runs the built gateway and worker with the most verbose logging and traces exported
 * to a real OTLP/HTTP receiver, through every path that handles a secret: the webhook
 * handshake (verify token in the query), a signed webhook, app registration, WABA
 * registration (debug_token: the token in `input_token`), the worker's start-up token
 * check and exchange (`client_secret` and `fb_exchange_token` in the query) and a send
 * with an API key, the queue board's sign-in (the operator key in the query, then a cookie). Then searches every log line and every exported span attribute for
 * every secret used.
 */
describe('secrets stay out of the logs and the traces', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let collector: OtlpCollector;
  let gateway: RunningProcess;
  let worker: RunningProcess | undefined;
  let pg: Client;
  let url: string;
  let env: Record<string, string>;
  const seed = demoSeed();
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');
  // Expiring in 3 days: the worker's start-up check exchanges it (refresh 7 days before expiry).
  token.expiresAt = Math.floor(Date.now() / 1000) + 3 * 24 * 3600;

  beforeAll(async () => {
    database = await createTestDatabase('e2e_secrets');
    redis = createTestRedis('e2e_secrets');
    collector = await startOtlpCollector();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    simulator = await createMetaSimulator({ seed, webhookUrl: `${url}/webhooks/whatsapp/{appId}` });
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'trace',
      GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    };
    gateway = startNode('dist/apps/gateway/main.js', { ...env, PORT: String(port), ADMIN_API_KEY, OTEL_SERVICE_NAME: 'e2e-secrets-gateway' });
    await waitFor(`${url}/health/ready`, { app: gateway });
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await worker?.stop();
    await gateway?.stop();
    await pg?.end();
    await simulator?.close();
    await collector?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it('never prints or exports an access token, app secret, verify token, API key or the operator key', async () => {
    const call = async (path: string, body: unknown, method = 'POST', key = ADMIN_API_KEY) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const tenantId = (await call('/v1/admin/tenants', { slug: 'secrets', name: 'Secrets' })).body['id'] as string;
    expect((await call('/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);

    const handshake = await fetch(`${url}/webhooks/whatsapp/${app.id}?hub.mode=subscribe&hub.verify_token=${app.verifyToken}&hub.challenge=1158201444`);
    expect({ status: handshake.status, body: await handshake.text() }).toEqual({ status: 200, body: '1158201444' });
    const wrong = await fetch(`${url}/webhooks/whatsapp/${app.id}?hub.mode=subscribe&hub.verify_token=${app.verifyToken}x&hub.challenge=1`);
    expect(wrong.status).toBe(403);

    expect((await call(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: NEVER_ISSUED })).status).toBe(422);
    expect((await call(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token })).status).toBe(201);
    expect((await call(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/token`, { accessToken: token.token }, 'PUT')).status).toBe(200);
    expect((await call(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`, {})).status).toBe(200);
    const apiKey = (await call(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect((await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);
    expect((await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${apiKey}x` } })).status).toBe(401);
    // The queue board signs a browser in with the operator key in the query, once, and then by cookie.
    const signIn = await fetch(`${url}/admin/queues?key=${ADMIN_API_KEY}`, { redirect: 'manual' });
    expect({ status: signIn.status, location: signIn.headers.get('location') }).toEqual({ status: 303, location: '/admin/queues' });
    const session = { cookie: String(signIn.headers.get('set-cookie')).split(';', 1)[0] ?? '' };
    const page = await fetch(`${url}/admin/queues`, { headers: session });
    expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringMatching(/^text\/html/) });
    expect((await fetch(`${url}/admin/queues/api/queues`, { headers: session })).status).toBe(200);

    // The worker's start-up token check: debug_token, then the exchange of the expiring token.
    worker = startNode('dist/apps/worker/main.js', { ...env, WORKER_PORT: String(await freePort()), OTEL_SERVICE_NAME: 'e2e-secrets-worker' });
    await until('the token exchange', () => simulator.requests({ path: 'oauth/access_token' }).length > 0);
    await until('the exchanged token stored', async () => {
      const { rows } = await pg.query<{ expires: Date | null }>(`SELECT token_expires_at AS expires FROM wabas WHERE waba_id = $1`, [DEMO_IDS.wabaId]);
      return (rows[0]?.expires?.getTime() ?? 0) > Date.now() + 30 * 24 * 3600 * 1000;
    });

    // A signed inbound webhook (from the simulator) opens the window; then a text send with the API key.
    await simulator.simulateInbound({ phoneNumberId: DEMO_IDS.phoneNumberId, from: CONTACT, text: 'hello' });
    await until('the inbound message processed', async () => (await pg.query(`SELECT 1 FROM conversation_windows WHERE wa_id = $1`, [CONTACT])).rowCount === 1);
    const sent = await call('/v1/messages', { from: DEMO_IDS.phoneNumberId, to: `+${CONTACT}`, type: 'text', text: { body: 'hi' } }, 'POST', apiKey);
    expect(sent.status).toBe(202);
    await until('the message sent', async () => (await pg.query(`SELECT 1 FROM messages WHERE id = $1 AND wamid IS NOT NULL`, [sent.body['id']])).rowCount === 1);

    await worker.stop();
    await gateway.stop();
    const spans = collector.spans();
    const attributes = (path: string) => spans.flatMap((span) => Object.values(span.attributes).filter((value): value is string => typeof value === 'string' && value.includes(path)));
    // The searched spans are the ones that carried the secrets.
    expect(attributes('/debug_token').length).toBeGreaterThan(0);
    expect(attributes('/oauth/access_token').length).toBeGreaterThan(0);
    expect(attributes(`/webhooks/whatsapp/${app.id}`).length).toBeGreaterThan(0);
    const logs = `${gateway.output()}\n${worker.output()}`;
    expect(logs.length).toBeGreaterThan(1000);
    const exported = JSON.stringify(spans);
    const found = [token.token, NEVER_ISSUED, app.secret, app.verifyToken, apiKey, ADMIN_API_KEY].map((secret) => ({ secret, inLogs: logs.includes(secret), inSpans: exported.includes(secret) }));
    expect(found.filter((entry) => entry.inLogs || entry.inSpans)).toEqual([]);
    expect({ inLogs: logs.match(SIMULATOR_TOKEN)?.[0] ?? null, inSpans: exported.match(SIMULATOR_TOKEN)?.[0] ?? null }).toEqual({ inLogs: null, inSpans: null });
    // Redacted, not dropped: the parameter names stay readable.
    expect(logs).toContain('hub.verify_token=[redacted]');
    expect(logs).toContain('/admin/queues?key=[redacted]');
    // The gateway's request span keeps the query apart from the path (`url.query`).
    expect(attributes('key=[redacted]').length).toBeGreaterThan(0);
    expect(attributes('client_secret=[redacted]').length).toBeGreaterThan(0);
  });
});
