import { resolveGraphApiClientOptions } from './graph-api-client.options';

describe('resolveGraphApiClientOptions', () => {
  it('applies the defaults', () => {
    const o = resolveGraphApiClientOptions({ baseUrl: 'https://graph.facebook.com', version: 'v24.0' });
    expect(o).toMatchObject({
      origin: 'https://graph.facebook.com',
      version: 'v24.0',
      connections: 64,
      keepAliveTimeoutMs: 55_000,
      timeoutsMs: { messages: 4000, media: 7000, management: 10_000 },
      dns: { maxTtlMs: 60_000, affinity: 4, dualStack: false },
    });
  });

  it('accepts overrides', () => {
    const o = resolveGraphApiClientOptions({
      baseUrl: 'http://127.0.0.1:8080/',
      version: 'v25.0',
      connections: 8,
      keepAliveTimeoutMs: 1000,
      timeoutsMs: { media: 30_000 },
    });
    expect(o).toMatchObject({ origin: 'http://127.0.0.1:8080', connections: 8, keepAliveTimeoutMs: 1000 });
    expect(o.timeoutsMs).toEqual({ messages: 4000, media: 30_000, management: 10_000 });
  });

  it.each([
    [{ baseUrl: 'graph.facebook.com', version: 'v24.0' }, /absolute/],
    [{ baseUrl: 'ftp://graph.facebook.com', version: 'v24.0' }, /http/],
    [{ baseUrl: 'https://graph.facebook.com/v24.0', version: 'v24.0' }, /origin/],
    [{ baseUrl: 'https://graph.facebook.com', version: '24' }, /version/],
    [{ baseUrl: 'https://graph.facebook.com', version: 'v24.0', connections: 0 }, /connections/],
  ])('rejects %o', (options, message) => {
    expect(() => resolveGraphApiClientOptions(options)).toThrow(message);
  });
});
