import { readdirSync, readFileSync } from 'node:fs';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';

const GATEWAY = 'dist/apps/gateway/main.js';
const ADMIN_API_KEY = `e2e-admin-${'c'.repeat(32)}`;

/** Pids of the live processes whose parent is `pid` (from /proc, no tools needed). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children.sort((a, b) => a - b);
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('GATEWAY_PROCESSES: several gateway processes on one port', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let gateway: RunningProcess;
  let url: string;
  const call = async (method: string, path: string, key: string, body?: unknown): Promise<Response> =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    database = await createTestDatabase('e2e_gateway_processes');
    redis = createTestRedis('e2e_gateway_processes');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = startNode(GATEWAY, {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      ADMIN_API_KEY,
      GATEWAY_PROCESSES: '2',
    });
    await waitFor(`${url}/health/ready`, { app: gateway });
    await until('two serving processes', () => (childrenOf(gateway.child.pid ?? 0).length === 2 ? true : undefined));
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    for (const pid of childrenOf(gateway?.child.pid ?? 0)) process.kill(pid, 'SIGKILL');
    await redis?.cleanup();
    await database?.drop();
  });

  it('starts the configured number of processes, which migrated once and serve the same port', async () => {
    expect(childrenOf(gateway.child.pid ?? 0)).toHaveLength(2);
    expect(gateway.output()).toContain('[gateway] started 2 processes');
    const { Client } = await import('pg');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT name)::int AS distinct FROM schema_migrations');
      expect(rows[0]?.n).toBeGreaterThan(0);
      expect(rows[0]?.n).toBe(rows[0]?.distinct);
    } finally {
      await client.end();
    }
  });

  it('answers /metrics with the figures of every process summed', async () => {
    const before = await liveCount();
    const requests = 60;
    for (let n = 0; n < requests; n += 1) expect((await fetch(`${url}/health/live`)).status).toBe(200);
    // Each process counted only the requests it served; the scrape, on either, shows them all.
    expect((await liveCount()) - before).toBeGreaterThanOrEqual(requests);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^process_cpu_seconds_total\{/m);
  });

  it('a key revoked through one process is refused by every process at once', async () => {
    const tenantId = ((await (await call('POST', '/v1/admin/tenants', ADMIN_API_KEY, { slug: 'procs', name: 'Procs' })).json()) as { id: string }).id;
    const created = (await (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_API_KEY, { environment: 'live' })).json()) as { id: string; key: string };
    // Enough calls that both processes answer some (connections are handed round-robin).
    for (let n = 0; n < 10; n += 1) expect((await fetch(`${url}/v1/messages`, { headers: { authorization: `Bearer ${created.key}`, connection: 'close' } })).status).toBe(200);
    expect((await call('DELETE', `/v1/admin/tenants/${tenantId}/api-keys/${created.id}`, ADMIN_API_KEY)).status).toBe(204);
    for (let n = 0; n < 10; n += 1) expect((await fetch(`${url}/v1/messages`, { headers: { authorization: `Bearer ${created.key}`, connection: 'close' } })).status).toBe(401);
  });

  it('starts a process again when one dies, and keeps serving meanwhile', async () => {
    const [victim, survivor] = childrenOf(gateway.child.pid ?? 0);
    process.kill(victim ?? 0, 'SIGKILL');
    const replaced = await until('a replacement process', () => {
      const now = childrenOf(gateway.child.pid ?? 0);
      return now.length === 2 && !now.includes(victim ?? 0) ? now : undefined;
    });
    expect(replaced).toContain(survivor);
    await waitFor(`${url}/health/ready`);
    for (let n = 0; n < 10; n += 1) expect((await fetch(`${url}/health/live`, { headers: { connection: 'close' } })).status).toBe(200);
  });

  it('stops every process on SIGTERM and exits 0', async () => {
    const children = childrenOf(gateway.child.pid ?? 0);
    const { code } = await gateway.stop('SIGTERM');
    expect(code).toBe(0);
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
    expect(gateway.output()).toContain('[gateway] stopped');
  });

  async function liveCount(): Promise<number> {
    const text = await (await fetch(`${url}/metrics`)).text();
    let sum = 0;
    for (const match of text.matchAll(/^switchboard_http_request_duration_seconds_count\{[^}]*route="\/health\/live"[^}]*\} (\S+)$/gm)) sum += Number(match[1]);
    return sum;
  }
});
