import { createHmac } from 'node:crypto';
import type { ChannelEvent, ChannelPlugin, InboundRequest } from '@switchboard/channel-contract';
import { classify, classifyTransport, SwitchboardError, type ClassifyInput } from '@switchboard/error-taxonomy';
import { z } from 'zod';
import { errorMismatches, exchangeMismatches, inboundMismatches, bodyMismatches } from './conformance-checks';
import { describeChannelConformance } from './describe-channel-conformance';
import { bodiesFixtureSchema, errorsFixtureSchema, exchangesFixtureSchema, inboundFixturesSchema, type ErrorFixture, type ExchangeFixture, type InboundFixture } from './fixture.schemas';
import { ReplayServer } from './replay-server';

// A small JSON vendor ("relay") with a Graph-shaped error body, enough to run every part of the kit;
// the second half breaks it in each way the kit must catch.

type Config = { baseUrl: string; apiKey: string; webhookSecret: string };
type Message = { from: string; to: string; text: string };
const API_KEY = 'relay-fake-api-key-0000';
const SECRET = 'relay-fake-webhook-secret-0000';
const CALLBACK_URL = 'https://gateway.example.test/webhooks/relay/con_1';

const sign = (url: string, rawBody: string): string => createHmac('sha256', SECRET).update(url + rawBody).digest('hex');

function relay(overrides: { path?: string; calls?: number; leak?: boolean } = {}): ChannelPlugin<Config, Message, { text: string }> {
  return {
    id: 'relay',
    configSchema: z.object({ baseUrl: z.string(), apiKey: z.string(), webhookSecret: z.string() }),
    messageSchema: z.strictObject({ from: z.string().min(1), to: z.string().min(1), text: z.string().min(1) }),
    validate: async (message) => (message.text.includes('http://') ? [{ code: 'invalid_parameter', path: 'text', issue: 'links must use https' }] : []),
    toPayload: (message) => ({ text: message.text }),
    send: async (message, ctx) => {
      let response: Response | undefined;
      for (let i = 0; i < (overrides.calls ?? 1); i++) {
        response = await fetch(`${ctx.config.baseUrl}${overrides.path ?? '/v1/messages'}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ctx.config.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ from: message.from, to: message.to, text: message.payload.text, reference: message.id }),
        });
      }
      const text = (await response?.text()) ?? '';
      const body = (text.startsWith('{') ? JSON.parse(text) : {}) as { id?: string; error?: unknown };
      if (response?.ok && body.id) return { providerMessageId: body.id, acceptedAt: ctx.now() };
      const classification = body.error ? classify(body as ClassifyInput) : classifyTransport({ type: 'transport', reason: 'http_error', httpStatus: response?.status ?? 0 });
      throw SwitchboardError.fromClassification(classification, overrides.leak ? { message: `refused for ${ctx.config.apiKey}`, redact: [] } : {});
    },
    classifyError: (error) => (SwitchboardError.isSwitchboardError(error) && error.classification ? error.classification : classify(error as ClassifyInput)),
    inbound: {
      verify: (request, ctx) => request.headers['x-relay-signature'] === createHmac('sha256', ctx.config.webhookSecret).update(request.url + request.rawBody.toString('utf8')).digest('hex'),
      parse: (request: InboundRequest): ChannelEvent[] => {
        const body = request.body as Record<string, string>;
        return [{ kind: 'status', dedupeKey: `${body['id']}:${body['status']}`, occurredAt: new Date(body['at'] ?? 0), providerMessageId: body['id'] ?? '', status: 'delivered', payload: body }];
      },
    },
  };
}

const message = { id: 'msg_1', from: '15550001111', to: '14155550123', body: { from: '15550001111', to: '14155550123', text: 'Hi' } };
const request = { method: 'POST', path: '/v1/messages', contentType: 'application/json', authorization: 'Bearer', json: { to: '14155550123', text: 'Hi', reference: 'msg_1' } };
const rawStatus = 'id=rl_1&status=delivered&at=2025-01-01T00%3A00%3A00.000Z';
const fixtures = {
  config: (baseUrl: string): Config => ({ baseUrl, apiKey: API_KEY, webhookSecret: SECRET }),
  secrets: [API_KEY, SECRET],
  bodies: {
    accepted: [
      { name: 'a text', body: message.body },
      { name: 'a text with a plain link', body: { ...message.body, text: 'see http://example.test' }, issues: [{ code: 'invalid_parameter', path: 'text' }] },
    ],
    refused: [{ name: 'an empty text', body: { ...message.body, text: '' } }],
  },
  exchanges: [
    { name: 'a text the vendor accepts', message, request, response: { status: 200, body: { id: 'rl_1' } }, expect: { providerMessageId: 'rl_1' } },
    {
      name: 'a recipient the vendor refuses',
      message,
      request,
      response: { status: 400, body: { error: { code: 131026, message: 'Message undeliverable' } } },
      expect: { error: { code: 'invalid_recipient', retryable: false } },
    },
    { name: 'a vendor outage', message, request, response: { status: 503, body: 'unavailable' }, expect: { error: { code: 'upstream_unavailable', retryable: true } } },
  ],
  inbound: [
    {
      name: 'a signed delivery report',
      request: { url: CALLBACK_URL, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Relay-Signature': sign(CALLBACK_URL, rawStatus) }, rawBody: rawStatus },
      verified: true,
      events: [
        {
          kind: 'status',
          dedupeKey: 'rl_1:delivered',
          occurredAt: '2025-01-01T00:00:00.000Z',
          providerMessageId: 'rl_1',
          status: 'delivered',
          payload: { id: 'rl_1', status: 'delivered', at: '2025-01-01T00:00:00.000Z' },
        },
      ],
    },
    { name: 'a forged report', request: { url: CALLBACK_URL, headers: { 'x-relay-signature': sign(CALLBACK_URL, 'id=rl_2') }, rawBody: rawStatus }, verified: false },
    { name: 'an unsigned report', request: { url: CALLBACK_URL, headers: {}, rawBody: rawStatus }, verified: false },
  ],
  errors: [
    { name: 'a Graph-shaped throttle', input: { error: { code: 130429 } }, code: 'rate_limited', retryable: true },
    { name: 'anything else', input: 'not an error', code: 'unknown', retryable: false },
  ],
};

describeChannelConformance(relay(), fixtures);

describe('the conformance kit catches a plugin that breaks its recordings', () => {
  let server: ReplayServer;
  const config = fixtures.config('http://127.0.0.1:1');
  const exchanges = exchangesFixtureSchema.parse(fixtures.exchanges);
  const [accepted, refused] = exchanges as [ExchangeFixture, ExchangeFixture];
  const live = (): Config => ({ ...config, baseUrl: server.url });

  beforeAll(async () => {
    server = await ReplayServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('a request other than the recorded one', async () => {
    expect(await exchangeMismatches(relay({ path: '/v2/messages' }), accepted, server, live(), [])).toEqual([
      '"a text the vendor accepts": path /v2/messages, recorded /v1/messages',
    ]);
  });

  it('a second call, and the field values that differ', async () => {
    const other = { ...accepted, request: { ...accepted.request, json: { text: 'Bye' }, authorization: 'Basic' } };
    expect(await exchangeMismatches(relay({ calls: 2 }), other, server, live(), [])).toEqual([
      'unexpected request POST /v1/messages (send() must make exactly one call)',
      '"a text the vendor accepts": no Basic Authorization header with a credential',
      '"a text the vendor accepts": json.text is "Hi", recorded "Bye"',
      expect.stringMatching(/^send\(\) threw SwitchboardError: .*, recorded rl_1$/),
    ]);
  });

  it('an outcome other than the recorded one, and a secret in the error', async () => {
    const asAccepted = { ...refused, expect: { providerMessageId: 'rl_1' } };
    expect(await exchangeMismatches(relay(), asAccepted, server, live(), [])).toEqual([expect.stringMatching(/^send\(\) threw SwitchboardError: .*, recorded rl_1$/)]);
    expect(await exchangeMismatches(relay({ leak: true }), refused, server, live(), [API_KEY])).toEqual(['the thrown error holds a secret of the config']);
    const wrongCode = { ...refused, expect: { error: { code: 'rate_limited' as const, retryable: true } } };
    expect(await exchangeMismatches(relay(), wrongCode, server, live(), [])).toEqual(['send() threw invalid_recipient (retryable: false), recorded rate_limited (retryable: true)']);
  });

  it('a signature check or parse other than recorded', () => {
    const [signed, forged] = inboundFixturesSchema.parse(fixtures.inbound) as [InboundFixture, InboundFixture];
    const trusting = relay();
    const lax: typeof trusting = { ...trusting, inbound: { verify: () => true, parse: (req) => trusting.inbound?.parse(req).map((e) => ({ ...e, dedupeKey: 'same' })) ?? [] } };
    expect(inboundMismatches(lax, forged, config)).toEqual(['verify() accepted it, recorded refused']);
    expect(inboundMismatches(lax, signed, config)).toEqual([expect.stringMatching(/^parse\(\) gave .*"dedupeKey":"same".*, recorded /)]);
  });

  it('bodies and errors other than recorded', async () => {
    const strict = { ...relay(), validate: async () => [] };
    expect(await bodyMismatches(strict, bodiesFixtureSchema.parse(fixtures.bodies))).toEqual([
      '"a text with a plain link": validate() found [], recorded [{"code":"invalid_parameter","path":"text"}]',
    ]);
    const [throttle] = errorsFixtureSchema.parse(fixtures.errors) as [ErrorFixture];
    expect(errorMismatches({ ...relay(), classifyError: () => classify({ error: { code: 131026 } }) }, throttle)).toEqual([
      'classified invalid_recipient (retryable: false), recorded rate_limited (retryable: true)',
    ]);
  });

  it('refuses a malformed recording with a clear message', () => {
    expect(() => exchangesFixtureSchema.parse([{ ...fixtures.exchanges[0], expect: { error: { code: 'no_such_code', retryable: false } } }])).toThrow(/taxonomy code/);
    expect(() => inboundFixturesSchema.parse([fixtures.inbound[1]])).toThrow(/at least one request verify\(\) accepts/);
  });
});
