import { SMS_DEMO_IDS } from '../seed/demo-sms-seed';
import { ACCOUNT, AUTH_TOKEN, FROM, OTHER_ACCOUNT, OTHER_AUTH_TOKEN, USER, basicAuth, startSms, type TestSms } from '../testing/sms-test.helpers';

describe('Twilio Messages resource', () => {
  let t: TestSms;

  beforeAll(async () => {
    t = await startSms();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.sim.reset());

  it('creates a message with Twilio\'s 201 answer', async () => {
    const answer = await t.send({ To: USER, From: FROM, Body: 'Hello there' });
    expect(answer.status).toBe(201);
    const sid = String(answer.body['sid']);
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(answer.body).toEqual({
      account_sid: ACCOUNT,
      api_version: '2010-04-01',
      body: 'Hello there',
      date_created: expect.stringMatching(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
      date_sent: null,
      date_updated: expect.any(String),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: FROM,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid}/Media.json` },
      to: USER,
      uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid}.json`,
    });
  });

  it('answers `accepted` with no From yet through a Messaging Service, and counts media', async () => {
    const answer = await t.send({ To: USER, MessagingServiceSid: SMS_DEMO_IDS.messagingServiceSid, MediaUrl: ['https://example.test/a.jpg', 'https://example.test/b.jpg'] });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'accepted', from: null, messaging_service_sid: SMS_DEMO_IDS.messagingServiceSid, num_media: '2', body: '' });
    expect(String(answer.body['sid'])).toMatch(/^MM[0-9a-f]{32}$/);
  });

  it('repeats its sids run after run and differs by randomSeed', async () => {
    const first = (await t.send({ To: USER, From: FROM, Body: 'a' })).body['sid'];
    t.sim.reset();
    expect((await t.send({ To: USER, From: FROM, Body: 'a' })).body['sid']).toBe(first);
    const other = await startSms({ simulation: { randomSeed: 2 } });
    try {
      expect((await other.send({ To: USER, From: FROM, Body: 'a' })).body['sid']).not.toBe(first);
    } finally {
      await other.close();
    }
  });

  describe('authentication (20003)', () => {
    it.each([
      ['no credentials', null],
      ['a wrong Auth Token', basicAuth(ACCOUNT, 'sim-auth-token-wrong')],
      ["another account's valid credentials", basicAuth(OTHER_ACCOUNT, OTHER_AUTH_TOKEN)],
      ['a malformed header', 'Bearer abc'],
    ])('refuses %s with 401', async (_label, auth) => {
      const answer = await t.send({ To: USER, From: FROM, Body: 'x' }, { auth });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Basic realm="Twilio API"');
      expect(answer.body).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    });

    it('never records the Authorization header', async () => {
      await t.send({ To: USER, From: FROM, Body: 'x' });
      const [recorded] = t.sim.requests({ route: 'send' });
      expect(recorded.params).toMatchObject({ To: USER, Body: 'x' });
      expect(recorded.headers).not.toHaveProperty('authorization');
      expect(JSON.stringify(t.sim.requests())).not.toContain(Buffer.from(`${ACCOUNT}:${AUTH_TOKEN}`).toString('base64'));
    });
  });

  describe('validation, first failure answers', () => {
    const long = 'a'.repeat(1601);
    it.each([
      ['To missing', 21604, { From: FROM, Body: 'x' }],
      ['To not E.164', 21211, { To: '555-0100', From: FROM, Body: 'x' }],
      ['From and MessagingServiceSid missing', 21603, { To: USER, Body: 'x' }],
      ['From malformed', 21212, { To: USER, From: 'abc', Body: 'x' }],
      ['From of another account', 21606, { To: USER, From: SMS_DEMO_IDS.otherAccountNumber, Body: 'x' }],
      ['From not a Twilio number at all', 21606, { To: USER, From: '+15559999999', Body: 'x' }],
      ['unknown Messaging Service', 21705, { To: USER, MessagingServiceSid: 'MG99999999999999999999999999999999', Body: 'x' }],
      ['Body and MediaUrl missing', 21602, { To: USER, From: FROM }],
      ['Body over 1,600 characters', 21617, { To: USER, From: FROM, Body: long }],
      ['MediaUrl not http(s)', 21620, { To: USER, From: FROM, MediaUrl: 'ftp://example.test/a.jpg' }],
      ['StatusCallback not a URL', 21609, { To: USER, From: FROM, Body: 'x', StatusCallback: 'nope' }],
      ['ValidityPeriod out of range', 21624, { To: USER, From: FROM, Body: 'x', ValidityPeriod: '36001' }],
      ['a seeded invalid recipient', 21211, { To: SMS_DEMO_IDS.recipients.invalid21211, From: FROM, Body: 'x' }],
      ['a seeded non-mobile recipient', 21614, { To: SMS_DEMO_IDS.recipients.notMobile21614, From: FROM, Body: 'x' }],
    ])('%s -> %d', async (_label, code, params) => {
      const answer = await t.send(params);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code, message: expect.any(String), more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
      expect(t.sim.messages()).toHaveLength(0);
    });

    it('accepts exactly 1,600 characters', async () => {
      const answer = await t.send({ To: USER, From: FROM, Body: 'a'.repeat(1600) });
      expect(answer.status).toBe(201);
      expect(answer.body['num_segments']).toBe('11');
    });
  });

  describe('reading a message', () => {
    it('returns the current state and 20404 for an unknown sid or another account', async () => {
      const sid = String((await t.send({ To: USER, From: FROM, Body: 'x' })).body['sid']);
      await t.sim.settle();
      const read = await t.call('GET', `/2010-04-01/Accounts/${ACCOUNT}/Messages/${sid}.json`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ sid, status: 'delivered', date_sent: expect.stringMatching(/\+0000$/) });

      const missing = await t.call('GET', `/2010-04-01/Accounts/${ACCOUNT}/Messages/SM00000000000000000000000000000000.json`);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 20404, status: 404 });

      const foreign = await t.call('GET', `/2010-04-01/Accounts/${OTHER_ACCOUNT}/Messages/${sid}.json`, { auth: basicAuth(OTHER_ACCOUNT, OTHER_AUTH_TOKEN) });
      expect(foreign.status).toBe(404);
    });

    it('answers unknown paths with 20404', async () => {
      const answer = await t.call('GET', `/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 20404, message: `The requested resource /2010-04-01/Accounts/${ACCOUNT}/Calls.json was not found` });
    });
  });
});
