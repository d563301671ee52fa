import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateDatabase } from '@switchboard/platform';
import { QUEUE_NAMES, QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { startTestGateway, TEST_ADMIN_KEY } from './gateway.test-helper';

type Json = Record<string, unknown>;

describe('queue board at /admin/queues: read-only, operator only', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let gateway: NestFastifyApplication;
  const operator = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

  beforeAll(async () => {
    database = await createTestDatabase('queue_board');
    redis = createTestRedis('queue_board');
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis);
    await gateway.get<QueueProducer>(QUEUE_PRODUCER).add('webhooks.process', { inboxIds: [41, 42] });
  });

  afterAll(async () => {
    await gateway?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('answers 401 with the contract body without the operator key, with a tenant-like or wrong key, cookie or ?key=', async () => {
    for (const request of [
      { url: '/admin/queues' },
      { url: '/admin/queues/api/queues' },
      { url: '/admin/queues/static/favicon-32x32.png' },
      { url: '/admin/queues', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}x` } },
      { url: '/admin/queues', headers: { cookie: `switchboard_queue_board=${TEST_ADMIN_KEY}x` } },
      { url: `/admin/queues?key=${TEST_ADMIN_KEY}x` },
      { url: '/admin/queues/api/queues/webhooks/pause', method: 'PUT' as const },
    ]) {
      const response = await gateway.inject({ method: 'GET', ...request });
      expect({ url: request.url, status: response.statusCode }).toEqual({ url: request.url, status: 401 });
      expect(response.json()).toEqual({ error: { code: 'unauthorized', message: 'Missing or invalid operator key', requestId: expect.any(String) } });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('serves the UI and its API to the operator, over every queue of the deployment, each read-only', async () => {
    const page = await gateway.inject({ method: 'GET', url: '/admin/queues', headers: operator });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<base href="/admin/queues/" />');
    const asset = await gateway.inject({ method: 'GET', url: '/admin/queues/static/favicon-32x32.png', headers: operator });
    expect({ status: asset.statusCode, type: asset.headers['content-type'] }).toEqual({ status: 200, type: 'image/png' });

    const api = await gateway.inject({ method: 'GET', url: '/admin/queues/api/queues?activeQueue=webhooks&status=waiting&page=1', headers: operator });
    expect(api.statusCode).toBe(200);
    const queues = (api.json() as { queues: Array<Json & { name: string; readOnlyMode: boolean; counts: Json; jobs: Json[] }> }).queues;
    expect(queues.map((queue) => queue.name).sort()).toEqual(Object.values(QUEUE_NAMES).sort());
    expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);
    const webhooks = queues.find((queue) => queue.name === QUEUE_NAMES.webhooks);
    expect(webhooks?.counts).toMatchObject({ waiting: 1 });
    expect(webhooks?.jobs.map((job) => job['id'])).toEqual(['webhook-inbox-41-2']);
  });

  it('refuses every write (pause, retry, clean, add) with 405, and the queue stays as it was', async () => {
    const queue = gateway.get<QueueProducer>(QUEUE_PRODUCER).queue(QUEUE_NAMES.webhooks);
    for (const [method, url] of [
      ['PUT', '/admin/queues/api/queues/webhooks/pause'],
      ['PUT', '/admin/queues/api/queues/pause'],
      ['PUT', '/admin/queues/api/queues/webhooks/retry/failed'],
      ['PUT', '/admin/queues/api/queues/webhooks/clean/waiting'],
      ['PUT', '/admin/queues/api/queues/webhooks/webhook-inbox-41-2/clean'],
      ['POST', '/admin/queues/api/queues/webhooks/add'],
      ['PATCH', '/admin/queues/api/queues/webhooks/webhook-inbox-41-2/update-data'],
    ] as const) {
      const response = await gateway.inject({ method, url, headers: operator, payload: {} });
      expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 405 });
      expect(response.json()).toMatchObject({ error: { code: 'method_not_allowed', message: 'The queue board is read-only' } });
    }
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('signs a browser in with ?key= once: an HttpOnly, SameSite=Strict cookie for the board only, and a redirect that drops the key', async () => {
    const signIn = await gateway.inject({ method: 'GET', url: `/admin/queues/queue/webhooks?key=${encodeURIComponent(TEST_ADMIN_KEY)}&status=waiting` });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers['location']).toBe('/admin/queues/queue/webhooks?status=waiting');
    const cookie = String(signIn.headers['set-cookie']);
    expect(cookie).toBe(`switchboard_queue_board=${TEST_ADMIN_KEY}; Path=/admin/queues; HttpOnly; SameSite=Strict`);

    const session = { cookie: `theme=dark; ${cookie.split(';', 1)[0]}` };
    expect((await gateway.inject({ method: 'GET', url: '/admin/queues/queue/webhooks?status=waiting', headers: session })).statusCode).toBe(200);
    expect((await gateway.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: session })).statusCode).toBe(200);
    expect((await gateway.inject({ method: 'PUT', url: '/admin/queues/api/queues/webhooks/pause', headers: session })).statusCode).toBe(405);

    const behindTls = await gateway.inject({ method: 'GET', url: `/admin/queues?key=${TEST_ADMIN_KEY}`, headers: { 'x-forwarded-proto': 'https' } });
    expect(String(behindTls.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('leaves every other route alone: the admin API keeps its own guard', async () => {
    expect((await gateway.inject({ method: 'GET', url: '/v1/admin/tenants', headers: { cookie: `switchboard_queue_board=${TEST_ADMIN_KEY}` } })).statusCode).toBe(401);
    expect((await gateway.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});
