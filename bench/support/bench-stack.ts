import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_IDS, type DemoSeed } from '@switchboard/meta-simulator';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, freePort, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Client } from 'pg';
import { BenchProcess, waitReady } from './bench-process';
import { deployedNodeOptions } from './machine';

const repoRoot = join(__dirname, '..', '..');
/** BENCH_DIST points at another copy of the built apps (a worktree's), default dist/apps. */
const dist = process.env['BENCH_DIST'] ?? join(repoRoot, 'dist', 'apps');

/** The environment of the built gateway and worker in a benchmark: production mode and Node options as deployed, migrations done by the bench. */
export function benchAppEnv(databaseUrl: string, redis: TestRedis, graphBaseUrl: string, adminKey: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    NODE_OPTIONS: deployedNodeOptions(),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: 'false',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    GRAPH_API_BASE_URL: graphBaseUrl,
    ADMIN_API_KEY: adminKey,
    VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * Syncs the environment's templates from the simulator. The sync is a queued operation a worker
 * runs: a worker of its own runs it and stops, so a benchmark starts its workers (or none) on a
 * synced registry.
 */
export async function syncTemplates(gatewayUrl: string, key: string, appEnv: Record<string, string>): Promise<void> {
  const started = await fetch(`${gatewayUrl}/v1/templates/sync`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  if (!started.ok) throw new Error(`template sync: HTTP ${started.status} ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  const port = await freePort();
  const worker = new BenchProcess('sync-worker', `http://127.0.0.1:${port}`, join(dist, 'worker', 'main.js'), { ...appEnv, WORKER_PORT: String(port) }, repoRoot);
  try {
    for (;;) {
      const response = await fetch(`${gatewayUrl}/v1/template-operations/${id}`, { headers: { authorization: `Bearer ${key}` } });
      const { state } = (await response.json()) as { state: string };
      if (state === 'succeeded') return;
      if (state === 'failed') throw new Error('the template sync failed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await worker.stop();
  }
}

export interface Provisioned {
  tenantId: string;
  /** API key of the tenant's live environment. */
  key: string;
  /** Sending phone number ids, as synced from the simulator. */
  numbers: string[];
}

/**
 * Real Postgres (a fresh database) and Redis (an own key prefix), the built simulator,
 * gateway and workers as child processes, and the admin calls that make a tenant able
 * to send: the same steps as apps/e2e/src/send.e2e-spec.ts.
 */
export class BenchStack {
  readonly processes: BenchProcess[] = [];
  private workers = 0;

  private constructor(
    private readonly database: TestDatabase,
    private readonly redis: TestRedis,
    private readonly seedFile: string,
    private readonly seed: DemoSeed,
    private readonly env: Record<string, string>,
    private readonly execArgv: string[],
    readonly simulatorUrl: string,
    readonly gatewayUrl: string,
    readonly pg: Client,
  ) {}

  /**
   * Everything but the workers, which each benchmark starts when it needs them.
   * `execArgv` (e.g. `--cpu-prof --cpu-prof-dir=...`) goes to the gateway and the workers,
   * `gatewayEnv` (e.g. GATEWAY_PROCESSES) to the gateway.
   */
  static async start(label: string, seed: DemoSeed, execArgv: string[] = [], gatewayEnv: Record<string, string> = {}): Promise<BenchStack> {
    const database = await createTestDatabase(label);
    const redis = createTestRedis(label);
    const seedFile = join(tmpdir(), `switchboard-${label}-${process.pid}.seed.json`);
    writeFileSync(seedFile, JSON.stringify(seed));
    await migrateDatabase(database.url, 'bench');
    const [simulatorPort, gatewayPort] = [await freePort(), await freePort()];
    const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const env = benchAppEnv(database.url, redis, simulatorUrl, randomBytes(32).toString('hex'));
    const pg = new Client({ connectionString: database.url });
    const stack = new BenchStack(database, redis, seedFile, seed, env, execArgv, simulatorUrl, gatewayUrl, pg);
    try {
      stack.spawn('simulator', simulatorUrl, 'meta-simulator', { LOG_LEVEL: 'warn', SIMULATOR_PORT: String(simulatorPort), SIMULATOR_SEED_FILE: seedFile }, []);
      // The benchmarks post far above the default per-tenant request quota.
      stack.spawn('gateway', gatewayUrl, 'gateway', { ...env, PORT: String(gatewayPort), TENANT_RATE_LIMIT_REQUESTS: '0', ...gatewayEnv });
      await Promise.all([waitReady(`${simulatorUrl}/_sim/health`), waitReady(`${gatewayUrl}/health/ready`)]);
      await pg.connect();
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  /** One more worker process; resolves once it is ready. */
  async startWorker(env: Record<string, string> = {}): Promise<BenchProcess> {
    const port = await freePort();
    this.workers += 1;
    const worker = this.spawn(`worker-${this.workers}`, `http://127.0.0.1:${port}`, 'worker', { ...this.env, WORKER_PORT: String(port), ...env });
    await waitReady(`${worker.url}/health/ready`);
    return worker;
  }

  /** Tenant, Meta app, WABA with the seed's token, every number synced, a live API key and the templates. */
  async provision(): Promise<Provisioned> {
    const [app] = this.seed.apps;
    const [token] = this.seed.tokens;
    if (!app || !token) throw new Error('seed without app or token');
    const admin = this.env['ADMIN_API_KEY'] ?? '';
    const tenantId = (await this.post('/v1/admin/tenants', admin, { slug: 'bench', name: 'Bench' }))['id'] as string;
    await this.post('/v1/admin/meta-apps', admin, { appId: app.id, appSecret: app.secret, verifyToken: app.verifyToken });
    await this.post(`/v1/admin/tenants/${tenantId}/wabas`, admin, { environment: 'live', wabaId: DEMO_IDS.wabaId, appId: app.id, accessToken: token.token });
    const synced = await this.post(`/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers/sync`, admin);
    const numbers = (synced['data'] as Array<{ phoneNumberId: string }>).map((number) => number.phoneNumberId);
    const key = (await this.post(`/v1/admin/tenants/${tenantId}/api-keys`, admin, { environment: 'live' }))['key'] as string;
    await syncTemplates(this.gatewayUrl, key, this.env);
    return { tenantId, key, numbers };
  }

  /** The Redis the stack uses (the benchmark reads its command counts). */
  get redisUrl(): string {
    return this.redis.url;
  }

  /** Our processes (the gateway and the workers, not the simulator): where their /metrics are. */
  appUrls(): string[] {
    return this.processes.filter((p) => p.name !== 'simulator').map((p) => p.url);
  }

  /** The simulator's control API (`/_sim/...`). */
  async simulator<T>(path: string, method = 'GET'): Promise<T> {
    const response = await fetch(`${this.simulatorUrl}/_sim${path}`, { method });
    if (!response.ok) throw new Error(`/_sim${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Graph's token of the seed, for loops that post straight to the simulator. */
  get graphToken(): string {
    const [token] = this.seed.tokens;
    if (!token) throw new Error('seed without a token');
    return token.token;
  }

  async stop(): Promise<void> {
    await this.pg.end().catch(() => undefined);
    await Promise.all(this.processes.map((child) => child.stop()));
    await this.redis.cleanup();
    await this.database.drop();
    rmSync(this.seedFile, { force: true });
  }

  private spawn(name: string, url: string, app: string, env: Record<string, string>, execArgv = this.execArgv): BenchProcess {
    const child = new BenchProcess(name, url, join(dist, app, 'main.js'), env, repoRoot, execArgv);
    this.processes.push(child);
    return child;
  }

  private async post(path: string, key: string, body: unknown = {}): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }
}
