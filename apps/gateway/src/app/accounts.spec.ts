import { execFileSync } from 'node:child_process';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { TokenLifecycleService, WabaProbeService } from '@switchboard/accounts';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { caller, startTestGateway, syncTemplates, TEST_ADMIN_KEY, type Json } from './gateway.test-helper';

const DAY_S = 24 * 3600;
const nowS = Math.floor(Date.now() / 1000);
const seed = demoSeed();
const [demoApp] = seed.apps;
const [demoToken] = seed.tokens;
if (!demoApp || !demoToken) throw new Error('demo seed without app or token');
const tokens = {
  good: demoToken.token,
  missingScope: 'sim-token-test-missing-management-scope',
  expiringSoon: 'sim-token-test-expiring-in-three-days',
  unknown: 'sim-token-test-that-meta-never-issued',
};
seed.tokens.push(
  { ...demoToken, token: tokens.missingScope, scopes: ['whatsapp_business_messaging'] },
  { ...demoToken, token: tokens.expiringSoon, expiresAt: nowS + 3 * DAY_S },
);

describe('Meta apps, WABAs, tokens and phone numbers through the admin API (simulator as Meta)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let call: ReturnType<typeof caller>;
  let tenantId: string;
  let otherTenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('accounts');
    redis = createTestRedis('accounts');
    simulator = await createMetaSimulator({ seed });
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }) });
    call = caller(gateway);
    tenantId = (await call('POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug: 'retail', name: 'Retail' })).body['id'] as string;
    otherTenantId = (await call('POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug: 'other', name: 'Other' })).body['id'] as string;
  });

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  const admin = (method: 'GET' | 'POST' | 'PUT', url: string, body?: Json) => call(method, url, TEST_ADMIN_KEY, body);

  it('registers a Meta app and answers its webhook path; a duplicate is 409', async () => {
    const created = await admin('POST', '/v1/admin/meta-apps', { appId: demoApp.id, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), appId: demoApp.id, webhookPath: `/webhooks/whatsapp/${demoApp.id}` });
    const again = await admin('POST', '/v1/admin/meta-apps', { appId: demoApp.id, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken });
    expect(again.status).toBe(409);
  });

  it('refuses a token without both WhatsApp scopes (422 token_missing_scopes) and an unknown one (422 token_invalid)', async () => {
    const base = { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: demoApp.id };
    const missing = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, { ...base, accessToken: tokens.missingScope });
    expect(missing.status).toBe(422);
    expect((missing.body['error'] as Json)['code']).toBe('token_missing_scopes');
    const invalid = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, { ...base, accessToken: tokens.unknown });
    expect(invalid.status).toBe(422);
    expect((invalid.body['error'] as Json)['code']).toBe('token_invalid');
    expect(JSON.stringify(invalid.body)).not.toContain(tokens.unknown);
  });

  it('registers a WABA after debug_token, numbers by hand and by sync, subscribes it and runs diagnostics', async () => {
    const waba = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, {
      environment: 'live',
      wabaId: DEMO_IDS.wabaId,
      appId: demoApp.id,
      accessToken: tokens.good,
    });
    expect(waba.status).toBe(201);
    expect(waba.body).toMatchObject({ wabaId: DEMO_IDS.wabaId, environment: 'live', token: { status: 'valid', expiresAt: null } });
    expect((waba.body['token'] as Json)['scopes']).toEqual(expect.arrayContaining(['whatsapp_business_messaging', 'whatsapp_business_management']));

    const wabaAsNumber = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, {
      phoneNumberId: DEMO_IDS.wabaId,
      displayPhoneNumber: '+1 555-010-0001',
    });
    expect(wabaAsNumber.status).toBe(400);
    expect((wabaAsNumber.body['error'] as Json)['message']).toContain('is a WABA id, not a phone number id');

    const number = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, {
      phoneNumberId: DEMO_IDS.phoneNumberId,
      displayPhoneNumber: '+1 555-010-0001',
    });
    expect(number.status).toBe(201);
    expect(number.body).toMatchObject({ phoneNumberId: DEMO_IDS.phoneNumberId, qualityRating: 'GREEN', throughputMps: 80 });

    const synced = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`);
    expect(synced.status).toBe(200);
    expect((synced.body['data'] as Json[]).map((n) => n['phoneNumberId']).sort()).toEqual([DEMO_IDS.phoneNumberId, DEMO_IDS.secondPhoneNumberId]);
    expect((synced.body['data'] as Json[]).find((n) => n['phoneNumberId'] === DEMO_IDS.secondPhoneNumberId)).toMatchObject({
      qualityRating: 'YELLOW',
      messagingLimit: 'TIER_2K',
    });

    const registered = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/${DEMO_IDS.secondPhoneNumberId}/register`, { pin: '123456' });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ status: 'registered' });

    const subscribed = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/subscribe`);
    expect(subscribed.status).toBe(200);

    const diagnostics = await admin('GET', `/v1/admin/tenants/${tenantId}/diagnostics?environment=live`);
    expect(diagnostics.status).toBe(200);
    const items = diagnostics.body['items'] as Array<{ check: string; status: string }>;
    expect(items.filter((item) => item.status === 'fail')).toEqual([]);
    expect(items.map((item) => item.check)).toEqual(
      expect.arrayContaining([expect.stringContaining('token'), expect.stringContaining('subscribed'), expect.stringContaining('webhook secrets'), expect.stringContaining('clock skew')]),
    );
  });

  it('lets the tenant sync its templates through the registered WABA (accounts as the registry port)', async () => {
    const key = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect(await syncTemplates(gateway, key)).toMatchObject({ state: 'succeeded', result: { wabas: [{ wabaId: DEMO_IDS.wabaId }] } });
    const listed = await call('GET', '/v1/templates?status=APPROVED', key);
    expect(listed.status).toBe(200);
    expect((listed.body['data'] as Json[]).map((template) => template['name'])).toEqual(expect.arrayContaining(['hello_world', 'order_update']));
    const testKey = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'test' })).body['key'] as string;
    expect((await call('GET', '/v1/templates', testKey)).body['data']).toEqual([]);
  });

  it('probes every WABA: what Graph says about its numbers reaches the phone-number records', async () => {
    await simulator.updatePhoneNumber(DEMO_IDS.phoneNumberId, { qualityRating: 'RED', throughputLevel: 'HIGH' });
    expect(await gateway.get(WabaProbeService).probeAll()).toEqual({ probed: 1, unreachable: 0 });
    const rows = (await gateway
      .get(DataSource)
      .query(`SELECT quality_rating, throughput_level, throughput_mps FROM phone_numbers WHERE phone_number_id = $1`, [DEMO_IDS.phoneNumberId])) as Json[];
    expect(rows).toEqual([{ quality_rating: 'RED', throughput_level: 'HIGH', throughput_mps: 1000 }]);
  });

  it("uses an environment's own Graph origin when one is set", async () => {
    const unreachable = await admin('PUT', `/v1/admin/tenants/${tenantId}/environments/live`, { graphBaseUrl: 'http://127.0.0.1:1' });
    expect(unreachable.body).toEqual({ graphBaseUrl: 'http://127.0.0.1:1' });
    const failed = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/subscribe`);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect((failed.body['error'] as Json)['code']).toMatch(/^upstream_/);
    const restored = await admin('PUT', `/v1/admin/tenants/${tenantId}/environments/live`, { graphBaseUrl: null });
    expect(restored.body['graphBaseUrl']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/subscribe`)).status).toBe(200);
  });

  it("lists the environment's numbers to its tenant key (GET /v1/phone-numbers), and none to another tenant or environment", async () => {
    const live = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    const test = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'test' })).body['key'] as string;
    const other = (await admin('POST', `/v1/admin/tenants/${otherTenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    const listed = await call('GET', '/v1/phone-numbers', live);
    expect(listed.status).toBe(200);
    expect((listed.body['data'] as Json[]).map((n) => n['phoneNumberId']).sort()).toEqual([DEMO_IDS.phoneNumberId, DEMO_IDS.secondPhoneNumberId]);
    expect((listed.body['data'] as Json[]).find((n) => n['phoneNumberId'] === DEMO_IDS.secondPhoneNumberId)).toMatchObject({
      wabaId: DEMO_IDS.wabaId,
      qualityRating: 'YELLOW',
      messagingLimit: 'TIER_2K',
    });
    expect((await call('GET', '/v1/phone-numbers', test)).body).toEqual({ data: [] });
    expect((await call('GET', '/v1/phone-numbers', other)).body).toEqual({ data: [] });
    expect((await call('GET', '/v1/phone-numbers', TEST_ADMIN_KEY)).status).toBe(401);
  });

  it('answers 404 for a WABA of another tenant, and for a tenant key on the admin routes 401', async () => {
    expect((await admin('POST', `/v1/admin/tenants/${otherTenantId}/wabas/${DEMO_IDS.wabaId}/subscribe`)).status).toBe(404);
    expect((await admin('PUT', `/v1/admin/tenants/${otherTenantId}/wabas/${DEMO_IDS.wabaId}/token`, { accessToken: tokens.good })).status).toBe(404);
    expect((await admin('POST', `/v1/admin/tenants/${otherTenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`)).status).toBe(404);
    const key = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect((await call('POST', '/v1/admin/meta-apps', key, { appId: '1', appSecret: 'x'.repeat(10), verifyToken: 'y'.repeat(10) })).status).toBe(401);
    expect((await call('GET', `/v1/admin/tenants/${tenantId}/diagnostics`, key)).status).toBe(401);
  });

  it('rotates the token without downtime and exchanges one expiring in 3 days, using the new one next', async () => {
    const rotated = await admin('PUT', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/token`, { accessToken: tokens.expiringSoon });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ token: { status: 'expiring' } });

    // Counted in readiness without failing it; which tenant and WABA only for the operator key.
    const tenantKey = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    for (const stranger of [undefined, tenantKey, `${TEST_ADMIN_KEY}x`]) {
      const ready = await call('GET', '/health/ready', stranger);
      expect(ready.status).toBe(200);
      expect((ready.body['details'] as Record<string, Json>)['tokens']).toEqual({ status: 'up', valid: 0, expiring: 1, expired: 0, invalid: 0 });
      expect(JSON.stringify(ready.body)).not.toContain(tenantId);
      expect(JSON.stringify(ready.body)).not.toContain(DEMO_IDS.wabaId);
    }
    const operatorView = await admin('GET', '/health/ready');
    expect(operatorView.status).toBe(200);
    expect((operatorView.body['details'] as Record<string, Json>)['tokens']).toEqual({
      status: 'up',
      valid: 0,
      expiring: 1,
      expired: 0,
      invalid: 0,
      attention: [expect.objectContaining({ tenantId, environment: 'live', wabaId: DEMO_IDS.wabaId, status: 'expiring' })],
    });

    const report = await gateway.get(TokenLifecycleService).checkAll();
    expect(report).toEqual({ checked: 1, exchanged: 1, problems: 0 });

    expect(simulator.requests({ path: '/oauth/access_token' })).toHaveLength(1);

    // The next Graph call asks debug_token about the stored token: it is the new,
    // 60-day one (the old one had 3 days left).
    const diagnostics = await admin('GET', `/v1/admin/tenants/${tenantId}/diagnostics?environment=live`);
    const expiry = (diagnostics.body['items'] as Array<{ check: string; status: string; detail: string }>).find((item) => item.check.endsWith('token expiry'));
    expect(expiry?.status).toBe('pass');
    const expiresAt = Date.parse(expiry?.detail.replace('Expires ', '') ?? '');
    expect(expiresAt - Date.now()).toBeGreaterThan(50 * DAY_S * 1000);
    const stored = await admin('GET', `/v1/admin/tenants/${tenantId}/diagnostics?environment=live`);
    expect(JSON.stringify(stored.body)).not.toContain(tokens.expiringSoon);
  });

  it('keeps every token, app secret and verify token out of the database dump', () => {
    const dump = execFileSync('pg_dump', ['--data-only', database.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(dump).toContain('COPY public.wabas');
    for (const secret of [tokens.good, tokens.expiringSoon, demoApp.secret, demoApp.verifyToken]) {
      expect(dump).not.toContain(secret);
    }
  });
});
