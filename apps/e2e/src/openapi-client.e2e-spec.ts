import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import createClient from 'openapi-fetch';
import type { paths } from './generated/switchboard-api';
import { freePort, repoRoot, startNode, waitFor, type RunningProcess } from './support/app-process';

const GENERATED = join(repoRoot, 'apps/e2e/src/generated/switchboard-api.ts');
const GENERATOR = join(repoRoot, 'tools/scripts/openapi-client.mjs');
const ADMIN_API_KEY = `e2e-operator-${'o'.repeat(32)}`;
const SUPPRESSED = '14155550123';

type Client = ReturnType<typeof createClient<paths>>;

/** The data of a 2xx answer; anything else fails with the contract error the gateway sent. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`HTTP ${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

/**
 * Issue 9 point 5: a client generated from the document calls the built gateway. The
 * committed types must equal what the running gateway's /docs-json generates, so the
 * client cannot drift from the API; every call below is checked against them by tsc.
 */
describe('the typed client generated from /docs-json, against the built gateway', () => {
  const seed = demoSeed();
  const [app] = seed.apps;
  const [token] = seed.tokens;
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: RunningProcess;
  let worker: RunningProcess;
  let url: string;
  let operator: Client;
  let tenant: Client;

  beforeAll(async () => {
    if (!app || !token) throw new Error('demo seed without app or token');
    database = await createTestDatabase('e2e_openapi_client');
    redis = createTestRedis('e2e_openapi_client');
    simulator = await createMetaSimulator({ seed });
    const graphUrl = await simulator.listen({ port: 0 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = startNode('dist/apps/gateway/main.js', {
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      ADMIN_API_KEY,
      GRAPH_API_BASE_URL: graphUrl,
    });
    // Template syncs are queued operations: a worker carries them out.
    const workerPort = await freePort();
    worker = startNode('dist/apps/worker/main.js', {
      WORKER_PORT: String(workerPort),
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      GRAPH_API_BASE_URL: graphUrl,
    });
    await waitFor(`${url}/health/ready`, { app: gateway });
    await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, { app: worker });
    operator = createClient<paths>({ baseUrl: url, headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });
  });

  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('has committed types equal to what the running gateway documents (UPDATE_OPENAPI_CLIENT=1 rewrites them)', async () => {
    const { stdout: generated } = await promisify(execFile)(process.execPath, [GENERATOR, `${url}/docs-json`], { cwd: repoRoot, maxBuffer: 32 * 1024 * 1024 });
    if (process.env['UPDATE_OPENAPI_CLIENT'] === '1') writeFileSync(GENERATED, generated);
    const committed = readFileSync(GENERATED, 'utf8');
    // Not a text diff: thousands of lines of generated types would bury the one line that matters.
    expect(committed === generated ? 'in sync' : `${GENERATED} is stale; regenerate it as its header says`).toBe('in sync');
  });

  it('serves the OpenAPI UI at /docs', async () => {
    const response = await fetch(`${url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('sets up a tenant with the operator key: tenant, Meta app, WABA, its numbers, an API key', async () => {
    if (!app || !token) throw new Error('demo seed without app or token');
    const created = ok(await operator.POST('/v1/admin/tenants', { body: { slug: 'typed', name: 'Typed client' } }));
    expect(created).toEqual({ id: expect.any(String), slug: 'typed', name: 'Typed client', createdAt: expect.any(String) });
    const tenantId = created.id;

    const duplicate = await operator.POST('/v1/admin/tenants', { body: { slug: 'typed', name: 'Again' } });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error?.error.code).toBe('conflict');

    const listed = ok(await operator.GET('/v1/admin/tenants'));
    expect(listed.data.map((listedTenant) => listedTenant.slug)).toContain('typed');

    ok(await operator.POST('/v1/admin/meta-apps', { body: { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken } }));
    const waba = ok(
      await operator.POST('/v1/admin/tenants/{tenantId}/wabas', {
        params: { path: { tenantId } },
        body: { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token },
      }),
    );
    expect(waba.token.status).toBe('valid');
    const numbers = ok(
      await operator.POST('/v1/admin/tenants/{tenantId}/wabas/{wabaId}/phone-numbers/sync', { params: { path: { tenantId, wabaId: DEMO_IDS.wabaId } } }),
    );
    expect(numbers.data.map((number) => number.phoneNumberId)).toContain(DEMO_IDS.phoneNumberId);

    const key = ok(await operator.POST('/v1/admin/tenants/{tenantId}/api-keys', { params: { path: { tenantId } }, body: { environment: 'live', name: 'typed' } }));
    expect(key.key).toMatch(/^sbk_live_/);
    tenant = createClient<paths>({ baseUrl: url, headers: { authorization: `Bearer ${key.key}` } });
  });

  it('answers 401 with the typed contract error to a wrong key', async () => {
    const stranger = createClient<paths>({ baseUrl: url, headers: { authorization: 'Bearer sbk_live_not-a-key-of-anyone-at-all-000000' } });
    const refused = await stranger.GET('/v1/me');
    expect(refused.response.status).toBe(401);
    expect(refused.error?.error.code).toBe('unauthorized');
    expect(refused.error?.error.requestId).toEqual(expect.any(String));
  });

  it('reads who the key is, its numbers and its templates', async () => {
    const me = ok(await tenant.GET('/v1/me'));
    expect(me).toMatchObject({ tenant: { slug: 'typed' }, environment: 'live' });

    const numbers = ok(await tenant.GET('/v1/phone-numbers'));
    expect(numbers.data.map((number) => number.phoneNumberId)).toContain(DEMO_IDS.phoneNumberId);

    const queued = ok(await tenant.POST('/v1/templates/sync'));
    expect(queued).toMatchObject({ kind: 'sync', state: 'queued', result: null, error: null });
    let operation = queued;
    while (operation.state === 'queued' || operation.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      operation = ok(await tenant.GET('/v1/template-operations/{id}', { params: { path: { id: queued.id } } }));
    }
    expect(operation).toMatchObject({ id: queued.id, state: 'succeeded', result: { wabas: [{ wabaId: DEMO_IDS.wabaId }] } });
    const templates = ok(await tenant.GET('/v1/templates', { params: { query: { name: 'hello_world', limit: 10 } } }));
    expect(templates.data.map((template) => `${template.name}/${template.language}/${template.status}`)).toContain('hello_world/en_US/APPROVED');
  });

  it('suppresses a recipient, is refused a send to it with a typed 422, lifts the suppression and sends', async () => {
    const send = (idempotencyKey: string) =>
      tenant.POST('/v1/messages', {
        params: { header: { 'Idempotency-Key': idempotencyKey } },
        body: { from: DEMO_IDS.phoneNumberId, to: `+${SUPPRESSED}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } }, metadata: { case: 'typed' } },
      });

    const suppressed = ok(await tenant.POST('/v1/suppressions', { body: { waId: `+${SUPPRESSED}`, reason: 'asked to stop' } }));
    expect(suppressed).toMatchObject({ waId: SUPPRESSED, reason: 'asked to stop', source: 'manual' });
    expect(ok(await tenant.GET('/v1/suppressions')).data.map((entry) => entry.waId)).toContain(SUPPRESSED);

    const refused = await send('typed-refused');
    expect(refused.response.status).toBe(422);
    expect(refused.error?.error.code).toBe('recipient_suppressed');

    const lifted = await tenant.DELETE('/v1/suppressions/{waId}', { params: { path: { waId: SUPPRESSED } } });
    expect(lifted.response.status).toBe(204);
    expect(ok(await tenant.GET('/v1/suppressions')).data).toEqual([]);

    const accepted = ok(await send('typed-accepted'));
    expect(accepted).toMatchObject({ status: 'queued', to: SUPPRESSED, from: DEMO_IDS.phoneNumberId });

    const listed = ok(await tenant.GET('/v1/messages', { params: { query: { to: SUPPRESSED, limit: 5 } } }));
    expect(listed.data.map((message) => message.id)).toEqual([accepted.id]);
    const read = ok(await tenant.GET('/v1/messages/{id}', { params: { path: { id: accepted.id } } }));
    expect(read).toMatchObject({ id: accepted.id, type: 'template', metadata: { case: 'typed' } });
    expect(read.events.map((event) => event.status)).toContain('queued');
  });

  it('answers not_found with the typed contract error for a message that does not exist', async () => {
    const missing = await tenant.GET('/v1/messages/{id}', { params: { path: { id: 'msg_00000000000000000000000000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe('not_found');
  });
});
