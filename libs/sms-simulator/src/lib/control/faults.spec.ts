import { request } from 'undici';
import { ACCOUNT, FROM, USER, basicAuth, AUTH_TOKEN, startFormReceiver, startSms, type FormReceiver, type TestSms } from '../testing/sms-test.helpers';

describe('fault injection and sender throughput', () => {
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
  beforeEach(() => {
    t.sim.reset();
    receiver.received.length = 0;
  });

  const message = { To: USER, From: FROM, Body: 'hi' };

  it('answers 20429 with HTTP 429 for the next `count` matching sends, then recovers', async () => {
    t.sim.injectFault({ kind: 'error', code: 20429, count: 2, match: { route: 'send', to: USER } });
    expect((await t.send({ ...message, To: '+15551230002' })).status).toBe(201);
    for (let i = 0; i < 2; i += 1) {
      const answer = await t.send(message);
      expect(answer.status).toBe(429);
      expect(answer.body).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
    }
    expect((await t.send(message)).status).toBe(201);
    expect(t.sim.faults()).toHaveLength(0);
  });

  it('turns a delivery code into an accepted message that fails with it (30001 queue overflow)', async () => {
    t.sim.injectFault({ kind: 'error', code: 30001 });
    const answer = await t.send({ ...message, StatusCallback: `${receiver.url}/s` });
    expect(answer.status).toBe(201);
    await t.sim.settle();
    expect(receiver.received.map((post) => [post.params['MessageStatus'], post.params['ErrorCode']])).toEqual([['failed', '30001']]);
  });

  it('answers http5xx with the given status and Twilio\'s 20500 body', async () => {
    t.sim.injectFault({ kind: 'http5xx', status: 503 });
    const answer = await t.send(message);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 20500, status: 503 });
  });

  it('delays an answer (latency)', async () => {
    t.sim.injectFault({ kind: 'latency', latencyMs: 120 });
    const started = Date.now();
    expect((await t.send(message)).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('never answers (timeout) until the client gives up', async () => {
    t.sim.injectFault({ kind: 'timeout', match: { route: 'fetch' } });
    const sid = String((await t.send(message)).body['sid']);
    const call = request(`${t.url}/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid}.json`, {
      headers: { authorization: basicAuth(ACCOUNT, AUTH_TOKEN) },
      headersTimeout: 150,
    });
    await expect(call).rejects.toThrow(/timeout/i);
  });

  it('resets the connection', async () => {
    t.sim.injectFault({ kind: 'reset' });
    await expect(t.send(message)).rejects.toThrow();
    expect((await t.send(message)).status).toBe(201);
  });

  it('shapes one send\'s callbacks: duplicated, dropped and lagged', async () => {
    t.sim.injectFault({ kind: 'callbacks', duplicateCallbacks: 1, dropCallbacks: ['sent'], callbackLagMs: { delivered: 30 } });
    const shaped = String((await t.send({ ...message, StatusCallback: `${receiver.url}/s` })).body['sid']);
    const plain = String((await t.send({ ...message, StatusCallback: `${receiver.url}/s` })).body['sid']);
    await t.sim.settle();
    const of = (sid: string) => receiver.received.filter((post) => post.params['MessageSid'] === sid).map((post) => post.params['MessageStatus']);
    expect(of(shaped)).toEqual(['delivered', 'delivered']);
    expect(of(plain)).toEqual(['sent', 'delivered']);
  });

  it('checks credentials before a fault, so a refused call leaves the fault armed', async () => {
    t.sim.injectFault({ kind: 'http5xx' });
    expect((await t.send(message, { auth: null })).status).toBe(401);
    expect(t.sim.faults()).toHaveLength(1);
  });

  it('rejects above the sender rate with 20429 (reject mode), per sender', async () => {
    t.sim.configure({ senderRate: { mps: 2, mode: 'reject' } });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push((await t.send(message)).status);
    expect(answers).toEqual([201, 201, 429]);
    expect((await t.send({ ...message, From: '+14155550202' })).status).toBe(201);
  });

  it('queues above the sender rate, failing with 30036 past ValidityPeriod and 30001 past the queue limit', async () => {
    // One slot every 2 s; a backlog over 3 s overflows.
    t.sim.configure({ senderRate: { mps: 0.5, mode: 'queue', queueLimitMs: 3000 } });
    const cb = { StatusCallback: `${receiver.url}/s` };
    const started = Date.now();
    const first = await t.send({ ...message, ...cb });
    const expired = await t.send({ ...message, ...cb, ValidityPeriod: '1' });
    const waiting = await t.send({ ...message, ...cb, ValidityPeriod: '5' });
    const overflow = await t.send({ ...message, ...cb });
    expect([first.status, expired.status, waiting.status, overflow.status]).toEqual([201, 201, 201, 201]);
    await t.sim.settle(5000);
    const outcome = (answer: { body: Record<string, unknown> }) =>
      receiver.received.filter((post) => post.params['MessageSid'] === answer.body['sid']).map((post) => `${String(post.params['MessageStatus'])}${post.params['ErrorCode'] ? ` ${String(post.params['ErrorCode'])}` : ''}`);
    expect(outcome(first)).toEqual(['sent', 'delivered']);
    expect(outcome(expired)).toEqual(['failed 30036']);
    expect(outcome(waiting)).toEqual(['sent', 'delivered']);
    expect(outcome(overflow)).toEqual(['failed 30001']);
    const sentAt = t.sim.message(String(waiting.body['sid']))?.dateSent ?? 0;
    expect(sentAt - started).toBeGreaterThanOrEqual(1900);
  });
});
