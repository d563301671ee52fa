import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createMetaSimulator, demoSeed, DEMO_IDS, serializeLikeMeta, signatureHeader, type MetaSimulator } from '@switchboard/meta-simulator';
import { AlertChecks } from '@switchboard/alerts';
import { MessageStatusFeed, MessageStatusService, type MessageStatusChange } from '@switchboard/messaging';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, freePort, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing } from '@switchboard/token-vault';
import { verifyEvent } from '@switchboard/tenant-events';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { InboxSweeper } from '@switchboard/webhook-ingest';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
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

const messagesChange = (value: Json) => ({ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: PHONE }, ...value } });
const envelope = (...changes: Json[]) => ({ object: 'whatsapp_business_account', entry: [{ id: DEMO_IDS.wabaId, changes }] });
const statuses = (...list: Status[]) => envelope(messagesChange({ statuses: list }));
const status = (wamid: string, name: string, at: number, extra: Partial<Status> = {}): Status => ({ id: wamid, status: name, timestamp: String(at), recipient_id: '14155551234', ...extra });
/** Meta's timestamps (Unix seconds), a little after the test's own rows, so timelines sort as Meta would. */
const T0 = Math.floor(Date.now() / 1000) + 60;
const metaError = (code: number, title: string) => ({ code, title, message: title, error_data: { details: title }, href: '/documentation/business-messaging/whatsapp/support/error-codes' });

/**
 * Issue 8 in-process: the gateway's webhook routes over real HTTP and inject, the worker's
 * webhook processing on the real queue, Postgres and Redis, and the simulator as Meta.
 */
describe('Webhook ingest: verified, durable, idempotent, ordered', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let worker: INestApplicationContext;
  let dataSource: DataSource;
  let call: ReturnType<typeof caller>;
  let key: string;
  const vaultKeys = new MasterKeyRing(MasterKey.generate());
  const spans = new InMemorySpanExporter();
  const spanProcessor = new SimpleSpanProcessor(spans);

  /** Signed with the app secret unless a signature (or null: none) is given. */
  const post = (body: string | Buffer, signature: string | null = signatureHeader(body, demoApp.secret), app: NestFastifyApplication = gateway, url = WEBHOOK) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-hub-signature-256': signature } : {}) }, payload: body });
  const postJson = async (payload: Json) => {
    const response = await post(serializeLikeMeta(payload));
    expect(response.statusCode).toBe(200);
  };
  const inboxCount = async () => Number(((await dataSource.query(`SELECT count(*)::int AS n FROM webhook_inbox`)) as Array<{ n: number }>)[0]?.n);
  const drained = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE state = 'pending'`)) as Array<{ n: number }>;
      if (row?.n === 0) return;
      if (Date.now() > deadline) {
        const errors = (await dataSource.query(`SELECT DISTINCT last_error FROM webhook_inbox WHERE state = 'pending'`)) as Array<{ last_error: string | null }>;
        throw new Error(`webhook inbox not drained in time: ${errors.map((error) => String(error.last_error)).join('; ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const send = async (body: Json) => {
    const response = await gateway.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${key}` }, payload: body });
    return { status: response.statusCode, body: response.json() as Json };
  };
  const template = (to: string) => ({ from: PHONE, to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
  /** A queued message; `wamid` makes it look sent by the worker (row + sent event), as the send worker leaves it. */
  const message = async (to: string, wamid?: string): Promise<string> => {
    const accepted = await send(template(to));
    expect(accepted.status).toBe(202);
    const id = accepted.body['id'] as string;
    if (wamid) {
      await dataSource.query(`UPDATE messages SET status = 'sent', wamid = $2 WHERE id = $1`, [id, wamid]);
      await dataSource.query(`INSERT INTO message_events (message_id, tenant_id, environment, status, at) SELECT id, tenant_id, environment, 'sent', now() FROM messages WHERE id = $1`, [id]);
    }
    return id;
  };
  const read = async (id: string) => {
    const response = await call('GET', `/v1/messages/${id}`, key);
    expect(response.status).toBe(200);
    return response.body as { status: string; wamid: string | null; error: Json | null; events: Array<{ status: string }> };
  };
  const snapshot = async () =>
    (await dataSource.query(`
      SELECT (SELECT json_agg(json_build_object('id', id, 'status', status, 'wamid', wamid) ORDER BY id) FROM messages) AS messages,
             (SELECT count(*)::int FROM message_events) AS events,
             (SELECT count(*)::int FROM inbound_messages) AS inbound,
             (SELECT count(*)::int FROM contacts) AS contacts,
             (SELECT json_agg(json_build_object('wa', wa_id, 'at', last_inbound_at) ORDER BY wa_id) FROM conversation_windows) AS windows,
             (SELECT count(*)::int FROM pending_statuses) AS pending,
             (SELECT count(*)::int FROM suppressions) AS suppressions`)) as Json[];

  interface Received {
    path: string;
    headers: IncomingHttpHeaders;
    body: string;
  }
  /** Tenant endpoints and the operator's alert sink, answering per path. */
  const received: Received[] = [];
  const answers: Record<string, number> = { '/ok': 200, '/failing': 500, '/alerts': 200 };
  let receiver: Server;
  let receiverUrl: string;
  const eventsAt = (path: string) => received.filter((request) => request.path === path).map((request) => ({ ...request, event: JSON.parse(request.body) as Json }));
  const until = async (check: () => boolean | Promise<boolean>, what: string) => {
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const createEndpoint = async (path: string, events: string[]) => {
    const created = await call('POST', '/v1/endpoints', key, { url: `${receiverUrl}${path}`, events });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    return created.body as { id: string; secret: string; url: string; events: string[] };
  };

  beforeAll(async () => {
    receiver = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers, body });
        response.statusCode = answers[request.url ?? ''] ?? 404;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [spanProcessor] }));
    propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
    database = await createTestDatabase('webhooks');
    redis = createTestRedis('webhooks');
    const port = await freePort();
    simulator = await createMetaSimulator({ seed, webhookUrl: `http://127.0.0.1:${port}/webhooks/whatsapp/{appId}` });
    const graphBaseUrl = await simulator.listen({ port: 0 });
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: graphBaseUrl }, vaultKeys);
    await gateway.listen({ port, host: '127.0.0.1' });
    // Deliveries: three attempts 100 ms apart, then dead (the 24 h schedule, shortened). Alerts go to the test sink.
    worker = await startTestWebhookProcessing(database, redis, vaultKeys, graphBaseUrl, {
      events: { retryDelaysMs: [100, 100], timeoutMs: 2000 },
      alerts: { webhookUrl: `${receiverUrl}/alerts`, failureMinSends: 1 },
    });
    call = caller(gateway);
    dataSource = gateway.get(DataSource, { strict: false });

    const admin = (url: string, body?: Json) => call('POST', url, TEST_ADMIN_KEY, body);
    const tenantId = (await admin('/v1/admin/tenants', { slug: 'retail', name: 'Retail' })).body['id'] as string;
    expect((await admin('/v1/admin/meta-apps', { appId: APP, appSecret: demoApp.secret, verifyToken: demoApp.verifyToken })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: APP, accessToken: demoToken.token })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, { phoneNumberId: PHONE, displayPhoneNumber: '+1 555-010-0001' })).status).toBe(201);
    key = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect(await syncTemplates(gateway, key)).toMatchObject({ state: 'succeeded' });
  });

  afterAll(async () => {
    await worker?.close();
    await gateway?.close();
    await simulator?.close();
    await new Promise((resolve) => receiver.close(resolve));
    await redis?.cleanup();
    await database?.drop();
    trace.disable();
    propagation.disable();
  });

  describe('the routes', () => {
    const handshake = (query: string, url = WEBHOOK) => gateway.inject({ method: 'GET', url: `${url}?${query}` });

    it('answers the handshake with the raw challenge as text/plain, and 403 for a wrong token, mode or app', async () => {
      const ok = await handshake(`hub.mode=subscribe&hub.verify_token=${encodeURIComponent(demoApp.verifyToken)}&hub.challenge=1158201444`);
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['content-type']).toMatch(/^text\/plain/);
      expect(ok.body).toBe('1158201444');
      expect((await handshake('hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1')).statusCode).toBe(403);
      expect((await handshake(`hub.mode=unsubscribe&hub.verify_token=${encodeURIComponent(demoApp.verifyToken)}&hub.challenge=1`)).statusCode).toBe(403);
      expect((await handshake(`hub.mode=subscribe&hub.verify_token=${encodeURIComponent(demoApp.verifyToken)}&hub.challenge=1`, '/webhooks/whatsapp/999999')).statusCode).toBe(403);
    });

    it('answers HEAD with 200', async () => {
      expect((await gateway.inject({ method: 'HEAD', url: WEBHOOK })).statusCode).toBe(200);
    });

    it('refuses a missing or wrong signature and an unknown app with 401, storing nothing', async () => {
      const body = serializeLikeMeta(
        envelope(messagesChange({ contacts: [{ profile: { name: 'José' }, wa_id: '14155550100' }], messages: [{ from: '14155550100', id: 'wamid.UNSIGNED', timestamp: String(T0), type: 'text', text: { body: 'https://example.com/ñ' } }] })),
      );
      const before = await inboxCount();
      expect((await post(body, null)).statusCode).toBe(401);
      expect((await post(body, signatureHeader(body, 'not-the-secret'))).statusCode).toBe(401);
      expect((await post(body, signatureHeader(`${body} `, demoApp.secret))).statusCode).toBe(401);
      // Re-serialising before verifying would break Meta's escaped-unicode signature.
      expect((await post(JSON.stringify(JSON.parse(body)), signatureHeader(body, demoApp.secret))).statusCode).toBe(401);
      expect((await post(body, signatureHeader(body, demoApp.secret), gateway, '/webhooks/whatsapp/999999')).statusCode).toBe(401);
      expect(await inboxCount()).toBe(before);
    });

    it('accepts bodies up to 3 MB and answers 413 beyond, storing nothing', async () => {
      const padded = (bytes: number) => {
        const base = serializeLikeMeta(envelope({ field: 'security', value: { padding: '' } }));
        return base.replace('"padding":""', `"padding":"${'x'.repeat(bytes - base.length)}"`);
      };
      const before = await inboxCount();
      const tooLarge = padded(3 * 1024 * 1024 + 1);
      expect((await post(tooLarge)).statusCode).toBe(413);
      expect(await inboxCount()).toBe(before);
      const largest = padded(3 * 1024 * 1024);
      expect(Buffer.byteLength(largest)).toBe(3 * 1024 * 1024);
      expect((await post(largest)).statusCode).toBe(200);
      expect(await inboxCount()).toBe(before + 1);
      await drained();
    });

    it('keeps a signed payload that cannot be parsed, marks it and never retries it', async () => {
      const response = await post('{"object": "whatsapp_business_account", "entry": [');
      expect(response.statusCode).toBe(200);
      await drained();
      const [row] = (await dataSource.query(`SELECT state, attempts, last_error FROM webhook_inbox ORDER BY id DESC LIMIT 1`)) as Array<{ state: string; attempts: number; last_error: string }>;
      expect(row).toMatchObject({ state: 'unparseable', attempts: 1, last_error: expect.stringContaining('not JSON') });
    });
  });

  describe('statuses', () => {
    it('replaying the same batch five times leaves the same rows and events as once', async () => {
      const id = await message('14155550101', 'wamid.REPLAY');
      const batch = serializeLikeMeta({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: DEMO_IDS.wabaId,
            changes: [
              messagesChange({ statuses: [status('wamid.REPLAY', 'delivered', T0 + 10), status('wamid.REPLAY', 'read', T0 + 20)] }),
              messagesChange({
                contacts: [{ profile: { name: 'Zoë' }, wa_id: '14155550102', user_id: 'US.881100102' }],
                messages: [{ from: '14155550102', from_user_id: 'US.881100102', id: 'wamid.INBOUND-REPLAY', timestamp: String(T0 + 30), type: 'text', text: { body: 'Ça va?' } }],
              }),
            ],
          },
          { id: DEMO_IDS.wabaId, changes: [messagesChange({ statuses: [status('wamid.UNKNOWN-REPLAY', 'delivered', T0 + 40)] })] },
        ],
      });
      expect((await post(batch)).statusCode).toBe(200);
      await drained();
      const once = await snapshot();
      for (let i = 0; i < 4; i += 1) expect((await post(batch)).statusCode).toBe(200);
      await drained();
      expect(await snapshot()).toEqual(once);
      expect((await read(id)).events.map((event) => event.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
      const [states] = (await dataSource.query(`SELECT count(*) FILTER (WHERE state = 'processed')::int AS processed, count(*)::int AS stored FROM webhook_inbox WHERE body = $1`, [Buffer.from(batch)])) as Array<{ processed: number; stored: number }>;
      expect(states).toEqual({ processed: 5, stored: 5 });
    });

    it('read before delivered ends read; both are in the timeline', async () => {
      const id = await message('14155550111', 'wamid.READ-FIRST');
      await postJson(statuses(status('wamid.READ-FIRST', 'read', T0 + 200)));
      await postJson(statuses(status('wamid.READ-FIRST', 'delivered', T0 + 100)));
      await drained();
      const view = await read(id);
      expect(view.status).toBe('read');
      expect(view.events.map((event) => event.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
    });

    it('delivered then failed stays delivered: the failure is an event only', async () => {
      const id = await message('14155550112', 'wamid.DELIVERED-FAILED');
      await postJson(statuses(status('wamid.DELIVERED-FAILED', 'delivered', T0 + 100)));
      await drained();
      await postJson(statuses(status('wamid.DELIVERED-FAILED', 'failed', T0 + 200, { errors: [metaError(131026, 'Message undeliverable')] })));
      await drained();
      const view = await read(id);
      expect(view).toMatchObject({ status: 'delivered', error: null });
      expect(view.events.map((event) => event.status)).toEqual(['queued', 'sent', 'delivered', 'failed']);
    });

    it('a failure carries the taxonomy classification; 131050 suppresses the recipient', async () => {
      const id = await message('14155550113', 'wamid.OPTED-OUT');
      await postJson(statuses(status('wamid.OPTED-OUT', 'failed', T0 + 100, { recipient_id: '14155550113', errors: [metaError(131050, 'User opted out of marketing messages')] })));
      await drained();
      const view = await read(id);
      expect(view.status).toBe('failed');
      expect(view.error).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        category: expect.any(String),
        retryable: false,
        action: expect.any(String),
        meta: { code: 131050, title: expect.any(String), details: expect.any(String) },
      });
      const suppressions = await call('GET', '/v1/suppressions', key);
      expect(suppressions.body['data']).toEqual(expect.arrayContaining([expect.objectContaining({ waId: '14155550113', source: 'webhook' })]));
    });

    it('a status before the send stored its wamid finds the message by biz_opaque_callback_data', async () => {
      const id = await message('14155550114');
      await postJson(statuses(status('wamid.EARLY', 'delivered', T0 + 100, { biz_opaque_callback_data: id })));
      await drained();
      expect(await read(id)).toMatchObject({ status: 'delivered', wamid: 'wamid.EARLY' });
    });

    it('the span applying a status links to the send span of its message', async () => {
      const id = await message('14155550116', 'wamid.TRACED');
      const sendSpan = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
      await dataSource.query(`UPDATE messages SET send_traceparent = $2 WHERE id = $1`, [id, `00-${sendSpan.traceId}-${sendSpan.spanId}-01`]);
      await postJson(statuses(status('wamid.TRACED', 'delivered', T0 + 100)));
      await drained();
      await spanProcessor.forceFlush();
      const span = spans.getFinishedSpans().find((candidate) => candidate.name === 'messages.status' && candidate.attributes['switchboard.message_id'] === id);
      expect(span?.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId }))).toEqual([sendSpan]);
      expect(span?.attributes).toMatchObject({ 'switchboard.status': 'delivered', 'switchboard.status_outcome': 'applied' });
    });

    it('the worker processes each stored batch in a CONSUMER span of the webhooks queue (messaging conventions)', async () => {
      const id = await message('14155550117', 'wamid.CONSUMED');
      spans.reset();
      await postJson(statuses(status('wamid.CONSUMED', 'delivered', T0 + 100)));
      await drained();
      await spanProcessor.forceFlush();
      const [inboxId] = (await dataSource.query(`SELECT max(id)::int AS id FROM webhook_inbox`)) as Array<{ id: number }>;
      const consumer = spans.getFinishedSpans().find((span) => span.name === 'process webhooks' && span.attributes['messaging.message.id'] === `webhook-inbox-${inboxId?.id}-1`);
      expect(consumer?.kind).toBe(SpanKind.CONSUMER);
      expect(consumer?.attributes).toMatchObject({ 'messaging.system': 'bullmq', 'messaging.operation.type': 'process', 'messaging.destination.name': 'webhooks', 'messaging.bullmq.job.name': 'webhooks.process' });
      expect(await read(id)).toMatchObject({ status: 'delivered' });
    });

    it('POSTs in quick succession share processing jobs: each stored row is named by one job, and jobs start at least jobLingerMs apart', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, (_, index) => message(`141555502${String(index).padStart(2, '0')}`, `wamid.SHARED-${index}`)));
      const [{ last }] = (await dataSource.query(`SELECT coalesce(max(id), 0)::int AS last FROM webhook_inbox`)) as [{ last: number }];
      const startedAt = Date.now();
      // One after another: each POST's row is committed alone, so only the lingering job gathers them.
      for (const [index] of ids.entries()) await postJson(statuses(status(`wamid.SHARED-${index}`, 'delivered', T0 + 100)));
      const answeredAt = Date.now();
      await drained();
      const rows = ((await dataSource.query(`SELECT id::int FROM webhook_inbox WHERE id > $1 ORDER BY id`, [last])) as Array<{ id: number }>).map((row) => row.id);
      expect(rows).toHaveLength(20);
      const jobs = (await gateway.get<QueueProducer>(QUEUE_PRODUCER).queue('webhooks').getJobs(['completed', 'active', 'wait']))
        .map((job) => (job.data as { inboxIds: number[] }).inboxIds)
        .filter((inboxIds) => inboxIds.some((id) => id > last));
      expect(jobs.flat().sort((a, b) => a - b)).toEqual(rows);
      for (const inboxIds of jobs) expect(inboxIds).toEqual([...inboxIds].sort((a, b) => a - b));
      // The first row's job at once, then at most one per jobLingerMs (20) while the POSTs were answered, and one for the last rows.
      expect(jobs.length).toBeLessThanOrEqual(2 + Math.floor((answeredAt - startedAt) / 20));
      for (const id of ids) expect(await read(id)).toMatchObject({ status: 'delivered' });
    });

    it('a status for an unknown message waits, and is applied when the worker records the wamid', async () => {
      const id = await message('14155550115');
      await postJson(statuses(status('wamid.LATE-WAMID', 'delivered', T0 + 100)));
      await drained();
      expect(await read(id)).toMatchObject({ status: 'queued' });
      expect((await dataSource.query(`SELECT status FROM pending_statuses WHERE wamid = 'wamid.LATE-WAMID'`)) as unknown[]).toHaveLength(1);

      // What the send worker does after Graph answers: record the wamid, then apply what waited.
      await dataSource.query(`UPDATE messages SET status = 'sent', wamid = 'wamid.LATE-WAMID' WHERE id = $1`, [id]);
      expect(await worker.get(MessageStatusService).applyPendingStatuses(id, 'wamid.LATE-WAMID')).toBe(1);
      expect(await read(id)).toMatchObject({ status: 'delivered' });
      expect((await dataSource.query(`SELECT 1 FROM pending_statuses WHERE wamid = 'wamid.LATE-WAMID'`)) as unknown[]).toHaveLength(0);
    });

    describe('the live status feed (GraphQL messageStatusChanged)', () => {
      let watcher: AsyncIterableIterator<MessageStatusChange>;
      let scope: { tenantId: string; environment: 'live' };

      /** The next change of one of `ids` the gateway's watcher sees (earlier tests' stragglers are skipped). */
      const nextOf = async (...ids: string[]): Promise<Partial<MessageStatusChange>> => {
        for (;;) {
          let timer: NodeJS.Timeout | undefined;
          const result = await Promise.race([
            watcher.next(),
            new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no status change of ${ids.join(', ')} within 15 s`)), 15_000))),
          ]).finally(() => clearTimeout(timer));
          if (result.done) throw new Error('the status feed ended');
          if (ids.includes(result.value.messageId)) return result.value;
        }
      };
      const briefly = ({ messageId, status, messageStatus, error }: Partial<MessageStatusChange>) => ({ messageId, status, messageStatus, metaCode: error?.meta?.code });

      beforeAll(async () => {
        const [tenant] = (await dataSource.query(`SELECT id FROM tenants WHERE slug = 'retail'`)) as Array<{ id: string }>;
        scope = { tenantId: tenant?.id as string, environment: 'live' };
        watcher = gateway.get(MessageStatusFeed, { strict: false }).watch(scope);
        // Watching from here on: the gateway's subscription is in place once Redis counts it.
        const probe = new Redis(redis.url, { maxRetriesPerRequest: 1, disableClientInfo: true });
        try {
          await until(async () => ((await probe.pubsub('NUMSUB', `${redis.prefix}:status:${scope.tenantId}:live`)) as [string, number])[1] === 1, 'the gateway to subscribe');
        } finally {
          probe.disconnect();
        }
      });

      afterAll(async () => {
        await watcher?.return?.();
      });

      it("a gateway's watcher sees accept and every status the worker applies; a late watcher is replayed the same", async () => {
        const id = await message('14155550161');
        expect(briefly(await nextOf(id))).toEqual({ messageId: id, status: 'queued', messageStatus: 'queued', metaCode: undefined });
        await postJson(statuses(status('wamid.LIVE', 'sent', T0 + 1, { biz_opaque_callback_data: id })));
        await drained();
        await postJson(statuses(status('wamid.LIVE', 'delivered', T0 + 2), status('wamid.LIVE', 'failed', T0 + 3, { errors: [metaError(131026, 'Message undeliverable')] })));
        await drained();
        const live = [await nextOf(id), await nextOf(id), await nextOf(id)];
        expect(live.map(briefly)).toEqual([
          { messageId: id, status: 'sent', messageStatus: 'sent', metaCode: undefined },
          { messageId: id, status: 'delivered', messageStatus: 'delivered', metaCode: undefined },
          // Late failure after the delivery: an event, the message stays delivered.
          { messageId: id, status: 'failed', messageStatus: 'delivered', metaCode: 131026 },
        ]);
        expect(live[0]).toMatchObject({ ...scope, at: new Date((T0 + 1) * 1000).toISOString(), error: null });

        const late = gateway.get(MessageStatusFeed, { strict: false }).watch(scope, { messageId: id });
        const replayed: MessageStatusChange[] = [];
        for (let i = 0; i < 4; i += 1) replayed.push((await late.next()).value as MessageStatusChange);
        await late.return?.();
        expect(replayed.slice(1)).toEqual(live);
        expect(replayed[0]).toMatchObject({ messageId: id, status: 'queued' });
      });

      it('a pending status is published when applied; a Meta sent after the worker recorded sent is not', async () => {
        const id = await message('14155550162');
        await nextOf(id);
        await postJson(statuses(status('wamid.LIVE-PENDING', 'delivered', T0 + 2)));
        await drained();
        await dataSource.query(`UPDATE messages SET status = 'sent', wamid = 'wamid.LIVE-PENDING' WHERE id = $1`, [id]);
        await dataSource.query(`INSERT INTO message_events (message_id, tenant_id, environment, status, at) SELECT id, tenant_id, environment, 'sent', now() FROM messages WHERE id = $1`, [id]);
        expect(await worker.get(MessageStatusService).applyPendingStatuses(id, 'wamid.LIVE-PENDING')).toBe(1);
        expect(briefly(await nextOf(id))).toEqual({ messageId: id, status: 'delivered', messageStatus: 'delivered', metaCode: undefined });

        await postJson(statuses(status('wamid.LIVE-PENDING', 'sent', T0 + 1)));
        await postJson(statuses(status('wamid.LIVE-PENDING', 'read', T0 + 3)));
        await drained();
        expect(briefly(await nextOf(id))).toEqual({ messageId: id, status: 'read', messageStatus: 'read', metaCode: undefined });
      });

      it("a retry's queued is published", async () => {
        const id = await message('14155550163', 'wamid.LIVE-RETRY');
        await nextOf(id);
        await postJson(statuses(status('wamid.LIVE-RETRY', 'failed', T0 + 1, { errors: [metaError(131026, 'Message undeliverable')] })));
        await drained();
        expect(briefly(await nextOf(id))).toEqual({ messageId: id, status: 'failed', messageStatus: 'failed', metaCode: 131026 });
        expect((await call('POST', `/v1/messages/${id}/retry`, key)).status).toBe(202);
        expect(briefly(await nextOf(id))).toEqual({ messageId: id, status: 'queued', messageStatus: 'queued', metaCode: undefined });
      });
    });
  });

  describe('tenant event endpoints', () => {
    it('an endpoint receives a correctly signed message.status for each status; its secret is shown once', async () => {
      const endpoint = await createEndpoint('/ok', ['message.status']);
      expect(endpoint.secret).toMatch(/^whsec_/);
      const listed = await call('GET', '/v1/endpoints', key);
      expect(listed.body['data']).toEqual([{ id: endpoint.id, url: endpoint.url, events: ['message.status'], description: null, createdAt: expect.any(String) }]);

      const queued = await message('14155550131');
      const sent = await message('14155550132', 'wamid.EVENTS-FAILED');
      await postJson(statuses(status('wamid.EVENTS', 'sent', T0 + 1, { biz_opaque_callback_data: queued })));
      // The next statuses find the message by the wamid this one recorded.
      await drained();
      await postJson(statuses(status('wamid.EVENTS', 'delivered', T0 + 2), status('wamid.EVENTS', 'read', T0 + 3)));
      await postJson(statuses(status('wamid.EVENTS-FAILED', 'failed', T0 + 4, { errors: [metaError(131026, 'Message undeliverable')] })));
      await drained();
      await until(() => eventsAt('/ok').length >= 4, 'four message.status events');

      const events = eventsAt('/ok');
      for (const request of events) {
        expect(verifyEvent(endpoint.secret, request.body, String(request.headers['switchboard-signature']), Math.floor(Date.now() / 1000))).toBe(true);
        expect(request.headers['switchboard-event-type']).toBe('message.status');
        expect(request.event).toMatchObject({ id: request.headers['switchboard-event-id'], type: 'message.status', environment: 'live', createdAt: expect.any(String) });
      }
      expect(events.map((request) => [(request.event['data'] as Json)['messageId'], (request.event['data'] as Json)['status']]).sort()).toEqual(
        [
          [queued, 'sent'],
          [queued, 'delivered'],
          [queued, 'read'],
          [sent, 'failed'],
        ].sort(),
      );
      const failed = events.find((request) => (request.event['data'] as Json)['status'] === 'failed');
      expect((failed?.event['data'] as Json)['error']).toMatchObject({ meta: { code: 131026 } });
      expect((await call('DELETE', `/v1/endpoints/${endpoint.id}`, key)).status).toBe(204);
      expect((await call('DELETE', `/v1/endpoints/${endpoint.id}`, key)).status).toBe(404);
    });

    it('a failing endpoint is retried, then dead-lettered; replay delivers it', async () => {
      const endpoint = await createEndpoint('/failing', ['message.status', 'message.received']);
      const id = await message('14155550133', 'wamid.EVENTS-RETRY');
      await postJson(statuses(status('wamid.EVENTS-RETRY', 'delivered', T0 + 5)));
      await drained();
      const deliveryState = async () =>
        ((await dataSource.query(`SELECT state, attempts FROM event_deliveries WHERE endpoint_id = $1`, [endpoint.id])) as Array<{ state: string; attempts: number }>)[0];
      await until(async () => (await deliveryState())?.state === 'dead', 'the delivery to be dead-lettered');
      expect(await deliveryState()).toEqual({ state: 'dead', attempts: 3 });
      expect(eventsAt('/failing')).toHaveLength(3);

      answers['/failing'] = 200;
      const replay = await call('POST', `/v1/endpoints/${endpoint.id}/replay`, key);
      expect(replay).toEqual({ status: 202, body: { replayed: 1 } });
      await until(async () => (await deliveryState())?.state === 'delivered', 'the replayed delivery');
      const last = eventsAt('/failing').at(-1);
      expect(verifyEvent(endpoint.secret, last?.body ?? '', String(last?.headers['switchboard-signature']), Math.floor(Date.now() / 1000))).toBe(true);
      expect((last?.event['data'] as Json)['messageId']).toBe(id);
    });
  });

  describe('account and template changes', () => {
    it('a template status webhook updates the registry (order_update paused)', async () => {
      const before = await call('GET', '/v1/templates/order_update?language=en_US', key);
      expect(before.status).toBe(200);
      const templateId = before.body['metaTemplateId'] as string;
      await postJson({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: DEMO_IDS.wabaId,
            time: T0,
            changes: [
              {
                field: 'message_template_status_update',
                value: { event: 'PAUSED', message_template_id: Number(templateId), message_template_name: 'order_update', message_template_language: 'en_US', reason: null, other_info: { title: 'FIRST_PAUSE', description: 'low quality' } },
              },
            ],
          },
        ],
      });
      await drained();
      const after = await call('GET', '/v1/templates/order_update?language=en_US', key);
      expect(after.body).toMatchObject({ status: 'PAUSED', statusDetail: { event: 'PAUSED' } });
    });

    it('user_preferences stop suppresses the contact for the webhook; resume lifts only that suppression', async () => {
      const preferences = (value: string, at: number) =>
        envelope({ field: 'user_preferences', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PHONE }, user_preferences: [{ wa_id: '14155550151', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value, timestamp: at }] } });
      await postJson(preferences('stop', T0));
      await drained();
      const suppressed = await call('GET', '/v1/suppressions', key);
      expect(suppressed.body['data']).toEqual(expect.arrayContaining([expect.objectContaining({ waId: '14155550151', source: 'webhook' })]));
      await postJson(preferences('resume', T0 + 60));
      await drained();
      const lifted = await call('GET', '/v1/suppressions', key);
      expect((lifted.body['data'] as Json[]).some((entry) => entry['waId'] === '14155550151')).toBe(false);
    });
  });

  describe('alerts', () => {
    const alertsAt = () => eventsAt('/alerts').map((request) => request.event as { text: string });

    it('a quality downgrade raises an alert: the operator sink and the tenant both hear of it', async () => {
      const endpoint = await createEndpoint('/ok', ['alert', 'phone_number.quality']);
      await dataSource.query(`UPDATE phone_numbers SET messaging_limit = 'TIER_10K' WHERE phone_number_id = $1`, [PHONE]);
      await postJson(
        envelope({
          field: 'phone_number_quality_update',
          value: { display_phone_number: '15550100001', event: 'DOWNGRADE', current_limit: 'TIER_2K', max_daily_conversations_per_business: 'TIER_2K' },
        }),
      );
      await drained();
      await until(() => alertsAt().some((alert) => alert.text.includes('quality_downgrade')), 'the operator alert');
      // The alert goes out at once, the number's event after the payload's commit: either may come first.
      const types = () => new Set(eventsAt('/ok').map((request) => request.event['type']));
      await until(() => types().has('alert') && types().has('phone_number.quality'), 'the tenant alert and phone_number.quality events');
      expect(((await dataSource.query(`SELECT messaging_limit FROM phone_numbers WHERE phone_number_id = $1`, [PHONE])) as Json[])[0]).toEqual({ messaging_limit: 'TIER_2K' });
      expect((await call('DELETE', `/v1/endpoints/${endpoint.id}`, key)).status).toBe(204);
    });

    it('a Meta error code seen for the first time raises one alert, not one per failure', async () => {
      await message('14155550141', 'wamid.NEW-CODE-1');
      await message('14155550142', 'wamid.NEW-CODE-2');
      await postJson(statuses(status('wamid.NEW-CODE-1', 'failed', T0 + 1, { errors: [metaError(131049, 'This message was not delivered to maintain healthy ecosystem engagement.')] })));
      await postJson(statuses(status('wamid.NEW-CODE-2', 'failed', T0 + 2, { errors: [metaError(131049, 'This message was not delivered to maintain healthy ecosystem engagement.')] })));
      await drained();
      await until(() => alertsAt().some((alert) => alert.text.includes('131049')), 'the new-code alert');
      expect(alertsAt().filter((alert) => alert.text.includes('Meta error 131049'))).toHaveLength(1);
    });

    it('the periodic check raises failure-rate and token alerts', async () => {
      const checks = worker.get(AlertChecks);
      await dataSource.query(`UPDATE wabas SET token_status = 'invalid', token_problem = 'Meta answered 190' WHERE waba_id = $1`, [DEMO_IDS.wabaId]);
      try {
        expect((await checks.run()).raised).toBeGreaterThanOrEqual(2);
      } finally {
        await dataSource.query(`UPDATE wabas SET token_status = 'valid', token_problem = NULL WHERE waba_id = $1`, [DEMO_IDS.wabaId]);
      }
      await until(() => alertsAt().some((alert) => alert.text.includes('token_problem')), 'the token alert');
      expect(alertsAt().find((alert) => alert.text.includes('failure_rate'))?.text).toContain(PHONE);
      // The same condition is not raised again within the repeat interval.
      expect((await checks.run()).raised).toBe(0);
    });
  });

  it('an inbound text (posted by the simulator) opens the window: a refused free-form send is then accepted', async () => {
    const text = { from: PHONE, to: '+1 415 555 0142', type: 'text', text: { body: 'Your parcel is at the door.' } };
    const refused = await send(text);
    expect(refused.status).toBe(422);
    expect((refused.body['error'] as Json)['code']).toBe('window_closed');

    const inbound = await simulator.simulateInbound({ phoneNumberId: PHONE, from: '14155550142', name: 'Ada', text: 'Where is my parcel?' });
    expect(inbound.webhooks[0]?.statusCode).toBe(200);
    await drained();
    const window = await call('GET', `/v1/contacts/14155550142/window?from=${PHONE}`, key);
    expect(window.body).toMatchObject({ open: true });
    expect((await send(text)).status).toBe(202);
    const [contact] = (await dataSource.query(`SELECT wa_id, profile_name FROM contacts WHERE wa_id = '14155550142'`)) as Json[];
    expect(contact).toEqual({ wa_id: '14155550142', profile_name: 'Ada' });
  });

  it('with Redis away a signed POST is stored (200) or refused (503), never 200-and-lost; the sweep enqueues what was stored', async () => {
    // A Redis that accepts connections and never answers: the gateway's queue commands hang, as in an outage.
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const deadRedis: TestRedis = { ...redis, url: `redis://127.0.0.1:${(blackHole.address() as AddressInfo).port}` };
    const isolated = await startTestGateway(database, deadRedis, { GRAPH_API_BASE_URL: 'http://127.0.0.1:9' }, vaultKeys);
    try {
      const id = await message('14155550121', 'wamid.REDIS-AWAY');
      const body = serializeLikeMeta(statuses(status('wamid.REDIS-AWAY', 'delivered', T0 + 100)));
      const before = await inboxCount();
      const response = await post(body, signatureHeader(body, demoApp.secret), isolated);
      expect([200, 503]).toContain(response.statusCode);
      expect(await inboxCount()).toBe(response.statusCode === 200 ? before + 1 : before);
      if (response.statusCode === 200) {
        await worker.get(InboxSweeper).sweep(Date.now() + 60_000);
        await drained();
        expect(await read(id)).toMatchObject({ status: 'delivered' });
      }
    } finally {
      await isolated.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });
});
