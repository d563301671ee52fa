import { checkChannelConformance } from '@switchboard/channel-contract';
import { GraphApiClient } from '@switchboard/graph-api-client';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import { WhatsAppChannel } from './whatsapp.channel';

const USER = '14155550124';
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('WhatsAppChannel conforms to the channel contract', () => {
  let sim: MetaSimulator;
  let graph: GraphApiClient;

  beforeAll(async () => {
    sim = await createMetaSimulator({ seed: demoSeed() });
    graph = new GraphApiClient({ baseUrl: await sim.listen({ port: 0 }), version: 'v24.0', connections: 2 });
  });

  afterAll(async () => {
    await graph.close();
    await sim.close();
  });

  it('passes the conformance suite against the Meta simulator', async () => {
    const token = sim.seed.tokens[0]?.token ?? '';
    const envelope = { from: DEMO_IDS.phoneNumberId, to: USER };
    const ctx = (accessToken: string) => ({ tenantId: 'ten_1', environment: 'live' as const, config: { accessToken, graph }, logger, now: () => new Date() });
    const violations = await checkChannelConformance(new WhatsAppChannel(), {
      validBodies: [
        { ...envelope, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
        { ...envelope, type: 'text', text: { body: 'Hi' } },
        { ...envelope, type: 'choice', choice: { body: 'Pick', options: [{ id: 'a', title: 'A' }] } },
      ],
      invalidBodies: [{ ...envelope, type: 'text', text: { body: '' } }, { ...envelope, type: 'poll' }, { type: 'text', text: { body: 'no sender' } }],
      validation: { tenantId: 'ten_1', environment: 'live', now: () => new Date() },
      acceptedSend: (payload) => ({ message: { id: 'msg_conformance_1', from: DEMO_IDS.phoneNumberId, to: USER, payload }, ctx: ctx(token) }),
      refusedSend: (payload) => ({ message: { id: 'msg_conformance_2', from: DEMO_IDS.phoneNumberId, to: USER, payload }, ctx: ctx('not-a-token') }),
    });
    expect(violations).toEqual([]);
  });
});
