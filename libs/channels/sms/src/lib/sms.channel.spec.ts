import { SwitchboardError } from '@switchboard/error-taxonomy';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SmsChannel, type SmsPayload } from './sms.channel';

// Obviously fake credentials: a SID of zeros and a placeholder token.
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const AUTH_TOKEN = 'fake-auth-token';
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const channel = new SmsChannel({ timeoutMs: 300 });

describe('SmsChannel schemas', () => {
  it('accepts text as a string or {body}, with from, metadata, and refuses unknown keys', () => {
    expect(channel.messageSchema.safeParse({ to: '+14155550124', text: 'Hi' }).success).toBe(true);
    expect(channel.messageSchema.safeParse({ from: '+14155550100', to: '14155550124', text: { body: 'Hi' }, metadata: { order: 7 } }).success).toBe(true);
    expect(channel.messageSchema.safeParse({ to: '+14155550124', text: 'Hi', type: 'text' }).success).toBe(false);
    expect(channel.messageSchema.safeParse({ to: '+14155550124', text: { body: 'Hi', preview_url: true } }).success).toBe(false);
    expect(channel.messageSchema.safeParse({ to: '+14155550124', text: '' }).success).toBe(false);
    expect(channel.messageSchema.safeParse({ to: '+14155550124', text: { body: '' } }).success).toBe(false);
    expect(channel.messageSchema.safeParse({ from: '14155550100', to: '+14155550124', text: 'Hi' }).success).toBe(false);
    expect(channel.messageSchema.safeParse({ to: '+14155550124', text: 'Hi', metadata: { big: 'x'.repeat(5000) } }).success).toBe(false);
  });

  it('takes a Twilio account, with the defaults for baseUrl and maxSegments', () => {
    const parsed = channel.configSchema.parse({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: ['+14155550100'] });
    expect(parsed).toMatchObject({ baseUrl: 'https://api.twilio.com', maxSegments: 10 });
    const base = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: ['+14155550100'] };
    expect(channel.configSchema.safeParse({ ...base, accountSid: 'AC123' }).success).toBe(false);
    expect(channel.configSchema.safeParse({ ...base, from: [] }).success).toBe(false);
    expect(channel.configSchema.safeParse({ ...base, from: ['4155550100'] }).success).toBe(false);
    expect(channel.configSchema.safeParse({ ...base, maxSegments: 11 }).success).toBe(false);
    expect(channel.configSchema.safeParse({ ...base, baseUrl: 'ftp://example.test' }).success).toBe(false);
    expect(channel.configSchema.safeParse({ ...base, baseUrl: 'http://127.0.0.1:4010' }).success).toBe(true);
  });

  it('gives its senders and recipients as E.164 digits', () => {
    expect(channel.sendersOf(channel.configSchema.parse({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: ['+14155550100', '+447911123456'] }))).toEqual(['14155550100', '447911123456']);
    expect(channel.normaliseRecipient('+1 (415) 555-0124')).toBe('14155550124');
    expect(channel.normaliseRecipient('447911123456')).toBe('447911123456');
    for (const bad of ['hello', '123', '+1 415']) {
      expect(() => channel.normaliseRecipient(bad)).toThrow(expect.objectContaining({ code: 'invalid_recipient', details: [expect.objectContaining({ path: 'to' })] }));
    }
  });
});

describe('SmsChannel.validate', () => {
  const issues = (text: string) => channel.validate(channel.messageSchema.parse({ to: '+14155550124', text }));

  it('lets a 10-segment text go and refuses an 11th segment with the count and the limit', async () => {
    expect(await issues('a'.repeat(1530))).toEqual([]);
    expect(await issues('a'.repeat(1531))).toEqual([{ code: 'invalid_parameter', path: 'text', issue: 'The text is 11 SMS segments (GSM-7); at most 10 are allowed.' }]);
    expect(await issues('ж'.repeat(671))).toEqual([{ code: 'invalid_parameter', path: 'text', issue: 'The text is 11 SMS segments (UCS-2); at most 10 are allowed.' }]);
  });

  it('refuses a body past 1,600 characters and an empty one', async () => {
    expect(await issues('a'.repeat(1601))).toEqual([{ code: 'invalid_parameter', path: 'text', issue: 'The text has 1601 characters; SMS allows at most 1600.' }]);
    expect(await issues('   ')).toEqual([{ code: 'invalid_parameter', path: 'text', issue: 'The text is empty.' }]);
  });

  it('stores the body with its encoding and segments', () => {
    expect(channel.toPayload(channel.messageSchema.parse({ to: '+14155550124', text: { body: 'Привет' } }))).toEqual({ type: 'text', body: 'Привет', encoding: 'UCS-2', segments: 1 });
  });
});

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly form: URLSearchParams;
}

describe('SmsChannel.send against a Twilio stand-in', () => {
  let server: Server;
  let baseUrl: string;
  let received: Received[] = [];
  let answer: (res: ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, form: new URLSearchParams(body) });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received = [];
  });

  const json = (status: number, body: unknown) => (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const payload: SmsPayload = { type: 'text', body: 'Your code is 1234 & more', encoding: 'GSM-7', segments: 1 };
  const send = (extra: { statusCallbackUrl?: string; maxSegments?: number; payload?: SmsPayload } = {}) =>
    channel.send(
      { id: 'msg_1', from: '14155550100', to: '14155550124', payload: extra.payload ?? payload },
      {
        tenantId: 'ten_1',
        environment: 'live',
        config: channel.configSchema.parse({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl, from: ['+14155550100'], ...(extra.maxSegments ? { maxSegments: extra.maxSegments } : {}) }),
        logger,
        now: () => new Date('2026-01-01T00:00:00Z'),
        ...(extra.statusCallbackUrl ? { statusCallbackUrl: extra.statusCallbackUrl } : {}),
      },
    );
  const thrown = async (promise: Promise<unknown>): Promise<SwitchboardError> => {
    try {
      await promise;
    } catch (error) {
      if (SwitchboardError.isSwitchboardError(error)) return error;
      throw error;
    }
    throw new Error('send resolved');
  };

  it('posts one form with Basic auth and returns the sid and status of the 201', async () => {
    answer = json(201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued', num_segments: '1', error_code: null, error_message: null });
    const result = await send({ statusCallbackUrl: 'https://gw.example.test/webhooks/sms/conn_1?messageId=msg_1' });
    expect(result).toEqual({ providerMessageId: 'SM0123456789abcdef0123456789abcdef', acceptedAt: new Date('2026-01-01T00:00:00Z'), providerStatus: 'queued' });
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.headers['authorization']).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(Object.fromEntries(call?.form ?? [])).toEqual({
      To: '+14155550124',
      From: '+14155550100',
      Body: 'Your code is 1234 & more',
      StatusCallback: 'https://gw.example.test/webhooks/sms/conn_1?messageId=msg_1',
    });
  });

  it('sends no StatusCallback when the host gives none', async () => {
    answer = json(201, { sid: 'SM1', status: 'queued' });
    await send();
    expect(received[0]?.form.has('StatusCallback')).toBe(false);
  });

  it('throws the classified Twilio error, with the provider code and no auth token', async () => {
    answer = json(400, { code: 21610, message: `Attempt to send to unsubscribed recipient (${AUTH_TOKEN})`, more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 });
    const error = await thrown(send());
    expect(error).toMatchObject({ code: 'recipient_suppressed', retryable: false, metadata: { httpStatus: 400 } });
    expect(error.classification?.provider).toEqual({ channel: 'sms', code: '21610', title: 'Attempt to send to unsubscribed recipient' });
    expect(channel.classifyError(error).code).toBe('recipient_suppressed');
    expect(JSON.stringify(error)).not.toContain(AUTH_TOKEN);
  });

  it('classifies 20003 as token_invalid and 20429 as throttling', async () => {
    answer = json(401, { code: 20003, message: 'Authenticate', status: 401 });
    expect(await thrown(send())).toMatchObject({ code: 'token_invalid', classification: { category: 'auth', alert: true } });
    answer = json(429, { code: 20429, message: 'Too Many Requests', status: 429 });
    expect(await thrown(send())).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 2000, classification: { category: 'throttling' } });
  });

  it('classifies answers without a Twilio body by their status', async () => {
    answer = (res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    };
    expect(await thrown(send())).toMatchObject({ code: 'upstream_unavailable', metadata: { httpStatus: 502 } });
    answer = json(201, { unexpected: true });
    expect(await thrown(send())).toMatchObject({ code: 'upstream_protocol_error', metadata: { transportDetail: 'unexpected_body' } });
  });

  it('times out as upstream_timeout with the transport detail', async () => {
    answer = () => undefined;
    const started = Date.now();
    const error = await thrown(send());
    expect(error).toMatchObject({ code: 'upstream_timeout', metadata: { transportDetail: 'deadline' } });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a refused connection as upstream_unavailable with its error code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await thrown(
      channel.send(
        { id: 'msg_1', from: '14155550100', to: '14155550124', payload },
        { tenantId: 'ten_1', environment: 'live', config: channel.configSchema.parse({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: `http://127.0.0.1:${port}`, from: ['+14155550100'] }), logger, now: () => new Date() },
      ),
    );
    expect(error).toMatchObject({ code: 'upstream_unavailable', metadata: { transportDetail: 'ECONNREFUSED' } });
  });

  it("refuses a stored text longer than the connection's maxSegments without calling Twilio", async () => {
    const error = await thrown(send({ maxSegments: 2, payload: { ...payload, segments: 3 } }));
    expect(error).toMatchObject({ code: 'invalid_parameter', retryable: false, details: [{ path: 'text', issue: 'The text is 3 SMS segments (GSM-7); at most 2 are allowed.' }] });
    expect(channel.classifyError(error).code).toBe('invalid_parameter');
    expect(received).toHaveLength(0);
  });
});
