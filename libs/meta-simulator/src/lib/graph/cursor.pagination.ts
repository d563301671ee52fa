import { GraphError } from './graph-error';

export interface Paged<T> {
  data: T[];
  paging?: {
    cursors: { before: string; after: string };
    next?: string;
    previous?: string;
  };
}

const encode = (id: string) => Buffer.from(`sim:${id}`).toString('base64url');

function decode(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('sim:')) throw new GraphError(100, { details: `Param cursor is not valid: ${cursor}` });
  return text.slice(4);
}

/**
 * Graph cursor paging: `limit` (default 25), `after`/`before` cursors naming an
 * item, `paging.next`/`previous` only when there is more in that direction.
 * Cursors name items by id, so deleting an item does not shift later pages.
 */
export function paginate<T>(
  items: T[],
  idOf: (item: T) => string,
  query: Record<string, unknown>,
  pageUrl: (params: URLSearchParams) => string,
): Paged<T> {
  const limitParam = query['limit'];
  const limit = limitParam === undefined || limitParam === '' ? 25 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1) throw new GraphError(100, { details: `Param limit must be a positive integer` });
  const pageSize = Math.min(limit, 1000);
  let start = 0;
  let end = items.length;
  if (typeof query['after'] === 'string' && query['after'] !== '') {
    const afterId = decode(query['after']);
    start = items.findIndex((item) => idOf(item) === afterId) + 1;
    // An unknown cursor (its item was deleted) restarts nowhere rather than at the top.
    if (start === 0) start = items.length;
    end = Math.min(items.length, start + pageSize);
  } else if (typeof query['before'] === 'string' && query['before'] !== '') {
    const beforeId = decode(query['before']);
    end = Math.max(0, items.findIndex((item) => idOf(item) === beforeId));
    start = Math.max(0, end - pageSize);
  } else {
    end = Math.min(items.length, pageSize);
  }
  const data = items.slice(start, end);
  if (data.length === 0) return { data };
  const before = encode(idOf(data[0]));
  const after = encode(idOf(data[data.length - 1]));
  const base = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'after' && key !== 'before' && typeof value === 'string') base.set(key, value);
  }
  base.set('limit', String(pageSize));
  const paging: NonNullable<Paged<T>['paging']> = { cursors: { before, after } };
  if (end < items.length) {
    const params = new URLSearchParams(base);
    params.set('after', after);
    paging.next = pageUrl(params);
  }
  if (start > 0) {
    const params = new URLSearchParams(base);
    params.set('before', before);
    paging.previous = pageUrl(params);
  }
  return { data, paging };
}
