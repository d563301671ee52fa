import { request } from 'undici';
import { PHONE, PHONE_2, TOKEN, USER, WABA, startSimulator, type TestSimulator } from '../testing/sim-test.helpers';

describe('fault injection', () => {
  let t: TestSimulator;

  beforeAll(async () => {
    t = await startSimulator();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.sim.reset());

  const template = { to: USER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };

  it('answers the next N matching calls with a Graph error code and Meta status, then recovers', async () => {
    const fault = await t.call('POST', '/_sim/faults', { token: null, body: { kind: 'error', code: 131000, count: 2, match: { route: 'messages' } } });
    expect(fault.status).toBe(201);
    expect(fault.body).toMatchObject({ id: expect.any(String), remaining: 2 });

    for (let i = 0; i < 2; i += 1) {
      const answer = await t.send(template);
      expect(answer.status).toBe(500);
      expect(answer.body).toMatchObject({ error: { code: 131000, message: '(#131000) Something went wrong', type: 'OAuthException' } });
    }
    expect((await t.send(template)).status).toBe(200);
  });

  it('lets a test choose the HTTP status and details, e.g. 130429 as 429', async () => {
    t.sim.injectFault({ kind: 'error', code: 130429, httpStatus: 429, details: 'slow down' });
    const answer = await t.send(template);
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ error: { code: 130429, error_data: { details: 'slow down' } } });
  });

  it('matches by phone number and by route kind', async () => {
    t.sim.injectFault({ kind: 'error', code: 2, match: { phoneNumberId: PHONE_2 } });
    t.sim.injectFault({ kind: 'error', code: 4, match: { route: 'debug_token' } });
    expect((await t.send(template)).status).toBe(200);
    const other = await t.send(template, { phone: PHONE_2 });
    expect(other.status).toBe(503);
    expect(other.body).toMatchObject({ error: { code: 2 } });
    const debug = await t.call('GET', `/v24.0/debug_token?input_token=${TOKEN}`);
    expect(debug.body).toMatchObject({ error: { code: 4 } });
    expect(t.sim.faults()).toHaveLength(0);
  });

  it('adds latency and then answers normally', async () => {
    t.sim.injectFault({ kind: 'latency', latencyMs: 150 });
    const started = Date.now();
    const answer = await t.send(template);
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers a bare 5xx with no body', async () => {
    t.sim.injectFault({ kind: 'empty-5xx', httpStatus: 502 });
    const answer = await t.send(template);
    expect(answer.status).toBe(502);
    expect(answer.text).toBe('');
  });

  it('hangs past the client timeout, then answers the next call', async () => {
    t.sim.injectFault({ kind: 'hang', match: { route: 'messages' } });
    await expect(
      request(`${t.url}/v24.0/${PHONE}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', ...template }),
        headersTimeout: 200,
      }),
    ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect((await t.send(template)).status).toBe(200);
  });

  it('drops the connection without an answer', async () => {
    t.sim.injectFault({ kind: 'drop' });
    await expect(t.send(template)).rejects.toThrow(/other side closed|socket|ECONNRESET/i);
    expect((await t.send(template)).status).toBe(200);
  });

  it('records the faulted requests like any other', async () => {
    t.sim.injectFault({ kind: 'error', code: 1, match: { route: 'phone_numbers', method: 'get' } });
    const answer = await t.call('GET', `/v24.0/${WABA}/phone_numbers`);
    expect(answer.body).toMatchObject({ error: { code: 1 } });
    expect(t.sim.requests({ route: 'phone_numbers' })).toHaveLength(1);
  });

  it('lists, removes and clears armed faults over HTTP, and validates them', async () => {
    const first = t.sim.injectFault({ kind: 'error', code: 1, count: 5 });
    t.sim.injectFault({ kind: 'latency', latencyMs: 5 });
    const listed = await t.call<{ data: { id: string }[] }>('GET', '/_sim/faults', { token: null });
    expect(listed.body.data).toHaveLength(2);
    expect((await t.call('DELETE', `/_sim/faults/${first.id}`, { token: null })).status).toBe(200);
    expect(t.sim.faults()).toHaveLength(1);
    expect((await t.call('DELETE', '/_sim/faults', { token: null })).status).toBe(200);
    expect(t.sim.faults()).toHaveLength(0);
    const invalid = await t.call('POST', '/_sim/faults', { token: null, body: { kind: 'error' } });
    expect(invalid.status).toBe(400);
    const unknownRoute = await t.call('POST', '/_sim/faults', { token: null, body: { kind: 'hang', match: { route: 'nope' } } });
    expect(unknownRoute.status).toBe(400);
  });
});
