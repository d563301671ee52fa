export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

interface Credentials {
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

/** Where Redis is: one server (with its database number) or the seed nodes of a Redis Cluster (database 0 only). */
export type RedisTarget =
  | (Credentials & { readonly mode: 'single'; readonly node: RedisNode; readonly db: number })
  | (Credentials & { readonly mode: 'cluster'; readonly nodes: readonly RedisNode[] });

const SINGLE_SCHEMES = ['redis:', 'rediss:'];
const CLUSTER_SCHEMES = ['redis-cluster:', 'rediss-cluster:'];
const DEFAULT_PORT = 6379;

/**
 * Reads REDIS_URL: `redis://` or `rediss://` (TLS) name one server as usual;
 * `redis-cluster://[user:password@]host:port,host:port,...` (or `rediss-cluster://`)
 * names seed nodes of a cluster, which the client discovers the rest of. Throws on
 * anything else; the message never repeats the URL, which may hold a password.
 */
export function parseRedisUrl(value: string): RedisTarget {
  const scheme = /^[a-z-]+:/i.exec(value.trim())?.[0].toLowerCase() ?? '';
  if (SINGLE_SCHEMES.includes(scheme)) return parseSingle(value.trim());
  if (CLUSTER_SCHEMES.includes(scheme)) return parseCluster(value.trim(), scheme);
  throw new Error('expected a redis://, rediss://, redis-cluster:// or rediss-cluster:// URL');
}

function parseSingle(value: string): RedisTarget {
  const url = urlOf(value);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error('expected a database number as the path of the Redis URL');
  return { mode: 'single', node: nodeOf(url), db, ...credentialsOf(url, url.protocol === 'rediss:') };
}

function parseCluster(value: string, scheme: string): RedisTarget {
  const rest = value.slice(scheme.length).replace(/^\/\//, '').replace(/\/$/, '');
  const at = rest.lastIndexOf('@');
  const userinfo = at >= 0 ? rest.slice(0, at + 1) : '';
  const hosts = rest.slice(at + 1).split(',');
  if (hosts.some((host) => host.length === 0 || /[/?#@]/.test(host))) {
    throw new Error('expected redis-cluster://[user:password@]host:port,host:port,... (no path: a cluster has database 0 only)');
  }
  const nodes = hosts.map((host) => nodeOf(urlOf(`redis://${host}`)));
  const first = urlOf(`redis://${userinfo}${hosts[0]}`);
  return { mode: 'cluster', nodes, ...credentialsOf(first, scheme === 'rediss-cluster:') };
}

/** Node's URL error carries its input, which may hold a password: this one says only what is wrong. */
function urlOf(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new Error('expected a host, an optional port and URL-encoded credentials in the Redis URL');
  }
}

function nodeOf(url: URL): RedisNode {
  if (url.hostname.length === 0) throw new Error('expected a host in the Redis URL');
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || DEFAULT_PORT) };
}

function credentialsOf(url: URL, tls: boolean): Credentials {
  return {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    tls,
  };
}
