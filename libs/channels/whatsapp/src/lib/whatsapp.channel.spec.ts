import type { ChannelContext } from '@switchboard/channel-contract';
import { caughtSwitchboardError } from '@switchboard/testing';
import { GraphApiClient } from '@switchboard/graph-api-client';
import { createMetaSimulator, demoSeed, DEMO_IDS, type MetaSimulator } from '@switchboard/meta-simulator';
import type { WhatsAppConfig } from './whatsapp-config.schema';
import { MediaPreflight } from './media-preflight';
import { WhatsAppChannel } from './whatsapp.channel';

// send() over real HTTP against the in-process Meta simulator.

const USER = '14155550123';
const NOW = new Date('2026-11-24T10:00:00.000Z');
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('WhatsAppChannel against the Meta simulator', () => {
  const channel = new WhatsAppChannel();
  const seed = demoSeed();
  // Bursts at one recipient: pair rate is not what these tests are about.
  seed.simulation = { ...seed.simulation, pairRate: { burst: 1000, refillIntervalMs: 1 } };
  let sim: MetaSimulator;
  let graph: GraphApiClient;
  let ctx: ChannelContext<WhatsAppConfig>;

  /** A request body through the plugin as the gateway stores it, then sent as the worker does. */
  const sendBody = (id: string, body: Record<string, unknown>) =>
    channel.send({ id, from: DEMO_IDS.phoneNumberId, to: USER, payload: channel.toPayload(channel.messageSchema.parse({ from: DEMO_IDS.phoneNumberId, to: USER, ...body })) }, ctx);

  beforeAll(async () => {
    sim = await createMetaSimulator({ seed });
    graph = new GraphApiClient({ baseUrl: await sim.listen({ port: 0 }), version: 'v24.0', connections: 4 });
    const token = sim.seed.tokens[0]?.token;
    if (!token) throw new Error('demo seed without a token');
    ctx = { tenantId: 'ten_1', environment: 'live', config: { accessToken: token, graph }, logger, now: () => NOW };
  });

  afterEach(() => sim.reset());

  afterAll(async () => {
    await graph.close();
    await sim.close();
  });

  it('sends with one Graph call carrying the message id as biz_opaque_callback_data, and returns the wamid', async () => {
    await sim.simulateInbound({ phoneNumberId: DEMO_IDS.phoneNumberId, from: USER, text: 'hi' });
    const result = await sendBody('msg_01JDTEXT', { type: 'text', text: { body: 'Your parcel is at the door.' } });
    expect(result).toEqual({ providerMessageId: expect.stringMatching(/^wamid\./), acceptedAt: NOW });
    const requests = sim.requests({ route: 'messages' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      to: USER,
      type: 'text',
      text: { body: 'Your parcel is at the door.' },
      biz_opaque_callback_data: 'msg_01JDTEXT',
    });
  });

  it("reports Meta's message_status of a template send as providerStatus", async () => {
    const result = await sendBody('msg_01JDTPL', { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    expect(result).toEqual({ providerMessageId: expect.stringMatching(/^wamid\./), acceptedAt: NOW, providerStatus: 'accepted' });
  });

  it('sends every type the schema accepts, choice expanded, and Meta accepts each', async () => {
    const inbound = await sim.simulateInbound({ phoneNumberId: DEMO_IDS.phoneNumberId, from: USER, text: 'hi' });
    const link = 'https://cdn.example.com/files/a';
    const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, title: `Option ${i}` }));
    const bodies: Record<string, unknown>[] = [
      { type: 'text', text: { body: 'A reply' }, context: { message_id: inbound.id } },
      { type: 'image', image: { link: `${link}.png`, caption: 'An image' } },
      { type: 'document', document: { link: `${link}.pdf`, filename: 'a.pdf', caption: 'A document' } },
      { type: 'audio', audio: { link: `${link}.ogg` } },
      { type: 'video', video: { link: `${link}.mp4`, caption: 'A video' } },
      { type: 'sticker', sticker: { link: `${link}.webp` } },
      { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } },
      { type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Options', sections: [{ title: 'S', rows: options(2) }] } } },
      { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'HQ' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Lima' }, phones: [{ phone: '+55 11 5555 0000' }] }] },
      { type: 'reaction', reaction: { message_id: inbound.id, emoji: '👍' } },
      { type: 'choice', choice: { body: 'Which one?', options: options(3) } },
      { type: 'choice', choice: { body: 'Which one?', options: options(10) } },
    ];
    for (const [i, body] of bodies.entries()) {
      expect((await sendBody(`msg_${i}`, body)).providerMessageId).toMatch(/^wamid\./);
    }
    const sent = sim.requests({ route: 'messages' }).map((request) => request.body as Record<string, unknown>);
    expect(sent.map((body) => body['biz_opaque_callback_data'])).toEqual(bodies.map((_, i) => `msg_${i}`));
    expect(sent.slice(-2).map((body) => (body['interactive'] as { type: string }).type)).toEqual(['button', 'list']);
  });

  it("surfaces a Meta error as a classified SwitchboardError, and classifyError returns that classification", async () => {
    const error = await caughtSwitchboardError(sendBody('msg_01JDCLOSED', { type: 'text', text: { body: 'No window' } }));
    expect(error).toMatchObject({ code: 'window_closed', retryable: false, meta: { code: 131047 } });
    expect(channel.classifyError(error)).toBe(error.classification);
    expect(channel.classifyError(error)).toMatchObject({ code: 'window_closed', category: expect.any(String) });
  });

  it('classifies injected platform errors as retryable', async () => {
    sim.injectFault({ kind: 'error', code: 131000, count: 1, match: { route: 'messages' } });
    const error = await caughtSwitchboardError(sendBody('msg_01JDFAULT', { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }));
    expect(error.meta?.code).toBe(131000);
    expect(channel.classifyError(error).retryable).toBe(true);
  });

  it('classifies raw Graph error bodies and unknown shapes through the taxonomy', () => {
    expect(channel.classifyError({ error: { code: 130429, message: '(#130429) Rate limit hit' } })).toMatchObject({ code: 'rate_limited', retryable: true, meta: { code: 130429 } });
    expect(channel.classifyError(new Error('boom'))).toMatchObject({ code: 'unknown', alert: true });
  });

  it('refuses to call Graph without its config, and never leaks the token', async () => {
    const broken = { ...ctx, config: { accessToken: 'secret-token-value' } as unknown as WhatsAppConfig };
    const error = await caughtSwitchboardError(channel.send({ id: 'msg_1', from: DEMO_IDS.phoneNumberId, to: USER, payload: { type: 'text', text: { body: 'x' } } }, broken));
    expect(error.code).toBe('internal_error');
    expect(JSON.stringify(error) + error.message).not.toContain('secret-token-value');
    expect(sim.requests({ route: 'messages' })).toHaveLength(0);
  });

  it('prepare() (the host runs it before the slot) fails a broken media link as media_invalid; send() then has no link to judge', async () => {
    const preflight = new MediaPreflight();
    const checked = new WhatsAppChannel({ mediaPreflight: preflight });
    const image = { id: 'msg_2', from: DEMO_IDS.phoneNumberId, to: USER, payload: { type: 'image' as const, image: { link: `${sim.url}/no-such-file.png` } } };
    expect(await caughtSwitchboardError(checked.prepare(image))).toMatchObject({ code: 'media_invalid', details: [{ path: 'image.link' }] });
    await expect(checked.prepare({ ...image, payload: { type: 'text', text: { body: 'x' } } })).resolves.toBeUndefined();
    expect(sim.requests({ route: 'messages' })).toHaveLength(0);
    await preflight.close();
  });
});

describe('WhatsAppChannel options', () => {
  it("takes the host's URL shortener list instead of the default one", async () => {
    const message = new WhatsAppChannel().messageSchema.parse({ from: '1', to: '2', type: 'image', image: { link: 'https://go.example.com/a.png' } });
    expect(await new WhatsAppChannel().validate(message)).toEqual([]);
    expect(await new WhatsAppChannel({ urlShorteners: ['Go.Example.com'] }).validate(message)).toEqual([
      { code: 'media_invalid', path: 'image.link', issue: 'go.example.com is a URL shortener: link the file itself' },
    ]);
  });
});
