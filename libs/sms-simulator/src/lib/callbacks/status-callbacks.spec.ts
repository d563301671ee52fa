import { SMS_DEMO_IDS } from '../seed/demo-sms-seed';
import { ACCOUNT, AUTH_TOKEN, FROM, USER, startFormReceiver, startSms, type FormReceiver, type TestSms } from '../testing/sms-test.helpers';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature';

describe('twilioSignature', () => {
  it("matches Twilio's documented example", () => {
    // Twilio's webhook-security documentation example (its test Auth Token and parameters).
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('verifies in constant time and rejects any change', () => {
    const params = { MessageSid: 'SM1', MessageStatus: 'sent' };
    const signature = twilioSignature('sim-auth-token-x', 'http://h/cb', params);
    expect(verifyTwilioSignature('sim-auth-token-x', 'http://h/cb', params, signature)).toBe(true);
    expect(verifyTwilioSignature('sim-auth-token-x', 'http://h/cb?x=1', params, signature)).toBe(false);
    expect(verifyTwilioSignature('sim-auth-token-x', 'http://h/cb', { ...params, MessageStatus: 'delivered' }, signature)).toBe(false);
    expect(verifyTwilioSignature('sim-auth-token-y', 'http://h/cb', params, signature)).toBe(false);
  });
});

describe('status callbacks', () => {
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

  const callbackUrl = () => `${receiver.url}/twilio/status?tenant=t1`;
  const statusesOf = (sid: string) => receiver.received.filter((post) => post.params['MessageSid'] === sid).map((post) => post.params['MessageStatus']);

  it('posts sent then delivered, form-encoded and signed over the full URL, and no queued', async () => {
    const sid = String((await t.send({ To: USER, From: FROM, Body: 'hi', StatusCallback: callbackUrl() })).body['sid']);
    await t.sim.settle();
    expect(statusesOf(sid)).toEqual(['sent', 'delivered']);
    for (const post of receiver.received) {
      expect(post.url).toBe(callbackUrl());
      expect(post.headers['content-type']).toContain('application/x-www-form-urlencoded');
      expect(verifyTwilioSignature(AUTH_TOKEN, post.url, post.params, String(post.headers['x-twilio-signature']))).toBe(true);
      expect(post.headers['i-twilio-idempotency-token']).toEqual(expect.any(String));
    }
    expect(receiver.received[1].params).toEqual({
      AccountSid: ACCOUNT,
      ApiVersion: '2010-04-01',
      From: FROM,
      MessageSid: sid,
      MessageStatus: 'delivered',
      SmsSid: sid,
      SmsStatus: 'delivered',
      To: USER,
    });
    expect(t.sim.message(sid)?.history.map((entry) => entry.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('through a Messaging Service: accepted, then queued, sent and delivered are called back with the chosen From', async () => {
    const answer = await t.send({ To: USER, MessagingServiceSid: SMS_DEMO_IDS.messagingServiceSid, Body: 'hi', StatusCallback: callbackUrl() });
    const sid = String(answer.body['sid']);
    await t.sim.settle();
    expect(statusesOf(sid)).toEqual(['queued', 'sent', 'delivered']);
    expect(receiver.received[0].params).toMatchObject({ From: FROM, MessagingServiceSid: SMS_DEMO_IDS.messagingServiceSid });
    const read = await t.call('GET', `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid}.json`);
    expect(read.body).toMatchObject({ from: FROM, status: 'delivered' });
  });

  it.each([
    [SMS_DEMO_IDS.recipients.unreachable30003, ['sent', 'undelivered'], 'undelivered', 30003],
    [SMS_DEMO_IDS.recipients.unknown30005, ['sent', 'undelivered'], 'undelivered', 30005],
    [SMS_DEMO_IDS.recipients.landline30006, ['sent', 'undelivered'], 'undelivered', 30006],
    [SMS_DEMO_IDS.recipients.filtered30007, ['failed'], 'failed', 30007],
  ])('%s ends %s with its ErrorCode', async (to, sequence, status, code) => {
    const sid = String((await t.send({ To: to, From: FROM, Body: 'hi', StatusCallback: callbackUrl() })).body['sid']);
    await t.sim.settle();
    expect(statusesOf(sid)).toEqual(sequence);
    const terminal = receiver.received[receiver.received.length - 1].params;
    expect(terminal).toMatchObject({ MessageStatus: status, ErrorCode: String(code) });
    expect(receiver.received.slice(0, -1).every((post) => post.params['ErrorCode'] === undefined)).toBe(true);
    const read = await t.call('GET', `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid}.json`);
    expect(read.body).toMatchObject({ status, error_code: code, error_message: expect.any(String) });
  });

  it('leaves a recipient without delivery receipts at sent', async () => {
    const sid = String((await t.send({ To: SMS_DEMO_IDS.recipients.noReceipt, From: FROM, Body: 'hi', StatusCallback: callbackUrl() })).body['sid']);
    await t.sim.settle();
    expect(statusesOf(sid)).toEqual(['sent']);
  });

  it('duplicates every callback with the same idempotency token', async () => {
    t.sim.configure({ duplicateCallbacks: 2 });
    const sid = String((await t.send({ To: USER, From: FROM, Body: 'hi', StatusCallback: callbackUrl() })).body['sid']);
    await t.sim.settle();
    // A step's copies go out one after the other, but the next step's callback does not wait for
    // them (nor do Twilio's): on a slow receiver `delivered` may arrive between copies of `sent`.
    expect([...statusesOf(sid)].sort()).toEqual(['delivered', 'delivered', 'delivered', 'sent', 'sent', 'sent']);
    const tokens = new Set(receiver.received.filter((post) => post.params['MessageStatus'] === 'sent').map((post) => post.headers['i-twilio-idempotency-token']));
    expect(tokens.size).toBe(1);
    const copies = (status: string) => t.sim.callbacks().filter((delivery) => delivery.status === status).map((delivery) => delivery.copy);
    expect(copies('sent')).toEqual([1, 2, 3]);
    expect(copies('delivered')).toEqual([1, 2, 3]);
  });

  it('reorders callbacks with a lag while the message itself moves in order', async () => {
    t.sim.configure({ callbackLagMs: { sent: 60 } });
    const sid = String((await t.send({ To: USER, From: FROM, Body: 'hi', StatusCallback: callbackUrl() })).body['sid']);
    await t.sim.settle();
    expect(statusesOf(sid)).toEqual(['delivered', 'sent']);
    expect(t.sim.message(sid)?.status).toBe('delivered');
  });

  it('drops callbacks, leaving GET to reconcile', async () => {
    t.sim.configure({ dropCallbacks: ['delivered'] });
    const sid = String((await t.send({ To: USER, From: FROM, Body: 'hi', StatusCallback: callbackUrl() })).body['sid']);
    await t.sim.settle();
    expect(statusesOf(sid)).toEqual(['sent']);
    const read = await t.call('GET', `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid}.json`);
    expect(read.body['status']).toBe('delivered');
  });

  it('delays callbacks by the configured status delays (late callbacks)', async () => {
    t.sim.configure({ statusDelaysMs: { sent: 150 } });
    const started = Date.now();
    const sid = String((await t.send({ To: USER, From: FROM, Body: 'hi', StatusCallback: callbackUrl() })).body['sid']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(statusesOf(sid)).toEqual([]);
    expect(t.sim.message(sid)?.status).toBe('queued');
    await t.sim.settle();
    expect(statusesOf(sid)).toEqual(['sent', 'delivered']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('logs a receiver that refuses or is unreachable, without retrying', async () => {
    receiver.respondWith = 500;
    try {
      await t.send({ To: USER, From: FROM, Body: 'hi', StatusCallback: callbackUrl() });
      await t.send({ To: USER, From: FROM, Body: 'hi', StatusCallback: 'http://127.0.0.1:1/unreachable' });
      await t.sim.settle();
      const attempts = t.sim.callbacks();
      expect(attempts).toHaveLength(4);
      expect(attempts.filter((attempt) => attempt.statusCode === 500)).toHaveLength(2);
      expect(attempts.filter((attempt) => attempt.statusCode === null && attempt.error)).toHaveLength(2);
    } finally {
      receiver.respondWith = 200;
    }
  });
});
