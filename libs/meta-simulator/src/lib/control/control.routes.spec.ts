import { APP, PHONE, TOKEN, USER, WABA, startSimulator, type TestSimulator } from '../testing/sim-test.helpers';

describe('/_sim control API', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startSimulator();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.sim.reset());

  const control = <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT', path: string, body?: unknown) =>
    t.call<T>(method, path, { token: null, body });

  it('answers health on /_sim/health and /health', async () => {
    expect((await control('GET', '/_sim/health')).body).toEqual({ status: 'ok' });
    expect((await control('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await control('GET', '/_sim/nope')).status).toBe(404);
  });

  it('lists received Graph requests without Authorization, filters them, and clears them', async () => {
    await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } }, biz_opaque_callback_data: 'x' });
    await t.call('GET', `/v24.0/${WABA}/phone_numbers?fields=id`);
    await t.call('GET', '/v24.0/unknown/edge/too/deep');
    const all = await control<{ data: Record<string, unknown>[] }>('GET', '/_sim/requests');
    expect(all.body.data).toHaveLength(3);
    const [send] = all.body.data;
    expect(send).toMatchObject({
      method: 'POST',
      path: `/v24.0/${PHONE}/messages`,
      route: 'messages',
      body: { messaging_product: 'whatsapp', to: USER, biz_opaque_callback_data: 'x' },
      headers: { 'content-type': 'application/json' },
    });
    expect(send['headers']).not.toHaveProperty('authorization');
    expect(JSON.stringify(all.body)).not.toContain(TOKEN);

    expect((await control<{ data: unknown[] }>('GET', '/_sim/requests?method=get&path=phone_numbers')).body.data).toHaveLength(1);
    expect((await control<{ data: unknown[] }>('GET', '/_sim/requests?route=messages')).body.data).toHaveLength(1);
    expect((await control('DELETE', '/_sim/requests')).body).toEqual({ success: true });
    expect((await control<{ data: unknown[] }>('GET', '/_sim/requests')).body.data).toHaveLength(0);
  });

  it('answers unknown Graph paths like Graph (2500) and records them', async () => {
    const answer = await t.call('GET', '/v24.0/1/2/3/4');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 2500, type: 'OAuthException' } });
  });

  it('simulates inbound messages over HTTP and opens the window', async () => {
    const inbound = await control<{ id: string }>('POST', '/_sim/inbound', { phoneNumberId: PHONE, from: USER, text: 'hi' });
    expect(inbound.status).toBe(200);
    expect(inbound.body.id).toMatch(/^wamid\./);
    expect((await t.send({ to: USER, type: 'text', text: { body: 'hello' } })).status).toBe(200);
    expect((await control('POST', '/_sim/inbound', { phoneNumberId: '1', from: USER })).status).toBe(404);
    expect((await control('POST', '/_sim/inbound', { phoneNumberId: PHONE })).status).toBe(400);
  });

  it('reads and changes the simulation settings, refusing unknown keys', async () => {
    const before = await control<Record<string, unknown>>('GET', '/_sim/config');
    expect(before.body).toMatchObject({ defaultMps: 80, pairRate: { burst: 45, refillIntervalMs: 6000 } });
    const patched = await control<Record<string, unknown>>('PATCH', '/_sim/config', { failureRates: { '131026': 0.5 }, statusDelaysMs: { read: 500 } });
    expect(patched.body).toMatchObject({ failureRates: { '131026': 0.5 }, statusDelaysMs: { sent: 5, delivered: 10, read: 500 } });
    expect((await control('PATCH', '/_sim/config', { nope: 1 })).status).toBe(400);
    expect((await control('PATCH', '/_sim/config', { readRate: 2 })).status).toBe(400);
  });

  it('adds tokens, e.g. one without the messaging scope', async () => {
    const added = await control<{ token: string }>('POST', '/_sim/tokens', { appId: APP, scopes: ['whatsapp_business_management'], wabaIds: [WABA] });
    expect(added.status).toBe(201);
    expect(added.body.token).toMatch(/^sim-token-/);
    const send = await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, { token: added.body.token });
    expect(send.status).toBe(403);
    expect((await control('POST', '/_sim/tokens', { appId: '1', scopes: [], wabaIds: [] })).status).toBe(400);
  });

  it('lists accepted messages with their statuses, and settles', async () => {
    const sent = await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    const wamid = (sent.body as { messages: { id: string }[] }).messages[0].id;
    expect((await control('POST', '/_sim/settle')).body).toEqual({ success: true });
    const messages = await control<{ data: { id: string; statuses: { status: string }[] }[] }>('GET', '/_sim/messages');
    expect(messages.body.data).toHaveLength(1);
    expect(messages.body.data[0].statuses.map((status) => status.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    expect((await control('GET', `/_sim/messages/${wamid}`)).body).toMatchObject({ id: wamid, to: USER, templateName: 'hello_world' });
    expect((await control('GET', '/_sim/messages/wamid.nope')).status).toBe(404);
  });

  it('resets data, windows, limits, faults and logs to the seed', async () => {
    await t.sim.simulateInbound({ phoneNumberId: PHONE, from: USER });
    await t.sim.setTemplateStatus('4000000000000001', { status: 'PAUSED' });
    t.sim.injectFault({ kind: 'error', code: 1, count: 10 });
    t.sim.configure({ defaultMps: 1 });
    expect((await control('POST', '/_sim/reset')).body).toEqual({ success: true });
    expect(t.sim.faults()).toHaveLength(0);
    expect(t.sim.requests()).toHaveLength(0);
    expect(t.sim.settings().defaultMps).toBe(80);
    expect((await t.send({ to: USER, type: 'text', text: { body: 'x' } })).body).toMatchObject({ error: { code: 131047 } });
    expect((await t.send({ to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })).status).toBe(200);
  });
});
