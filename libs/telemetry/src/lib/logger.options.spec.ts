import { Writable } from 'node:stream';
import { pino } from 'pino';
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
  it('censors secret fields at any depth, the top level included', () => {
    const output = capture();
    const logger = pino(loggerOptions({ level: 'info', service: 'spec' }), output.stream);
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
    const line = JSON.parse(text) as { app: { id: string; credentials: { appSecret: string } }; wabaId: string; msg: string; service: string };
    expect(line.app.credentials.appSecret).toBe('[redacted]');
    expect(line.app.id).toBe('7');
    expect(line.wabaId).toBe('123');
    expect(line.msg).toBe('provisioned');
    expect(line.service).toBe('spec');
  });

  it('adds the caller context fields to every line', () => {
    const output = capture();
    const logger = pino(loggerOptions({ level: 'info', service: 'spec', contextFields: () => ({ requestId: 'r-1', tenantId: 't-1' }) }), output.stream);
    logger.warn('slow');
    expect(JSON.parse(output.text())).toEqual(expect.objectContaining({ requestId: 'r-1', tenantId: 't-1', msg: 'slow' }));
  });
});
