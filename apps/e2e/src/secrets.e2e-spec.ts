import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';

const ADMIN_API_KEY = `e2e-operator-${'k'.repeat(32)}`;

/**
 * Provisions a tenant end to end against the built gateway with the most verbose
 * logging, then searches everything the process printed for every secret it saw.
 */
describe('secrets stay out of the logs', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: RunningProcess;
  let url: string;
  const seed = demoSeed();
  const [app] = seed.apps;
  const [token] = seed.tokens;

  beforeAll(async () => {
    database = await createTestDatabase('e2e_secrets');
    redis = createTestRedis('e2e_secrets');
    simulator = await createMetaSimulator({ seed });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = startNode('dist/apps/gateway/main.js', {
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'trace',
      ADMIN_API_KEY,
      GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }),
    });
    await waitFor(`${url}/health/ready`);
  });

  afterAll(async () => {
    await gateway?.stop();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('never prints an access token, app secret, verify token, API key or the operator key', async () => {
    if (!app || !token) throw new Error('demo seed without app or token');
    const post = async (path: string, body: unknown, method = 'POST', key = ADMIN_API_KEY) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const tenant = await post('/v1/admin/tenants', { slug: 'secrets', name: 'Secrets' });
    const tenantId = tenant.body['id'] as string;
    expect((await post('/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
    const refused = await post(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: 'sim-token-never-issued-0001' });
    expect(refused.status).toBe(422);
    const waba = await post(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token });
    expect(waba.status).toBe(201);
    expect((await post(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/token`, { accessToken: token.token }, 'PUT')).status).toBe(200);
    expect((await post(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`, {})).status).toBe(200);
    const apiKey = (await post(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'test' })).body['key'] as string;
    expect((await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);
    expect((await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${apiKey}x` } })).status).toBe(401);

    await gateway.stop();
    const output = gateway.output();
    expect(output.length).toBeGreaterThan(1000);
    expect(output).toContain('[redacted]');
    for (const secret of [token.token, 'sim-token-never-issued-0001', app.secret, app.verifyToken, apiKey, ADMIN_API_KEY]) {
      expect(output).not.toContain(secret);
    }
  });
});
