import { classify, SwitchboardError } from '@switchboard/error-taxonomy';
import { z } from 'zod';
import { checkChannelConformance, type ConformanceFixtures } from './channel-conformance';
import type { ChannelEvent, ChannelPlugin, InboundRequest } from './channel-plugin';

type Message = { to: string };
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctx = { tenantId: 't', environment: 'live' as const, config: {}, logger, now: () => new Date(0) };

function conforming(): ChannelPlugin<object, Message, Message> {
  return {
    id: 'echo',
    configSchema: z.object({}),
    messageSchema: z.strictObject({ to: z.string().min(1) }),
    validate: async () => [],
    toPayload: (message) => ({ ...message }),
    send: async (message) => {
      if (message.to === 'refuse') throw SwitchboardError.fromClassification(classify({ error: { code: 131026 } }));
      return { providerMessageId: `echo-${message.id}`, acceptedAt: new Date(0) };
    },
    classifyError: (error) => (SwitchboardError.isSwitchboardError(error) && error.classification ? error.classification : classify({ type: 'transport', reason: 'invalid_response' })),
  };
}

const fixtures: ConformanceFixtures<object, Message> = {
  validBodies: [{ to: 'a' }],
  invalidBodies: [{ to: '' }],
  validation: { tenantId: 't', environment: 'live', now: () => new Date(0) },
  acceptedSend: (payload) => ({ message: { id: '1', from: 'me', to: 'a', payload }, ctx }),
  refusedSend: (payload) => ({ message: { id: '2', from: 'me', to: 'refuse', payload }, ctx }),
};

describe('checkChannelConformance', () => {
  it('finds nothing wrong with a plugin that keeps the contract', async () => {
    expect(await checkChannelConformance(conforming(), fixtures)).toEqual([]);
  });

  it('names each broken rule', async () => {
    let calls = 0;
    const broken: ChannelPlugin<object, Message, Message> = {
      ...conforming(),
      id: 'Bad Id',
      messageSchema: z.object({ to: z.string() }),
      toPayload: () => ({ to: String(++calls) }),
      send: async (message) => {
        if (message.to === 'refuse') throw new Error('raw vendor error');
        return { providerMessageId: '', acceptedAt: new Date(0) };
      },
      classifyError: () => {
        throw new Error('cannot classify');
      },
    };
    expect(await checkChannelConformance(broken, fixtures)).toEqual([
      expect.stringMatching(/^id: /),
      'validBodies[0]: toPayload() is not deterministic',
      'invalidBodies[0] accepted by messageSchema',
      'send(): providerMessageId must be a non-empty string',
      'send() must throw SwitchboardError',
      'classifyError() must not throw',
    ]);
  });
});

describe('checkChannelConformance on senders, recipients and inbound', () => {
  type Config = { numbers: string[] };
  const digits = (to: string): string => {
    const normalised = to.replace(/^\+/, '');
    if (!/^\d{8,15}$/.test(normalised)) throw new SwitchboardError({ code: 'invalid_recipient', message: 'not a number' });
    return normalised;
  };
  const request = (signature: string | undefined, body: Record<string, string>): InboundRequest => ({
    rawBody: Buffer.from(new URLSearchParams(body).toString()),
    headers: signature === undefined ? {} : { 'x-signature': signature },
    url: 'https://gateway.example.test/webhooks/echo/con_1',
    body,
  });
  const inboundMessage = (body: Record<string, string>): ChannelEvent => ({
    kind: 'message',
    dedupeKey: `in:${body['id']}`,
    occurredAt: new Date(0),
    providerMessageId: body['id'] ?? '',
    from: body['from'] ?? '',
    to: '15550001111',
    payload: body,
  });
  function withInbound(): ChannelPlugin<Config, Message, Message> {
    return {
      ...(conforming() as unknown as ChannelPlugin<Config, Message, Message>),
      sendersOf: (config) => config.numbers,
      normaliseRecipient: digits,
      inbound: {
        verify: (req) => req.headers['x-signature'] === 'good',
        parse: (req) => [inboundMessage(req.body as Record<string, string>)],
      },
    };
  }
  const extended = {
    ...(fixtures as unknown as ConformanceFixtures<Config, Message>),
    acceptedSend: (payload: Message) => ({ message: { id: '1', from: 'me', to: 'a', payload }, ctx: { ...ctx, config: { numbers: [] } } }),
    refusedSend: (payload: Message) => ({ message: { id: '2', from: 'me', to: 'refuse', payload }, ctx: { ...ctx, config: { numbers: [] } } }),
    config: { numbers: ['15550001111', '15550002222'] },
    recipients: { accepted: [{ input: '+14155550123', normalised: '14155550123' }], refused: ['not a number'] },
    inbound: {
      ctx: { ...ctx, config: { numbers: ['15550001111'] } },
      verified: [request('good', { id: 'SM1', from: '14155550123' })],
      refused: [request('forged', { id: 'SM1', from: '14155550123' }), request(undefined, { id: 'SM1', from: '14155550123' })],
    },
  };

  it('finds nothing wrong with a plugin that keeps them', async () => {
    expect(await checkChannelConformance(withInbound(), extended)).toEqual([]);
  });

  it('names each broken rule', async () => {
    let parses = 0;
    const broken: ChannelPlugin<Config, Message, Message> = {
      ...withInbound(),
      sendersOf: (config) => [...config.numbers, config.numbers[0] ?? ''],
      normaliseRecipient: (to) => (to === 'not a number' ? to : `+${to}`),
      inbound: {
        verify: (req) => {
          if (req.headers['x-signature'] === undefined) throw new Error('no signature header');
          return true;
        },
        parse: (req) => {
          parses += 1;
          const event = inboundMessage(req.body as Record<string, string>);
          return [{ ...event, dedupeKey: `${event.dedupeKey}:${parses}`, occurredAt: new Date(Number.NaN) }];
        },
      },
    };
    expect(await checkChannelConformance(broken, extended)).toEqual([
      'sendersOf() must not repeat an address',
      'normaliseRecipient("+14155550123") gave "++14155550123", not "14155550123"',
      'normaliseRecipient("not a number") must throw',
      'inbound refused[0]: verify() accepted it',
      'inbound refused[1]: verify() threw: no signature header',
      'inbound verified[0]: dedupeKeys differ when the same request is parsed again',
      'inbound verified[0] event 0: occurredAt must be a valid Date',
      'inbound verified[0] event 0: from "14155550123" is not normalised as recipients are',
    ]);
  });

  it('says when fixtures list what the plugin lacks', async () => {
    expect(await checkChannelConformance(conforming() as unknown as ChannelPlugin<Config, Message, Message>, extended)).toEqual([
      'recipients listed, but the plugin has no normaliseRecipient()',
      'inbound requests listed, but the plugin has no inbound verify/parse',
    ]);
  });
});
