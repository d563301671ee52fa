import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetaSimulator, demoSeed, DEMO_IDS, serializeLikeMeta, signatureHeader, type MetaSimulator } from '@switchboard/meta-simulator';
import { OutboxSweeper, SendMessageProcessor } from '@switchboard/messaging';
import { migrateDatabase } from '@switchboard/platform';
import { QUEUE_NAMES, redisConnectionOptions } from '@switchboard/queue';
import { createTestDatabase, createTestRedis, startTcpFaultProxy, type TcpFaultProxy, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing } from '@switchboard/token-vault';
import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { caller, startTestGateway, syncTemplates, TEST_ADMIN_KEY, type Json } from './gateway.test-helper';
import { startTestWebhookProcessing } from './webhook-processing.test-helper';

jest.setTimeout(120_000);

const RECONCILE_WINDOW_MS = 2_000;
const SWEEP_GRACE_MS = 15_000;

interface MessageView {
  id: string;
  status: string;
  wamid: string | null;
  attempts: number;
}

/**
 * No accepted message stranded: the in-process gateway accepts, the in-process worker sends to the
 * simulator (Meta) over the real Postgres and Redis, and faults are real ones: a Redis connection
 * that goes silent (the limiter's command timeout trips), a statement Postgres refuses, jobs that a
 * dead worker left failed or finished, rows left `sending`.
 */
describe('send durability (gateway + worker in-process, simulator as Meta)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let proxy: TcpFaultProxy;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let worker: INestApplicationContext;
  let queue: Queue;
  let dataSource: DataSource;
  let processor: SendMessageProcessor;
  let call: ReturnType<typeof caller>;
  let tenantId: string;
  let key: string;
  let recipient = 14155570000;
  const seed = demoSeed();
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');

  const accept = async (extra: Json = {}, to = String((recipient += 1))): Promise<string> => {
    const response = await call('POST', '/v1/messages', key, {
      from: DEMO_IDS.phoneNumberId,
      to: `+${to}`,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
      ...extra,
    });
    expect(response.status).toBe(202);
    return response.body['id'] as string;
  };
  const view = async (id: string) => (await call('GET', `/v1/messages/${id}`, key)).body as unknown as MessageView;
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const untilStatus = (id: string, statuses: string[], timeoutMs?: number) =>
    until(
      `${id} in ${statuses.join('|')}`,
      async () => {
        const current = await view(id);
        return statuses.includes(current.status) ? current : undefined;
      },
      timeoutMs,
    );
  const sendsOf = (id: string) => simulator.messages().filter((record) => record.bizOpaqueCallbackData === id);
  const sweeperOf = (app: INestApplicationContext) => app.get(OutboxSweeper, { strict: false });
  /** The send worker takes no job until resumed: the test shapes a row's state meanwhile. */
  const withWorkerPaused = async <T>(shape: () => Promise<T>): Promise<T> => {
    await processor.worker.pause();
    try {
      return await shape();
    } finally {
      await processor.worker.resume();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase('send_durability');
    redis = createTestRedis('send_durability');
    await migrateDatabase(database.url, 'test');
    const target = new URL(redis.url);
    proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port || 6379) });
    simulator = await createMetaSimulator({ seed, simulation: { statusDelaysMs: { sent: 5, delivered: 10, read: 15 } } });
    const graph = await simulator.listen({ port: 0 });
    const vaultKeys = new MasterKeyRing(MasterKey.generate());
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: graph }, vaultKeys);
    await gateway.listen(0, '127.0.0.1');
    simulator.configure({ webhookUrl: `${await gateway.getUrl()}/webhooks/whatsapp/{appId}` });
    const proxied = new URL(redis.url);
    proxied.host = proxy.address;
    worker = await startTestWebhookProcessing(database, { url: proxied.toString(), prefix: redis.prefix }, vaultKeys, graph, {
      sender: { reconcileWindowMs: RECONCILE_WINDOW_MS },
    });
    processor = worker.get(SendMessageProcessor, { strict: false });
    queue = gateway.get<Queue>(getQueueToken(QUEUE_NAMES.messages), { strict: false });
    dataSource = gateway.get(DataSource, { strict: false });
    call = caller(gateway);

    const admin = (path: string, body?: Json) => call('POST', path, TEST_ADMIN_KEY, body);
    tenantId = (await admin('/v1/admin/tenants', { slug: 'durable', name: 'Durable' })).body['id'] as string;
    expect((await admin('/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token })).status).toBe(201);
    // Only the first number: the second is registered by a test.
    expect((await admin(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, { phoneNumberId: DEMO_IDS.phoneNumberId, displayPhoneNumber: '+1 555-010-0001' })).status).toBe(201);
    key = (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect((await syncTemplates(gateway, key))['state']).toBe('succeeded');
  });

  afterAll(async () => {
    proxy?.resume();
    await worker?.close();
    await gateway?.close();
    await proxy?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  describe('a step that throws is retried with backoff, and the message is sent once', () => {
    it('the limiter times out (its Redis connection stalls) after the attempt began', async () => {
      const lock = new Client({ connectionString: database.url });
      await lock.connect();
      try {
        // The worker reads conversation_windows just before it asks the limiter: held there, the
        // stall starts before it reaches the limiter.
        const id = await withWorkerPaused(async () => {
          const accepted = await accept();
          await lock.query('BEGIN');
          await lock.query('LOCK TABLE conversation_windows IN ACCESS EXCLUSIVE MODE');
          return accepted;
        });
        await until('the worker waiting on conversation_windows', async () => {
          // Not on the locking connection: a transaction sees one snapshot of pg_stat_activity.
          const [row] = (await dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM conversation_windows%'`,
          )) as Array<{ n: number }>;
          return (row?.n ?? 0) > 0 ? true : undefined;
        });
        proxy.stall();
        await lock.query('COMMIT');
        // The stall lasts until the limiter's 1 s command timeout has tripped and the unsent attempt
        // was given back: the row reads as before the step, `queued` without an attempt mark.
        await until('the unsent attempt released', async () => {
          const [row] = (await dataSource.query(`SELECT status, attempt_started_at FROM messages WHERE id = $1`, [id])) as Array<{ status: string; attempt_started_at: Date | null }>;
          return row?.status === 'queued' && row.attempt_started_at === null ? true : undefined;
        });
        proxy.resume();

        const sent = await untilStatus(id, ['sent', 'delivered', 'read']);
        expect(sent.attempts).toBe(1);
        expect(sendsOf(id)).toHaveLength(1);
        expect((await queue.getJob(`message-${id}`))?.attemptsMade).toBeGreaterThanOrEqual(1);
      } finally {
        proxy.resume();
        await lock.end();
      }
    });

    it('Postgres refuses a statement before the attempt began (the table is away), until it is back', async () => {
      const id = await withWorkerPaused(async () => {
        const accepted = await accept();
        await dataSource.query('ALTER TABLE conversation_windows RENAME TO conversation_windows_away');
        return accepted;
      });
      try {
        // Two failed runs: the job was retried after the first, with backoff.
        await until('two failed runs of the job', async () => ((await queue.getJob(`message-${id}`))?.attemptsMade ?? 0) >= 2 ? true : undefined);
        expect(await view(id)).toMatchObject({ status: 'queued', attempts: 0 });
      } finally {
        await dataSource.query('ALTER TABLE conversation_windows_away RENAME TO conversation_windows');
      }
      const sent = await untilStatus(id, ['sent', 'delivered', 'read'], 60_000);
      expect(sent.attempts).toBe(1);
      expect(sendsOf(id)).toHaveLength(1);
    });
  });

  describe('the outbox sweep re-drives what no job will send', () => {
    it('a `sending` row idle for longer than the reconcile window plus the grace, not a younger one', async () => {
      const [stale, young] = await withWorkerPaused(async () => {
        const ids = [await accept(), await accept()];
        for (const id of ids) await queue.remove(`message-${id}`);
        // A worker died mid-call (or its delayed job was lost with Redis): the outcome is unknown.
        const idle = async (id: string, ms: number) =>
          dataSource.query(`UPDATE messages SET status = 'sending', attempt_started_at = now() - $2::interval, updated_at = now() - $2::interval WHERE id = $1`, [id, `${ms} milliseconds`]);
        await idle(ids[0] as string, RECONCILE_WINDOW_MS + SWEEP_GRACE_MS + 5_000);
        await idle(ids[1] as string, SWEEP_GRACE_MS);
        expect(await sweeperOf(worker).sweep(SWEEP_GRACE_MS)).toMatchObject({ reenqueued: 1 });
        return ids as [string, string];
      });
      const sent = await untilStatus(stale, ['sent', 'delivered', 'read']);
      expect(sent.attempts).toBe(1);
      expect(sendsOf(stale)).toHaveLength(1);
      expect(await queue.getJobState(`message-${young}`)).toBe('unknown');
      expect((await view(young)).status).toBe('sending');
      // Out of the way of the sweeps of the next tests, which it would join once idle long enough.
      await dataSource.query(`UPDATE messages SET status = 'failed' WHERE id = $1`, [young]);
    });

    it('`queued` rows whose job failed, completed or is missing, once, with sweeps of two processes at once', async () => {
      const ids = await withWorkerPaused(async () => {
        expect(await queue.getWaitingCount()).toBe(0);
        const accepted = [await accept(), await accept(), await accept()];
        // A worker that took the jobs and died leaves them failed or finished (BullMQ's own API, no fake).
        const dead = new Worker(QUEUE_NAMES.messages, undefined, { connection: redisConnectionOptions(redis.url), prefix: redis.prefix, autorun: false });
        try {
          const take = async (): Promise<Job> => {
            const job = (await dead.getNextJob('dead-worker')) as Job | undefined;
            if (!job) throw new Error('no job to take');
            return job;
          };
          const first = await take();
          expect(first.id).toBe(`message-${accepted[0]}`);
          await first.moveToFailed(new UnrecoverableError('worker lost'), 'dead-worker');
          const second = await take();
          expect(second.id).toBe(`message-${accepted[1]}`);
          await second.moveToCompleted({ kind: 'done', outcome: 'skipped' }, 'dead-worker', false);
        } finally {
          await dead.close();
        }
        await queue.remove(`message-${accepted[2]}`);
        await dataSource.query(`UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = ANY($1)`, [accepted]);
        expect(await queue.getJobState(`message-${accepted[0]}`)).toBe('failed');
        expect(await queue.getJobState(`message-${accepted[1]}`)).toBe('completed');

        const reports = await Promise.all([sweeperOf(worker).sweep(SWEEP_GRACE_MS), sweeperOf(gateway).sweep(SWEEP_GRACE_MS)]);
        expect(reports.reduce((sum, report) => sum + report.reenqueued, 0)).toBe(3);
        for (const id of accepted) expect(await queue.getJobState(`message-${id}`)).toBe('waiting');
        return accepted;
      });
      for (const id of ids) {
        await untilStatus(id, ['sent', 'delivered', 'read']);
        expect(sendsOf(id)).toHaveLength(1);
      }
    });

    it('leaves a scheduled message alone until it is due', async () => {
      const id = await accept({ scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
      await queue.remove(`message-${id}`);
      await dataSource.query(`UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = $1`, [id]);
      await sweeperOf(worker).sweep(SWEEP_GRACE_MS);
      expect(await queue.getJobState(`message-${id}`)).toBe('unknown');
    });
  });

  describe('POST /v1/messages/{id}/retry of a message Meta accepted, then reported failed', () => {
    it('sends it again as a new Graph message; the retry event keeps the old wamid; other states are 409 with the reason', async () => {
      const to = String((recipient += 1));
      simulator.configure({ failRecipients: { [to]: 131026 } });
      const id = await accept({}, to);
      const failed = await untilStatus(id, ['failed']);
      const firstWamid = failed.wamid;
      expect(firstWamid).toEqual(expect.any(String));
      simulator.configure({ failRecipients: {} });

      const retried = await call('POST', `/v1/messages/${id}/retry`, key);
      expect(retried.status).toBe(202);
      const sent = await until('the second send', async () => {
        const current = await view(id);
        return ['sent', 'delivered', 'read'].includes(current.status) && current.wamid !== firstWamid ? current : undefined;
      });
      expect(sent.wamid).toEqual(expect.any(String));
      expect(sendsOf(id).map((record) => record.id)).toEqual([firstWamid, sent.wamid]);
      const [retryEvent] = (await dataSource.query(`SELECT detail FROM message_events WHERE message_id = $1 AND status = 'queued' AND detail ? 'retry'`, [id])) as Array<{ detail: Json }>;
      expect(retryEvent?.detail).toMatchObject({ retry: 1, previous: { status: 'failed', wamid: firstWamid } });

      const delivered = await untilStatus(id, ['delivered', 'read']);
      const refused = await call('POST', `/v1/messages/${id}/retry`, key);
      expect(refused.status).toBe(409);
      expect(refused.body['error']).toMatchObject({ code: 'conflict', details: [{ path: 'id', issue: expect.stringContaining(`status is ${delivered.status}`) }] });
      const graphql = await gateway.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: { query: 'mutation($id: ID!) { retryMessage(id: $id) { id } }', variables: { id } },
      });
      const errors = (graphql.json() as { errors?: Array<{ message: string; extensions: { code: string } }> }).errors;
      expect(errors?.[0]?.extensions.code).toBe('conflict');
      expect(errors?.[0]?.message).toContain(`this one is ${delivered.status}`);
      expect(sendsOf(id)).toHaveLength(2);
    });

    it('a late status of the replaced wamid is recorded, not applied to the retried message', async () => {
      const to = String((recipient += 1));
      simulator.configure({ failRecipients: { [to]: 131026 } });
      const id = await accept({}, to);
      const oldWamid = (await untilStatus(id, ['failed'])).wamid as string;
      simulator.configure({ failRecipients: {} });
      await withWorkerPaused(async () => {
        expect((await call('POST', `/v1/messages/${id}/retry`, key)).status).toBe(202);
        // Meta reports the first send delivered after all, while the retry waits to be sent.
        const body = serializeLikeMeta({
          object: 'whatsapp_business_account',
          entry: [
            {
              id: DEMO_IDS.wabaId,
              changes: [
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '15550100001', phone_number_id: DEMO_IDS.phoneNumberId },
                    statuses: [{ id: oldWamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to, biz_opaque_callback_data: id }],
                  },
                },
              ],
            },
          ],
        });
        const posted = await gateway.inject({
          method: 'POST',
          url: `/webhooks/whatsapp/${app.id}`,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(body, app.secret) },
          payload: body,
        });
        expect(posted.statusCode).toBe(200);
        await until('the late status in the timeline', async () => {
          const rows: unknown[] = await dataSource.query(`SELECT 1 FROM message_events WHERE message_id = $1 AND status = 'delivered' AND detail ->> 'wamid' = $2`, [id, oldWamid]);
          return rows.length > 0 ? true : undefined;
        });
        expect(await view(id)).toMatchObject({ status: 'queued', wamid: null });
      });
      const sent = await until('the retry sent', async () => {
        const current = await view(id);
        return current.wamid !== null && current.wamid !== oldWamid ? current : undefined;
      });
      expect(sendsOf(id)).toHaveLength(2);
      expect(sent.status).not.toBe('queued');
    });
  });

  it('a job from before a retry does not send beside the retry', async () => {
    const id = await withWorkerPaused(async () => {
      const accepted = await accept();
      // Meta reported the first send failed while its job still waited (a reconcile window), and the client retried.
      await dataSource.query(`UPDATE messages SET status = 'failed', wamid = 'wamid.superseded', attempts = 1 WHERE id = $1`, [accepted]);
      expect((await call('POST', `/v1/messages/${accepted}/retry`, key)).status).toBe(202);
      await queue.remove(`message-${accepted}-retry-1`);
      return accepted;
    });
    const old = await until('the old job to finish', async () => ((await queue.getJobState(`message-${id}`)) === 'completed' ? queue.getJob(`message-${id}`) : undefined));
    expect(old?.returnvalue).toEqual({ kind: 'done', outcome: 'skipped' });
    expect(sendsOf(id)).toHaveLength(0);
    // The retry's own job (lost here) is the one that sends, once the sweep re-drives it.
    await dataSource.query(`UPDATE messages SET created_at = created_at - interval '1 minute' WHERE id = $1`, [id]);
    await sweeperOf(worker).sweep(SWEEP_GRACE_MS);
    await untilStatus(id, ['sent', 'delivered', 'read']);
    expect(sendsOf(id)).toHaveLength(1);
  });

  it("a media link the worker's preflight cannot use fails the message before any Graph call (the plugin's prepare, before the slot)", async () => {
    const to = String((recipient += 1));
    await dataSource.query(`INSERT INTO conversation_windows (tenant_id, environment, phone_number_id, wa_id, last_inbound_at) VALUES ($1, 'live', $2, $3, now() - interval '1 hour')`, [
      tenantId,
      DEMO_IDS.phoneNumberId,
      to,
    ]);
    // Accept has no network check; the worker's preflight refuses a private address (SSRF rules).
    const id = await accept({ type: 'image', image: { link: 'https://127.0.0.1/receipt.png' }, template: undefined }, to);
    await untilStatus(id, ['failed']);
    expect((await call('GET', `/v1/messages/${id}`, key)).body['error']).toMatchObject({ code: 'media_invalid' });
    expect(sendsOf(id)).toHaveLength(0);
  });

  it('a number registered through the admin API is accepted as `from` at once', async () => {
    // The scope's numbers were just read, so they are in the accept cache.
    await accept({ scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
    const registered = await call('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, TEST_ADMIN_KEY, {
      phoneNumberId: DEMO_IDS.secondPhoneNumberId,
      displayPhoneNumber: '+1 555-010-0002',
    });
    expect(registered.status).toBe(201);
    const response = await call('POST', '/v1/messages', key, {
      from: DEMO_IDS.secondPhoneNumberId,
      to: `+${(recipient += 1)}`,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(response.status).toBe(202);
    expect(response.body['from']).toBe(DEMO_IDS.secondPhoneNumberId);
  });
});
