import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { MediaPreflight } from './media-preflight';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

describe('MediaPreflight (a real HTTP server as the media host)', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  const routes: Record<string, Handler> = {
    '/photo.png': (_request, response) => response.writeHead(200, { 'content-type': 'image/png', 'content-length': '2048' }).end(),
    '/gone.png': (_request, response) => response.writeHead(404).end(),
    '/page.png': (_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(),
    '/huge.jpg': (_request, response) => response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(6 * 1024 * 1024) }).end(),
    '/moved.png': (_request, response) => response.writeHead(302, { location: '/photo.png' }).end(),
    '/flaky.png': (_request, response) => response.writeHead(503).end(),
    '/no-head.pdf': (request, response) => {
      if (request.method === 'HEAD') return void response.writeHead(405).end();
      response.writeHead(206, { 'content-type': 'application/pdf', 'content-range': `bytes 0-0/${200 * 1024 * 1024}` }).end('x');
    },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(`${request.method} ${request.url}`);
      (routes[request.url ?? ''] ?? ((_q: IncomingMessage, r: ServerResponse) => r.writeHead(404).end()))(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const problemOf = async (preflight: MediaPreflight, kind: 'image' | 'document', path: string): Promise<string | null> => {
    try {
      await preflight.assertUsable(kind, `${base}${path}`, `${kind}.link`);
      return null;
    } catch (error) {
      if (!SwitchboardError.isSwitchboardError(error)) throw error;
      expect(error.code).toBe('media_invalid');
      expect(error.details?.[0]?.path).toBe(`${kind}.link`);
      return error.details?.[0]?.issue ?? '';
    }
  };

  it('passes a reachable file of an allowed type and size, following redirects', async () => {
    const preflight = new MediaPreflight();
    expect(await problemOf(preflight, 'image', '/photo.png')).toBeNull();
    expect(await problemOf(preflight, 'image', '/moved.png')).toBeNull();
    await preflight.close();
  });

  it('refuses a missing file, a page instead of an image, and a file over the kind limit', async () => {
    const preflight = new MediaPreflight();
    expect(await problemOf(preflight, 'image', '/gone.png')).toContain('HTTP 404');
    expect(await problemOf(preflight, 'image', '/page.png')).toContain('text/html');
    expect(await problemOf(preflight, 'image', '/huge.jpg')).toContain('limit for image');
    await preflight.close();
  });

  it('falls back to a one-byte range GET when HEAD is refused, and reads the size from Content-Range', async () => {
    const preflight = new MediaPreflight();
    expect(await problemOf(preflight, 'document', '/no-head.pdf')).toContain('limit for document');
    expect(hits).toEqual(expect.arrayContaining(['HEAD /no-head.pdf', 'GET /no-head.pdf']));
    await preflight.close();
  });

  it('lets a send go on when the host fails (5xx), and caches verdicts per link', async () => {
    let now = 0;
    const preflight = new MediaPreflight({ cacheTtlMs: 1000, now: () => now });
    expect(await problemOf(preflight, 'image', '/flaky.png')).toBeNull();
    const before = hits.filter((hit) => hit === 'HEAD /gone.png').length;
    await problemOf(preflight, 'image', '/gone.png');
    await problemOf(preflight, 'image', '/gone.png');
    expect(hits.filter((hit) => hit === 'HEAD /gone.png').length).toBe(before + 1);
    now = 1001;
    await problemOf(preflight, 'image', '/gone.png');
    expect(hits.filter((hit) => hit === 'HEAD /gone.png').length).toBe(before + 2);
    await preflight.close();
  });
});
