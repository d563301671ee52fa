import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { MessageEntity, OutboxSweeper, SendTimeChecks } from '@switchboard/messaging';
import { migrateDatabase } from '@switchboard/platform';
import { QUEUE_NAMES } from '@switchboard/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { caller, startTestGateway, syncTemplates, TEST_ADMIN_KEY, type Json } from './gateway.test-helper';

const seed = demoSeed();
const [demoApp] = seed.apps;
const [demoToken] = seed.tokens;
if (!demoApp || !demoToken) throw new Error('demo seed without app or token');

const WINDOW_OPEN_RECIPIENT = '14155550199';
const template = (to: string, extra: Json = {}) => ({
  from: DEMO_IDS.phoneNumberId,
  to,
  type: 'template',
  template: { name: 'hello_world', language: { code: 'en_US' } },
  ...extra,
});
const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000);

/**
 * The rest of issue 6 in-process: recipients in national format, Meta test numbers'
 * allow-lists, scheduled sends, the retry route and the checks that run again at
 * send time (simulator as Meta, real Postgres and Redis). The demo WABA lives in the
 * tenant's `test` environment here.
 */
describe('Outbound messages: country hints, test numbers, scheduledAt, retry and send-time checks', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let call: ReturnType<typeof caller>;
  let queue: Queue;
  let dataSource: DataSource;
  let tenantId: string;
  let key: string;
  let liveKey: string;
  let otherKey: string;

  const send = async (body: Json, apiKey: string = key) => {
    const response = await gateway.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${apiKey}` }, payload: body });
    return { status: response.statusCode, body: response.json() as Json };
  };
  const errorOf = (body: Json) => body['error'] as { code: string; details?: Array<{ path: string; issue: string }>; meta?: { code: number } };
  const rowCount = async () => Number(((await dataSource.query(`SELECT count(*)::int AS n FROM messages`)) as Array<{ n: number }>)[0]?.n);
  const expectRefused = async (body: Json, status: number, code: string, path?: string) => {
    const before = { rows: await rowCount(), jobs: await queue.count() };
    const response = await send(body);
    expect({ status: response.status, code: errorOf(response.body)?.code }).toEqual({ status, code });
    if (path !== undefined) expect(errorOf(response.body).details?.map((detail) => detail.path)).toContain(path);
    expect({ rows: await rowCount(), jobs: await queue.count() }).toEqual(before);
    return errorOf(response.body);
  };
  // The change drops the kept numbers before the answer: the next accept sees it.
  const setTestNumber = (body: Json) =>
    call('PUT', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/${DEMO_IDS.phoneNumberId}/test-number`, TEST_ADMIN_KEY, body);
  const markFailed = (id: string, status: 'failed' | 'dead' = 'failed') =>
    dataSource.query(`UPDATE messages SET status = $2, attempts = 3, error = $3 WHERE id = $1`, [
      id,
      status,
      { code: 'service_unavailable', message: 'Meta was down', category: 'platform', retryable: true, action: 'retry later', meta: { code: 131000, title: 'Something went wrong' } },
    ]);

  beforeAll(async () => {
    database = await createTestDatabase('messages_rest');
    redis = createTestRedis('messages_rest');
    simulator = await createMetaSimulator({ seed });
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: await simulator.listen({ port: 0 }) });
    call = caller(gateway);
    queue = gateway.get<Queue>(getQueueToken(QUEUE_NAMES.messages), { strict: false });
    dataSource = gateway.get(DataSource, { strict: false });
    const admin = (url: string, body?: Json) => call('POST', url, TEST_ADMIN_KEY, body);

    tenantId = (await admin('/v1/admin/tenants', { slug: 'clinic', name: 'Clinic' })).body['id'] as string;
    const otherTenantId = (await admin('/v1/admin/tenants', { slug: 'bakery', name: 'Bakery' })).body['id'] as string;
    await admin('/v1/admin/meta-apps', { appId: demoApp.id, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken });
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'test', wabaId: DEMO_IDS.wabaId, appId: demoApp.id, accessToken: demoToken.token })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`)).status).toBe(200);
    key = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'test' })).body['key'] as string;
    liveKey = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    otherKey = (await admin(`/v1/admin/tenants/${otherTenantId}/api-keys`, { environment: 'test' })).body['key'] as string;
    expect(await syncTemplates(gateway, key)).toMatchObject({ state: 'succeeded' });
    await dataSource.query(
      `INSERT INTO conversation_windows (tenant_id, environment, phone_number_id, wa_id, last_inbound_at) VALUES ($1, 'test', $2, $3, now() - interval '1 hour')`,
      [tenantId, DEMO_IDS.phoneNumberId, WINDOW_OPEN_RECIPIENT],
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  describe('recipients in national format', () => {
    it("reads them in the named country, else in the sending number's country", async () => {
      expect((await send(template('020 7946 0958', { country: 'GB' }))).body).toMatchObject({ status: 'queued', to: '442079460958' });
      // The demo number is +1 555-010-0001: a national US number is read with +1.
      expect((await send(template('(312) 555-1234'))).body).toMatchObject({ status: 'queued', to: '13125551234' });
    });

    it('refuses a number that is not valid in the named country, and one that reads as two countries', async () => {
      await expectRefused(template('020 7946 0958', { country: 'US' }), 422, 'invalid_recipient', 'to');
      const ambiguous = await expectRefused(template('430 555 1234'), 422, 'invalid_recipient', 'to');
      expect(ambiguous.details?.[0]?.issue).toContain('+435551234 (AT)');
      await expectRefused(template('020 7946 0958', { country: 'GBR' }), 400, 'validation_failed', 'country');
    });
  });

  describe('Meta test numbers send only to their registered recipients', () => {
    afterAll(async () => {
      expect((await setTestNumber({ testNumber: false })).status).toBe(200);
    });

    it('marks a number with at most 5 recipients, only in a test environment', async () => {
      const marked = await setTestNumber({ testNumber: true, testRecipients: ['+1 (415) 555-0101', '+44 20 7946 0958'] });
      expect(marked.status).toBe(200);
      expect(marked.body).toMatchObject({ phoneNumberId: DEMO_IDS.phoneNumberId, testNumber: true, testRecipients: ['14155550101', '442079460958'] });
      const six = Array.from({ length: 6 }, (_, n) => `+1 415 555 010${n}`);
      expect((await setTestNumber({ testNumber: true, testRecipients: six })).status).toBe(400);
      expect((await call('PUT', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/3999/test-number`, TEST_ADMIN_KEY, { testNumber: false })).status).toBe(404);
    });

    it('refuses any other recipient with recipient_not_allowed (Meta 131030), storing and enqueuing nothing', async () => {
      const refused = await expectRefused(template('+1 415 555 0102'), 422, 'recipient_not_allowed', 'to');
      expect(refused.meta?.code).toBe(131030);
      expect((await send(template('+1 415 555 0101'))).status).toBe(202);
      expect((await send(template('0044 20 7946 0958'))).status).toBe(202);
    });
  });

  describe('scheduledAt', () => {
    it('stores the time in UTC, shows it, and holds the job in the delayed set until then', async () => {
      const local = inHours(5);
      const withOffset = new Date(local.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
      const response = await send(template('+1 415 555 0131', { scheduledAt: withOffset }));
      expect(response.status).toBe(202);
      expect(response.body['scheduledAt']).toBe(local.toISOString());
      const id = response.body['id'] as string;
      expect((await call('GET', `/v1/messages/${id}`, key)).body).toMatchObject({ status: 'queued', scheduledAt: local.toISOString() });
      const job = await queue.getJob(`message-${id}`);
      expect(await job?.getState()).toBe('delayed');
      expect(job?.data).toMatchObject({ messageId: id, notBefore: local.toISOString() });
      expect(job?.opts.delay).toBeGreaterThan(4.9 * 3600_000);
      expect((await send(template('+1 415 555 0132'))).body['scheduledAt']).toBeUndefined();
    });

    it('refuses a time in the past, more than 30 days ahead, or without an offset (400 validation_failed, path scheduledAt)', async () => {
      await expectRefused(template('+1 415 555 0133', { scheduledAt: inHours(-1).toISOString() }), 400, 'validation_failed', 'scheduledAt');
      await expectRefused(template('+1 415 555 0133', { scheduledAt: inHours(31 * 24).toISOString() }), 400, 'validation_failed', 'scheduledAt');
      await expectRefused(template('+1 415 555 0133', { scheduledAt: inHours(2).toISOString().replace('Z', '') }), 400, 'validation_failed', 'scheduledAt');
      await expectRefused(template('+1 415 555 0133', { scheduledAt: 'tomorrow' }), 400, 'validation_failed', 'scheduledAt');
    });

    it('the outbox sweep leaves a scheduled message alone until it is due, then enqueues it at once', async () => {
      const sweeper = gateway.get(OutboxSweeper, { strict: false });
      const id = (await send(template('+1 415 555 0134', { scheduledAt: inHours(1).toISOString() }))).body['id'] as string;
      await (await queue.getJob(`message-${id}`))?.remove();
      await dataSource.query(`UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = $1`, [id]);
      await sweeper.sweep();
      expect(await queue.getJob(`message-${id}`)).toBeUndefined();

      await dataSource.query(`UPDATE messages SET scheduled_at = now() - interval '1 minute' WHERE id = $1`, [id]);
      await sweeper.sweep();
      const job = await queue.getJob(`message-${id}`);
      expect(job?.data).toMatchObject({ messageId: id });
      expect(await job?.getState()).toBe('waiting');
    });
  });

  describe('POST /v1/messages/{id}/retry', () => {
    it('requeues a failed or dead message with a new job id and a queued event; anything else is 409', async () => {
      const accepted = await send(template('+1 415 555 0141'));
      const id = accepted.body['id'] as string;
      const notYet = await call('POST', `/v1/messages/${id}/retry`, key);
      expect(notYet.status).toBe(409);
      expect(errorOf(notYet.body).code).toBe('conflict');

      await markFailed(id);
      const retried = await call('POST', `/v1/messages/${id}/retry`, key);
      expect(retried.status).toBe(202);
      expect(retried.body).toEqual(accepted.body);
      expect(await queue.getJob(`message-${id}-retry-1`)).toBeDefined();
      const view = (await call('GET', `/v1/messages/${id}`, key)).body;
      expect(view).toMatchObject({ status: 'queued', attempts: 0, error: null });
      expect((view['events'] as Json[]).map((event) => event['status'])).toEqual(['queued', 'queued']);
      const [event] = (await dataSource.query(`SELECT detail FROM message_events WHERE message_id = $1 ORDER BY id DESC LIMIT 1`, [id])) as Array<{ detail: Json }>;
      expect(event?.detail).toMatchObject({ retry: 1, previous: { status: 'failed', attempts: 3, error: { code: 'service_unavailable' } } });
      expect((await call('POST', `/v1/messages/${id}/retry`, key)).status).toBe(409);

      await markFailed(id, 'dead');
      expect((await call('POST', `/v1/messages/${id}/retry`, key)).status).toBe(202);
      expect(await queue.getJob(`message-${id}-retry-2`)).toBeDefined();

      // The sweep finds the retry's job by its own id.
      await dataSource.query(`UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = $1`, [id]);
      await (await queue.getJob(`message-${id}-retry-2`))?.remove();
      expect(await gateway.get(OutboxSweeper, { strict: false }).sweep()).toMatchObject({ reenqueued: 1 });
      expect((await queue.getJob(`message-${id}-retry-2`))?.data).toEqual({ messageId: id, retry: 2 });
    });

    it('answers 404 across tenants and environments, and for ids that are not message ids', async () => {
      const id = (await send(template('+1 415 555 0142'))).body['id'] as string;
      await markFailed(id);
      for (const foreign of [otherKey, liveKey]) expect((await call('POST', `/v1/messages/${id}/retry`, foreign)).status).toBe(404);
      expect((await call('POST', `/v1/messages/msg_00000000000000000000000000/retry`, key)).status).toBe(404);
      expect((await call('POST', `/v1/messages/nope/retry`, key)).status).toBe(404);
      expect((await call('GET', `/v1/messages/${id}`, key)).body['status']).toBe('failed');
    });
  });

  describe('SendTimeChecks (the send worker calls it just before the Graph call)', () => {
    const checkOf = async (id: string) => {
      const message = await dataSource.getRepository(MessageEntity).findOneByOrFail({ id });
      return gateway.get(SendTimeChecks, { strict: false }).check(message);
    };

    it('passes a message whose state has not changed', async () => {
      expect(await checkOf((await send(template('+1 415 555 0151'))).body['id'] as string)).toBeNull();
      const text = await send({ from: DEMO_IDS.phoneNumberId, to: WINDOW_OPEN_RECIPIENT, type: 'text', text: { body: 'Your results are ready.' } });
      expect(text.status).toBe(202);
      expect(await checkOf(text.body['id'] as string)).toBeNull();
    });

    it('refuses, outside any request, what accept would now refuse: suppression, closed window, template status, test-number list', async () => {
      const suppressed = (await send(template('+1 415 555 0152'))).body['id'] as string;
      expect((await call('POST', '/v1/suppressions', key, { waId: '+1 415 555 0152' })).status).toBe(201);
      expect((await checkOf(suppressed))?.code).toBe('recipient_suppressed');

      const text = (await send({ from: DEMO_IDS.phoneNumberId, to: WINDOW_OPEN_RECIPIENT, type: 'text', text: { body: 'See you at 3.' } })).body['id'] as string;
      await dataSource.query(`UPDATE conversation_windows SET last_inbound_at = now() - interval '25 hours' WHERE wa_id = $1`, [WINDOW_OPEN_RECIPIENT]);
      const closed = await checkOf(text);
      expect({ code: closed?.code, meta: closed?.meta?.code }).toEqual({ code: 'window_closed', meta: 131047 });

      const templated = (await send(template('+1 415 555 0153'))).body['id'] as string;
      await dataSource.query(`UPDATE templates SET status = 'REJECTED' WHERE name = 'hello_world' AND tenant_id = $1`, [tenantId]);
      expect((await checkOf(templated))?.code).toBe('template_not_approved');
      await dataSource.query(`UPDATE templates SET status = 'APPROVED' WHERE name = 'hello_world' AND tenant_id = $1`, [tenantId]);
      expect(await checkOf(templated)).toBeNull();

      expect((await setTestNumber({ testNumber: true, testRecipients: ['+1 415 555 0101'] })).status).toBe(200);
      const notAllowed = await checkOf(templated);
      expect({ code: notAllowed?.code, meta: notAllowed?.meta?.code }).toEqual({ code: 'recipient_not_allowed', meta: 131030 });
      expect((await setTestNumber({ testNumber: false })).status).toBe(200);
    });
  });
});
