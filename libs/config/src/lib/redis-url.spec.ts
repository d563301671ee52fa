import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('reads one server with its credentials, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ mode: 'single', node: { host: '127.0.0.1', port: 6379 }, db: 0, tls: false });
    expect(parseRedisUrl('rediss://app:p%40ss@cache.internal/3')).toEqual({
      mode: 'single',
      node: { host: 'cache.internal', port: 6379 },
      db: 3,
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
  });

  it('reads the seed nodes of a cluster, with credentials shared by every node', () => {
    expect(parseRedisUrl('redis-cluster://127.0.0.1:7000,127.0.0.1:7001,[::1]:7002')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      tls: false,
    });
    expect(parseRedisUrl('rediss-cluster://:s%3Acret@a.example:6380,b.example/')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a.example', port: 6380 },
        { host: 'b.example', port: 6379 },
      ],
      password: 's:cret',
      tls: true,
    });
  });

  it.each([
    'http://127.0.0.1:6379',
    'redis-cluster://',
    'redis-cluster://a:7000,,b:7001',
    'redis-cluster://a:7000,b:7001/2',
    'redis-cluster://a:notaport',
    'redis://127.0.0.1:6379/x',
  ])('refuses %s', (url) => {
    expect(() => parseRedisUrl(url)).toThrow();
  });

  it.each(['redis-cluster://user:hunter2@a:7000,b:7001/0', 'redis://user:hunter2@a:notaport', 'redis://user:hunter2@[::1'])(
    'never carries the URL (it may hold a password) in its error: %s',
    (url) => {
      let thrown: unknown;
      try {
        parseRedisUrl(url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect(JSON.stringify({ ...(thrown as object), message: (thrown as Error).message })).not.toContain('hunter2');
    },
  );
});
