import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Client } from 'pg';
import { caller, startTestGateway, TEST_ADMIN_KEY as ADMIN_KEY } from './gateway.test-helper';

type Row = Record<string, unknown>;

/**
 * The operator's view of a tenant environment (/v1/admin/tenants/{tenantId}/environments/{environment}/...)
 * and the failures grouped by taxonomy code: the operator key only, exactly one tenant
 * environment per path, tenant keys unchanged (real Postgres and Redis).
 */
describe('operator scope and failure groups', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let gateway: NestFastifyApplication;
  let call: ReturnType<typeof caller>;
  let pg: Client;
  const tenants: Record<string, string> = {};
  const keys: Record<string, string> = {};
  let sequence = 0;

  /** A message row as the send worker leaves it after a failure. */
  const failedMessage = async (tenant: string, environment: string, status: 'failed' | 'dead', code: string, metaCode: number, action: string) => {
    sequence += 1;
    const id = `msg_01JQ3V6Z8Y2K4W5X7A9B0C${String(sequence).padStart(4, '0')}`;
    await pg.query(
      `INSERT INTO messages (id, tenant_id, environment, phone_number_id, waba_id, to_wa_id, type, payload, metadata, status, attempts, error)
       VALUES ($1, $2, $3, '3000000000000001', '2000000000000001', '14155550100', 'text', '{"text":{"body":"hi"}}', '{"orderId":"4521"}', $4, 1, $5)`,
      [id, tenants[tenant], environment, status, JSON.stringify({ code, message: 'failed', category: 'recipient', retryable: false, action, meta: { code: metaCode, title: 'x' } })],
    );
    await pg.query(`INSERT INTO message_events (message_id, tenant_id, environment, status, at) VALUES ($1, $2, $3, 'queued', now()), ($1, $2, $3, $4, now())`, [
      id,
      tenants[tenant],
      environment,
      status,
    ]);
    return id;
  };
  const scope = (tenant: string, environment: string) => `/v1/admin/tenants/${tenants[tenant] ?? tenant}/environments/${environment}`;

  beforeAll(async () => {
    database = await createTestDatabase('operator_scope');
    redis = createTestRedis('operator_scope');
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis);
    call = caller(gateway);
    pg = new Client({ connectionString: database.url });
    await pg.connect();
    for (const slug of ['alpha', 'beta']) {
      tenants[slug] = (await call('POST', '/v1/admin/tenants', ADMIN_KEY, { slug, name: slug })).body['id'] as string;
      for (const environment of ['live', 'test']) {
        keys[`${slug}:${environment}`] = (await call('POST', `/v1/admin/tenants/${tenants[slug]}/api-keys`, ADMIN_KEY, { environment, name: environment })).body['key'] as string;
      }
    }
  });

  afterAll(async () => {
    await pg?.end();
    await gateway?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('lists the keys of a tenant without the keys themselves, revoked ones marked', async () => {
    const listed = await call('GET', `/v1/admin/tenants/${tenants['alpha']}/api-keys`, ADMIN_KEY);
    expect(listed.status).toBe(200);
    const data = listed.body['data'] as Row[];
    expect(data.map((key) => key['environment']).sort()).toEqual(['live', 'test']);
    expect(JSON.stringify(listed.body)).not.toContain('sbk_');
    const revokedId = data[0]?.['id'] as string;
    expect((await call('DELETE', `/v1/admin/tenants/${tenants['alpha']}/api-keys/${revokedId}`, ADMIN_KEY)).status).toBe(204);
    const after = (await call('GET', `/v1/admin/tenants/${tenants['alpha']}/api-keys`, ADMIN_KEY)).body['data'] as Row[];
    expect(after.find((key) => key['id'] === revokedId)?.['revokedAt']).toEqual(expect.any(String));
    expect((await call('GET', `/v1/admin/tenants/${tenants['beta']}/api-keys`, keys['beta:live'])).status).toBe(401);
    expect((await call('GET', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/api-keys', ADMIN_KEY)).status).toBe(404);
  });

  it('shows the operator exactly the tenant environment of the path, and retries its failed message', async () => {
    const alphaLive = await failedMessage('alpha', 'live', 'dead', 'meta_unavailable', 131000, 'Retry later');
    const alphaTest = await failedMessage('alpha', 'test', 'failed', 'invalid_recipient', 131026, 'Check the number');
    const betaLive = await failedMessage('beta', 'live', 'failed', 'invalid_recipient', 131026, 'Check the number');

    const listed = await call('GET', `${scope('alpha', 'live')}/messages?status=dead`, ADMIN_KEY);
    expect(listed.status).toBe(200);
    expect((listed.body['data'] as Row[]).map((message) => message['id'])).toEqual([alphaLive]);
    expect((await call('GET', `${scope('alpha', 'test')}/messages`, ADMIN_KEY)).body['data']).toEqual([expect.objectContaining({ id: alphaTest })]);

    const one = await call('GET', `${scope('alpha', 'live')}/messages/${alphaLive}`, ADMIN_KEY);
    expect(one.body).toMatchObject({ id: alphaLive, status: 'dead', events: [{ status: 'queued' }, { status: 'dead' }] });
    // Another tenant's or environment's message is not found through this path (never 403).
    expect((await call('GET', `${scope('alpha', 'live')}/messages/${betaLive}`, ADMIN_KEY)).status).toBe(404);
    expect((await call('GET', `${scope('alpha', 'live')}/messages/${alphaTest}`, ADMIN_KEY)).status).toBe(404);
    expect((await call('POST', `${scope('alpha', 'live')}/messages/${betaLive}/retry`, ADMIN_KEY)).status).toBe(404);

    const retried = await call('POST', `${scope('alpha', 'live')}/messages/${alphaLive}/retry`, ADMIN_KEY);
    expect(retried).toMatchObject({ status: 202, body: { id: alphaLive, status: 'queued' } });
    expect((await call('GET', `/v1/messages/${alphaLive}`, keys['alpha:live'])).body['status']).toBe('queued');
  });

  it('refuses tenant keys, missing keys, unknown tenants and environments', async () => {
    expect((await call('GET', `${scope('alpha', 'live')}/messages`, keys['alpha:live'])).status).toBe(401);
    expect((await call('GET', `${scope('alpha', 'live')}/messages`)).status).toBe(401);
    expect((await call('GET', `${scope('00000000-0000-4000-8000-000000000000', 'live')}/messages`, ADMIN_KEY)).status).toBe(404);
    expect((await call('GET', `${scope('not-a-uuid', 'live')}/wabas`, ADMIN_KEY)).status).toBe(404);
    expect((await call('GET', `${scope('alpha', 'prod')}/templates`, ADMIN_KEY)).status).toBe(404);
    for (const path of ['wabas', 'phone-numbers', 'templates', 'endpoints']) {
      const answer = await call('GET', `${scope('beta', 'test')}/${path}`, ADMIN_KEY);
      expect({ path, status: answer.status, data: answer.body['data'] }).toEqual({ path, status: 200, data: [] });
    }
    // The operator key still opens no tenant route on its own (contract §2).
    expect((await call('GET', '/v1/messages', ADMIN_KEY)).status).toBe(401);
  });

  it('groups failed and dead messages by taxonomy code with the action text, per environment', async () => {
    await failedMessage('beta', 'test', 'failed', 'template_not_approved', 132001, 'Use an approved template');
    await failedMessage('beta', 'test', 'dead', 'template_not_approved', 132000, 'Use an approved template');
    await failedMessage('beta', 'test', 'failed', 'window_closed', 131047, 'Send a template');
    await failedMessage('beta', 'live', 'failed', 'window_closed', 131047, 'Send a template');

    const tenantView = await call('GET', '/v1/messages/failures', keys['beta:test']);
    expect(tenantView.status).toBe(200);
    expect(tenantView.body['data']).toEqual([
      { code: 'template_not_approved', category: 'recipient', action: 'Use an approved template', failed: 1, dead: 1, metaCodes: [132000, 132001], lastAt: expect.any(String) },
      { code: 'window_closed', category: 'recipient', action: 'Send a template', failed: 1, dead: 0, metaCodes: [131047], lastAt: expect.any(String) },
    ]);
    expect((await call('GET', `${scope('beta', 'test')}/messages/failures`, ADMIN_KEY)).body).toEqual(tenantView.body);
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect((await call('GET', `/v1/messages/failures?since=${future}`, keys['beta:test'])).body['data']).toEqual([]);
    expect((await call('GET', '/v1/messages/failures?since=yesterday', keys['beta:test'])).status).toBe(400);
    expect((await call('GET', '/v1/messages/failures', ADMIN_KEY)).status).toBe(401);
  });
});
