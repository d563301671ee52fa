import { FROM, USER, startFormReceiver, startSms, type FormReceiver, type TestSms } from '../testing/sms-test.helpers';

describe('/_sim/sms control API', () => {
  let t: TestSms;
  let receiver: FormReceiver;

  beforeAll(async () => {
    t = await startSms();
    receiver = await startFormReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(() => t.sim.reset());

  const control = <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT', path: string, json?: unknown) =>
    t.call<T>(method, `/_sim/sms${path}`, { auth: null, json });

  it('answers health and 404s unknown control routes', async () => {
    expect((await control('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await control('GET', '/nope')).status).toBe(404);
  });

  it('arms, lists and clears faults; refuses an invalid one', async () => {
    const armed = await control<{ id: string }>('POST', '/faults', { kind: 'error', code: 20429, count: 2, match: { to: USER } });
    expect(armed.status).toBe(201);
    expect((await t.send({ To: USER, From: FROM, Body: 'x' })).status).toBe(429);
    expect((await control<{ data: { remaining: number }[] }>('GET', '/faults')).body.data).toEqual([expect.objectContaining({ remaining: 1 })]);
    expect((await control('DELETE', `/faults/${armed.body.id}`)).status).toBe(200);
    expect((await control('DELETE', `/faults/${armed.body.id}`)).status).toBe(404);
    expect((await control('POST', '/faults', { kind: 'error' })).status).toBe(400);
    expect((await control('POST', '/faults', { kind: 'melt' })).status).toBe(400);
  });

  it('sets the inbound URL through config and simulates inbound over HTTP', async () => {
    const configured = await control<{ inboundUrl: string }>('PATCH', '/config', { inboundUrl: `${receiver.url}/in`, statusDelaysMs: { sent: 1 } });
    expect(configured.body).toMatchObject({ inboundUrl: `${receiver.url}/in`, statusDelaysMs: { queued: 2, sent: 1, delivered: 10 } });
    const inbound = await control<{ sid: string; keyword: string; delivery: { statusCode: number } }>('POST', '/inbound', { from: USER, to: FROM, body: 'STOP' });
    expect(inbound.status).toBe(200);
    expect(inbound.body).toMatchObject({ keyword: 'opt-out', delivery: { statusCode: 200 } });
    expect((await control<{ data: unknown[] }>('GET', '/opt-outs')).body.data).toContainEqual({ number: FROM, recipient: USER });
    expect((await control('POST', '/inbound', { from: USER, to: '+15559999999' })).status).toBe(404);
    expect((await control('POST', '/inbound', { from: 'nope', to: FROM })).status).toBe(400);
    expect((await control('PATCH', '/config', { unknownKey: 1 })).status).toBe(400);
  });

  it('lists requests, messages and callbacks, settles and resets', async () => {
    const sid = String((await t.send({ To: USER, From: FROM, Body: 'x', StatusCallback: `${receiver.url}/s` })).body['sid']);
    expect((await control('POST', '/settle?timeoutMs=2000')).body).toEqual({ success: true });
    expect((await control<{ data: unknown[] }>('GET', `/requests?route=send&to=${encodeURIComponent(USER)}`)).body.data).toHaveLength(1);
    expect((await control<{ status: string }>('GET', `/messages/${sid}`)).body.status).toBe('delivered');
    expect((await control<{ data: { status: string }[] }>('GET', '/callbacks')).body.data.map((entry) => entry.status)).toEqual(['sent', 'delivered']);
    expect((await control('POST', '/reset')).body).toEqual({ success: true });
    expect((await control<{ data: unknown[] }>('GET', '/messages')).body.data).toHaveLength(0);
    expect((await control('GET', `/messages/${sid}`)).status).toBe(404);
  });
});
