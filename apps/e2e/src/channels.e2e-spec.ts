import { createMetaSimulator, demoSeed, DEMO_IDS, serializeLikeMeta, signatureHeader, type MetaSimulator } from '@switchboard/meta-simulator';
import { createSmsSimulator, SMS_DEMO_IDS, twilioSignature, type SmsSimulator } from '@switchboard/sms-simulator';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { createServer, type Server } from 'node:http';
import { Client } from 'pg';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';
import { callGateway } from './support/gateway-call';
import { syncTemplates } from './support/template-sync';

const ADMIN_API_KEY = `e2e-operator-${'c'.repeat(32)}`;
const GATEWAY = 'dist/apps/gateway/main.js';
const WORKER = 'dist/apps/worker/main.js';
/** Meta answers 131026 (not on WhatsApp, an old client) for this recipient, in a failed status webhook. */
const NOT_ON_WHATSAPP = '14155550410';
/** The "not delivered within" deadline of the many-message run. */
const WITHIN_SECONDS = 60;
const MANY = 1000;

type Json = Record<string, unknown>;
const codeOf = (body: Json) => (body['error'] as { code?: string } | undefined)?.code;
interface Event {
  status: string;
  channel?: string;
  attempt?: number;
  detail?: Json;
}
interface MessageView {
  id: string;
  status: string;
  channel?: string;
  wamid: string | null;
  providerMessageId?: string | null;
  segments?: number;
  attempts: number;
  error: { code: string; provider?: { code: string }; meta?: { code: number } } | null;
  events: Event[];
}

/**
 * The channel-agnostic core end to end: the built gateway and worker, the Meta simulator as
 * WhatsApp and the Twilio-compatible simulator as the SMS provider, real Postgres and Redis.
 * SMS sends through signed status callbacks; fallback from WhatsApp to SMS under one message id.
 */
describe('channels: SMS and fallback (built gateway + worker, both simulators)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let meta: MetaSimulator;
  let sms: SmsSimulator;
  let gateway: RunningProcess;
  let worker: RunningProcess;
  let url: string;
  let pg: Client;
  let tenantId: string;
  let key: string;
  let connectionId: string;
  let receiver: Server;
  /** Tenant events delivered to the environment's endpoint. */
  const deliveredEvents: Json[] = [];
  let recipient = 14155560000;
  const demo = demoSeed();
  const seed = {
    ...demo,
    phoneNumbers: demo.phoneNumbers.map((number) => ({ ...number, messagingLimit: 'TIER_10K' as const, mps: 1000 })),
    simulation: { ...demo.simulation, failRecipients: { [NOT_ON_WHATSAPP]: 131026 } },
  };
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');

  const call = (method: string, path: string, body?: unknown, apiKey = key) => callGateway(url, apiKey, method, path, body);
  const admin = (method: string, path: string, body?: unknown) => call(method, path, body, ADMIN_API_KEY);
  const message = async (id: string) => (await call('GET', `/v1/messages/${id}`)).body as unknown as MessageView;
  const until = async (id: string, check: (view: MessageView) => boolean, what: string, timeoutMs = 60_000): Promise<MessageView> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await message(id);
      if (check(view)) return view;
      if (Date.now() > deadline) throw new Error(`${id} is ${view.status} on ${view.channel ?? 'whatsapp'} after ${timeoutMs} ms, wanted ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  };
  const nextRecipient = () => String((recipient += 1));
  const smsSendsFor = (id: string) => sms.requests({ route: 'send' }).filter((request) => String(request.params?.['StatusCallback'] ?? '').endsWith(`messageId=${id}`));
  const sendSms = (body: Json) => call('POST', '/v1/messages', { channel: 'sms', ...body });
  const template = (to: string, extra: Json = {}) =>
    call('POST', '/v1/messages', { from: DEMO_IDS.phoneNumberId, to: `+${to}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } }, ...extra });
  /** What Meta would post for these statuses, signed with the app secret. */
  const postMetaStatuses = async (statuses: Json[]) => {
    const payload = serializeLikeMeta({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: DEMO_IDS.wabaId,
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: DEMO_IDS.phoneNumberId }, statuses } }],
        },
      ],
    });
    const response = await fetch(`${url}/webhooks/whatsapp/${app.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(payload, app.secret) },
      body: payload,
    });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    database = await createTestDatabase('e2e_channels');
    redis = createTestRedis('e2e_channels');
    const [gatewayPort, workerPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${gatewayPort}`;
    meta = await createMetaSimulator({ seed, webhookUrl: `${url}/webhooks/whatsapp/{appId}`, simulation: { statusDelaysMs: { sent: 5, delivered: 10, read: 15 } } });
    sms = await createSmsSimulator({ simulation: { statusDelaysMs: { sent: 5, delivered: 10 } } });
    const smsBaseUrl = await sms.listen({ port: 0 });
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      GRAPH_API_BASE_URL: await meta.listen({ port: 0 }),
      PUBLIC_BASE_URL: url,
    };
    gateway = startNode(GATEWAY, { ...env, PORT: String(gatewayPort), ADMIN_API_KEY });
    worker = startNode(WORKER, { ...env, WORKER_PORT: String(workerPort), SEND_CONCURRENCY: '100' });
    await waitFor(`${url}/health/ready`, { app: gateway });
    await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, { app: worker });
    pg = new Client({ connectionString: database.url });
    await pg.connect();

    tenantId = (await admin('POST', '/v1/admin/tenants', { slug: 'channels', name: 'Channels' })).body['id'] as string;
    expect((await admin('POST', '/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
    expect((await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token })).status).toBe(201);
    expect(
      (
        await admin('POST', `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`, {
          phoneNumberId: DEMO_IDS.phoneNumberId,
          displayPhoneNumber: '+1 555-010-0001',
          throughputMps: 1000,
        })
      ).status,
    ).toBe(201);
    key = (await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    expect(await syncTemplates(url, key)).toMatchObject({ state: 'succeeded' });
    const account = sms.seed.accounts.find((candidate) => candidate.accountSid === SMS_DEMO_IDS.accountSid);
    const connection = await admin('POST', `/v1/admin/tenants/${tenantId}/channel-connections`, {
      environment: 'live',
      channel: 'sms',
      name: 'Twilio (simulator)',
      config: { accountSid: account?.accountSid, authToken: account?.authToken, from: [SMS_DEMO_IDS.number], baseUrl: smsBaseUrl },
    });
    expect(connection.status).toBe(201);
    expect(JSON.stringify(connection.body)).not.toContain(account?.authToken);
    connectionId = connection.body['id'] as string;
    sms.configure({ inboundUrl: `${url}/webhooks/sms/${connectionId}` });

    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        deliveredEvents.push(JSON.parse(body) as Json);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    expect((await call('POST', '/v1/endpoints', { url: `http://127.0.0.1:${port}/events`, events: ['message.status'] })).status).toBe(201);
  });

  afterAll(async () => {
    await pg?.end();
    await new Promise((resolve) => receiver?.close(resolve));
    await gateway?.stop();
    await worker?.stop();
    await meta?.close();
    await sms?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  beforeEach(() => {
    meta.clearFaults();
    sms.clearFaults();
  });

  describe('SMS', () => {
    it('reaches delivered through signed status callbacks, the Twilio request as documented', async () => {
      const to = nextRecipient();
      const accepted = await sendSms({ to: `+${to}`, text: 'Your parcel is on its way.' });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ status: 'queued', channel: 'sms', to, from: SMS_DEMO_IDS.number.slice(1), segments: 1 });
      const id = accepted.body['id'] as string;
      const delivered = await until(id, (view) => view.status === 'delivered', 'delivered');
      expect(delivered.events.map((event) => [event.status, event.channel])).toEqual([
        ['queued', 'sms'],
        ['sent', 'sms'],
        ['delivered', 'sms'],
      ]);
      const [request, ...more] = smsSendsFor(id);
      expect(more).toHaveLength(0);
      expect(request?.params).toMatchObject({ To: `+${to}`, From: SMS_DEMO_IDS.number, Body: 'Your parcel is on its way.' });
      expect(delivered.providerMessageId).toBe(sms.messages().find((record) => record.to === `+${to}`)?.sid);
      expect(sms.callbacks().filter((callback) => callback.url.endsWith(`messageId=${id}`)).every((callback) => callback.statusCode === 200)).toBe(true);
    });

    it('counts a 2-segment UCS-2 text as 2 segments', async () => {
      const text = 'Привет! '.repeat(10);
      const accepted = await sendSms({ to: `+${nextRecipient()}`, text });
      expect(accepted.status).toBe(202);
      expect(accepted.body['segments']).toBe(2);
      const id = accepted.body['id'] as string;
      expect((await until(id, (view) => view.status === 'delivered', 'delivered')).segments).toBe(2);
      const sid = (await message(id)).providerMessageId;
      expect(sms.messages().find((record) => record.sid === sid)?.numSegments).toBe(2);
    });

    it('refuses a forged status callback and changes nothing', async () => {
      const accepted = await sendSms({ to: `+${nextRecipient()}`, text: 'Forgery test' });
      const id = accepted.body['id'] as string;
      const before = await until(id, (view) => view.status === 'delivered', 'delivered');
      const callbackUrl = `${url}/webhooks/sms/${connectionId}?messageId=${id}`;
      const params = { MessageSid: before.providerMessageId ?? '', MessageStatus: 'failed', SmsSid: before.providerMessageId ?? '', SmsStatus: 'failed', ErrorCode: '30007', AccountSid: SMS_DEMO_IDS.accountSid };
      const forged = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature('not-the-auth-token', callbackUrl, params) },
        body: new URLSearchParams(params).toString(),
      });
      expect(forged.status).toBe(403);
      const unsigned = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
      expect(unsigned.status).toBe(403);
      const after = await message(id);
      expect({ status: after.status, error: after.error, events: after.events }).toEqual({ status: before.status, error: before.error, events: before.events });
    });

    it('21610 (the recipient replied STOP) fails the send and suppresses the recipient for SMS', async () => {
      const to = nextRecipient();
      // The STOP reaches only the provider (no inbound URL now), as when the gateway missed it.
      sms.configure({ inboundUrl: null });
      await sms.simulateInbound({ from: `+${to}`, to: SMS_DEMO_IDS.number, body: 'STOP' });
      sms.configure({ inboundUrl: `${url}/webhooks/sms/${connectionId}` });
      const id = (await sendSms({ to: `+${to}`, text: 'Hello again' })).body['id'] as string;
      const failed = await until(id, (view) => view.status === 'failed', 'failed');
      expect(failed.error).toMatchObject({ code: 'recipient_suppressed', provider: { code: '21610' } });
      const suppressions = (await call('GET', '/v1/suppressions')).body['data'] as Json[];
      expect(suppressions).toContainEqual(expect.objectContaining({ waId: to, channel: 'sms' }));
      const again = await sendSms({ to: `+${to}`, text: 'Hello once more' });
      expect({ status: again.status, code: codeOf(again.body) }).toEqual({ status: 422, code: 'recipient_suppressed' });
      // Suppressed for SMS only: WhatsApp still reaches them.
      expect((await template(to)).status).toBe(202);
    });

    it('an inbound STOP suppresses the sender for SMS, and START lifts it', async () => {
      const to = nextRecipient();
      const stop = await sms.simulateInbound({ from: `+${to}`, to: SMS_DEMO_IDS.number, body: 'stop' });
      expect(stop?.delivery?.statusCode).toBe(200);
      const refused = await sendSms({ to: `+${to}`, text: 'Hi' });
      expect({ status: refused.status, code: codeOf(refused.body) }).toEqual({ status: 422, code: 'recipient_suppressed' });
      const start = await sms.simulateInbound({ from: `+${to}`, to: SMS_DEMO_IDS.number, body: 'START' });
      expect(start?.delivery?.statusCode).toBe(200);
      expect((await sendSms({ to: `+${to}`, text: 'Welcome back' })).status).toBe(202);
    });

    it('20429 (too many requests) delays the send without spending an attempt', async () => {
      const to = nextRecipient();
      sms.injectFault({ kind: 'error', code: 20429, count: 2, match: { route: 'send', to: `+${to}` } });
      const id = (await sendSms({ to: `+${to}`, text: 'Throttled' })).body['id'] as string;
      const delivered = await until(id, (view) => view.status === 'delivered', 'delivered');
      expect(delivered.attempts).toBe(1);
      expect(smsSendsFor(id)).toHaveLength(3);
    });
  });

  describe('fallback', () => {
    const fallback = [{ channel: 'sms', text: 'Your order 4521 has shipped.' }];

    it('a template to a number not on WhatsApp (131026) ends delivered by SMS under one message id, both attempts in its timeline', async () => {
      const accepted = await template(NOT_ON_WHATSAPP, { fallback });
      expect(accepted.status).toBe(202);
      const id = accepted.body['id'] as string;
      const delivered = await until(id, (view) => view.status === 'delivered' && view.channel === 'sms', 'delivered by SMS');
      expect(delivered.events.map((event) => [event.status, event.channel, event.attempt])).toEqual([
        ['queued', 'whatsapp', 1],
        ['sent', 'whatsapp', 1],
        ['failed', 'whatsapp', 1],
        ['queued', 'sms', 2],
        ['sent', 'sms', 2],
        ['delivered', 'sms', 2],
      ]);
      expect(delivered.events[2]?.detail?.['error']).toMatchObject({ code: 'invalid_recipient', meta: { code: 131026 } });
      expect(delivered.events[3]?.detail?.['fallback']).toMatchObject({ from: 'whatsapp', trigger: 'undeliverable' });
      expect(smsSendsFor(id)).toHaveLength(1);
      // GraphQL shows the same steps.
      const graphql = await call('POST', '/graphql', { query: `{ message(id: "${id}") { status channel events { status channel attempt } } }` });
      expect(graphql.body).toEqual({
        data: {
          message: {
            status: 'delivered',
            channel: 'sms',
            events: delivered.events.map((event) => ({ status: event.status, channel: event.channel, attempt: event.attempt })),
          },
        },
      });
      // Tenant events too: the WhatsApp failure, the fallback's start and the SMS statuses.
      const eventsOf = () =>
        deliveredEvents
          .filter((event) => (event['data'] as Json | undefined)?.['messageId'] === id)
          .map((event) => [(event['data'] as Json)['status'], (event['data'] as Json)['channel']]);
      const eventsUntil = Date.now() + 30_000;
      while (eventsOf().length < 4 && Date.now() < eventsUntil) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(eventsOf()).toEqual(expect.arrayContaining([['failed', 'whatsapp'], ['queued', 'sms'], ['sent', 'sms'], ['delivered', 'sms']]));
      // A replayed failed webhook starts no second fallback.
      const wamid = meta.messages().find((record) => record.bizOpaqueCallbackData === id)?.id;
      await postMetaStatuses([{ id: wamid, status: 'failed', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: NOT_ON_WHATSAPP, biz_opaque_callback_data: id, errors: [{ code: 131026, title: 'Message undeliverable' }] }]);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(smsSendsFor(id)).toHaveLength(1);
      expect((await message(id)).status).toBe('delivered');
    });

    it('without a fallback the same send ends failed, as before', async () => {
      const id = (await template(NOT_ON_WHATSAPP)).body['id'] as string;
      const failed = await until(id, (view) => view.status === 'failed', 'failed');
      expect(failed.error).toMatchObject({ code: 'invalid_recipient', meta: { code: 131026 } });
      expect(failed.channel).toBeUndefined();
      expect(smsSendsFor(id)).toHaveLength(0);
    });

    it(`"not delivered within ${WITHIN_SECONDS} s": ${MANY} messages, each status webhook three times and half of them late, give one SMS exactly to each undelivered one`, async () => {
      // Meta's own delivered/read webhooks would come too soon: this test plays Meta's webhooks itself.
      meta.configure({ statusDelaysMs: { sent: 5, delivered: 3_600_000, read: 3_600_000 } });
      try {
        const recipients = Array.from({ length: MANY }, () => nextRecipient());
        const ids: string[] = [];
        const firstAccept = Date.now();
        for (let start = 0; start < MANY; start += 50) {
          const batch = await Promise.all(
            recipients.slice(start, start + 50).map((to) => template(to, { fallback: [{ channel: 'sms', when: ['not_delivered'], withinSeconds: WITHIN_SECONDS, text: 'Your code is 123456' }] })),
          );
          for (const response of batch) {
            expect(response.status).toBe(202);
            ids.push(response.body['id'] as string);
          }
        }
        // The simulator also holds the earlier tests' messages: wait for each of these by its id.
        const wamids = new Map<string, string>();
        const unsent = () => ids.filter((id) => !wamids.has(id));
        const deadline = Date.now() + 60_000;
        while (unsent().length > 0 && Date.now() < deadline) {
          for (const record of meta.messages()) if (record.bizOpaqueCallbackData) wamids.set(record.bizOpaqueCallbackData, record.id);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(unsent()).toEqual([]);
        const onTime = ids.filter((_, index) => index % 2 === 0);
        const late = ids.filter((_, index) => index % 2 === 1);
        const statusesOf = (group: string[], status: 'delivered' | 'read') =>
          group.map((id) => ({ id: wamids.get(id), status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipients[ids.indexOf(id)], biz_opaque_callback_data: id }));
        const postThreeTimes = async (statuses: Json[]) => {
          for (let copy = 0; copy < 3; copy += 1) {
            const shuffled = [...statuses].sort(() => Math.random() - 0.5);
            for (let start = 0; start < shuffled.length; start += 100) await postMetaStatuses(shuffled.slice(start, start + 100));
          }
        };
        // Half delivered well within the deadline, each report three times, read reports among them.
        await postThreeTimes([...statusesOf(onTime, 'delivered'), ...statusesOf(onTime.slice(0, 100), 'read')]);
        // Every on-time report was in before the first message's deadline (else this machine is too slow for the test).
        expect(Date.now() - firstAccept).toBeLessThan((WITHIN_SECONDS - 10) * 1000);
        // The other half hears nothing until well after its deadline; then late reports, three times each.
        const fallbacksDone = async () => {
          const rows = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE id = ANY($1) AND channel = 'sms' AND status = 'delivered'`, [late]);
          return Number(rows.rows[0]?.n ?? 0) === late.length;
        };
        const until2 = Date.now() + (WITHIN_SECONDS + 90) * 1000;
        while (!(await fallbacksDone())) {
          if (Date.now() > until2) throw new Error('the late half did not all end delivered by SMS');
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        await postThreeTimes(statusesOf(late, 'delivered'));
        await new Promise((resolve) => setTimeout(resolve, 3000));

        const smsCounts = new Map<string, number>();
        for (const request of sms.requests({ route: 'send' })) {
          const id = /messageId=(msg_[0-9A-Z]{26})$/.exec(String(request.params?.['StatusCallback'] ?? ''))?.[1];
          if (id) smsCounts.set(id, (smsCounts.get(id) ?? 0) + 1);
        }
        // A failure shows each wrong message's timeline and what the apps logged about it.
        const explain = (group: string[]) =>
          Promise.all(
            group.map(async (id) => ({
              id,
              sms: smsCounts.get(id) ?? 0,
              events: (await pg.query(`SELECT status, channel, route_step, at, detail FROM message_events WHERE message_id = $1 ORDER BY id`, [id])).rows,
              logs: [gateway, worker].flatMap((app) => app.output().split('\n').filter((line) => line.includes(id))),
            })),
          );
        expect(await explain(onTime.filter((id) => smsCounts.has(id)))).toEqual([]);
        expect(await explain(late.filter((id) => smsCounts.get(id) !== 1))).toEqual([]);
        const states = await pg.query<{ channel: string; status: string; n: string }>(
          `SELECT channel, status, count(*) AS n FROM messages WHERE id = ANY($1) GROUP BY channel, status ORDER BY channel, status`,
          [ids],
        );
        expect(states.rows.map((row) => [row.channel, row.status, Number(row.n)])).toEqual([
          ['sms', 'delivered', late.length],
          ['whatsapp', 'delivered', onTime.length - 100],
          ['whatsapp', 'read', 100],
        ]);
      } finally {
        meta.configure({ statusDelaysMs: { sent: 5, delivered: 10, read: 15 } });
      }
    }, 300_000);
  });
});
