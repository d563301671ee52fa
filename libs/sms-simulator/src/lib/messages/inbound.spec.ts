import { verifyTwilioSignature } from '../callbacks/twilio-signature';
import { SMS_DEMO_IDS } from '../seed/demo-sms-seed';
import { ACCOUNT, AUTH_TOKEN, FROM, USER, startFormReceiver, startSms, type FormReceiver, type TestSms } from '../testing/sms-test.helpers';
import { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS } from './inbound.service';

describe('inbound SMS and opt-out keywords', () => {
  let t: TestSms;
  let receiver: FormReceiver;

  beforeAll(async () => {
    receiver = await startFormReceiver();
    t = await startSms({ inboundUrl: `${receiver.url}/webhooks/sms/inbound` });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(() => {
    t.sim.reset();
    receiver.received.length = 0;
  });

  it("posts Twilio's inbound form, signed with the account's Auth Token", async () => {
    const result = await t.sim.simulateInbound({ from: USER, to: SMS_DEMO_IDS.secondNumber, body: 'Привет' });
    expect(result.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.delivery?.statusCode).toBe(200);
    expect(receiver.received).toHaveLength(1);
    const [post] = receiver.received;
    expect(post.params).toEqual({
      AccountSid: ACCOUNT,
      ApiVersion: '2010-04-01',
      Body: 'Привет',
      From: USER,
      MessageSid: result.sid,
      MessagingServiceSid: SMS_DEMO_IDS.messagingServiceSid,
      NumMedia: '0',
      NumSegments: '1',
      SmsMessageSid: result.sid,
      SmsSid: result.sid,
      SmsStatus: 'received',
      To: SMS_DEMO_IDS.secondNumber,
    });
    expect(verifyTwilioSignature(AUTH_TOKEN, post.url, post.params, String(post.headers['x-twilio-signature']))).toBe(true);
    expect(t.sim.message(result.sid)).toMatchObject({ direction: 'inbound', status: 'received' });
  });

  it('lists media as MediaUrl0.. and counts NumMedia', async () => {
    await t.sim.simulateInbound({ from: USER, to: FROM, mediaUrls: ['https://example.test/1.jpg', 'https://example.test/2.jpg'] });
    expect(receiver.received[0].params).toMatchObject({ NumMedia: '2', MediaUrl0: 'https://example.test/1.jpg', MediaUrl1: 'https://example.test/2.jpg', Body: '' });
  });

  it('STOP opts the sender out (21610) until START, across the Messaging Service pool', async () => {
    expect((await t.sim.simulateInbound({ from: USER, to: FROM, body: '  stop ' })).keyword).toBe('opt-out');
    expect(receiver.received[0].params['Body']).toBe('  stop ');
    const senders: Record<string, string>[] = [{ From: FROM }, { From: SMS_DEMO_IDS.secondNumber }, { MessagingServiceSid: SMS_DEMO_IDS.messagingServiceSid }];
    for (const params of senders) {
      const refused = await t.send({ To: USER, Body: 'promo', ...params });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    }
    expect((await t.send({ To: '+15551230002', From: FROM, Body: 'other user' })).status).toBe(201);
    expect(t.sim.optOuts()).toEqual(
      expect.arrayContaining([
        { number: FROM, recipient: USER },
        { number: SMS_DEMO_IDS.secondNumber, recipient: USER },
      ]),
    );

    expect((await t.sim.simulateInbound({ from: USER, to: FROM, body: 'START' })).keyword).toBe('opt-in');
    expect((await t.send({ To: USER, From: FROM, Body: 'welcome back' })).status).toBe(201);
  });

  it.each(OPT_OUT_KEYWORDS)('%s is an opt-out keyword', async (word) => {
    await t.sim.simulateInbound({ from: USER, to: FROM, body: word.toLowerCase() });
    expect((await t.send({ To: USER, From: FROM, Body: 'x' })).body['code']).toBe(21610);
  });

  it.each(OPT_IN_KEYWORDS)('%s lifts an opt-out', async (word) => {
    await t.sim.simulateInbound({ from: USER, to: FROM, body: 'STOP' });
    await t.sim.simulateInbound({ from: USER, to: FROM, body: word });
    expect((await t.send({ To: USER, From: FROM, Body: 'x' })).status).toBe(201);
  });

  it('ignores keywords inside a sentence', async () => {
    expect((await t.sim.simulateInbound({ from: USER, to: FROM, body: 'please stop now' })).keyword).toBeNull();
    expect((await t.send({ To: USER, From: FROM, Body: 'x' })).status).toBe(201);
  });

  it('keeps an opt-out to a number outside any Messaging Service to that number', async () => {
    const other = await startSms();
    try {
      await other.sim.simulateInbound({ from: USER, to: SMS_DEMO_IDS.otherAccountNumber, body: 'STOP' });
      expect(other.sim.optOuts()).toEqual([{ number: SMS_DEMO_IDS.otherAccountNumber, recipient: USER }]);
      expect((await other.send({ To: USER, From: FROM, Body: 'x' })).status).toBe(201);
    } finally {
      await other.close();
    }
  });

  it('refuses a number no account owns, and posts nothing without an inbound URL', async () => {
    await expect(t.sim.simulateInbound({ from: USER, to: '+15559999999', body: 'hi' })).rejects.toThrow('no account owns +15559999999');
    const silent = await startSms();
    try {
      const result = await silent.sim.simulateInbound({ from: USER, to: FROM, body: 'STOP' });
      expect(result.delivery).toBeNull();
      expect((await silent.send({ To: USER, From: FROM, Body: 'x' })).body['code']).toBe(21610);
    } finally {
      await silent.close();
    }
  });
});
