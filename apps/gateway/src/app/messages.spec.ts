import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { OutboxSweeper } from '@switchboard/messaging';
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

const RECIPIENT = '14155551234';
const WINDOW_OPEN_RECIPIENT = '14155550199';
const helloWorld = (to = '+1 (415) 555-1234') => ({
  from: DEMO_IDS.phoneNumberId,
  to,
  type: 'template',
  template: { name: 'hello_world', language: { code: 'en_US' } },
  metadata: { orderId: '4521' },
});
const text = (body: string, to = WINDOW_OPEN_RECIPIENT) => ({ from: DEMO_IDS.phoneNumberId, to, type: 'text', text: { body } });

describe('Outbound messages: accept, check, store and enqueue (simulator as Meta, real Postgres and Redis)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let simulatorUrl: string;
  let gateway: NestFastifyApplication;
  let call: ReturnType<typeof caller>;
  let queue: Queue;
  let dataSource: DataSource;
  let tenantId: string;
  let key: string;
  let testKey: string;
  let otherKey: string;

  const send = async (body: Json, idempotencyKey?: string, apiKey: string = key) => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${apiKey}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      payload: body,
    });
    return { status: response.statusCode, body: response.json() as Json };
  };
  const counts = async () => {
    const [row] = (await dataSource.query(`SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM message_events)::int AS events`)) as Array<{
      messages: number;
      events: number;
    }>;
    return { ...row, jobs: await queue.count() };
  };
  const errorOf = (body: Json) => body['error'] as { code: string; details?: Array<{ path: string; issue: string }>; meta?: { code: number } };

  /** Sends, expects the refusal with its code and path, and that nothing was stored or enqueued. */
  const expectRefused = async (body: Json, status: number, code: string, path?: string) => {
    const before = await counts();
    const response = await send(body);
    expect({ status: response.status, code: errorOf(response.body)?.code }).toEqual({ status, code });
    if (path !== undefined) expect(errorOf(response.body).details?.map((detail) => detail.path)).toContain(path);
    expect(await counts()).toEqual(before);
    return errorOf(response.body);
  };

  beforeAll(async () => {
    database = await createTestDatabase('messages');
    redis = createTestRedis('messages');
    simulator = await createMetaSimulator({ seed });
    await migrateDatabase(database.url, 'test');
    simulatorUrl = await simulator.listen({ port: 0 });
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: simulatorUrl });
    call = caller(gateway);
    queue = gateway.get<Queue>(getQueueToken(QUEUE_NAMES.messages), { strict: false });
    dataSource = gateway.get(DataSource, { strict: false });
    const admin = (method: 'POST', url: string, body?: Json) => call(method, url, TEST_ADMIN_KEY, body);

    tenantId = (await admin('POST', '/v1/admin/tenants', { slug: 'retail', name: 'Retail' })).body['id'] as string;
    const otherTenantId = (await admin('POST', '/v1/admin/tenants', { slug: 'other', name: 'Other' })).body['id'] as string;
    await admin('POST', '/v1/admin/meta-apps', { appId: demoApp.id, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken });
    const waba = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: demoApp.id, accessToken: demoToken.token });
    expect(waba.status).toBe(201);
    const number = await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, {
      phoneNumberId: DEMO_IDS.phoneNumberId,
      displayPhoneNumber: '+1 555-010-0001',
    });
    expect(number.status).toBe(201);
    key = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    testKey = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'test' })).body['key'] as string;
    otherKey = (await admin('POST', `/v1/admin/tenants/${otherTenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect(await syncTemplates(gateway, key)).toMatchObject({ state: 'succeeded' });
    // Webhook processing writes windows (a later issue); here the contact wrote an hour ago.
    await dataSource.query(
      `INSERT INTO conversation_windows (tenant_id, environment, phone_number_id, wa_id, last_inbound_at) VALUES ($1, 'live', $2, $3, now() - interval '1 hour'), ($1, 'live', $2, $4, now() - interval '25 hours')`,
      [tenantId, DEMO_IDS.phoneNumberId, WINDOW_OPEN_RECIPIENT, '14155550198'],
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('accepts a valid template send: 202 in the contract shape, the row queued with its event, the job carrying the id', async () => {
    const before = await counts();
    const response = await send(helloWorld());
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: expect.stringMatching(/^msg_[0-9A-Z]{26}$/), status: 'queued', to: RECIPIENT, from: DEMO_IDS.phoneNumberId, createdAt: expect.any(String) });
    expect(await counts()).toEqual({ messages: before.messages + 1, events: before.events + 1, jobs: before.jobs + 1 });
    const id = response.body['id'] as string;
    const job = await queue.getJob(`message-${id}`);
    expect(job?.name).toBe('messages.send');
    expect(job?.data).toMatchObject({ messageId: id });

    const read = await call('GET', `/v1/messages/${id}`, key);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      id,
      status: 'queued',
      wamid: null,
      to: RECIPIENT,
      from: DEMO_IDS.phoneNumberId,
      type: 'template',
      attempts: 0,
      metadata: { orderId: '4521' },
      error: null,
      scheduledAt: null,
      events: [{ status: 'queued', at: response.body['createdAt'] }],
      createdAt: response.body['createdAt'],
      updatedAt: expect.any(String),
    });
  });

  it('finds the sending number by its display number too', async () => {
    const response = await send({ ...helloWorld('0044 20 7946 0958'), from: '+1 555-010-0001' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ to: '442079460958', from: DEMO_IDS.phoneNumberId });
  });

  it('accepts text inside an open 24 h window', async () => {
    const response = await send(text('Your parcel is at the door.', '+1.415.555.0199'));
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ to: WINDOW_OPEN_RECIPIENT, status: 'queued' });
  });

  describe('refusals store nothing and enqueue nothing', () => {
    it('invalid recipient (422 invalid_recipient, path to)', async () => {
      await expectRefused(helloWorld('+1 234'), 422, 'invalid_recipient', 'to');
      await expectRefused(helloWorld('not a number'), 422, 'invalid_recipient', 'to');
    });

    it('a business-scoped user id (422 invalid_recipient, meta 131062) and a group recipient (400 validation_failed)', async () => {
      const bsuid = await expectRefused(helloWorld('US.8811234567890'), 422, 'invalid_recipient', 'to');
      expect(bsuid.meta?.code).toBe(131062);
      await expectRefused({ ...helloWorld(), recipient_type: 'group' }, 400, 'validation_failed', 'recipient_type');
    });

    it('refused region (422 unsupported_region)', async () => {
      await expectRefused(helloWorld('+53 5 551 2345'), 422, 'unsupported_region', 'to');
    });

    it('a sender that is not a number of this environment (400 validation_failed, path from)', async () => {
      await expectRefused({ ...helloWorld(), from: '3999999999999999' }, 400, 'validation_failed', 'from');
    });

    it('text without a window, or with one older than 24 h (422 window_closed, meta 131047)', async () => {
      const never = await expectRefused(text('Hello', '+1 415 555 1234'), 422, 'window_closed');
      expect(never.meta?.code).toBe(131047);
      await expectRefused(text('Hello', '+1 415 555 0198'), 422, 'window_closed');
    });

    it('text longer than 4096 characters (400 validation_failed, path text.body)', async () => {
      await expectRefused(text('x'.repeat(4097)), 400, 'validation_failed', 'text.body');
    });

    it('un-substituted placeholders, closed or not, in text and template parameters (400 validation_failed naming the path)', async () => {
      await expectRefused(text('Hi {{first_name}}, welcome'), 400, 'validation_failed', 'text.body');
      await expectRefused(text('Hi {{first_name, welcome'), 400, 'validation_failed', 'text.body');
      await expectRefused(
        {
          ...helloWorld(),
          template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '{{name}}' }, { type: 'text', text: '#1' }] }] },
        },
        400,
        'validation_failed',
        'template.components.0.parameters.0.text',
      );
    });

    it('unknown template, wrong language case and wrong parameter count (422 template_*)', async () => {
      await expectRefused({ ...helloWorld(), template: { name: 'no_such_template', language: { code: 'en_US' } } }, 422, 'template_not_found', 'template.name');
      await expectRefused({ ...helloWorld(), template: { name: 'hello_world', language: { code: 'es' } } }, 422, 'template_not_found', 'template.language.code');
      await expectRefused({ ...helloWorld(), template: { name: 'order_update', language: { code: 'en_US' } } }, 422, 'template_param_mismatch');
    });

    it('an unknown type and a malformed body (400 validation_failed)', async () => {
      await expectRefused({ from: DEMO_IDS.phoneNumberId, to: RECIPIENT, type: 'poll', poll: { question: 'Why?' } }, 400, 'validation_failed', 'type');
      await expectRefused({ ...helloWorld(), template: { name: 'hello_world' } }, 400, 'validation_failed', 'template.language');
    });

    it('a suppressed recipient (422 recipient_suppressed) until the suppression is deleted', async () => {
      const added = await call('POST', '/v1/suppressions', key, { waId: '+1 (415) 555-0177', reason: 'asked to stop' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ waId: '14155550177', reason: 'asked to stop', source: 'manual' });
      expect((await call('GET', '/v1/suppressions', key)).body['data']).toEqual([expect.objectContaining({ waId: '14155550177' })]);
      await expectRefused(helloWorld('14155550177'), 422, 'recipient_suppressed', 'to');

      expect((await call('DELETE', '/v1/suppressions/14155550177', key)).status).toBe(204);
      expect((await call('DELETE', '/v1/suppressions/14155550177', key)).status).toBe(404);
      expect((await send(helloWorld('14155550177'))).status).toBe(202);
    });
  });

  it('replays an Idempotency-Key: same body -> the first answer and one job; other body -> 409', async () => {
    const before = await counts();
    const first = await send(helloWorld('+1 415 555 0111'), 'order-4521-shipped');
    expect(first.status).toBe(202);
    // Same body in another key order is the same body.
    const { metadata, ...rest } = helloWorld('+1 415 555 0111');
    const again = await send({ metadata, ...rest }, 'order-4521-shipped');
    expect(again).toEqual(first);
    expect(await counts()).toEqual({ messages: before.messages + 1, events: before.events + 1, jobs: before.jobs + 1 });

    const conflict = await send(helloWorld('+1 415 555 0112'), 'order-4521-shipped');
    expect(conflict.status).toBe(409);
    expect(errorOf(conflict.body).code).toBe('idempotency_conflict');
    expect(await counts()).toEqual({ messages: before.messages + 1, events: before.events + 1, jobs: before.jobs + 1 });
  });

  it('answers concurrent requests with one Idempotency-Key as one message and one job', async () => {
    const before = await counts();
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(helloWorld('+1 415 555 0122'), 'concurrent-key')));
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((answer) => answer.body['id'])).size).toBe(1);
    // A loser that found the winner still in flight is told so (409), never given a second message.
    for (const answer of answers.filter((a) => a.status !== 202)) expect(errorOf(answer.body).code).toBe('idempotency_conflict');
    expect(await counts()).toEqual({ messages: before.messages + 1, events: before.events + 1, jobs: before.jobs + 1 });
  });

  it('lists newest first with a cursor and filters by status and recipient', async () => {
    const all = await call('GET', '/v1/messages?limit=100', key);
    expect(all.status).toBe(200);
    const ids = (all.body['data'] as Json[]).map((message) => message['id'] as string);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect([...ids].sort().reverse()).toEqual(ids);

    const firstPage = await call('GET', '/v1/messages?limit=2', key);
    expect((firstPage.body['data'] as Json[]).map((m) => m['id'])).toEqual(ids.slice(0, 2));
    const secondPage = await call('GET', `/v1/messages?limit=2&cursor=${firstPage.body['nextCursor'] as string}`, key);
    expect((secondPage.body['data'] as Json[]).map((m) => m['id'])).toEqual(ids.slice(2, 4));

    const toOne = await call('GET', `/v1/messages?to=${encodeURIComponent('+1 415 555 0199')}`, key);
    expect((toOne.body['data'] as Json[]).map((m) => m['to'])).toEqual([WINDOW_OPEN_RECIPIENT]);
    expect(((await call('GET', '/v1/messages?status=queued', key)).body['data'] as Json[]).length).toBe(ids.length);
    expect((await call('GET', '/v1/messages?status=delivered', key)).body['data']).toEqual([]);
    expect((await call('GET', '/v1/messages?status=bogus', key)).status).toBe(400);

    expect(((await call('GET', '/v1/messages?type=text', key)).body['data'] as Json[]).map((m) => m['type'])).toEqual(['text']);
    expect(((await call('GET', `/v1/messages?from=${DEMO_IDS.phoneNumberId}&limit=100`, key)).body['data'] as Json[]).length).toBe(ids.length);
    expect((await call('GET', `/v1/messages?from=${DEMO_IDS.secondPhoneNumberId}`, key)).body['data']).toEqual([]);
    const oldest = ids[ids.length - 1] as string;
    const oldestAt = (await call('GET', `/v1/messages/${oldest}`, key)).body['createdAt'] as string;
    expect(((await call('GET', `/v1/messages?createdBefore=${oldestAt}`, key)).body['data'] as Json[]).map((m) => m['id'])).toEqual([oldest]);
    expect(((await call('GET', `/v1/messages?createdAfter=${oldestAt}&limit=100`, key)).body['data'] as Json[]).length).toBe(ids.length);

    // The send worker writes errors (next issue); filter by taxonomy code or Meta number.
    await dataSource.query(`UPDATE messages SET status = 'failed', error = $2 WHERE id = $1`, [
      oldest,
      { code: 'window_closed', message: 'closed', category: 'policy', retryable: false, action: 'send a template', meta: { code: 131047, title: 'Re-engagement message' } },
    ]);
    for (const errorCode of ['window_closed', '131047']) {
      expect(((await call('GET', `/v1/messages?errorCode=${errorCode}`, key)).body['data'] as Json[]).map((m) => m['id'])).toEqual([oldest]);
    }
    expect((await call('GET', '/v1/messages?errorCode=rate_limited', key)).body['data']).toEqual([]);
    await dataSource.query(`UPDATE messages SET status = 'queued', error = NULL WHERE id = $1`, [oldest]);
  });

  it('answers the conversation window of a contact with one of the numbers', async () => {
    const open = await call('GET', `/v1/contacts/${WINDOW_OPEN_RECIPIENT}/window?from=${DEMO_IDS.phoneNumberId}`, key);
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ open: true, expiresAt: expect.any(String), lastInboundAt: expect.any(String) });
    expect(Date.parse(open.body['expiresAt'] as string) - Date.parse(open.body['lastInboundAt'] as string)).toBe(24 * 3600 * 1000);
    expect((await call('GET', `/v1/contacts/${RECIPIENT}/window?from=${DEMO_IDS.phoneNumberId}`, key)).body).toEqual({ open: false, expiresAt: null, lastInboundAt: null });
    expect((await call('GET', `/v1/contacts/14155550198/window?from=${DEMO_IDS.phoneNumberId}`, key)).body).toMatchObject({ open: false });
  });

  it('isolates tenants and environments: 404 for a message, a window or a suppression of another', async () => {
    const id = ((await call('GET', '/v1/messages?limit=1', key)).body['data'] as Json[])[0]?.['id'] as string;
    expect((await call('POST', '/v1/suppressions', key, { waId: '14155550166' })).status).toBe(201);
    for (const foreign of [otherKey, testKey]) {
      expect((await call('GET', `/v1/messages/${id}`, foreign)).status).toBe(404);
      expect((await call('GET', '/v1/messages', foreign)).body['data']).toEqual([]);
      expect((await call('GET', `/v1/contacts/${WINDOW_OPEN_RECIPIENT}/window?from=${DEMO_IDS.phoneNumberId}`, foreign)).status).toBe(404);
      expect((await call('GET', '/v1/suppressions', foreign)).body['data']).toEqual([]);
      expect((await call('DELETE', '/v1/suppressions/14155550166', foreign)).status).toBe(404);
      // Their numbers are not this tenant's: nothing to send from.
      const refused = await send(helloWorld(), undefined, foreign);
      expect(refused.status).toBe(400);
      expect(errorOf(refused.body).details?.[0]?.path).toBe('from');
    }
    expect((await call('GET', `/v1/messages/msg_00000000000000000000000000`, key)).status).toBe(404);
    expect((await call('GET', `/v1/messages/not-an-id`, key)).status).toBe(404);
    expect((await call('GET', '/v1/messages', undefined)).status).toBe(401);
  });
  it('re-creates the job of a queued message whose job is gone (outbox sweep), and leaves existing jobs alone', async () => {
    const accepted = await send(helloWorld('+1 415 555 0142'));
    expect(accepted.status).toBe(202);
    const id = accepted.body['id'] as string;
    const jobId = `message-${id}`;
    await dataSource.query(`UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = $1`, [id]);
    const sweeper = gateway.get(OutboxSweeper, { strict: false });

    expect((await sweeper.sweep()).reenqueued).toBe(0);
    await (await queue.getJob(jobId))?.remove();
    expect(await queue.getJob(jobId)).toBeUndefined();

    expect(await sweeper.sweep()).toMatchObject({ reenqueued: 1 });
    expect((await queue.getJob(jobId))?.data).toEqual({ messageId: id });
    expect((await sweeper.sweep()).reenqueued).toBe(0);
  });
  it('accepts while Redis is unreachable (202, row queued, no job) and the sweep enqueues it later', async () => {
    const cutOff = await startTestGateway(database, redis, { REDIS_URL: 'redis://127.0.0.1:1', GRAPH_API_BASE_URL: simulatorUrl });
    try {
      const started = Date.now();
      const response = await cutOff.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { authorization: `Bearer ${key}` },
        payload: helloWorld('+1 415 555 0143'),
      });
      expect(response.statusCode).toBe(202);
      expect(Date.now() - started).toBeLessThan(10_000);
      const id = (response.json() as Json)['id'] as string;
      expect(await queue.getJob(`message-${id}`)).toBeUndefined();
      expect((await call('GET', `/v1/messages/${id}`, key)).body['status']).toBe('queued');

      await dataSource.query(`UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = $1`, [id]);
      expect((await gateway.get(OutboxSweeper, { strict: false }).sweep()).reenqueued).toBe(1);
      expect((await queue.getJob(`message-${id}`))?.data).toEqual({ messageId: id });
    } finally {
      await cutOff.close();
    }
  });

  describe('every message type of contract §5, through the WhatsApp channel plugin', () => {
    const link = 'https://cdn.example.com/files/a';
    const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, title: `Option ${i}` }));
    const message = (body: Json, to = WINDOW_OPEN_RECIPIENT) => ({ from: DEMO_IDS.phoneNumberId, to, ...body });
    const storedOf = async (id: string) =>
      ((await dataSource.query(`SELECT type, payload FROM messages WHERE id = $1`, [id])) as Array<{ type: string; payload: Json }>)[0];

    const accepted: Array<[string, Json, Json]> = [
      ['text reply', { type: 'text', text: { body: 'On its way' }, context: { message_id: 'wamid.IN1' } }, { type: 'text', text: { body: 'On its way' }, context: { message_id: 'wamid.IN1' } }],
      ['image', { type: 'image', image: { link: `${link}.png`, caption: 'Receipt' } }, { type: 'image', image: { link: `${link}.png`, caption: 'Receipt' } }],
      ['document', { type: 'document', document: { link: `${link}.pdf`, filename: 'invoice.pdf' } }, { type: 'document', document: { link: `${link}.pdf`, filename: 'invoice.pdf' } }],
      ['audio', { type: 'audio', audio: { id: '1000000000000099', voice: true } }, { type: 'audio', audio: { id: '1000000000000099', voice: true } }],
      ['video', { type: 'video', video: { link: `${link}.mp4` } }, { type: 'video', video: { link: `${link}.mp4` } }],
      ['sticker', { type: 'sticker', sticker: { link: `${link}.webp` } }, { type: 'sticker', sticker: { link: `${link}.webp` } }],
      [
        'interactive button',
        { type: 'interactive', interactive: { type: 'button', body: { text: 'Deliver when?' }, action: { buttons: [{ type: 'reply', reply: { id: 'am', title: 'Morning' } }] } } },
        { type: 'interactive', interactive: { type: 'button', body: { text: 'Deliver when?' }, action: { buttons: [{ type: 'reply', reply: { id: 'am', title: 'Morning' } }] } } },
      ],
      [
        'interactive list',
        { type: 'interactive', interactive: { type: 'list', body: { text: 'Pick a slot' }, action: { button: 'Slots', sections: [{ title: 'Today', rows: options(2) }] } } },
        { type: 'interactive', interactive: { type: 'list', body: { text: 'Pick a slot' }, action: { button: 'Slots', sections: [{ title: 'Today', rows: options(2) }] } } },
      ],
      ['location', { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Depot' } }, { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Depot' } }],
      ['contacts', { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Lima' } }] }, { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Lima' } }] }],
      ['reaction', { type: 'reaction', reaction: { message_id: 'wamid.IN1', emoji: '👍' } }, { type: 'reaction', reaction: { message_id: 'wamid.IN1', emoji: '👍' } }],
      [
        'choice of 3 (reply buttons)',
        { type: 'choice', choice: { body: 'Which size?', options: options(3) } },
        { type: 'interactive', interactive: { type: 'button', body: { text: 'Which size?' }, action: { buttons: options(3).map((reply) => ({ type: 'reply', reply })) } } },
      ],
      [
        'choice of 4 (list)',
        { type: 'choice', choice: { body: 'Which size?', options: options(4), button: 'Sizes' } },
        { type: 'interactive', interactive: { type: 'list', body: { text: 'Which size?' }, action: { button: 'Sizes', sections: [{ rows: options(4) }] } } },
      ],
    ];

    it.each(accepted)('accepts %s in an open window and stores Meta\'s payload', async (_name, body, payload) => {
      const response = await send(message({ ...body, metadata: { ref: 'r1' } }));
      expect(response.status).toBe(202);
      const id = response.body['id'] as string;
      expect(await storedOf(id)).toEqual({ type: body['type'], payload });
      expect((await queue.getJob(`message-${id}`))?.data).toMatchObject({ messageId: id });
    });

    it("documents the body from the plugin's zod schema: every type, with the delivery options", async () => {
      const document = (await gateway.inject({ method: 'GET', url: '/docs-json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
      const body = JSON.stringify(document.paths['/v1/messages']?.['post']?.requestBody);
      for (const type of ['"text"', '"sticker"', '"interactive"', '"reaction"', '"choice"', '"scheduledAt"', '"country"']) expect(body).toContain(type);
    });

    it('filters the list by any type, choice included', async () => {
      const choices = (await call('GET', '/v1/messages?type=choice', key)).body['data'] as Json[];
      expect(choices.map((m) => m['type'])).toEqual(['choice', 'choice']);
      expect(((await call('GET', '/v1/messages?type=sticker', key)).body['data'] as Json[]).length).toBe(1);
      expect((await call('GET', '/v1/messages?type=poll', key)).status).toBe(400);
    });

    it.each(accepted.filter(([, body]) => body['type'] !== 'text'))('refuses %s without an open window (422 window_closed, meta 131047)', async (_name, body) => {
      expect((await expectRefused(message(body, '+1 415 555 0198'), 422, 'window_closed')).meta?.code).toBe(131047);
    });

    it.each<[string, number, string, string, Json]>([
      ['4 reply buttons', 400, 'validation_failed', 'interactive.action.buttons', { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: options(4).map((reply) => ({ type: 'reply', reply })) } } }],
      ['a 21-character button title', 400, 'validation_failed', 'interactive.action.buttons.0.reply.title', { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } }],
      ['11 list rows over two sections', 400, 'validation_failed', 'interactive.action.sections', { type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Open', sections: [{ title: 'A', rows: options(6) }, { title: 'B', rows: options(5).map((o) => ({ ...o, id: `b${o.id}` })) }] } } }],
      ['a 25-character row title', 400, 'validation_failed', 'interactive.action.sections.0.rows.0.title', { type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Open', sections: [{ rows: [{ id: 'a', title: 'x'.repeat(25) }] }] } } }],
      ['a 1025-character caption', 400, 'validation_failed', 'image.caption', { type: 'image', image: { link: `${link}.png`, caption: 'x'.repeat(1025) } }],
      ['a caption on audio', 400, 'validation_failed', 'audio', { type: 'audio', audio: { link: `${link}.ogg`, caption: 'Listen' } }],
      ['both id and link', 400, 'validation_failed', 'image', { type: 'image', image: { id: '1', link: `${link}.png` } }],
      ['an http media link', 422, 'media_invalid', 'image.link', { type: 'image', image: { link: 'http://cdn.example.com/a.png' } }],
      ['a URL shortener', 422, 'media_invalid', 'document.link', { type: 'document', document: { link: 'https://bit.ly/3xYz' } }],
      ['a file type the kind does not allow', 422, 'media_invalid', 'sticker.link', { type: 'sticker', sticker: { link: `${link}.png` } }],
      ['a placeholder in a caption', 400, 'validation_failed', 'video.caption', { type: 'video', video: { link: `${link}.mp4`, caption: 'For {{name}}' } }],
      ['an unclosed placeholder in a choice', 400, 'validation_failed', 'choice.body', { type: 'choice', choice: { body: 'Hi {{first_name', options: options(2) } }],
      ['a choice of 11 options', 400, 'validation_failed', 'choice.options', { type: 'choice', choice: { body: 'Pick', options: options(11) } }],
      ['a 21-character title in a choice of 3', 400, 'validation_failed', 'choice.options.0.title', { type: 'choice', choice: { body: 'Pick', options: [{ id: 'a', title: 'x'.repeat(21) }] } }],
      ['a reaction with context', 400, 'validation_failed', '(body)', { type: 'reaction', reaction: { message_id: 'wamid.IN1', emoji: '👍' }, context: { message_id: 'wamid.IN1' } }],
      ['a latitude out of range', 400, 'validation_failed', 'location.latitude', { type: 'location', location: { latitude: 91, longitude: 0 } }],
      ['no contact card', 400, 'validation_failed', 'contacts', { type: 'contacts', contacts: [] }],
    ])('refuses %s (%i %s at %s), storing and enqueueing nothing', async (_name, status, code, path, body) => {
      await expectRefused(message(body), status, code, path);
    });
  });
});
