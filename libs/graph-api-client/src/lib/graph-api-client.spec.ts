import { randomBytes } from 'node:crypto';
import { caughtSwitchboardError, freePort } from '@switchboard/testing';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import {
  createMetaSimulator,
  demoSeed,
  DEMO_IDS,
  WHATSAPP_MANAGEMENT_SCOPE,
  WHATSAPP_MESSAGING_SCOPE,
  type MetaSimulator,
} from '@switchboard/meta-simulator';
import { GraphApiClient } from './graph-api-client';
import type { GraphCallEvent } from './graph-api.types';
import type { OutboundMessage } from './outbound-message.types';

// Over real HTTP against the in-process Meta simulator.

const TOKEN = `test-token-${randomBytes(12).toString('hex')}`;
const VERSION = 'v24.0';
const { appId, wabaId, phoneNumberId, secondPhoneNumberId } = DEMO_IDS;
const USER = '14155550123';
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
]);

function seedWithTestToken() {
  const seed = demoSeed();
  seed.tokens = [
    ...(seed.tokens ?? []),
    {
      token: TOKEN,
      appId,
      scopes: [WHATSAPP_MESSAGING_SCOPE, WHATSAPP_MANAGEMENT_SCOPE],
      wabaIds: [wabaId],
      expiresAt: 0,
    },
  ];
  // Tests run bursts at one recipient; pair-rate is tested by injection.
  seed.simulation = { ...seed.simulation, pairRate: { burst: 1000, refillIntervalMs: 1 }, autoApproveTemplates: false };
  return seed;
}

function expectNoSecret(error: SwitchboardError, ...secrets: string[]): void {
  const texts = [error.message, error.stack ?? '', JSON.stringify(error), JSON.stringify(error.classification ?? {})];
  for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
}

describe('GraphApiClient against the Meta simulator', () => {
  let sim: MetaSimulator;
  let client: GraphApiClient;
  const events: GraphCallEvent[] = [];
  const call = { accessToken: TOKEN };

  beforeAll(async () => {
    sim = await createMetaSimulator({ seed: seedWithTestToken(), graphVersion: VERSION });
    await sim.listen();
    client = new GraphApiClient({ baseUrl: sim.url, version: VERSION, connections: 8, onCall: (e) => events.push(e) });
  });

  afterEach(() => {
    sim.reset();
    events.length = 0;
  });

  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  const openWindow = async (): Promise<string> => (await sim.simulateInbound({ phoneNumberId, from: USER, text: 'hi' })).id;

  describe('sendMessage', () => {
    it('sends a text with biz_opaque_callback_data and returns wamid, waId and status', async () => {
      await openWindow();
      const res = await client.sendMessage(
        phoneNumberId,
        { to: `+${USER}`, type: 'text', text: { body: 'Hello' }, biz_opaque_callback_data: 'msg_123' },
        call,
      );
      expect(res.httpStatus).toBe(200);
      expect(res.data.wamid).toMatch(/^wamid\./);
      expect(res.data.waId).toBe(USER);
      // Meta reports message_status on template sends only.
      expect(res.data.messageStatus).toBeUndefined();
      const [request] = sim.requests({ route: 'messages' });
      expect(request.path).toBe(`/${VERSION}/${phoneNumberId}/messages`);
      expect(request.query['access_token']).toBeUndefined();
      expect(request.body).toMatchObject({ messaging_product: 'whatsapp', biz_opaque_callback_data: 'msg_123' });
      expect(JSON.stringify(request)).not.toContain(TOKEN);
      expect(sim.message(res.data.wamid)).toBeDefined();
    });

    it('sends every message type of the contract', async () => {
      const inboundId = await openWindow();
      const to = USER;
      const link = 'https://example.com/files/a';
      const messages: OutboundMessage[] = [
        { to, type: 'text', text: { body: 'Reply', preview_url: false }, context: { message_id: inboundId } },
        {
          to,
          type: 'template',
          template: {
            name: 'order_update',
            language: { code: 'en_US' },
            components: [
              { type: 'body', parameters: [{ type: 'text', text: 'John' }, { type: 'text', text: '#4521' }] },
              { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '4521' }] },
            ],
          },
        },
        { to, type: 'image', image: { link: `${link}.png`, caption: 'An image' } },
        { to, type: 'document', document: { link: `${link}.pdf`, filename: 'a.pdf', caption: 'A document' } },
        { to, type: 'audio', audio: { link: `${link}.ogg` } },
        { to, type: 'video', video: { link: `${link}.mp4`, caption: 'A video' } },
        { to, type: 'sticker', sticker: { link: `${link}.webp` } },
        {
          to,
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'Pick one' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'a', title: 'A' } },
                { type: 'reply', reply: { id: 'b', title: 'B' } },
              ],
            },
          },
        },
        {
          to,
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: 'Choose' },
            action: {
              button: 'Options',
              sections: [{ title: 'All', rows: [1, 2, 3, 4].map((n) => ({ id: `r${n}`, title: `Row ${n}` })) }],
            },
          },
        },
        { to, type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz', address: '101 Forest Ave' } },
        {
          to,
          type: 'contacts',
          contacts: [{ name: { formatted_name: 'Barbara Johnson', first_name: 'Barbara' }, phones: [{ phone: '+1 940 555 1234', type: 'MOBILE' }] }],
        },
        { to, type: 'reaction', reaction: { message_id: inboundId, emoji: '👍' } },
      ];
      for (const message of messages) {
        const res = await client.sendMessage(phoneNumberId, message, call);
        expect(res.data.wamid).toMatch(/^wamid\./);
        if (message.type === 'template') expect(res.data.messageStatus).toBe('accepted');
      }
      const bodies = sim.requests({ route: 'messages' }).map((r) => (r.body as { type: string }).type);
      expect(bodies).toEqual(messages.map((m) => m.type));
    });

    it('fails with window_closed (131047) outside the customer service window', async () => {
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, { to: USER, type: 'text', text: { body: 'x' } }, call));
      expect(error).toMatchObject({ code: 'window_closed', httpStatus: 422, retryable: false, meta: { code: 131047 } });
      expect(error.classification?.category).toBe('window');
      expect(error.metadata).toMatchObject({ operation: 'sendMessage', callKind: 'messages', httpStatus: 400 });
    });

    it('maps template errors (132000, 132001)', async () => {
      const mismatch = await caughtSwitchboardError(
        client.sendMessage(
          phoneNumberId,
          { to: USER, type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: [] } },
          call,
        ),
      );
      expect(mismatch).toMatchObject({ code: 'template_param_mismatch', meta: { code: 132000 } });
      const missing = await caughtSwitchboardError(
        client.sendMessage(phoneNumberId, { to: USER, type: 'template', template: { name: 'nope', language: { code: 'en_US' } } }, call),
      );
      expect(missing).toMatchObject({ code: 'template_not_found', meta: { code: 132001 } });
    });

    it('maps an invalid token to token_invalid (190) without echoing it', async () => {
      const bad = `test-token-${randomBytes(8).toString('hex')}`;
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, { to: USER, type: 'text', text: { body: 'x' } }, { accessToken: bad }));
      expect(error).toMatchObject({ code: 'token_invalid', meta: { code: 190 } });
      expectNoSecret(error, bad);
    });

    it('rejects an empty token before calling Graph', async () => {
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, { to: USER, type: 'text', text: { body: 'x' } }, { accessToken: '' }));
      expect(error.code).toBe('token_invalid');
      expect(sim.requests()).toHaveLength(0);
    });
  });

  it('markAsRead marks an inbound message read, with a typing indicator', async () => {
    const inboundId = await openWindow();
    expect((await client.markAsRead(phoneNumberId, inboundId, call)).data).toEqual({ success: true });
    expect((await client.markAsRead(phoneNumberId, inboundId, call, { typingIndicator: true })).data).toEqual({ success: true });
    expect(sim.requests({ route: 'messages' })[1].body).toMatchObject({
      status: 'read',
      message_id: inboundId,
      typing_indicator: { type: 'text' },
    });
  });

  describe('media', () => {
    it('uploads multipart and reads the media URL back', async () => {
      const upload = await client.uploadMedia(phoneNumberId, { data: PNG, mimeType: 'image/png', filename: 'dot.png' }, call);
      expect(upload.data.id).toMatch(/^\d+$/);
      const media = await client.getMediaUrl(upload.data.id, call, { phoneNumberId });
      expect(media.data).toMatchObject({ id: upload.data.id, mimeType: 'image/png', fileSize: PNG.length });
      expect(media.data.url).toMatch(/^http/);
      expect(media.data.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(sim.requests({ route: 'media' })[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    });

    it('maps a MIME mismatch to media_invalid (131053)', async () => {
      const error = await caughtSwitchboardError(client.uploadMedia(phoneNumberId, { data: PNG, mimeType: 'image/jpeg' }, call));
      expect(error).toMatchObject({ code: 'media_invalid', meta: { code: 131053 } });
      expect(error.meta?.details).toMatch(/mismatch/i);
    });
  });

  describe('tokens', () => {
    const appToken = (): string => `${appId}|${sim.seed.apps[0].secret}`;

    it('debugToken reports validity, scopes and the WABAs they cover', async () => {
      const res = await client.debugToken(TOKEN, appToken());
      expect(res.data).toMatchObject({
        isValid: true,
        appId,
        type: 'SYSTEM_USER',
        expiresAt: null,
        scopes: expect.arrayContaining([WHATSAPP_MESSAGING_SCOPE, WHATSAPP_MANAGEMENT_SCOPE]),
      });
      expect(res.data.granularScopes).toContainEqual({ scope: WHATSAPP_MESSAGING_SCOPE, targetIds: [wabaId] });
      expect(sim.requests({ route: 'debug_token' })[0].path).toBe(`/${VERSION}/debug_token`);
    });

    it('debugToken answers is_valid false for an unknown token', async () => {
      const res = await client.debugToken(`test-token-${randomBytes(8).toString('hex')}`, appToken());
      expect(res.data.isValid).toBe(false);
      expect(res.data.error?.code).toBe(190);
    });

    it('debugToken with a wrong app token fails without leaking either token', async () => {
      const wrongApp = `${appId}|test-secret-${randomBytes(8).toString('hex')}`;
      const error = await caughtSwitchboardError(client.debugToken(TOKEN, wrongApp));
      expect(error.code).toBe('token_invalid');
      expectNoSecret(error, TOKEN, wrongApp);
    });

    it('exchangeToken returns a new 60-day token that debug_token accepts', async () => {
      const secret = sim.seed.apps[0].secret;
      const res = await client.exchangeToken({ appId, appSecret: secret, accessToken: TOKEN, setTokenExpiresIn60Days: true });
      expect(res.data.accessToken).not.toBe(TOKEN);
      expect(res.data.tokenType).toBe('bearer');
      expect(res.data.expiresInSeconds).toBe(60 * 24 * 3600);
      const debug = await client.debugToken(res.data.accessToken, appToken());
      expect(debug.data.isValid).toBe(true);
      expect(debug.data.expiresAt).toBeInstanceOf(Date);
    });

    it('exchangeToken with a wrong secret fails without leaking the secret or token', async () => {
      const secret = `test-secret-${randomBytes(8).toString('hex')}`;
      const error = await caughtSwitchboardError(client.exchangeToken({ appId, appSecret: secret, accessToken: TOKEN }));
      expect(error.meta?.code).toBe(1);
      expectNoSecret(error, secret, TOKEN);
    });
  });

  describe('WABA management', () => {
    it('listPhoneNumbers returns quality, throughput, limit and statuses', async () => {
      const res = await client.listPhoneNumbers(wabaId, call);
      expect(res.data.map((p) => p.id).sort()).toEqual([phoneNumberId, secondPhoneNumberId].sort());
      expect(res.data.find((p) => p.id === phoneNumberId)).toMatchObject({
        displayPhoneNumber: '+1 555-010-0001',
        verifiedName: 'Switchboard Demo',
        qualityRating: 'GREEN',
        throughputLevel: 'STANDARD',
        messagingLimit: 'TIER_2K',
        status: 'CONNECTED',
        nameStatus: 'APPROVED',
        codeVerificationStatus: 'VERIFIED',
      });
      expect(sim.requests({ route: 'phone_numbers' })[0].query['fields']).toContain('whatsapp_business_manager_messaging_limit');
    });

    it('getSubscribedApps / subscribeApp', async () => {
      const before = await client.getSubscribedApps(wabaId, call);
      expect(before.data.map((a) => a.id)).toContain(appId);
      expect((await client.subscribeApp(wabaId, call)).data).toEqual({ success: true });
      expect(sim.requests({ route: 'subscribed_apps', method: 'POST' })).toHaveLength(1);
    });

    it('registerPhoneNumber maps a wrong PIN to pin_mismatch (133005) and succeeds with the right one', async () => {
      const error = await caughtSwitchboardError(client.registerPhoneNumber(secondPhoneNumberId, '000000', call));
      expect(error).toMatchObject({ code: 'pin_mismatch', meta: { code: 133005 } });
      expectNoSecret(error, '000000');
      expect((await client.registerPhoneNumber(secondPhoneNumberId, '123456', call)).data).toEqual({ success: true });
    });

    it('an object of another WABA is not found (100)', async () => {
      const error = await caughtSwitchboardError(client.listPhoneNumbers('2999999999999999', call));
      expect(error.meta?.code).toBe(100);
    });
  });

  describe('templates', () => {
    it('listTemplates follows cursor paging to the end', async () => {
      const res = await client.listTemplates(wabaId, call, { limit: 3 });
      expect(res.data).toHaveLength(demoSeed().templates?.length ?? -1);
      expect(new Set(res.data.map((t) => t.id)).size).toBe(res.data.length);
      const pages = sim.requests({ route: 'templates' });
      expect(pages).toHaveLength(3);
      expect(pages[0].query['after']).toBeUndefined();
      expect(pages[1].query['after']).toEqual(expect.any(String));
      for (const page of pages) expect(page.path).toBe(`/${VERSION}/${wabaId}/message_templates`);
      expect(res.data.find((t) => t.name === 'summer_sale')).toMatchObject({ status: 'PAUSED', category: 'MARKETING' });
      expect(res.data.find((t) => t.id === '4000000000000002')?.components.length).toBeGreaterThan(0);
    });

    it('listTemplates passes filters', async () => {
      const res = await client.listTemplates(wabaId, call, { status: 'APPROVED', name: 'order_update' });
      expect(res.data.map((t) => t.language).sort()).toEqual(['en_US', 'es']);
    });

    it('createTemplate, duplicate (2388024), deleteTemplate by hsm_id and by name', async () => {
      const template = {
        name: 'shipping_note',
        language: 'en_US',
        category: 'UTILITY' as const,
        components: [{ type: 'BODY', text: 'Your parcel {{1}} ships today.', example: { body_text: [['#1']] } }],
      };
      const created = await client.createTemplate(wabaId, template, call);
      expect(created.data).toMatchObject({ id: expect.any(String), status: 'PENDING', category: 'UTILITY' });
      const dup = await caughtSwitchboardError(client.createTemplate(wabaId, template, call));
      expect(dup).toMatchObject({ code: 'template_already_exists', httpStatus: 409, meta: { code: 2388024 } });

      const es = await client.createTemplate(wabaId, { ...template, language: 'es' }, call);
      expect((await client.deleteTemplate(wabaId, { name: 'shipping_note', hsmId: es.data.id }, call)).data).toEqual({ success: true });
      expect((await client.listTemplates(wabaId, call, { name: 'shipping_note' })).data.map((t) => t.language)).toEqual(['en_US']);
      expect((await client.deleteTemplate(wabaId, { name: 'shipping_note' }, call)).data).toEqual({ success: true });
      expect((await client.listTemplates(wabaId, call, { name: 'shipping_note' })).data).toEqual([]);
      expect(sim.requests({ route: 'templates', method: 'DELETE' })[0].query).toMatchObject({ hsm_id: es.data.id });
    });
  });

  describe('faults', () => {
    const text: OutboundMessage = { to: USER, type: 'text', text: { body: 'x' } };

    it('injected throughput error 130429 -> rate_limited, retryable backoff', async () => {
      sim.injectFault({ kind: 'error', code: 130429, match: { route: 'messages' } });
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, call));
      expect(error).toMatchObject({ code: 'rate_limited', httpStatus: 429, retryable: true, meta: { code: 130429 } });
      expect(error.classification?.retry.kind).toBe('backoff');
    });

    it('injected pair-rate error 131056 -> per-recipient retry', async () => {
      sim.injectFault({ kind: 'error', code: 131056, match: { route: 'messages' } });
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, call));
      expect(error).toMatchObject({ code: 'pair_rate_limited', retryable: true });
      expect(error.classification?.retry.kind).toBe('per_recipient');
    });

    it('injected platform error 133004 -> circuit', async () => {
      sim.injectFault({ kind: 'error', code: 133004, httpStatus: 503, match: { route: 'messages' } });
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, call));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true, metadata: { httpStatus: 503 } });
      expect(error.classification?.retry.kind).toBe('circuit');
    });

    it('an undocumented code -> unknown with alert', async () => {
      sim.injectFault({ kind: 'error', code: 139999, match: { route: 'messages' } });
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, call));
      expect(error).toMatchObject({ code: 'unknown', retryable: false, meta: { code: 139999 } });
      expect(error.classification?.alert).toBe(true);
    });

    it('latency below the deadline still succeeds', async () => {
      await openWindow();
      sim.injectFault({ kind: 'latency', latencyMs: 250, match: { route: 'messages' } });
      const res = await client.sendMessage(phoneNumberId, text, call);
      expect(res.durationMs).toBeGreaterThanOrEqual(240);
    });

    it('a hang past the deadline -> upstream_timeout, after the deadline and not much later', async () => {
      sim.injectFault({ kind: 'hang', match: { route: 'messages' } });
      const started = Date.now();
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, { ...call, timeoutMs: 300 }));
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ code: 'upstream_timeout', httpStatus: 504, retryable: true });
      expect(error.classification?.category).toBe('transport');
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(2000);
    });

    it('a call queued behind a hung socket still fails at its own deadline', async () => {
      const single = new GraphApiClient({ baseUrl: sim.url, version: VERSION, connections: 1 });
      try {
        sim.injectFault({ kind: 'hang', match: { route: 'messages' } });
        const hung = caughtSwitchboardError(single.sendMessage(phoneNumberId, text, { ...call, timeoutMs: 1500 }));
        const started = Date.now();
        const queued = await caughtSwitchboardError(single.sendMessage(phoneNumberId, text, { ...call, timeoutMs: 200 }));
        expect(queued.code).toBe('upstream_timeout');
        expect(Date.now() - started).toBeLessThan(1000);
        expect((await hung).code).toBe('upstream_timeout');
      } finally {
        await single.close();
      }
    });

    it('the call kind default timeout applies (media 7 s configurable)', async () => {
      const fast = new GraphApiClient({ baseUrl: sim.url, version: VERSION, timeoutsMs: { media: 200 } });
      try {
        sim.injectFault({ kind: 'hang', match: { route: 'media' } });
        const error = await caughtSwitchboardError(fast.uploadMedia(phoneNumberId, { data: PNG, mimeType: 'image/png' }, call));
        expect(error).toMatchObject({ code: 'upstream_timeout', metadata: { callKind: 'media' } });
      } finally {
        await fast.close();
      }
    });

    it('a 5xx without body -> upstream_unavailable (transport), retried through the circuit', async () => {
      sim.injectFault({ kind: 'empty-5xx', httpStatus: 502, match: { route: 'messages' } });
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, call));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true, metadata: { httpStatus: 502 } });
      expect(error.meta).toBeUndefined();
      expect(error.classification?.retry.kind).toBe('circuit');
    });

    it('a dropped connection -> connection failure classification', async () => {
      sim.injectFault({ kind: 'drop', match: { route: 'messages' } });
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, call));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.metadata['transportDetail']).toEqual(expect.any(String));
    });

    it('connection refused -> upstream_unavailable', async () => {
      const port = await freePort();
      const dead = new GraphApiClient({ baseUrl: `http://127.0.0.1:${port}`, version: VERSION });
      try {
        const error = await caughtSwitchboardError(dead.sendMessage(phoneNumberId, text, call));
        expect(error).toMatchObject({ code: 'upstream_unavailable', metadata: { transportDetail: 'ECONNREFUSED' } });
        expect(error.classification?.retry.kind).toBe('circuit');
      } finally {
        await dead.close();
      }
    });

    it('a caller AbortSignal -> request_aborted, not a timeout', async () => {
      sim.injectFault({ kind: 'hang', match: { route: 'messages' } });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, { ...call, signal: controller.signal }));
      expect(error).toMatchObject({ code: 'request_aborted', retryable: false });
      const already = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, { ...call, signal: AbortSignal.abort() }));
      expect(already.code).toBe('request_aborted');
    });

    it('never leaks the token when Meta echoes it back', async () => {
      sim.injectFault({ kind: 'error', code: 190, details: `Malformed access token ${TOKEN}`, match: { route: 'messages' } });
      const error = await caughtSwitchboardError(client.sendMessage(phoneNumberId, text, call));
      expect(error.code).toBe('token_invalid');
      expect(error.meta?.details).toContain('[REDACTED]');
      expectNoSecret(error, TOKEN);
      expect(JSON.stringify(events)).not.toContain(TOKEN);
    });
  });

  it('reports every call to the observer without secrets', async () => {
    await client.listPhoneNumbers(wabaId, call);
    await caughtSwitchboardError(client.sendMessage(phoneNumberId, { to: USER, type: 'text', text: { body: 'x' } }, call));
    expect(events).toEqual([
      expect.objectContaining({ operation: 'listPhoneNumbers', kind: 'management', httpStatus: 200 }),
      expect.objectContaining({ operation: 'sendMessage', kind: 'messages', httpStatus: 400, errorCode: 'window_closed', metaCode: 131047 }),
    ]);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it('measures clock skew from the Date header (simulator shares our clock)', async () => {
    await client.listPhoneNumbers(wabaId, call);
    expect(Math.abs(client.clockSkewMs())).toBeLessThanOrEqual(1000);
  });
});
