import {
  createMetaSimulator,
  demoSeed,
  DEMO_IDS,
  type MetaSimulator,
} from '@switchboard/meta-simulator';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  startTcpFaultProxy,
  type TcpFaultProxy,
} from '@switchboard/testing';
import { Queue, QueueEvents } from 'bullmq';
import { Client } from 'pg';
import {
  startOtlpCollector,
  type OtlpCollector,
} from './support/otlp-collector';
import {
  freePort,
  startNode,
  waitFor,
  type RunningProcess,
} from './support/app-process';
import { syncTemplates } from './support/template-sync';

const ADMIN_API_KEY = `e2e-operator-${'o'.repeat(32)}`;
/** A second WABA of the demo app, so the tenant has a number in its test environment too. */
const TEST_WABA_ID = '2000000000000009';
const TEST_NUMBER_ID = '3000000000000009';
const TEST_NUMBER_ALLOWED = '14155550101';
const WINDOW_OPEN = '14155550199';

type Json = Record<string, unknown>;
interface ErrorBody {
  code: string;
  details?: Array<{ path: string }>;
  meta?: { code: number };
}

function seedWithTestWaba() {
  const seed = demoSeed();
  seed.wabas = [
    ...(seed.wabas ?? []),
    {
      id: TEST_WABA_ID,
      name: 'Switchboard Demo (test)',
      currency: 'USD',
      timezoneId: '1',
    },
  ];
  seed.phoneNumbers.push({
    id: TEST_NUMBER_ID,
    wabaId: TEST_WABA_ID,
    displayPhoneNumber: '+1 555-010-0009',
    verifiedName: 'Switchboard Test',
  });
  const hello = seed.templates.find(
    (template) => template.name === 'hello_world',
  );
  if (hello)
    seed.templates.push({
      ...hello,
      id: '4000000000000099',
      wabaId: TEST_WABA_ID,
    });
  for (const token of seed.tokens)
    token.wabaIds = [...token.wabaIds, TEST_WABA_ID];
  return seed;
}

const buttons = (titles: string[]) => ({
  type: 'button',
  body: { text: 'Pick one' },
  action: {
    buttons: titles.map((title, n) => ({
      type: 'reply',
      reply: { id: `b${n}`, title },
    })),
  },
});
const list = (rows: number, title: string) => ({
  type: 'list',
  body: { text: 'Pick one' },
  action: {
    button: 'Choose',
    sections: [
      {
        rows: Array.from({ length: rows }, (_, n) => ({
          id: `r${n}`,
          title: rows > 1 ? `${title} ${n}` : title,
        })),
      },
    ],
  },
});

/**
 * Issue 6's acceptance against the built gateway (and, for the outbox sweep, the built
 * worker), with the real Postgres and Redis read directly: refusals leave nothing
 * behind, an accepted send is a queued row plus a job carrying its id and trace
 * context, idempotent replays, a Redis cut between row and job, and isolation.
 */
describe('POST /v1/messages against the built gateway', () => {
  const seed = seedWithTestWaba();
  const [app] = seed.apps;
  const [token] = seed.tokens;
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let collector: OtlpCollector;
  let proxy: TcpFaultProxy;
  let gateway: RunningProcess;
  let worker: RunningProcess | undefined;
  let url: string;
  let graphUrl: string;
  let pg: Client;
  let messagesQueue: Queue;
  let tenantId: string;
  let liveKey: string;
  let testKey: string;
  let otherKey: string;

  const request = async (
    method: string,
    path: string,
    key: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Json,
    };
  };
  const send = (
    body: Json,
    key = liveKey,
    headers: Record<string, string> = {},
  ) => request('POST', '/v1/messages', key, body, headers);
  const template = (to: string, extra: Json = {}) => ({
    from: DEMO_IDS.phoneNumberId,
    to,
    type: 'template',
    template: { name: 'hello_world', language: { code: 'en_US' } },
    ...extra,
  });
  /** Rows and every job of the messages queue, read from Postgres and Redis directly. */
  const stored = async () => {
    const { rows } = await pg.query<{ messages: number; events: number }>(
      `SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM message_events)::int AS events`,
    );
    const counts = await messagesQueue.getJobCounts(
      'waiting',
      'delayed',
      'active',
      'completed',
      'failed',
      'prioritized',
      'waiting-children',
    );
    return {
      ...rows[0],
      jobs: Object.values(counts).reduce((sum, count) => sum + count, 0),
    };
  };
  const rowOf = async (id: string) =>
    (
      await pg.query<{ status: string; scheduled_at: Date | null }>(
        `SELECT status, scheduled_at FROM messages WHERE id = $1`,
        [id],
      )
    ).rows[0];

  beforeAll(async () => {
    if (!app || !token) throw new Error('demo seed without app or token');
    database = await createTestDatabase('e2e_messages');
    redis = createTestRedis('e2e_messages');
    simulator = await createMetaSimulator({ seed });
    collector = await startOtlpCollector();
    const redisTarget = new URL(redis.url);
    proxy = await startTcpFaultProxy({
      host: redisTarget.hostname,
      port: Number(redisTarget.port || 6379),
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    graphUrl = await simulator.listen({ port: 0 });
    gateway = startNode('dist/apps/gateway/main.js', {
      PORT: String(port),
      DATABASE_URL: database.url,
      // Through the proxy, so one test can take Redis away from the gateway alone.
      REDIS_URL: `redis://${proxy.address}`,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      ADMIN_API_KEY,
      GRAPH_API_BASE_URL: graphUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_SERVICE_NAME: 'e2e-gateway',
    });
    await waitFor(`${url}/health/ready`, { app: gateway });
    pg = new Client({ connectionString: database.url });
    await pg.connect();
    messagesQueue = new Queue('messages', {
      connection: { url: redis.url, maxRetriesPerRequest: null },
      prefix: redis.prefix,
    });

    const admin = (path: string, body: unknown = {}, method = 'POST') =>
      request(method, path, ADMIN_API_KEY, body);
    tenantId = (
      await admin('/v1/admin/tenants', { slug: 'shop', name: 'Shop' })
    ).body['id'] as string;
    const otherTenantId = (
      await admin('/v1/admin/tenants', { slug: 'other', name: 'Other' })
    ).body['id'] as string;
    expect(
      (
        await admin('/v1/admin/meta-apps', {
          appId: app.id,
          appSecret: app.secret,
          verifyToken: app.verifyToken,
        })
      ).status,
    ).toBe(201);
    for (const [environment, wabaId] of [
      ['live', DEMO_IDS.wabaId],
      ['test', TEST_WABA_ID],
    ] as const) {
      expect(
        (
          await admin(`/v1/admin/tenants/${tenantId}/wabas`, {
            environment,
            wabaId,
            appId: app.id,
            accessToken: token.token,
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await admin(
            `/v1/admin/tenants/${tenantId}/wabas/${wabaId}/phone-numbers/sync`,
          )
        ).status,
      ).toBe(200);
    }
    const marked = await admin(
      `/v1/admin/tenants/${tenantId}/wabas/${TEST_WABA_ID}/phone-numbers/${TEST_NUMBER_ID}/test-number`,
      { testNumber: true, testRecipients: [`+${TEST_NUMBER_ALLOWED}`] },
      'PUT',
    );
    expect(marked.status).toBe(200);
    liveKey = (
      await admin(`/v1/admin/tenants/${tenantId}/api-keys`, {
        environment: 'live',
      })
    ).body['key'] as string;
    testKey = (
      await admin(`/v1/admin/tenants/${tenantId}/api-keys`, {
        environment: 'test',
      })
    ).body['key'] as string;
    otherKey = (
      await admin(`/v1/admin/tenants/${otherTenantId}/api-keys`, {
        environment: 'live',
      })
    ).body['key'] as string;
    // Template syncs are queued; a worker runs them and stops before the tests, which
    // count the messages queue's jobs and must find every accepted one still waiting.
    const workerPort = await freePort();
    const worker = startNode('dist/apps/worker/main.js', {
      WORKER_PORT: String(workerPort),
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      GRAPH_API_BASE_URL: graphUrl,
    });
    try {
      await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, { app: worker });
      for (const key of [liveKey, testKey])
        expect(await syncTemplates(url, key)).toMatchObject({
          state: 'succeeded',
        });
    } finally {
      expect((await worker.stop()).code).toBe(0);
    }
    // Webhook processing writes windows; here the contact wrote an hour ago.
    await pg.query(
      `INSERT INTO conversation_windows (tenant_id, environment, phone_number_id, wa_id, last_inbound_at) VALUES ($1, 'live', $2, $3, now() - interval '1 hour')`,
      [tenantId, DEMO_IDS.phoneNumberId, WINDOW_OPEN],
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await gateway?.stop();
    await messagesQueue?.close();
    await pg?.end();
    await proxy?.close();
    await collector?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('refuses every pre-send check with its code, leaving no row, no event and no job', async () => {
    expect(
      (
        await request('POST', '/v1/suppressions', liveKey, {
          waId: '+1 415 555 0177',
        })
      ).status,
    ).toBe(201);
    const cases: Array<
      [
        string,
        Json,
        number,
        string,
        string | undefined,
        number | undefined,
        string?,
      ]
    > = [
      [
        'invalid number',
        template('+1 234'),
        422,
        'invalid_recipient',
        'to',
        undefined,
      ],
      [
        'national number invalid in the named country',
        template('020 7946 0958', { country: 'US' }),
        422,
        'invalid_recipient',
        'to',
        undefined,
      ],
      [
        'national number with two readings',
        template('430 555 1234'),
        422,
        'invalid_recipient',
        'to',
        undefined,
      ],
      [
        'business-scoped user id',
        template('US.8811234567890'),
        422,
        'invalid_recipient',
        'to',
        131062,
      ],
      [
        'group recipient',
        template('+1 415 555 1234', { recipient_type: 'group' }),
        400,
        'validation_failed',
        'recipient_type',
        undefined,
      ],
      [
        'sanctioned region',
        template('+53 5 551 2345'),
        422,
        'unsupported_region',
        'to',
        undefined,
      ],
      [
        'suppressed recipient',
        template('+1 (415) 555-0177'),
        422,
        'recipient_suppressed',
        'to',
        undefined,
      ],
      [
        'text without a window',
        {
          from: DEMO_IDS.phoneNumberId,
          to: '+1 415 555 1234',
          type: 'text',
          text: { body: 'Hi' },
        },
        422,
        'window_closed',
        undefined,
        131047,
      ],
      [
        'text over 4096 characters',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'text',
          text: { body: 'x'.repeat(4097) },
        },
        400,
        'validation_failed',
        'text.body',
        undefined,
      ],
      [
        'un-substituted placeholder',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'text',
          text: { body: 'Hi {{name}}' },
        },
        400,
        'validation_failed',
        'text.body',
        undefined,
      ],
      [
        'media link over http',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'image',
          image: { link: 'http://example.com/a.jpg' },
        },
        422,
        'media_invalid',
        'image.link',
        undefined,
      ],
      [
        'media link through a URL shortener',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'image',
          image: { link: 'https://bit.ly/3abcdef' },
        },
        422,
        'media_invalid',
        'image.link',
        undefined,
      ],
      [
        'media type the kind does not allow',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'image',
          image: { link: 'https://example.com/a.gif' },
        },
        422,
        'media_invalid',
        'image.link',
        undefined,
      ],
      [
        'caption over 1024 characters',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'image',
          image: {
            link: 'https://example.com/a.jpg',
            caption: 'x'.repeat(1025),
          },
        },
        400,
        'validation_failed',
        'image.caption',
        undefined,
      ],
      [
        'four reply buttons',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'interactive',
          interactive: buttons(['Yes', 'No', 'Maybe', 'Later']),
        },
        400,
        'validation_failed',
        'interactive.action.buttons',
        undefined,
      ],
      [
        'button title over 20 characters',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'interactive',
          interactive: buttons(['x'.repeat(21)]),
        },
        400,
        'validation_failed',
        'interactive.action.buttons.0.reply.title',
        undefined,
      ],
      [
        'list with 11 rows',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'interactive',
          interactive: list(11, 'Row'),
        },
        400,
        'validation_failed',
        'interactive.action.sections',
        undefined,
      ],
      [
        'list row title over 24 characters',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'interactive',
          interactive: list(1, 'x'.repeat(25)),
        },
        400,
        'validation_failed',
        'interactive.action.sections.0.rows.0.title',
        undefined,
      ],
      [
        'image without a window',
        {
          from: DEMO_IDS.phoneNumberId,
          to: '+1 415 555 1234',
          type: 'image',
          image: { link: 'https://example.com/a.jpg' },
        },
        422,
        'window_closed',
        undefined,
        131047,
      ],
      [
        'placeholder in a caption',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'video',
          video: { link: 'https://example.com/a.mp4', caption: 'For {{name' },
        },
        400,
        'validation_failed',
        'video.caption',
        undefined,
      ],
      [
        'choice of 11 options',
        {
          from: DEMO_IDS.phoneNumberId,
          to: WINDOW_OPEN,
          type: 'choice',
          choice: {
            body: 'Pick',
            options: Array.from({ length: 11 }, (_, i) => ({ id: `o${i}`, title: `Option ${i}` })),
          },
        },
        400,
        'validation_failed',
        'choice.options',
        undefined,
      ],
      [
        'unknown template',
        template('+1 415 555 1234', {
          template: { name: 'no_such', language: { code: 'en_US' } },
        }),
        422,
        'template_not_found',
        'template.name',
        undefined,
      ],
      [
        'template language not exact',
        template('+1 415 555 1234', {
          template: { name: 'hello_world', language: { code: 'en_us' } },
        }),
        422,
        'template_not_found',
        undefined,
        undefined,
      ],
      [
        'rejected template',
        template('+1 415 555 1234', {
          template: { name: 'flash_promo', language: { code: 'en_US' } },
        }),
        422,
        'template_not_approved',
        undefined,
        undefined,
      ],
      [
        'template parameter count',
        template('+1 415 555 1234', {
          template: { name: 'order_update', language: { code: 'en_US' } },
        }),
        422,
        'template_param_mismatch',
        undefined,
        undefined,
      ],
      [
        'sender of another environment',
        template('+1 415 555 1234', { from: TEST_NUMBER_ID }),
        400,
        'validation_failed',
        'from',
        undefined,
      ],
      [
        'scheduledAt in the past',
        template('+1 415 555 1234', {
          scheduledAt: new Date(Date.now() - 60_000).toISOString(),
        }),
        400,
        'validation_failed',
        'scheduledAt',
        undefined,
      ],
      [
        'scheduledAt beyond 30 days',
        template('+1 415 555 1234', {
          scheduledAt: new Date(Date.now() + 31 * 86_400_000).toISOString(),
        }),
        400,
        'validation_failed',
        'scheduledAt',
        undefined,
      ],
      [
        'test number to a recipient off its list',
        template('+1 415 555 0102', { from: TEST_NUMBER_ID }),
        422,
        'recipient_not_allowed',
        'to',
        131030,
        testKey,
      ],
    ];
    const before = await stored();
    for (const [name, body, status, code, path, metaCode, key] of cases) {
      const response = await send(body, key ?? liveKey);
      const error = response.body['error'] as ErrorBody;
      expect({ name, status: response.status, code: error?.code }).toEqual({
        name,
        status,
        code,
      });
      if (path)
        expect({
          name,
          paths: error.details?.map((detail) => detail.path),
        }).toEqual({ name, paths: expect.arrayContaining([path]) });
      if (metaCode)
        expect({ name, meta: error.meta?.code }).toEqual({
          name,
          meta: metaCode,
        });
    }
    expect(await stored()).toEqual(before);
    // The test number does send to its registered recipient.
    expect(
      (
        await send(
          template(`+${TEST_NUMBER_ALLOWED}`, { from: TEST_NUMBER_ID }),
          testKey,
        )
      ).status,
    ).toBe(202);
  });

  it('accepts a valid template send: 202 in the contract shape, a queued row, a job with the message id and the trace context of the accept span', async () => {
    const before = await stored();
    const response = await send(
      template('+1 (415) 555-1234', { metadata: { orderId: '4521' } }),
    );
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^msg_[0-9A-Z]{26}$/),
      status: 'queued',
      to: '14155551234',
      from: DEMO_IDS.phoneNumberId,
      createdAt: expect.any(String),
    });
    const id = response.body['id'] as string;
    expect(await stored()).toEqual({
      messages: before.messages + 1,
      events: before.events + 1,
      jobs: before.jobs + 1,
    });
    expect((await rowOf(id))?.status).toBe('queued');
    const job = await messagesQueue.getJob(`message-${id}`);
    expect(job?.name).toBe('messages.send');
    expect(job?.data).toEqual({
      messageId: id,
      traceparent: expect.stringMatching(
        /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/,
      ),
    });

    const traceId = (job?.data as { traceparent: string }).traceparent.split(
      '-',
    )[1];
    const deadline = Date.now() + 10_000;
    let accept = collector
      .spans()
      .find((span) => span.attributes['switchboard.message_id'] === id);
    while (!accept && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      accept = collector
        .spans()
        .find((span) => span.attributes['switchboard.message_id'] === id);
    }
    expect(accept?.traceId).toBe(traceId);
    expect(accept?.attributes).toMatchObject({
      'switchboard.tenant_id': tenantId,
      'switchboard.environment': 'live',
      'switchboard.message_id': id,
    });
  });

  it('holds a scheduled send in the delayed set and shows its time in UTC', async () => {
    const at = new Date(Date.now() + 3 * 3600_000);
    const withOffset = new Date(at.getTime() - 5 * 3600_000)
      .toISOString()
      .replace('Z', '-05:00');
    const response = await send(
      template('+1 415 555 0131', { scheduledAt: withOffset }),
    );
    expect(response.status).toBe(202);
    const id = response.body['id'] as string;
    expect((await rowOf(id))?.scheduled_at?.toISOString()).toBe(
      at.toISOString(),
    );
    expect(
      (await request('GET', `/v1/messages/${id}`, liveKey)).body['scheduledAt'],
    ).toBe(at.toISOString());
    expect(
      await (await messagesQueue.getJob(`message-${id}`))?.getState(),
    ).toBe('delayed');
  });

  it('replays an Idempotency-Key: the same body answers the same id with one job; another body is 409', async () => {
    const before = await stored();
    const headers = { 'idempotency-key': 'order-4521-shipped' };
    const first = await send(template('+1 415 555 0111'), liveKey, headers);
    const again = await send(template('+1 415 555 0111'), liveKey, headers);
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    const conflict = await send(template('+1 415 555 0112'), liveKey, headers);
    expect(conflict.status).toBe(409);
    expect((conflict.body['error'] as ErrorBody).code).toBe(
      'idempotency_conflict',
    );
    expect(await stored()).toEqual({
      messages: before.messages + 1,
      events: before.events + 1,
      jobs: before.jobs + 1,
    });
  });

  it('requeues a failed message through the retry route with a job of its own', async () => {
    const id = (await send(template('+1 415 555 0141'))).body['id'] as string;
    expect(
      (await request('POST', `/v1/messages/${id}/retry`, liveKey)).status,
    ).toBe(409);
    // The send worker records failures (next issue); here one is written directly.
    await pg.query(
      `UPDATE messages SET status = 'dead', attempts = 5 WHERE id = $1`,
      [id],
    );
    expect(
      (await request('POST', `/v1/messages/${id}/retry`, liveKey)).status,
    ).toBe(202);
    expect((await rowOf(id))?.status).toBe('queued');
    expect(
      (await messagesQueue.getJob(`message-${id}-retry-1`))?.data,
    ).toMatchObject({ messageId: id, retry: 1 });
  });

  it('accepts while Redis is cut between the row and the job, and the outbox sweep in the worker enqueues the row later', async () => {
    proxy.cut();
    try {
      const started = Date.now();
      const response = await send(template('+1 415 555 0143'));
      expect(response.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(5_000);
      const id = response.body['id'] as string;
      expect((await rowOf(id))?.status).toBe('queued');
      expect(await messagesQueue.getJob(`message-${id}`)).toBeUndefined();

      // Instead of waiting out the sweep's 15 s grace, the row is made older than it.
      await pg.query(
        `UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = $1`,
        [id],
      );
      const workerPort = await freePort();
      worker = startNode('dist/apps/worker/main.js', {
        WORKER_PORT: String(workerPort),
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: redis.prefix,
        LOG_LEVEL: 'warn',
        GRAPH_API_BASE_URL: graphUrl,
      });
      await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, { app: worker });
      // The worker's scheduler runs a sweep at start and every 30 s; one more is run now so the test need not wait for a tick.
      const outbox = new Queue('outbox', {
        connection: { url: redis.url, maxRetriesPerRequest: null },
        prefix: redis.prefix,
      });
      const events = new QueueEvents('outbox', {
        connection: { url: redis.url, maxRetriesPerRequest: null },
        prefix: redis.prefix,
      });
      try {
        await events.waitUntilReady();
        const sweep = await outbox.add(
          'messages.sweep',
          { trigger: 'start' },
          { jobId: `e2e-sweep-${id}` },
        );
        await sweep.waitUntilFinished(events, 15_000);
      } finally {
        await events.close();
        await outbox.close();
      }
      // Exactly the sweep's payload: the gateway's own add would also carry the request's traceparent.
      expect((await messagesQueue.getJob(`message-${id}`))?.data).toEqual({
        messageId: id,
      });
    } finally {
      proxy.restore();
      // The worker also sends; the routes below are checked on rows nothing else changes.
      await worker?.stop();
    }
    await waitFor(`${url}/health/ready`);
    expect((await send(template('+1 415 555 0144'))).status).toBe(202);
  });

  it('answers 404 across tenants and environments on every message route', async () => {
    const id = (await send(template('+1 415 555 0151'))).body['id'] as string;
    await pg.query(`UPDATE messages SET status = 'failed' WHERE id = $1`, [id]);
    expect(
      (
        await request('POST', '/v1/suppressions', liveKey, {
          waId: '+1 415 555 0166',
        })
      ).status,
    ).toBe(201);
    for (const foreign of [otherKey, testKey]) {
      expect((await request('GET', `/v1/messages/${id}`, foreign)).status).toBe(
        404,
      );
      expect(
        (await request('POST', `/v1/messages/${id}/retry`, foreign)).status,
      ).toBe(404);
      expect(
        (
          await request(
            'GET',
            `/v1/contacts/${WINDOW_OPEN}/window?from=${DEMO_IDS.phoneNumberId}`,
            foreign,
          )
        ).status,
      ).toBe(404);
      expect(
        (await request('DELETE', '/v1/suppressions/14155550166', foreign))
          .status,
      ).toBe(404);
      const listed = (await request('GET', '/v1/messages?limit=100', foreign))
        .body['data'] as Json[];
      expect(listed.map((message) => message['id'])).not.toContain(id);
      expect(
        (
          (await request('GET', '/v1/suppressions', foreign)).body[
            'data'
          ] as Json[]
        ).map((entry) => entry['waId']),
      ).not.toContain('14155550166');
      // Another tenant's number is no sender of theirs: refused on `from`, saying nothing about whose it is.
      const refused = await send(template('+1 415 555 1234'), foreign);
      expect({
        status: refused.status,
        path: (refused.body['error'] as ErrorBody).details?.[0]?.path,
      }).toEqual({ status: 400, path: 'from' });
    }
    expect(
      (await request('GET', `/v1/messages/${id}`, liveKey)).body['status'],
    ).toBe('failed');
  });
});
