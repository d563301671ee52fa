import type { FastifyRequest } from 'fastify';
import { sessionCookie, sessionCookieValue, withoutKey } from './operator-session';

describe('operator session of the queue board', () => {
  const key = 'fake+operator/key=with-cookie-unsafe;chars';

  it('round-trips a key through the cookie, whatever its characters, among other cookies', () => {
    const cookie = sessionCookie(key, { protocol: 'http' } as FastifyRequest);
    expect(cookie).toMatch(/^switchboard_queue_board=[^;\s]+; Path=\/admin\/queues; HttpOnly; SameSite=Strict$/);
    const pair = cookie.split(';', 1)[0] ?? '';
    expect(sessionCookieValue(`theme=dark; ${pair}; other=1`)).toBe(key);
  });

  it('is Secure only behind TLS', () => {
    expect(sessionCookie(key, { protocol: 'https' } as FastifyRequest)).toMatch(/; Secure$/);
    expect(sessionCookie(key, { protocol: 'http' } as FastifyRequest)).not.toContain('Secure');
  });

  it('finds no session in a missing header, another cookie, a name that only ends like it, or a malformed value', () => {
    expect(sessionCookieValue(undefined)).toBeUndefined();
    expect(sessionCookieValue('theme=dark')).toBeUndefined();
    expect(sessionCookieValue('old_switchboard_queue_board=x')).toBeUndefined();
    expect(sessionCookieValue('switchboard_queue_board=%E0%A4%A')).toBeUndefined();
  });

  it('drops only the key from the URL a browser is sent back to', () => {
    expect(withoutKey('/admin/queues?key=abc')).toBe('/admin/queues');
    expect(withoutKey('/admin/queues/queue/webhooks?status=failed&key=abc&page=2')).toBe('/admin/queues/queue/webhooks?status=failed&page=2');
    expect(withoutKey('/admin/queues?key=abc&q=a?b')).toBe('/admin/queues?q=a%3Fb');
  });
});
