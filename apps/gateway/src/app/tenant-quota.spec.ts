import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateDatabase } from '@switchboard/platform';
import { RateLimitConnection } from '@switchboard/rate-limiting';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { startTestGateway, TEST_ADMIN_KEY } from './gateway.test-helper';

describe('per tenant environment request quota shared by two gateways (real Postgres and Redis)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let gateways: NestFastifyApplication[];

  beforeAll(async () => {
    database = await createTestDatabase('tenant_quota');
    redis = createTestRedis('tenant-quota');
    await migrateDatabase(database.url, 'test');
    const env = { TENANT_RATE_LIMIT_REQUESTS: '4', TENANT_RATE_LIMIT_WINDOW_SECONDS: '60' };
    gateways = [await startTestGateway(database, redis, env), await startTestGateway(database, redis, env)];
  });

  afterAll(async () => {
    for (const gateway of gateways ?? []) await gateway.close();
    await redis.cleanup();
    await database.drop();
  });

  const request = (gateway: NestFastifyApplication, method: 'GET' | 'POST', url: string, key: string, payload?: object) =>
    gateway.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

  async function tenantKeys(slug: string): Promise<{ live: string; test: string }> {
    const [admin] = gateways as [NestFastifyApplication];
    const tenant = (await request(admin, 'POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug, name: slug })).json<{ id: string }>();
    const key = async (environment: string) =>
      (await request(admin, 'POST', `/v1/admin/tenants/${tenant.id}/api-keys`, TEST_ADMIN_KEY, { environment })).json<{ key: string }>().key;
    return { live: await key('live'), test: await key('test') };
  }

  it('answers 429 rate_limited with Retry-After across both instances once the budget is spent; others are unaffected', async () => {
    const [first, second] = gateways as [NestFastifyApplication, NestFastifyApplication];
    const alpha = await tenantKeys('alpha');
    const beta = await tenantKeys('beta');

    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await request(i % 2 === 0 ? first : second, 'GET', '/v1/me', alpha.live));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['3', '2', '1', '0']);
    expect(answers[0]?.headers['ratelimit-limit']).toBe('4');

    for (const gateway of [first, second]) {
      const refused = await request(gateway, 'GET', '/v1/me', alpha.live);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String), requestId: expect.any(String) } });
    }
    // Any tenant route, not only /v1/me.
    expect((await request(first, 'GET', '/v1/messages', alpha.live)).statusCode).toBe(429);

    // Another tenant, and the same tenant's other environment, have budgets of their own.
    expect((await request(second, 'GET', '/v1/me', beta.live)).statusCode).toBe(200);
    expect((await request(first, 'GET', '/v1/me', alpha.test)).statusCode).toBe(200);

    // Operator routes are not metered; an unauthenticated request is 401, not 429.
    for (let i = 0; i < 6; i += 1) expect((await request(first, 'GET', '/v1/admin/tenants', TEST_ADMIN_KEY)).statusCode).toBe(200);
    expect((await first.inject({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
  });

  it('counts a GraphQL operation once however many of its fields the guard checks, and a key refused by the quota gets no data', async () => {
    const [first] = gateways as [NestFastifyApplication];
    const { live } = await tenantKeys('delta');
    const operation = { query: '{ one: me { environment } two: me { tenant { id } } }' };
    for (let i = 0; i < 4; i += 1) {
      const answer = await request(first, 'POST', '/graphql', live, operation);
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ data: { one: { environment: 'live' }, two: { tenant: { id: expect.any(String) } } } });
    }
    const refused = (await request(first, 'POST', '/graphql', live, operation)).json<{ data: unknown; errors: Array<{ extensions: { code: string } }> }>();
    expect(refused.data).toBeNull();
    expect(refused.errors[0]?.extensions.code).toBe('rate_limited');
  });

  it('fails open when its Redis connection is lost: the request passes and a metric counts it', async () => {
    const [, second] = gateways as [NestFastifyApplication, NestFastifyApplication];
    const { live } = await tenantKeys('gamma');
    for (let i = 0; i < 4; i += 1) await request(second, 'GET', '/v1/me', live);
    expect((await request(second, 'GET', '/v1/me', live)).statusCode).toBe(429);

    second.get(RateLimitConnection).redis.disconnect();
    const passed = await request(second, 'GET', '/v1/me', live);
    expect(passed.statusCode).toBe(200);
    expect(passed.headers['ratelimit-remaining']).toBeUndefined();
    const metrics = await second.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^switchboard_tenant_quota_fail_open_total\{[^}]*\} 1$/m);
  });
});
