import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loggerOptions } from './logger.options';
import { registerRequestLog } from './request-log.hook';

interface RequestLine {
  msg: string;
  req: { id: string; method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
}

async function appLogging(level: string): Promise<{ app: FastifyInstance; lines: () => RequestLine[] }> {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const app = Fastify({ requestIdHeader: 'x-request-id' });
  registerRequestLog(app, pino(loggerOptions({ level, service: 'spec' }), stream));
  for (const url of ['/webhooks/whatsapp/:appId', '/health/live', '/metrics', '/v1/messages'])
    app.get(url, async () => 'ok');
  app.post('/webhooks/whatsapp/:appId', async () => 'ok');
  app.post('/v1/messages', async (_request, reply) => reply.code(422).send({ error: 'invalid' }));
  await app.ready();
  return { app, lines: () => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as RequestLine) };
}

describe('registerRequestLog', () => {
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('writes one line per answered request with its id, method, status and time, and the path with the query names but no query value', async () => {
    const logging = await appLogging('info');
    app = logging.app;
    await app.inject({ method: 'GET', url: '/webhooks/whatsapp/1?hub.mode=subscribe&hub.verify_token=verify-secret-1&hub.challenge=7', headers: { 'x-request-id': 'req-1' } });
    await app.inject({ method: 'POST', url: '/v1/messages', payload: {} });

    const [handshake, refused, ...rest] = logging.lines();
    expect(rest).toEqual([]);
    expect(handshake).toEqual(expect.objectContaining({ msg: 'request completed', res: { statusCode: 200 }, responseTime: expect.any(Number) }));
    expect(handshake?.req).toEqual(expect.objectContaining({ id: 'req-1', method: 'GET', url: '/webhooks/whatsapp/1?hub.mode=[redacted]&hub.verify_token=[redacted]&hub.challenge=[redacted]' }));
    expect(refused).toEqual(expect.objectContaining({ req: expect.objectContaining({ method: 'POST', url: '/v1/messages' }), res: { statusCode: 422 } }));
    expect(JSON.stringify(logging.lines())).not.toContain('verify-secret-1');
  });

  it('leaves out probes, scrapes and vendors webhook POSTs, and writes nothing below info', async () => {
    const logging = await appLogging('info');
    app = logging.app;
    for (const url of ['/health/live', '/metrics', '/v1/messages?status=sent']) await app.inject({ method: 'GET', url });
    await app.inject({ method: 'POST', url: '/webhooks/whatsapp/1', payload: {} });
    expect(logging.lines().map((line) => line.req.url)).toEqual(['/v1/messages?status=[redacted]']);

    await app.close();
    const quiet = await appLogging('warn');
    app = quiet.app;
    await app.inject({ method: 'GET', url: '/v1/messages' });
    expect(quiet.lines()).toEqual([]);
  });
});
