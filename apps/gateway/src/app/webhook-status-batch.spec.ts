import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetaSimulator, demoSeed, DEMO_IDS, serializeLikeMeta, signatureHeader, type MetaSimulator } from '@switchboard/meta-simulator';
import { MessageStatusService } from '@switchboard/messaging';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, freePort, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing } from '@switchboard/token-vault';
import { WebhookProcessingService } from '@switchboard/webhook-ingest';
import { DataSource, type QueryRunner } from 'typeorm';
import { caller, startTestGateway, syncTemplates, TEST_ADMIN_KEY, type Json } from './gateway.test-helper';
import { startTestWebhookProcessing } from './webhook-processing.test-helper';

const seed = demoSeed();
const [demoApp] = seed.apps;
const [demoToken] = seed.tokens;
if (!demoApp || !demoToken) throw new Error('demo seed without app or token');

const APP = demoApp.id;
const PHONE = DEMO_IDS.phoneNumberId;
const WEBHOOK = `/webhooks/whatsapp/${APP}`;

type Status = { id: string; status: string; timestamp: string; recipient_id?: string; biz_opaque_callback_data?: string; errors?: Json[]; pricing?: Json };

const statuses = (...list: Status[]) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: DEMO_IDS.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: PHONE }, statuses: list } }] }],
});
const status = (wamid: string, name: string, at: number, extra: Partial<Status> = {}): Status => ({ id: wamid, status: name, timestamp: String(at), recipient_id: '14155551234', ...extra });
const T0 = Math.floor(Date.now() / 1000) + 60;
const undeliverable = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message undeliverable' } };


/**
 * The worker applies a job's payloads in one transaction and their statuses together
 * (MessageStatusService.applyBatch): the same rows, events and guarantees as one by one, in a
 * number of statements that does not grow with the statuses or the payloads.
 */
describe('Status webhooks applied as one batch per payload and per job', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let worker: INestApplicationContext;
  let dataSource: DataSource;
  let key: string;
  let sequence = 0;
  const vaultKeys = new MasterKeyRing(MasterKey.generate());

  const post = async (payload: Json) => {
    const body = serializeLikeMeta(payload);
    const response = await gateway.inject({ method: 'POST', url: WEBHOOK, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(body, demoApp.secret) }, payload: body });
    expect(response.statusCode).toBe(200);
  };
  const drained = async () => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE state = 'pending'`)) as Array<{ n: number }>;
      if (row?.n === 0) return;
      if (Date.now() > deadline) throw new Error('webhook inbox not drained in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const postAndDrain = async (payload: Json) => {
    await post(payload);
    await drained();
  };
  /** A message as the send worker leaves it after Graph accepted it: `sent`, its wamid and its `sent` event. */
  const sentMessage = async (wamid: string): Promise<string> => {
    sequence += 1;
    const accepted = await gateway.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${key}` },
      payload: { from: PHONE, to: `1415555${String(sequence).padStart(4, '0')}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    expect(accepted.statusCode).toBe(202);
    const id = (accepted.json() as { id: string }).id;
    await dataSource.query(`UPDATE messages SET status = 'sent', provider_message_id = $2 WHERE id = $1`, [id, wamid]);
    await dataSource.query(`INSERT INTO message_events (message_id, tenant_id, environment, status, at) SELECT id, tenant_id, environment, 'sent', now() FROM messages WHERE id = $1`, [id]);
    return id;
  };
  const row = async (id: string) =>
    ((await dataSource.query(`SELECT status, provider_message_id, error, channel, route_step FROM messages WHERE id = $1`, [id])) as Array<Record<string, unknown>>)[0];
  /** The message's events as the timeline orders them (by Meta's time), with what the status machine wrote into them. */
  const events = async (id: string) =>
    (await dataSource.query(`SELECT status, channel, route_step, detail -> 'applied' AS applied, detail ->> 'wamid' AS wamid FROM message_events WHERE message_id = $1 ORDER BY at, id`, [id])) as Array<{
      status: string;
      applied: boolean | null;
    }>;
  /**
   * The statements of the transaction that applies a payload (the one that locks its inbox row),
   * as the worker's TypeORM logger sees them while `run` runs: each transaction has a query
   * runner of its own, so the tenant event deliveries running beside it are not counted.
   */
  const payloadTransactionDuring = async (run: () => Promise<void>): Promise<string[]> => {
    const workerData = worker.get(DataSource, { strict: false });
    const byRunner = new Map<QueryRunner | undefined, string[]>();
    const spy = jest.spyOn(workerData.logger, 'logQuery').mockImplementation((query: string, _parameters?: unknown, runner?: QueryRunner) => {
      byRunner.set(runner, [...(byRunner.get(runner) ?? []), query.replace(/\s+/g, ' ').trim()]);
    });
    try {
      await run();
    } finally {
      spy.mockRestore();
    }
    const payloads = [...byRunner.values()].filter((statements) => statements.some((statement) => /FROM webhook_inbox .* FOR UPDATE SKIP LOCKED/.test(statement)));
    expect(payloads).toHaveLength(1);
    return payloads[0] as string[];
  };

  /** Stored as the gateway stores them (no job): for processing several as one job would. */
  const stored = async (...payloads: Json[]): Promise<number[]> => {
    const rows = (await dataSource.query(`INSERT INTO webhook_inbox (app_id, body) SELECT $1, unnest($2::bytea[]) RETURNING id`, [
      APP,
      payloads.map((payload) => Buffer.from(serializeLikeMeta(payload))),
    ])) as Array<{ id: string }>;
    return rows.map((row) => Number(row.id));
  };

  beforeAll(async () => {
    database = await createTestDatabase('webhook_status_batch');
    redis = createTestRedis('webhook-status-batch');
    const port = await freePort();
    simulator = await createMetaSimulator({ seed, webhookUrl: `http://127.0.0.1:${port}/webhooks/whatsapp/{appId}` });
    const graphBaseUrl = await simulator.listen({ port: 0 });
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: graphBaseUrl }, vaultKeys);
    await gateway.listen({ port, host: '127.0.0.1' });
    worker = await startTestWebhookProcessing(database, redis, vaultKeys, graphBaseUrl);
    dataSource = gateway.get(DataSource, { strict: false });

    const call = caller(gateway);
    const admin = (url: string, body?: Json) => call('POST', url, TEST_ADMIN_KEY, body);
    const tenantId = (await admin('/v1/admin/tenants', { slug: 'batch', name: 'Batch' })).body['id'] as string;
    expect((await admin('/v1/admin/meta-apps', { appId: APP, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: APP, accessToken: demoToken.token })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, { phoneNumberId: PHONE, displayPhoneNumber: '+1 555-010-0001' })).status).toBe(201);
    key = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect(await syncTemplates(gateway, key)).toMatchObject({ state: 'succeeded' });
    // Tenant events are part of the batch: an endpoint subscribed to message.status gets one per status.
    expect((await call('POST', '/v1/endpoints', key, { url: 'https://events.example.com/hook', events: ['message.status'] })).status).toBe(201);
  });

  afterAll(async () => {
    await worker?.close();
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('a payload with a status for each of N messages moves each as one by one would, with one event and one tenant event each', async () => {
    const ids = [await sentMessage('wamid.N-1'), await sentMessage('wamid.N-2'), await sentMessage('wamid.N-3')];
    const deliveriesBefore = Number(((await dataSource.query(`SELECT count(*)::int AS n FROM event_deliveries`)) as Array<{ n: number }>)[0]?.n);
    await postAndDrain(statuses(status('wamid.N-1', 'delivered', T0 + 1), status('wamid.N-2', 'read', T0 + 2), status('wamid.N-3', 'sent', T0 + 3)));

    expect(await row(ids[0] as string)).toMatchObject({ status: 'delivered', provider_message_id: 'wamid.N-1', error: null });
    expect(await row(ids[1] as string)).toMatchObject({ status: 'read' });
    expect(await row(ids[2] as string)).toMatchObject({ status: 'sent' });
    expect((await events(ids[0] as string)).map(({ status, applied }) => ({ status, applied }))).toEqual([
      { status: 'queued', applied: null },
      { status: 'sent', applied: null },
      { status: 'delivered', applied: true },
    ]);
    expect((await events(ids[1] as string)).map((event) => event.status)).toEqual(['queued', 'sent', 'read']);
    // Meta's `sent` repeats the one the worker recorded: no second event.
    expect((await events(ids[2] as string)).map((event) => event.status)).toEqual(['queued', 'sent']);
    const [deliveries] = (await dataSource.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events FROM event_deliveries`)) as Array<{ n: number; events: number }>;
    expect(deliveries).toEqual({ n: deliveriesBefore + 3, events: deliveriesBefore + 3 });
  });

  it('a status repeated in a payload and a payload delivered again change nothing more', async () => {
    const id = await sentMessage('wamid.DUP');
    const payload = statuses(status('wamid.DUP', 'delivered', T0 + 1), status('wamid.DUP', 'delivered', T0 + 1), status('wamid.DUP', 'read', T0 + 2));
    await postAndDrain(payload);
    const once = { row: await row(id), events: await events(id) };
    expect(once.events.map((event) => event.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
    await postAndDrain(payload);
    await postAndDrain(statuses(status('wamid.DUP', 'read', T0 + 2)));
    expect({ row: await row(id), events: await events(id) }).toEqual(once);
  });

  it('read before delivered in one payload ends read, with both in the timeline', async () => {
    const id = await sentMessage('wamid.REORDER');
    await postAndDrain(statuses(status('wamid.REORDER', 'read', T0 + 20), status('wamid.REORDER', 'delivered', T0 + 10)));
    expect(await row(id)).toMatchObject({ status: 'read' });
    expect((await events(id)).map(({ status, applied }) => ({ status, applied }))).toEqual([
      { status: 'queued', applied: null },
      { status: 'sent', applied: null },
      { status: 'delivered', applied: false },
      { status: 'read', applied: true },
    ]);
  });

  it('statuses of unknown provider ids wait beside applied ones, and apply when the send records the id', async () => {
    const known = await sentMessage('wamid.KNOWN');
    sequence += 1;
    const accepted = await gateway.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${key}` },
      payload: { from: PHONE, to: `1415555${String(sequence).padStart(4, '0')}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    const later = (accepted.json() as { id: string }).id;
    await postAndDrain(statuses(status('wamid.LATER', 'delivered', T0 + 1), status('wamid.KNOWN', 'delivered', T0 + 1), status('wamid.LATER', 'read', T0 + 2)));
    expect(await row(known)).toMatchObject({ status: 'delivered' });
    expect(await row(later)).toMatchObject({ status: 'queued' });
    expect((await dataSource.query(`SELECT status FROM pending_statuses WHERE provider_message_id = 'wamid.LATER' ORDER BY at`)) as unknown[]).toEqual([{ status: 'delivered' }, { status: 'read' }]);

    await dataSource.query(`UPDATE messages SET status = 'sent', provider_message_id = 'wamid.LATER' WHERE id = $1`, [later]);
    expect(await worker.get(MessageStatusService).applyPendingStatuses(later, 'wamid.LATER')).toBe(2);
    expect(await row(later)).toMatchObject({ status: 'read' });
    expect((await dataSource.query(`SELECT 1 FROM pending_statuses WHERE provider_message_id = 'wamid.LATER'`)) as unknown[]).toHaveLength(0);
  });

  it('a failed status starts the fallback exactly once, however often it comes', async () => {
    const id = await sentMessage('wamid.FALLBACK');
    const others = [await sentMessage('wamid.FALLBACK-OTHER')];
    const route = [{ channel: 'sms', when: ['failed'], sender: '+15550001111', accountId: 'sms-connection', to: '14155550199', type: 'text', payload: { text: 'By SMS' } }];
    await dataSource.query(`UPDATE messages SET route = $2::jsonb WHERE id = $1`, [id, JSON.stringify(route)]);
    const failed = status('wamid.FALLBACK', 'failed', T0 + 1, { errors: [undeliverable] });
    await postAndDrain(statuses(failed, status('wamid.FALLBACK-OTHER', 'delivered', T0 + 1), failed));
    await postAndDrain(statuses(failed));

    expect(await row(id)).toMatchObject({ status: 'queued', channel: 'sms', route_step: 1, provider_message_id: null });
    const written = (await dataSource.query(`SELECT status, channel FROM message_events WHERE message_id = $1 ORDER BY id`, [id])) as Array<{ status: string; channel: string }>;
    expect(written.map(({ status, channel }) => `${status}/${channel}`)).toEqual(['queued/whatsapp', 'sent/whatsapp', 'failed/whatsapp', 'queued/sms']);
    expect(await row(others[0] as string)).toMatchObject({ status: 'delivered' });
  });

  it("a status whose data the database refuses is dropped alone: the payload's other statuses apply one by one", async () => {
    const ids = [await sentMessage('wamid.ISOLATE-1'), await sentMessage('wamid.ISOLATE-2')];
    // Postgres' jsonb refuses the NUL character: the batch's event insert fails on this status only.
    const refused = status('wamid.ISOLATE-2', 'delivered', T0 + 1, { pricing: { category: 'a\u0000b' } });
    await postAndDrain(statuses(status('wamid.ISOLATE-1', 'delivered', T0 + 1), refused, status('wamid.ISOLATE-2', 'read', T0 + 2)));
    expect(await row(ids[0] as string)).toMatchObject({ status: 'delivered' });
    expect(await row(ids[1] as string)).toMatchObject({ status: 'read' });
    expect((await events(ids[1] as string)).map((event) => event.status)).toEqual(['queued', 'sent', 'read']);
    // Dropped, not claimed: a corrected redelivery of that status still applies.
    expect((await dataSource.query(`SELECT key FROM webhook_event_keys WHERE key LIKE 's:wamid.ISOLATE-%' ORDER BY key`)) as unknown[]).toEqual([
      { key: 's:wamid.ISOLATE-1:delivered' },
      { key: 's:wamid.ISOLATE-2:read' },
    ]);
  });

  it('a payload of three statuses costs its transaction nine statements, as many as a payload of one', async () => {
    const ids = [await sentMessage('wamid.COUNT-1'), await sentMessage('wamid.COUNT-2'), await sentMessage('wamid.COUNT-3'), await sentMessage('wamid.COUNT-4')];
    const three = await payloadTransactionDuring(() =>
      postAndDrain(statuses(status('wamid.COUNT-1', 'delivered', T0 + 1), status('wamid.COUNT-2', 'delivered', T0 + 1), status('wamid.COUNT-3', 'read', T0 + 1))),
    );
    const one = await payloadTransactionDuring(() => postAndDrain(statuses(status('wamid.COUNT-4', 'delivered', T0 + 1))));
    for (const id of ids) expect((await row(id))?.['status']).toMatch(/^(delivered|read)$/);

    expect(three.map((statement) => statement.split(' ').slice(0, 3).join(' '))).toEqual([
      'START TRANSACTION',
      'SELECT id FROM', // the inbox row, locked
      'INSERT INTO webhook_event_keys', // the statuses' dedupe keys
      'SELECT "message"."id" AS', // their messages, locked
      'UPDATE messages AS', // the rows
      'INSERT INTO message_events', // the timeline events
      'INSERT INTO event_deliveries', // the message.status tenant events
      'UPDATE webhook_inbox SET', // the inbox row, processed
      'COMMIT',
    ]);
    expect(one).toHaveLength(three.length);
  });

  it("a job's payloads are applied in one transaction: two payloads of statuses cost the statements of one", async () => {
    const ids = [await sentMessage('wamid.JOB-1'), await sentMessage('wamid.JOB-2'), await sentMessage('wamid.JOB-3')];
    const inboxIds = await stored(statuses(status('wamid.JOB-1', 'delivered', T0 + 1), status('wamid.JOB-2', 'read', T0 + 1)), statuses(status('wamid.JOB-3', 'delivered', T0 + 1), status('wamid.JOB-1', 'delivered', T0 + 1)));
    const processing = worker.get(WebhookProcessingService, { strict: false });
    let report: Record<string, number> = {};
    const transaction = await payloadTransactionDuring(async () => {
      report = await processing.processBatch(inboxIds);
    });

    expect(report).toEqual({ processed: 2, unparseable: 0, failed: 0, skipped: 0 });
    expect(transaction).toHaveLength(9);
    expect(await row(ids[0] as string)).toMatchObject({ status: 'delivered' });
    expect(await row(ids[1] as string)).toMatchObject({ status: 'read' });
    expect(await row(ids[2] as string)).toMatchObject({ status: 'delivered' });
    // The second payload's repeat of the first's status is a duplicate.
    expect((await events(ids[0] as string)).map((event) => event.status)).toEqual(['queued', 'sent', 'delivered']);
    expect(await processing.processBatch(inboxIds)).toEqual({ processed: 0, unparseable: 0, failed: 0, skipped: 2 });
  });

  it("a payload that fails a job's transaction is applied alone: the job's other payloads commit", async () => {
    const ids = [await sentMessage('wamid.JOB-GOOD'), await sentMessage('wamid.JOB-BAD')];
    const refused = status('wamid.JOB-BAD', 'delivered', T0 + 1, { pricing: { category: 'a\u0000b' } });
    const inboxIds = await stored(statuses(status('wamid.JOB-GOOD', 'read', T0 + 1)), statuses(refused, status('wamid.JOB-BAD', 'read', T0 + 2)));

    expect(await worker.get(WebhookProcessingService, { strict: false }).processBatch(inboxIds)).toEqual({ processed: 2, unparseable: 0, failed: 0, skipped: 0 });
    expect(await row(ids[0] as string)).toMatchObject({ status: 'read' });
    expect(await row(ids[1] as string)).toMatchObject({ status: 'read' });
    expect((await events(ids[1] as string)).map((event) => event.status)).toEqual(['queued', 'sent', 'read']);
    expect((await dataSource.query(`SELECT state FROM webhook_inbox WHERE id = ANY($1) ORDER BY id`, [inboxIds])) as unknown[]).toEqual([{ state: 'processed' }, { state: 'processed' }]);
  });
});
