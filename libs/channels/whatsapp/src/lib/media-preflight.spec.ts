import type { LookupAddress } from 'node:dns';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { ResolveAll } from '@switchboard/net-guard';
import { selfSignedCertificate } from '@switchboard/testing';
import { MEDIA_LINK_NOT_USABLE, MediaPreflight, type MediaPreflightOptions } from './media-preflight';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Two real TLS servers: the media host, on 127.0.0.2 under the name media.example (trusted as
 * public: it plays the internet), and an internal one on 127.0.0.1 (internal.example), which
 * answers like a perfect image so that reaching it would pass the preflight. Plus a plain http one.
 */
describe('MediaPreflight (real servers as the media host and as internal targets)', () => {
  const tls = selfSignedCertificate(['media.example', 'internal.example', '127.0.0.1', '127.0.0.2']);
  const listen = async (server: Server, host: string): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return (server.address() as AddressInfo).port;
  };
  const hits: string[] = [];
  const internalHits: string[] = [];
  let media: Server;
  let internal: Server;
  let internalHttp: Server;
  let base: string;
  let internalPort: number;
  let internalHttpPort: number;

  const routes: Record<string, Handler> = {
    '/photo.png': (_request, response) => response.writeHead(200, { 'content-type': 'image/png', 'content-length': '2048' }).end(),
    '/gone.png': (_request, response) => response.writeHead(404).end(),
    '/page.png': (_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(),
    '/huge.jpg': (_request, response) => response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(6 * 1024 * 1024) }).end(),
    '/moved.png': (_request, response) => response.writeHead(302, { location: '/photo.png' }).end(),
    '/flaky.png': (_request, response) => response.writeHead(503).end(),
    '/loop.png': (_request, response) => response.writeHead(302, { location: '/loop.png' }).end(),
    '/no-head.pdf': (request, response) => {
      if (request.method === 'HEAD') return void response.writeHead(405).end();
      response.writeHead(206, { 'content-type': 'application/pdf', 'content-range': `bytes 0-0/${200 * 1024 * 1024}` }).end('x');
    },
  };
  const redirect = (location: () => string): Handler => (_request, response) => response.writeHead(302, { location: location() }).end();
  const internalTargets: Record<string, () => string> = {
    'loopback over http': () => `http://127.0.0.1:${internalHttpPort}/secret.png`,
    'loopback over https': () => `https://127.0.0.1:${internalPort}/secret.png`,
    'cloud metadata over https': () => 'https://169.254.169.254/latest/meta-data/',
    'a private https host by name': () => `https://internal.example:${internalPort}/secret.png`,
    'an IPv4-mapped loopback': () => `https://[::ffff:127.0.0.1]:${internalPort}/secret.png`,
  };
  Object.values(internalTargets).forEach((location, index) => {
    routes[`/to-internal-${index}.png`] = redirect(location);
    routes[`/hop-to-internal-${index}.png`] = redirect(() => `/to-internal-${index}.png`);
  });

  const secretImage: Handler = (request, response) => {
    internalHits.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': '4321' }).end();
  };
  const names: Record<string, LookupAddress[]> = {
    'media.example': [{ address: '127.0.0.2', family: 4 }],
    'internal.example': [{ address: '127.0.0.1', family: 4 }],
  };
  const resolve: ResolveAll = (hostname, _options, callback) => {
    const addresses = names[hostname];
    if (addresses) return callback(null, addresses);
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
  };
  /** What production runs: private targets refused; only the stand-in for the internet is trusted. */
  const production = (extra: MediaPreflightOptions = {}) => new MediaPreflight({ resolve, trustedAddresses: ['127.0.0.2'], ca: tls.cert, ...extra });

  beforeAll(async () => {
    media = createHttpsServer(tls, (request, response) => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      hits.push(`${request.method} ${request.url}`);
      (routes[path] ?? ((_q: IncomingMessage, r: ServerResponse) => r.writeHead(404).end()))(request, response);
    });
    internal = createHttpsServer(tls, secretImage);
    internalHttp = createHttpServer(secretImage);
    base = `https://media.example:${await listen(media, '127.0.0.2')}`;
    internalPort = await listen(internal, '127.0.0.1');
    internalHttpPort = await listen(internalHttp, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all([media, internal, internalHttp].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** The refusal's message and issue, or null when the link passed. */
  const refusalOf = async (preflight: MediaPreflight, kind: 'image' | 'document', link: string): Promise<{ message: string; issue: string } | null> => {
    try {
      await preflight.assertUsable(kind, link, `${kind}.link`);
      return null;
    } catch (error) {
      if (!SwitchboardError.isSwitchboardError(error)) throw error;
      expect(error.code).toBe('media_invalid');
      expect(error.details?.[0]?.path).toBe(`${kind}.link`);
      return { message: error.message, issue: error.details?.[0]?.issue ?? '' };
    }
  };
  const problemOf = async (preflight: MediaPreflight, kind: 'image' | 'document', path: string) => (await refusalOf(preflight, kind, `${base}${path}`))?.issue ?? null;

  it('passes a reachable file of an allowed type and size, following a redirect', async () => {
    const preflight = production();
    expect(await problemOf(preflight, 'image', '/photo.png')).toBeNull();
    expect(await problemOf(preflight, 'image', '/moved.png')).toBeNull();
    await preflight.close();
  });

  it('refuses a missing file, a page instead of an image, and a file over the kind limit', async () => {
    const preflight = production();
    expect(await problemOf(preflight, 'image', '/gone.png')).toContain('HTTP 404');
    expect(await problemOf(preflight, 'image', '/page.png')).toContain('text/html');
    expect(await problemOf(preflight, 'image', '/huge.jpg')).toContain('limit for image');
    await preflight.close();
  });

  it('falls back to a one-byte range GET when HEAD is refused, and reads the size from Content-Range', async () => {
    const preflight = production();
    expect(await problemOf(preflight, 'document', '/no-head.pdf')).toContain('limit for document');
    expect(hits).toEqual(expect.arrayContaining(['HEAD /no-head.pdf', 'GET /no-head.pdf']));
    await preflight.close();
  });

  describe('with private targets refused (production)', () => {
    it.each(Object.keys(internalTargets).map((what, index) => [what, index] as const))(
      'refuses a redirect to %s, on the first hop and on a later one, without reaching it or saying what is there',
      async (_what, index) => {
        const preflight = production();
        for (const path of [`/to-internal-${index}.png`, `/hop-to-internal-${index}.png`]) {
          const refusal = await refusalOf(preflight, 'image', `${base}${path}`);
          expect(refusal?.message).toBe(MEDIA_LINK_NOT_USABLE);
          expect(refusal?.issue).toMatch(new RegExp(`^${MEDIA_LINK_NOT_USABLE}: it must lead over https to a public host`));
          for (const leak of ['4321', 'image/png', '200', 'HTTP', '127.0.0.1', 'internal', 'metadata']) expect(`${refusal?.message} ${refusal?.issue}`).not.toContain(leak);
        }
        expect(internalHits).toEqual([]);
        await preflight.close();
      },
    );

    it('refuses a link whose own host is private, an http link, a name that does not resolve and a redirect loop alike', async () => {
      const preflight = production();
      const issues = await Promise.all(
        [`https://internal.example:${internalPort}/secret.png`, `https://127.0.0.1:${internalPort}/secret.png`, `http://media.example:1/photo.png`, 'https://nowhere.example/photo.png', `${base}/loop.png`].map(
          async (link) => (await refusalOf(preflight, 'image', link))?.issue,
        ),
      );
      expect(new Set(issues)).toEqual(new Set([expect.stringMatching(/^media link not usable: it must lead over https/)]));
      expect(issues).toHaveLength(5);
      expect(internalHits).toEqual([]);
      await preflight.close();
    });
  });

  it('with private targets allowed (development) the same redirect reaches the internal server: the refusal is the policy, not the setup', async () => {
    const preflight = production({ allowPrivateTargets: true });
    const byName = Object.keys(internalTargets).indexOf('a private https host by name');
    expect(await problemOf(preflight, 'image', `/to-internal-${byName}.png`)).toBeNull();
    expect(internalHits).toEqual(['HEAD /secret.png']);
    internalHits.length = 0;
    await preflight.close();
  });

  it('lets a send go on when the host fails (5xx), and reuses a verdict until it expires', async () => {
    let now = 1_000;
    const preflight = production({ cacheTtlMs: 1000, now: () => now });
    expect(await problemOf(preflight, 'image', '/flaky.png')).toBeNull();
    const count = () => hits.filter((hit) => hit === 'HEAD /gone.png?ttl').length;
    await problemOf(preflight, 'image', '/gone.png?ttl');
    await problemOf(preflight, 'image', '/gone.png?ttl');
    expect(count()).toBe(1);
    now = 2_001;
    await problemOf(preflight, 'image', '/gone.png?ttl');
    expect(count()).toBe(2);
    await preflight.close();
  });

  it('keeps at most cacheMax verdicts, dropping the least recently used', async () => {
    const preflight = production({ cacheMax: 2 });
    const count = (n: number) => hits.filter((hit) => hit === `HEAD /gone.png?lru-${n}`).length;
    for (const n of [1, 2, 3]) await problemOf(preflight, 'image', `/gone.png?lru-${n}`);
    await problemOf(preflight, 'image', '/gone.png?lru-3');
    await problemOf(preflight, 'image', '/gone.png?lru-1');
    expect([count(1), count(2), count(3)]).toEqual([2, 1, 1]);
    await preflight.close();
  });
});
