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

  it('gives its senders as E.164 digits', () => {
    expect(channel.sendersOf(channel.configSchema.parse({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: ['+14155550100', '+447911123456'] }))).toEqual(['14155550100', '447911123456']);
  });

  it('refuses a recipient as invalid_recipient at path to', () => {
    expect(() => channel.normaliseRecipient('+1 415')).toThrow(expect.objectContaining({ code: 'invalid_recipient', details: [expect.objectContaining({ path: 'to' })] }));
  });
});

describe('SmsChannel.validate', () => {
  const issues = (text: string) => channel.validate(channel.messageSchema.parse({ to: '+14155550124', text }));

  it('says the count and the limit in each refusal', async () => {
    const sentence = async (text: string) => (await issues(text)).map(({ issue }) => issue);
    expect(await sentence('a'.repeat(1531))).toEqual(['The text is 11 SMS segments (GSM-7); at most 10 are allowed.']);
    expect(await sentence('ж'.repeat(671))).toEqual(['The text is 11 SMS segments (UCS-2); at most 10 are allowed.']);
    expect(await sentence('a'.repeat(1601))).toEqual(['The text has 1601 characters; SMS allows at most 1600.']);
    expect(await sentence('   ')).toEqual(['The text is empty.']);
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

  it("authenticates as the account and returns Twilio's status with the time of the call", async () => {
    answer = json(201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' });
    const result = await send();
    expect(result).toEqual({ providerMessageId: 'SM0123456789abcdef0123456789abcdef', acceptedAt: new Date('2026-01-01T00:00:00Z'), providerStatus: 'queued' });
    expect(received[0]?.headers['authorization']).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
  });

  it('sends no StatusCallback when the host gives none', async () => {
    answer = json(201, { sid: 'SM1', status: 'queued' });
    await send();
    expect(received[0]?.form.has('StatusCallback')).toBe(false);
  });

  it("keeps Twilio's code and title as the provider reference, and strips an echoed auth token", async () => {
    answer = json(400, { code: 21610, message: `Attempt to send to unsubscribed recipient (${AUTH_TOKEN})`, more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 });
    const error = await thrown(send());
    expect(error).toMatchObject({ metadata: { httpStatus: 400 } });
    expect(error.classification?.provider).toEqual({ channel: 'sms', code: '21610', title: 'Attempt to send to unsubscribed recipient' });
    expect(JSON.stringify(error)).not.toContain(AUTH_TOKEN);
  });

  it('records the HTTP status or the transport detail of an answer without a Twilio body', async () => {
    answer = (res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    };
    expect(await thrown(send())).toMatchObject({ metadata: { httpStatus: 502 } });
    answer = json(201, { unexpected: true });
    expect(await thrown(send())).toMatchObject({ metadata: { transportDetail: 'unexpected_body' } });
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
