import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { caller, startTestGateway, TEST_ADMIN_KEY as ADMIN_KEY, type Json } from './gateway.test-helper';

describe('tenancy and the admin API (real Postgres and Redis)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;

  const call = (app: NestFastifyApplication, method: 'GET' | 'POST' | 'DELETE', url: string, key?: string, body?: Json) =>
    caller(app)(method, url, key, body);

  beforeAll(async () => {
    database = await createTestDatabase('tenancy');
    redis = createTestRedis('tenancy');
    await migrateDatabase(database.url, 'test');
    first = await startTestGateway(database, redis);
    second = await startTestGateway(database, redis);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis.cleanup();
    await database.drop();
  });

  it('creates and lists tenants; a duplicate slug is 409 in the contract error shape', async () => {
    const created = await call(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'payments', name: 'Payments' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), slug: 'payments', name: 'Payments', createdAt: expect.any(String) });

    const duplicate = await call(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'payments', name: 'Again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({
      error: { code: 'conflict', message: expect.any(String), details: [{ path: 'slug', issue: 'already taken' }], requestId: expect.any(String) },
    });

    const listed = await call(first, 'GET', '/v1/admin/tenants', ADMIN_KEY);
    expect(listed.status).toBe(200);
    expect((listed.body['data'] as Json[]).map((t) => t['slug'])).toContain('payments');
  });

  it('refuses invalid bodies with validation_failed and the path of each problem', async () => {
    const response = await call(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'Not A Slug', extra: 1 });
    expect(response.status).toBe(400);
    const error = response.body['error'] as { code: string; details: Array<{ path: string }> };
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['slug', 'name']));
  });

  it('isolates two tenants x two environments on every tenant route and guards /v1/admin', async () => {
    const tenants: Record<string, string> = {};
    const keys: Record<string, string> = {};
    const keyIds: Record<string, string> = {};
    for (const slug of ['alpha', 'beta']) {
      tenants[slug] = (await call(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { slug, name: slug })).body['id'] as string;
      for (const environment of ['live', 'test']) {
        const created = await call(first, 'POST', `/v1/admin/tenants/${tenants[slug]}/api-keys`, ADMIN_KEY, { environment });
        expect(created.status).toBe(201);
        expect(created.body['key']).toMatch(new RegExp(`^sbk_${environment}_[A-Za-z0-9_-]{32,}$`));
        keys[`${slug}:${environment}`] = created.body['key'] as string;
        keyIds[`${slug}:${environment}`] = created.body['id'] as string;
      }
    }

    for (const [who, key] of Object.entries(keys)) {
      const [slug, environment] = who.split(':') as [string, string];
      const me = await call(first, 'GET', '/v1/me', key);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ tenant: { id: tenants[slug], slug }, environment, keyId: keyIds[who] });

      // Tenant keys never open the operator's routes.
      expect((await call(first, 'GET', '/v1/admin/tenants', key)).status).toBe(401);
      expect((await call(first, 'POST', '/v1/admin/tenants', key, { slug: 'x', name: 'x' })).status).toBe(401);
    }

    // A key of one tenant cannot be revoked under another tenant: 404, not 403.
    const crossTenant = await call(first, 'DELETE', `/v1/admin/tenants/${tenants['alpha']}/api-keys/${keyIds['beta:live']}`, ADMIN_KEY);
    expect(crossTenant.status).toBe(404);
    expect((crossTenant.body['error'] as Json)['code']).toBe('not_found');
    expect((await call(first, 'GET', '/v1/me', keys['beta:live'])).status).toBe(200);

    expect((await call(first, 'POST', `/v1/admin/tenants/00000000-0000-4000-8000-000000000000/api-keys`, ADMIN_KEY, { environment: 'live' })).status).toBe(404);
    expect((await call(first, 'POST', `/v1/admin/tenants/not-a-uuid/api-keys`, ADMIN_KEY, { environment: 'live' })).status).toBe(404);
  });

  it('answers 401 for a missing, malformed, unknown or operator key on tenant routes', async () => {
    for (const key of [undefined, 'nonsense', `sbk_live_${'A'.repeat(43)}`, ADMIN_KEY]) {
      const response = await call(first, 'GET', '/v1/me', key);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), requestId: expect.any(String) } });
    }
    expect((await call(first, 'GET', '/v1/admin/tenants', `wrong-${ADMIN_KEY}`)).status).toBe(401);
    expect((await call(first, 'GET', '/v1/admin/tenants')).status).toBe(401);
  });

  it('does not accept a live key presented as a test key', async () => {
    const tenantId = (await call(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'gamma', name: 'Gamma' })).body['id'] as string;
    const live = (await call(first, 'POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_KEY, { environment: 'live' })).body['key'] as string;
    expect((await call(first, 'GET', '/v1/me', live.replace('sbk_live_', 'sbk_test_'))).status).toBe(401);
  });

  it('stops a revoked key on every gateway instance within a second', async () => {
    const tenantId = (await call(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'delta', name: 'Delta' })).body['id'] as string;
    const created = await call(first, 'POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_KEY, { environment: 'test', name: 'ci' });
    const key = created.body['key'] as string;
    expect((await call(second, 'GET', '/v1/me', key)).status).toBe(200);

    const revoked = await call(first, 'DELETE', `/v1/admin/tenants/${tenantId}/api-keys/${created.body['id'] as string}`, ADMIN_KEY);
    expect(revoked.status).toBe(204);
    expect((await call(first, 'GET', '/v1/me', key)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await call(second, 'GET', '/v1/me', key)).status).toBe(401);
    expect((await call(first, 'DELETE', `/v1/admin/tenants/${tenantId}/api-keys/${created.body['id'] as string}`, ADMIN_KEY)).status).toBe(404);
  });

  it('documents every /v1 route with its zod-derived body and the contract error body', async () => {
    const response = await first.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      '/v1/admin/tenants',
      '/v1/admin/tenants/{tenantId}/api-keys',
      '/v1/admin/tenants/{tenantId}/api-keys/{keyId}',
      '/v1/me',
    ]));
    const createTenant = document.paths['/v1/admin/tenants']?.['post'];
    expect(JSON.stringify(createTenant?.requestBody)).toContain('"slug"');
    expect(Object.keys(createTenant?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '409']));
    expect(JSON.stringify(createTenant?.responses['409'])).toContain('requestId');
    expect((await first.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
  });

  it('stores keys only as hashes', async () => {
    const tenantId = (await call(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'epsilon', name: 'Epsilon' })).body['id'] as string;
    const key = (await call(first, 'POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_KEY, { environment: 'live' })).body['key'] as string;
    const { Client } = await import('pg');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ dump: string }>(`SELECT string_agg(t::text, '|') AS dump FROM api_keys t`);
      expect(rows[0]?.dump).not.toContain(key);
      expect(rows[0]?.dump).not.toContain(key.slice('sbk_live_'.length));
    } finally {
      await client.end();
    }
  });
});
