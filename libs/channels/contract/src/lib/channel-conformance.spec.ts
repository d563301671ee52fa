import { classify, SwitchboardError } from '@switchboard/error-taxonomy';
import { z } from 'zod';
import { checkChannelConformance, type ConformanceFixtures } from './channel-conformance';
import type { ChannelPlugin } from './channel-plugin';

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
