import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { loggerOptions } from './logger.options';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('loggerOptions', () => {
  let server: Server;

  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('logs the request path and query names, never a query value', async () => {
    const output = capture();
    const logger = pinoHttp({ ...loggerOptions({ level: 'info', service: 'spec' }), stream: output.stream });
    server = createServer((request, response) => {
      logger(request, response);
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await (await fetch(`http://127.0.0.1:${port}/webhooks/whatsapp/1?hub.mode=subscribe&hub.verify_token=verify-secret-1&hub.challenge=7`)).text();
    await new Promise((resolve) => setImmediate(resolve));

    const line = JSON.parse(output.text().trim().split('\n')[0] ?? '{}') as { req?: { url?: string } };
    expect(line.req?.url).toBe('/webhooks/whatsapp/1?hub.mode=[redacted]&hub.verify_token=[redacted]&hub.challenge=[redacted]');
    expect(output.text()).not.toContain('verify-secret-1');
  });

  it('censors secret fields at any depth, the top level included', () => {
    const output = capture();
    const { logger } = pinoHttp({ ...loggerOptions({ level: 'info', service: 'spec' }), stream: output.stream });
    logger.info(
      {
        token: 'top-secret-1',
        app: { id: '7', credentials: { appSecret: 'deep-secret-2', nested: [{ accessToken: 'deep-secret-3' }] } },
        waba: { verifyToken: 'one-level-secret-4' },
        wabaId: '123',
      },
      'provisioned',
    );
    const text = output.text();
    for (const secret of ['top-secret-1', 'deep-secret-2', 'deep-secret-3', 'one-level-secret-4']) expect(text).not.toContain(secret);
    const line = JSON.parse(text) as { app: { id: string; credentials: { appSecret: string } }; wabaId: string; msg: string };
    expect(line.app.credentials.appSecret).toBe('[redacted]');
    expect(line.app.id).toBe('7');
    expect(line.wabaId).toBe('123');
    expect(line.msg).toBe('provisioned');
  });
});
