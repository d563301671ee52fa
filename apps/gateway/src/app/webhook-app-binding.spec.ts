import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetaSimulator, demoSeed, DEMO_IDS, serializeLikeMeta, signatureHeader, type MetaSimulator } from '@switchboard/meta-simulator';
import { migrateDatabase } from '@switchboard/platform';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing, platformScope, TOKEN_VAULT, type TokenVault } from '@switchboard/token-vault';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { caller, startTestGateway, syncTemplates, TEST_ADMIN_KEY, type Json } from './gateway.test-helper';
import { startTestWebhookProcessing } from './webhook-processing.test-helper';

/** Secrets of this run only: nothing secret-shaped is committed. */
const secret = (label: string) => `${label}-${randomBytes(16).toString('hex')}`;

/** The victim: the demo app, WABA and number, registered to tenant "retail". */
const seed = demoSeed();
const [victimApp] = seed.apps;
const [victimToken] = seed.tokens;
if (!victimApp || !victimToken) throw new Error('demo seed without app or token');
const VICTIM_WABA = DEMO_IDS.wabaId;
const VICTIM_PHONE = DEMO_IDS.phoneNumberId;

/** The attacker: another registered Meta app with its own WABA and number, registered to tenant "rogue". */
const ROGUE = { appId: '1000000000000077', wabaId: '2000000000000077', phoneNumberId: '3000000000000077', display: '+1 555-010-0077' };
const rogueApp = { id: ROGUE.appId, name: 'Rogue', secret: secret('rogue-app'), verifyToken: secret('rogue-verify') };
const rogueToken = { ...victimToken, token: secret('rogue-token'), appId: ROGUE.appId, wabaIds: [ROGUE.wabaId] };
seed.apps.push(rogueApp);
seed.tokens.push(rogueToken);
seed.wabas.push({ id: ROGUE.wabaId, name: 'Rogue', currency: 'USD', timezoneId: '1' });
seed.phoneNumbers.push({ ...(seed.phoneNumbers[0] as (typeof seed.phoneNumbers)[number]), id: ROGUE.phoneNumberId, wabaId: ROGUE.wabaId, displayPhoneNumber: ROGUE.display, verifiedName: 'Rogue' });

const T0 = Math.floor(Date.now() / 1000) + 60;
const metadata = (phoneNumberId: string, display: string) => ({ display_phone_number: display.replace(/[^0-9]/g, ''), phone_number_id: phoneNumberId });
const inbound = (phoneNumberId: string, display: string, from: string, wamid: string, name = 'Ada') => ({
  field: 'messages',
  value: {
    messaging_product: 'whatsapp',
    metadata: metadata(phoneNumberId, display),
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: String(T0), type: 'text', text: { body: 'hello' } }],
  },
});
const statusChange = (phoneNumberId: string, display: string, wamid: string, status: string, extra: Json = {}) => ({
  field: 'messages',
  value: { messaging_product: 'whatsapp', metadata: metadata(phoneNumberId, display), statuses: [{ id: wamid, status, timestamp: String(T0 + 1), recipient_id: '14155550190', ...extra }] },
});
const stopMarketing = (phoneNumberId: string, ...waIds: string[]) => ({
  field: 'user_preferences',
  value: {
    messaging_product: 'whatsapp',
    metadata: { phone_number_id: phoneNumberId },
    user_preferences: waIds.map((waId) => ({ wa_id: waId, detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: T0 })),
  },
});
const optedOut = { errors: [{ code: 131050, title: 'User opted out of marketing messages', message: 'opted out', error_data: { details: 'opted out' } }] };

/**
 * A webhook payload is only as trustworthy as the Meta app whose secret signed it: every
 * entry must name a WABA (and phone number) registered under that app. Gateway and webhook
 * processing in-process over the real Postgres and Redis, the simulator as Meta.
 */
describe('Webhook payloads are bound to the app that signed them', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let simulator: MetaSimulator;
  let gateway: NestFastifyApplication;
  let worker: INestApplicationContext;
  let dataSource: DataSource;
  let call: ReturnType<typeof caller>;
  let victimKey: string;
  let victimTemplateId: string;
  const vaultKeys = new MasterKeyRing(MasterKey.generate());

  const post = (appId: string, appSecret: string, payload: Json) => {
    const body = serializeLikeMeta(payload);
    return gateway.inject({ method: 'POST', url: `/webhooks/whatsapp/${appId}`, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(body, appSecret) }, payload: body });
  };
  const postAs = async (app: { id: string; secret: string }, ...entries: Json[]) => {
    const response = await post(app.id, app.secret, { object: 'whatsapp_business_account', entry: entries });
    expect(response.statusCode).toBe(200);
    await drained();
  };
  const drained = async () => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE state = 'pending'`)) as Array<{ n: number }>;
      if (row?.n === 0) return;
      if (Date.now() > deadline) throw new Error('webhook inbox not drained in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const rejected = async (reason: string): Promise<number> => {
    const metric = await worker.get<Registry>(METRICS_REGISTRY, { strict: false }).getSingleMetric('switchboard_webhook_entries_rejected_total')?.get();
    return metric?.values.find((value) => value.labels['reason'] === reason)?.value ?? 0;
  };
  /** Counted right after the payload commits: waits for the counter to reach `expected`. */
  const expectRejected = async (reason: string, expected: number) => {
    const deadline = Date.now() + 5_000;
    while ((await rejected(reason)) < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rejected(reason)).toBe(expected);
  };
  /** A victim message as the send worker leaves it: sent, with its wamid. */
  const victimMessage = async (to: string, wamid: string): Promise<string> => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${victimKey}` },
      payload: { from: VICTIM_PHONE, to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    expect(response.statusCode).toBe(202);
    const id = (response.json() as Json)['id'] as string;
    await dataSource.query(`UPDATE messages SET status = 'sent', wamid = $2 WHERE id = $1`, [id, wamid]);
    return id;
  };
  /** Everything of the victim tenant a forged webhook could change. */
  const victimState = async () =>
    (await dataSource.query(
      `SELECT (SELECT json_agg(json_build_object('id', m.id, 'status', m.status) ORDER BY m.id) FROM messages m JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = 'retail') AS messages,
              (SELECT count(*)::int FROM message_events e JOIN tenants t ON t.id = e.tenant_id WHERE t.slug = 'retail') AS events,
              (SELECT count(*)::int FROM conversation_windows w JOIN tenants t ON t.id = w.tenant_id WHERE t.slug = 'retail') AS windows,
              (SELECT count(*)::int FROM inbound_messages i JOIN tenants t ON t.id = i.tenant_id WHERE t.slug = 'retail') AS inbound,
              (SELECT count(*)::int FROM pending_statuses p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'retail') AS pending,
              (SELECT count(*)::int FROM suppressions s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = 'retail') AS suppressions,
              (SELECT json_agg(json_build_object('id', meta_template_id, 'status', status) ORDER BY meta_template_id) FROM templates WHERE waba_id = $1) AS templates,
              (SELECT json_agg(json_build_object('id', phone_number_id, 'limit', messaging_limit, 'mps', throughput_mps) ORDER BY phone_number_id) FROM phone_numbers WHERE phone_number_id = $2) AS numbers`,
      [VICTIM_WABA, VICTIM_PHONE],
    )) as Json[];
  const windowOf = async (phoneNumberId: string, waId: string) =>
    ((await dataSource.query(`SELECT 1 FROM conversation_windows WHERE phone_number_id = $1 AND wa_id = $2`, [phoneNumberId, waId])) as unknown[]).length;

  beforeAll(async () => {
    database = await createTestDatabase('webhook_binding');
    redis = createTestRedis('webhook_binding');
    simulator = await createMetaSimulator({ seed });
    const graphBaseUrl = await simulator.listen({ port: 0 });
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis, { GRAPH_API_BASE_URL: graphBaseUrl }, vaultKeys);
    worker = await startTestWebhookProcessing(database, redis, vaultKeys, graphBaseUrl);
    call = caller(gateway);
    dataSource = gateway.get(DataSource, { strict: false });

    const admin = (url: string, body?: Json) => call('POST', url, TEST_ADMIN_KEY, body);
    const register = async (slug: string, app: { id: string; secret: string; verifyToken: string }, token: string, wabaId: string, phoneNumberId: string, display: string) => {
      const tenantId = (await admin('/v1/admin/tenants', { slug, name: slug })).body['id'] as string;
      expect((await admin('/v1/admin/meta-apps', { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken })).status).toBe(201);
      expect((await admin(`/v1/admin/tenants/${tenantId}/wabas`, { environment: 'live', wabaId, appId: app.id, accessToken: token })).status).toBe(201);
      expect((await admin(`/v1/admin/tenants/${tenantId}/wabas/${wabaId}/phone-numbers`, { phoneNumberId, displayPhoneNumber: display })).status).toBe(201);
      return (await admin(`/v1/admin/tenants/${tenantId}/api-keys`, { environment: 'live' })).body['key'] as string;
    };
    victimKey = await register('retail', victimApp, victimToken.token, VICTIM_WABA, VICTIM_PHONE, '+1 555-010-0001');
    await register('rogue', rogueApp, rogueToken.token, ROGUE.wabaId, ROGUE.phoneNumberId, ROGUE.display);
    expect((await syncTemplates(gateway, victimKey))['state']).toBe('succeeded');
    victimTemplateId = (await call('GET', '/v1/templates/order_update?language=en_US', victimKey)).body['metaTemplateId'] as string;
  });

  afterAll(async () => {
    await worker?.close();
    await gateway?.close();
    await simulator?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it("a payload signed by one app naming another app's WABA or number changes nothing of that tenant, and each change is counted", async () => {
    const victimId = await victimMessage('14155550181', 'wamid.VICTIM-1');
    const before = await victimState();
    const mismatches = await rejected('app_mismatch');
    const victimDisplay = '+1 555-010-0001';
    await postAs(
      rogueApp,
      // Routed by the victim's WABA.
      {
        id: VICTIM_WABA,
        time: T0,
        changes: [
          inbound(VICTIM_PHONE, victimDisplay, '14155550182', 'wamid.FORGED-IN-1'),
          statusChange(VICTIM_PHONE, victimDisplay, 'wamid.VICTIM-1', 'failed', optedOut),
          stopMarketing(VICTIM_PHONE, '14155550183'),
          {
            field: 'message_template_status_update',
            value: { event: 'PAUSED', message_template_id: Number(victimTemplateId), message_template_name: 'order_update', message_template_language: 'en_US', reason: null },
          },
          { field: 'phone_number_quality_update', value: { display_phone_number: '15550100001', event: 'DOWNGRADE', current_limit: 'TIER_250' } },
          { field: 'phone_number_quality_update', value: { display_phone_number: '15550100001', event: 'THROUGHPUT_UPGRADE', current_limit: 'TIER_2K' } },
          { field: 'account_update', value: { event: 'ACCOUNT_RESTRICTION' } },
        ],
      },
      // The attacker's own WABA, the victim's number: routed by phone number.
      {
        id: ROGUE.wabaId,
        changes: [
          inbound(VICTIM_PHONE, victimDisplay, '14155550184', 'wamid.FORGED-IN-2'),
          statusChange(VICTIM_PHONE, victimDisplay, 'wamid.VICTIM-1', 'read'),
          stopMarketing(VICTIM_PHONE, '14155550185'),
        ],
      },
    );
    expect(await victimState()).toEqual(before);
    expect(await windowOf(VICTIM_PHONE, '14155550182')).toBe(0);
    expect((await call('GET', `/v1/messages/${victimId}`, victimKey)).body).toMatchObject({ status: 'sent', error: null });
    await expectRejected('app_mismatch', mismatches + 10);
    const [row] = (await dataSource.query(`SELECT state, app_id FROM webhook_inbox ORDER BY id DESC LIMIT 1`)) as Json[];
    expect(row).toEqual({ state: 'processed', app_id: ROGUE.appId });
  });

  it("a mixed payload applies the signing app's entries only", async () => {
    const mismatches = await rejected('app_mismatch');
    const before = await victimState();
    await postAs(
      rogueApp,
      { id: ROGUE.wabaId, changes: [inbound(ROGUE.phoneNumberId, ROGUE.display, '14155550186', 'wamid.ROGUE-OWN')] },
      { id: VICTIM_WABA, changes: [inbound(VICTIM_PHONE, '+1 555-010-0001', '14155550187', 'wamid.FORGED-MIXED')] },
    );
    expect(await windowOf(ROGUE.phoneNumberId, '14155550186')).toBe(1);
    expect(await windowOf(VICTIM_PHONE, '14155550187')).toBe(0);
    expect(await victimState()).toEqual(before);
    await expectRejected('app_mismatch', mismatches + 1);
  });

  it("the victim's own app still applies its entries; a WABA no tenant registered is dropped as unknown", async () => {
    const unknown = await rejected('unknown_account');
    await postAs(
      victimApp,
      { id: VICTIM_WABA, changes: [inbound(VICTIM_PHONE, '+1 555-010-0001', '14155550188', 'wamid.VICTIM-OWN')] },
      { id: '2000000000000999', changes: [inbound('3000000000000999', '+1 555-010-0999', '14155550189', 'wamid.NOBODY')] },
    );
    expect(await windowOf(VICTIM_PHONE, '14155550188')).toBe(1);
    expect(((await dataSource.query(`SELECT 1 FROM inbound_messages WHERE wamid = 'wamid.NOBODY'`)) as unknown[]).length).toBe(0);
    await expectRejected('unknown_account', unknown + 1);
  });

  it('one item that breaks a constraint or fails validation is dropped alone; the rest of the payload is applied', async () => {
    const invalid = await rejected('invalid');
    const id = await victimMessage('14155550191', 'wamid.VICTIM-BATCH');
    const display = '+1 555-010-0001';
    await postAs(victimApp, {
      id: VICTIM_WABA,
      changes: [
        // Not digits: the suppressions CHECK would refuse it.
        stopMarketing(VICTIM_PHONE, 'not-a-wa-id', '14155550192'),
        // A profile name longer than the contacts column: its message cannot be stored.
        inbound(VICTIM_PHONE, display, '14155550193', 'wamid.TOO-LONG-NAME', 'x'.repeat(300)),
        inbound(VICTIM_PHONE, display, '14155550194', 'wamid.FINE'),
        statusChange(VICTIM_PHONE, display, 'wamid.VICTIM-BATCH', 'delivered'),
      ],
    });
    const [row] = (await dataSource.query(`SELECT state FROM webhook_inbox ORDER BY id DESC LIMIT 1`)) as Json[];
    expect(row).toEqual({ state: 'processed' });
    expect(((await dataSource.query(`SELECT wa_id FROM suppressions WHERE wa_id IN ('14155550192', 'not-a-wa-id')`)) as Json[]).map((entry) => entry['wa_id'])).toEqual(['14155550192']);
    expect(((await dataSource.query(`SELECT wamid FROM inbound_messages WHERE wamid IN ('wamid.TOO-LONG-NAME', 'wamid.FINE')`)) as Json[]).map((entry) => entry['wamid'])).toEqual(['wamid.FINE']);
    expect(await windowOf(VICTIM_PHONE, '14155550193')).toBe(0);
    expect(await windowOf(VICTIM_PHONE, '14155550194')).toBe(1);
    expect((await call('GET', `/v1/messages/${id}`, victimKey)).body).toMatchObject({ status: 'delivered' });
    await expectRejected('invalid', invalid + 2);
  });

  describe('the handshake', () => {
    const handshake = (appId: string, query: string) => gateway.inject({ method: 'GET', url: `/webhooks/whatsapp/${appId}?${query}` });
    const token = encodeURIComponent(victimApp.verifyToken);

    it('answers 403 for a repeated parameter, never a 500', async () => {
      expect((await handshake(victimApp.id, `hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=7`)).statusCode).toBe(200);
      expect((await handshake(victimApp.id, `hub.mode=subscribe&hub.verify_token=${token}&hub.verify_token=${token}&hub.challenge=7`)).statusCode).toBe(403);
      expect((await handshake(victimApp.id, `hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=7&hub.challenge=8`)).statusCode).toBe(403);
      expect((await handshake(victimApp.id, `hub.mode=subscribe&hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=7`)).statusCode).toBe(403);
    });

    it('remembers an unknown app without reading the vault again; registering it here forgets that at once', async () => {
      const appId = '1000000000000555';
      const verifyToken = secret('late-verify');
      const appSecret = secret('late-app');
      const query = `hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=9`;
      expect((await handshake(appId, query)).statusCode).toBe(403);
      // Secrets appear in the vault behind this gateway's back (as another process would write them):
      // the gateway does not look again within the negative cache's TTL.
      const vault = worker.get<TokenVault>(TOKEN_VAULT, { strict: false });
      await vault.put(platformScope('meta_app_secret', appId), appSecret);
      await vault.put(platformScope('meta_verify_token', appId), verifyToken);
      expect((await handshake(appId, query)).statusCode).toBe(403);
      const body = serializeLikeMeta({ object: 'whatsapp_business_account', entry: [] });
      expect((await gateway.inject({ method: 'POST', url: `/webhooks/whatsapp/${appId}`, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(body, appSecret) }, payload: body })).statusCode).toBe(401);

      expect((await call('POST', '/v1/admin/meta-apps', TEST_ADMIN_KEY, { appId, appSecret, verifyToken })).status).toBe(201);
      const answered = await handshake(appId, query);
      expect({ status: answered.statusCode, body: answered.body }).toEqual({ status: 200, body: '9' });
    });
  });
});
