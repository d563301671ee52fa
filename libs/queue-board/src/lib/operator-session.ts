import type { FastifyRequest } from 'fastify';
import { QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH } from './queue-board.constants';

/** The value of the board's cookie in a `Cookie` header, if it has one. */
export function sessionCookieValue(cookieHeader: string | undefined): string | undefined {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).trim() === QUEUE_BOARD_COOKIE) {
      try {
        return decodeURIComponent(pair.slice(equals + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The `Set-Cookie` that signs a browser in: only JavaScript-free HTTP can read it (HttpOnly), no
 * other site can make the browser send it (SameSite=Strict), it goes to the board's paths only
 * and, behind TLS, over TLS only. No Max-Age: it ends with the browser session.
 */
export function sessionCookie(key: string, request: FastifyRequest): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${QUEUE_BOARD_COOKIE}=${encodeURIComponent(key)}; Path=${QUEUE_BOARD_PATH}; HttpOnly; SameSite=Strict${secure}`;
}

/** A request URL's path and its query (without `?`, empty when it has none). */
export function splitUrl(url: string): { path: string; query: string } {
  const start = url.indexOf('?');
  return start === -1 ? { path: url, query: '' } : { path: url.slice(0, start), query: url.slice(start + 1) };
}

/** The request's URL without its `key` parameter: where a browser is sent once the cookie is set, so the key leaves the address bar and history. */
export function withoutKey(url: string): string {
  const { path, query } = splitUrl(url);
  const kept = new URLSearchParams(query);
  kept.delete('key');
  const rest = kept.toString();
  return rest ? `${path}?${rest}` : path;
}
