import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { caughtSwitchboardError } from '@switchboard/testing';
import { GraphApiClient } from './graph-api-client';

// What the simulator does not do (usage headers, a skewed Date, malformed
// answers, next-only paging) is played by a small node:http server.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const TOKEN = `test-token-${randomBytes(12).toString('hex')}`;
const call = { accessToken: TOKEN };
const text = { to: '14155550123', type: 'text' as const, text: { body: 'x' } };

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const sendOk = (res: ServerResponse, headers: Record<string, string> = {}): void =>
  json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: '14155550123', wa_id: '14155550123' }], messages: [{ id: 'wamid.X' }] }, headers);

describe('GraphApiClient against a scripted HTTP server', () => {
  let server: Server;
  let port: number;
  let handler: Handler;
  let connections = 0;
  const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => handler(req, res));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  let client: GraphApiClient;
  beforeEach(() => {
    seen.length = 0;
    connections = 0;
    client = new GraphApiClient({ baseUrl: `http://127.0.0.1:${port}`, version: 'v25.0', connections: 4 });
  });
  afterEach(async () => {
    await client.close();
  });

  describe('usage headers', () => {
    it('exposes the usage snapshot per call and as the latest', async () => {
      expect(client.latestUsage()).toBeUndefined();
      handler = (_req, res) =>
        sendOk(res, {
          'x-app-usage': '{"call_count":12,"total_cputime":3,"total_time":4}',
          'x-business-use-case-usage': JSON.stringify({
            '2000000000000001': [{ type: 'whatsapp_business_messaging', call_count: 55, total_cputime: 1, total_time: 2, estimated_time_to_regain_access: 0 }],
          }),
        });
      const res = await client.sendMessage('3000000000000001', text, call);
      expect(res.usage).toMatchObject({ maxPercentage: 55, estimatedTimeToRegainAccessMs: 0, app: { callCount: 12 } });
      expect(client.latestUsage()).toEqual(res.usage);

      handler = (_req, res) => sendOk(res);
      const plain = await client.sendMessage('3000000000000001', text, call);
      expect(plain.usage).toBeUndefined();
      expect(client.latestUsage()).toEqual(res.usage);
    });

    it('turns estimated_time_to_regain_access into retryAfterMs on throttling errors', async () => {
      handler = (_req, res) =>
        json(
          res,
          400,
          { error: { message: '(#80007) Rate limit issues', type: 'OAuthException', code: 80007, fbtrace_id: 'T1' } },
          {
            'x-business-use-case-usage': JSON.stringify({
              '2000000000000001': [{ type: 'whatsapp_business_management', call_count: 100, estimated_time_to_regain_access: 3 }],
            }),
          },
        );
      const error = await caughtSwitchboardError(client.listPhoneNumbers('2000000000000001', call));
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 180_000, meta: { code: 80007, fbtraceId: 'T1' } });
      expect(client.latestUsage()?.maxPercentage).toBe(100);
    });

    it('honours Retry-After on a 429 without a body', async () => {
      handler = (_req, res) => {
        res.writeHead(429, { 'retry-after': '7' });
        res.end();
      };
      const error = await caughtSwitchboardError(client.sendMessage('3000000000000001', text, call));
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, metadata: { httpStatus: 429 } });
    });
  });

  it('records clock skew from a Date header ahead of us', async () => {
    handler = (_req, res) => sendOk(res, { date: new Date(Date.now() + 120_000).toUTCString() });
    await client.sendMessage('3000000000000001', text, call);
    expect(client.clockSkewMs()).toBeGreaterThan(118_000);
    expect(client.clockSkewMs()).toBeLessThan(122_000);
  });

  describe('malformed answers', () => {
    it('2xx with a non-JSON body -> upstream_protocol_error, not retried', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>proxy</html>');
      };
      const error = await caughtSwitchboardError(client.sendMessage('3000000000000001', text, call));
      expect(error).toMatchObject({ code: 'upstream_protocol_error', retryable: false, metadata: { httpStatus: 200 } });
    });

    it('2xx with an unexpected shape -> upstream_protocol_error', async () => {
      handler = (_req, res) => json(res, 200, { messages: [] });
      expect((await caughtSwitchboardError(client.sendMessage('3000000000000001', text, call))).code).toBe('upstream_protocol_error');
    });

    it('404 with an HTML body -> upstream_protocol_error with alert', async () => {
      handler = (_req, res) => {
        res.writeHead(404);
        res.end('not here');
      };
      const error = await caughtSwitchboardError(client.listTemplates('2000000000000001', call));
      expect(error.code).toBe('upstream_protocol_error');
      expect(error.classification?.alert).toBe(true);
    });

    it('an answer larger than any Graph document is cut off', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.alloc(17 * 1024 * 1024, 0x20));
      };
      const error = await caughtSwitchboardError(client.sendMessage('3000000000000001', text, call));
      expect(error).toMatchObject({ code: 'upstream_protocol_error', metadata: { transportDetail: 'too_large' } });
    });

    it('a connection closed mid-answer -> transport failure', async () => {
      handler = (req) => req.socket.destroy();
      const error = await caughtSwitchboardError(client.sendMessage('3000000000000001', text, call));
      expect(error.code).toBe('upstream_unavailable');
      expect(error.classification?.retry.kind).toBe('circuit');
    });
  });

  it('strips the token when an unknown error echoes it in message and details', async () => {
    handler = (_req, res) =>
      json(res, 400, {
        error: {
          message: `(#999) Invalid token ${TOKEN}`,
          code: 999,
          error_data: { messaging_product: 'whatsapp', details: `token=${TOKEN}` },
          fbtrace_id: 'T2',
        },
      });
    const error = await caughtSwitchboardError(client.sendMessage('3000000000000001', text, call));
    expect(error).toMatchObject({ code: 'unknown', meta: { code: 999, title: 'Invalid token [REDACTED]' } });
    for (const s of [error.message, error.stack ?? '', JSON.stringify(error)]) expect(s).not.toContain(TOKEN);
  });

  it('sends the token only in the Authorization header and pins the version', async () => {
    handler = (_req, res) => sendOk(res);
    await client.sendMessage('3000000000000001', text, call);
    expect(seen[0].url).toBe('/v25.0/3000000000000001/messages');
    expect(seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0].url).not.toContain(TOKEN);
  });

  it('encodes ids so they cannot reach another edge', async () => {
    handler = (_req, res) => sendOk(res);
    await client.sendMessage('../debug_token?x=', text, call);
    expect(seen[0].url).toBe('/v25.0/..%2Fdebug_token%3Fx%3D/messages');
  });

  describe('paging', () => {
    it('follows paging.next when Graph gives no cursors, and stops at the end', async () => {
      handler = (req, res) => {
        const after = new URL(req.url ?? '/', 'http://x').searchParams.get('after');
        if (!after) return json(res, 200, { data: [{ id: '1', name: 'a' }], paging: { next: `http://elsewhere/v25.0/w/message_templates?after=P2&access_token=leak` } });
        if (after === 'P2') return json(res, 200, { data: [{ id: '2', name: 'b' }], paging: { next: 'http://elsewhere/x?after=P3' } });
        return json(res, 200, { data: [{ id: '3', name: 'c' }], paging: { cursors: { before: 'P3', after: 'P4' } } });
      };
      const res = await client.listTemplates('2000000000000001', call);
      expect(res.data.map((t) => t.id)).toEqual(['1', '2', '3']);
      // Pages are fetched on our origin and version, never by following Graph's absolute URL.
      expect(seen.map((s) => s.url.split('?')[0])).toEqual(Array(3).fill('/v25.0/2000000000000001/message_templates'));
      expect(seen.every((s) => !s.url.includes('access_token'))).toBe(true);
    });

    it('stops when Graph repeats a cursor', async () => {
      handler = (_req, res) => json(res, 200, { data: [{ id: '1', name: 'a' }], paging: { cursors: { after: 'SAME' }, next: 'http://x/?after=SAME' } });
      const res = await client.listTemplates('2000000000000001', call);
      expect(res.data).toHaveLength(2);
      expect(seen).toHaveLength(2);
    });
  });

  it('reuses keep-alive connections from the pool', async () => {
    handler = (_req, res) => sendOk(res);
    for (let i = 0; i < 50; i++) await client.sendMessage('3000000000000001', text, call);
    // A socket is handed back a tick after the body ends, so a second one may open; never one per call.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('resolves host names through the DNS interceptor and keeps the Host header', async () => {
    const named = new GraphApiClient({ baseUrl: `http://localhost:${port}`, version: 'v25.0' });
    try {
      handler = (_req, res) => sendOk(res);
      await named.sendMessage('3000000000000001', text, call);
      await named.sendMessage('3000000000000001', text, call);
      expect(seen.map((s) => s.headers.host)).toEqual([`localhost:${port}`, `localhost:${port}`]);
    } finally {
      await named.close();
    }
  });

  it('an unresolvable host -> dns_failure classified as upstream_unavailable', async () => {
    const nowhere = new GraphApiClient({ baseUrl: 'http://switchboard-no-such-host.invalid', version: 'v25.0' });
    try {
      const error = await caughtSwitchboardError(nowhere.sendMessage('3000000000000001', text, call));
      expect(error).toMatchObject({ code: 'upstream_unavailable' });
      expect(String(error.metadata['transportDetail'])).toMatch(/ENOTFOUND|EAI_AGAIN/);
    } finally {
      await nowhere.close();
    }
  });
});
