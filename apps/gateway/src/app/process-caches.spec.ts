import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PhoneNumbersService } from '@switchboard/accounts';
import type { MessageEntity } from '@switchboard/messaging';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { CacheInvalidation, migrateDatabase, type InvalidationEvent } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing } from '@switchboard/token-vault';
import { WhatsAppChannelHost } from '@switchboard/whatsapp-host';
import { DataSource } from 'typeorm';
import { caller, startTestGateway, TEST_ADMIN_KEY, type Json } from './gateway.test-helper';
import { startTestWebhookProcessing } from './webhook-processing.test-helper';

const seed = demoSeed();
const [demoApp] = seed.apps;
const [demoToken] = seed.tokens;
if (!demoApp || !demoToken) throw new Error('demo seed without app or token');
const rotatedToken = 'sim-token-test-rotated-for-the-cache-spec';
const secondRotation = 'sim-token-test-rotated-again-for-the-cache-spec';
seed.tokens.push({ ...demoToken, token: rotatedToken }, { ...demoToken, token: secondRotation });

/**
 * The process caches across two processes on one Postgres and one Redis prefix: the gateway
 * (admin API, accept) and a worker (send worker side). A change made in one is seen by the
 * next read in the other once the invalidation arrives; a direct SQL write, which publishes
 * nothing, shows that the reads are kept.
 */
describe('Process caches: a change in one process is seen by the next send config read in another', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let worker: INestApplicationContext;
  let dataSource: DataSource;
  let call: ReturnType<typeof caller>;
  let tenantId: string;
  let message: MessageEntity;

  beforeAll(async () => {
    database = await createTestDatabase('process_caches');
    redis = createTestRedis('process_caches');
    simulator = await createMetaSimulator({ seed });
    await migrateDatabase(database.url, 'test');
    const graph = await simulator.listen({ port: 0 });
    const vaultKeys = new MasterKeyRing(MasterKey.generate());
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: graph }, vaultKeys);
    worker = await startTestWebhookProcessing(database, redis, vaultKeys, graph);
    await Promise.all([busOf(gateway).whenSubscribed(), busOf(worker).whenSubscribed()]);
    call = caller(gateway);
    dataSource = gateway.get(DataSource, { strict: false });
    tenantId = (await call('POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug: 'cached', name: 'Cached' })).body['id'] as string;
    expect((await admin('POST', '/v1/admin/meta-apps', { appId: demoApp.id, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken })).status).toBe(201);
    expect((await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, { environment: 'test', wabaId: DEMO_IDS.wabaId, appId: demoApp.id, accessToken: demoToken.token })).status).toBe(201);
    expect((await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`)).status).toBe(200);
    message = { tenantId, environment: 'test', accountId: DEMO_IDS.wabaId, sender: DEMO_IDS.phoneNumberId } as MessageEntity;
  });

  afterAll(async () => {
    await worker?.close();
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  const admin = (method: 'POST' | 'PUT', url: string, body?: Json) => call(method, url, TEST_ADMIN_KEY, body);
  const busOf = (app: INestApplicationContext) => app.get(CacheInvalidation, { strict: false });
  const hostOf = (app: INestApplicationContext) => app.get(WhatsAppChannelHost, { strict: false });
  const tokenIn = async (app: INestApplicationContext) => {
    const config = await hostOf(app).sendConfig(message);
    return config === null ? 'paused' : (config.config as { accessToken: string }).accessToken;
  };
  /** The next invalidation of `topic` that `app` hears from another process. */
  const heardBy = (app: INestApplicationContext, topic: string) =>
    new Promise<InvalidationEvent>((resolve) => {
      const stop = busOf(app).onInvalidation((event) => {
        if (event.source !== 'remote' || event.topic !== topic) return;
        stop();
        resolve(event);
      });
    });

  /** Statements the app's DataSource sent to Postgres while `work` ran. */
  const statementsDuring = async (app: INestApplicationContext, work: () => Promise<unknown>) => {
    const statements = jest.spyOn(app.get(DataSource, { strict: false }).logger, 'logQuery');
    try {
      await work();
      return statements.mock.calls.length;
    } finally {
      statements.mockRestore();
    }
  };

  it('keeps the WABA read by a send: a row changed behind its back (no invalidation) is not reread', async () => {
    expect(await tokenIn(worker)).toBe(demoToken.token);
    // The send path's reads of the WABA, its token, its Graph origin and the number's limits: none once kept.
    const numbers = worker.get(PhoneNumbersService, { strict: false });
    expect(await statementsDuring(worker, () => numbers.limits(message, DEMO_IDS.phoneNumberId))).toBe(1);
    expect(await statementsDuring(worker, () => Promise.all([tokenIn(worker), numbers.limits(message, DEMO_IDS.phoneNumberId)]))).toBe(0);
    await dataSource.query(`UPDATE wabas SET token_status = 'invalid' WHERE tenant_id = $1`, [tenantId]);
    expect(await tokenIn(worker)).toBe(demoToken.token);
    await dataSource.query(`UPDATE wabas SET token_status = 'valid' WHERE tenant_id = $1`, [tenantId]);
  });

  it('a token rotated through the gateway is the one the worker sends with next', async () => {
    expect(await tokenIn(worker)).toBe(demoToken.token);
    const heard = heardBy(worker, 'accounts');
    expect((await admin('PUT', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/token`, { accessToken: rotatedToken })).status).toBe(200);
    // The invalidation names ids only: tenant, environment, WABA.
    const event = await heard;
    expect(event.keys).toEqual([`${tenantId}:test:wabas:${DEMO_IDS.wabaId}`]);
    expect(JSON.stringify(event)).not.toContain(rotatedToken);
    expect(await tokenIn(worker)).toBe(rotatedToken);
  });

  it('a WABA paused by the worker (Meta refused its token) is held by the gateway too, and a rotation lifts it everywhere', async () => {
    expect(await tokenIn(gateway)).toBe(rotatedToken);
    const paused = heardBy(gateway, 'accounts');
    expect(await hostOf(worker).pause(message, 'Meta refused the token (190)')).toBe(true);
    expect(await tokenIn(worker)).toBe('paused');
    await paused;
    expect(await tokenIn(gateway)).toBe('paused');

    const resumed = heardBy(worker, 'accounts');
    expect((await admin('PUT', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/token`, { accessToken: secondRotation })).status).toBe(200);
    expect(await tokenIn(gateway)).toBe(secondRotation);
    await resumed;
    expect(await tokenIn(worker)).toBe(secondRotation);
  });

  it("a number's test recipients set through the gateway apply to the worker's next sender read", async () => {
    const scope = { tenantId, environment: 'test' as const };
    expect(await hostOf(worker).resolveSender(scope, DEMO_IDS.phoneNumberId)).toMatchObject({ testRecipients: null });
    const heard = heardBy(worker, 'accounts');
    const marked = await admin('PUT', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/${DEMO_IDS.phoneNumberId}/test-number`, {
      testNumber: true,
      testRecipients: ['+15550100999'],
    });
    expect(marked.status).toBe(200);
    await heard;
    expect(await hostOf(worker).resolveSender(scope, DEMO_IDS.phoneNumberId)).toMatchObject({ testRecipients: ['15550100999'] });
  });

  it('keeps tenants apart: another tenant naming the same WABA gets no send config', async () => {
    const other = (await call('POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug: 'stranger', name: 'Stranger' })).body['id'] as string;
    await expect(hostOf(worker).sendConfig({ ...message, tenantId: other } as MessageEntity)).rejects.toMatchObject({ code: 'not_found' });
  });
});
