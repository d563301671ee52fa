import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSeed, DEMO_IDS } from '@switchboard/meta-simulator';
import { Pool } from 'pg';
import {
  freePort,
  startNode,
  waitFor,
  type RunningProcess,
} from './app-process';
import {
  startPostgresInstance,
  type PostgresInstance,
} from './postgres-instance';
import { startRedisInstance, type RedisInstance } from './redis-instance';
import { syncTemplates } from './template-sync';

const GATEWAY = 'dist/apps/gateway/main.js';
const WORKER = 'dist/apps/worker/main.js';
const SIMULATOR = 'dist/apps/meta-simulator/main.js';
const ADMIN_API_KEY = `faults-operator-${'k'.repeat(32)}`;

/** Sends the worker may have at Meta at once: the bound on duplicates one crash of the send path can cause. */
export const WORKER_CONCURRENCY = 20;
/** Short, so a send with an unknown outcome is reconciled (or resent) within a scenario's drain. */
export const RECONCILE_WINDOW_MS = 8_000;
/** The number's throughput at the simulator and in the gateway: above what the 2-core runner sends, so faults, not pacing, decide the drain. */
const NUMBER_MPS = 500;

export interface FaultStack {
  readonly redis: RedisInstance;
  readonly postgres: PostgresInstance;
  /** Base URLs of the running gateways; the simulator posts its webhooks to the last one. */
  readonly gateways: readonly string[];
  readonly simulatorUrl: string;
  readonly apiKey: string;
  /** The demo app's webhook secret (the simulator signs with it), for probes the test signs itself. */
  readonly appSecret: string;
  readonly appId: string;
  readonly phoneNumberId: string;
  readonly wabaId: string;
  /** Reads the stack's database; survives a restart of the cluster (idle connections are dropped, not thrown). */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  sim<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  killGateway(index: number): Promise<void>;
  startGateway(index: number): Promise<void>;
  /** Output of every process, for a failing scenario's message. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * The built gateway(s), worker and simulator on their own Postgres cluster and Redis
 * server, with one tenant, its live WABA, number, API key and synced templates.
 */
export async function startFaultStack({
  gatewayCount = 1,
}: { gatewayCount?: number } = {}): Promise<FaultStack> {
  const [postgres, redis] = await Promise.all([
    startPostgresInstance(),
    startRedisInstance(),
  ]);
  const databaseUrl = await postgres.createDatabase('switchboard');
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-faults-'));
  const demo = demoSeed();
  const seed = {
    ...demo,
    phoneNumbers: demo.phoneNumbers.map((number) => ({
      ...number,
      messagingLimit: 'TIER_10K' as const,
      mps: NUMBER_MPS,
    })),
    simulation: {
      ...demo.simulation,
      statusDelaysMs: { sent: 5, delivered: 10, read: 15 },
      readRate: 0,
      // Meta retries webhooks for days; enough attempts here to outlast a gateway or Postgres outage.
      webhookRetry: { maxAttempts: 12, baseDelayMs: 250 },
      recordLimit: 1000,
    },
  };
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  const [app] = seed.apps;
  const [token] = seed.tokens;
  if (!app || !token) throw new Error('demo seed without app or token');

  const gatewayPorts = await Promise.all(
    Array.from({ length: gatewayCount }, () => freePort()),
  );
  const [workerPort, simulatorPort] = [await freePort(), await freePort()];
  const gateways = gatewayPorts.map((port) => `http://127.0.0.1:${port}`);
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const processes = new Map<string, RunningProcess>();
  const finished: string[] = [];

  const common = {
    NODE_ENV: 'production',
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'faults',
    LOG_LEVEL: 'warn',
    GRAPH_API_BASE_URL: simulatorUrl,
    VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
    SHUTDOWN_TIMEOUT_MS: '2000',
    OTEL_SDK_DISABLED: 'true',
  };
  const launch = async (
    name: string,
    script: string,
    env: Record<string, string>,
    readyUrl: string,
  ) => {
    const running = startNode(script, env);
    processes.set(name, running);
    // A built app starts in a few seconds on a quiet machine; a loaded 2-core runner needs far longer.
    await waitFor(readyUrl, { timeoutMs: 120_000, app: running });
  };
  const gatewayEnv = (index: number) => ({
    ...common,
    PORT: String(gatewayPorts[index]),
    ADMIN_API_KEY,
    TENANT_RATE_LIMIT_REQUESTS: '0',
  });
  const startGateway = (index: number) =>
    launch(
      `gateway-${index}`,
      GATEWAY,
      gatewayEnv(index),
      `${gateways[index]}/health/live`,
    );
  const startWorker = () =>
    launch(
      'worker',
      WORKER,
      {
        ...common,
        WORKER_PORT: String(workerPort),
        SEND_CONCURRENCY: String(WORKER_CONCURRENCY),
        SEND_RECONCILE_WINDOW_MS: String(RECONCILE_WINDOW_MS),
        SEND_PAUSE_RECHECK_MS: '1000',
        SEND_CIRCUIT_OPEN_MS: '1000',
      },
      `http://127.0.0.1:${workerPort}/health/live`,
    );
  const kill = async (name: string) => {
    const running = processes.get(name);
    if (!running) return;
    processes.delete(name);
    await running.stop('SIGKILL');
    finished.push(`--- ${name} (killed)\n${running.output().slice(-4000)}`);
  };

  const pool = new Pool({
    connectionString: databaseUrl,
    max: 3,
    connectionTimeoutMillis: 2_000,
  });
  pool.on('error', () => undefined);

  const sim = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const response = await fetch(`${simulatorUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `simulator ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`,
      );
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateways[0]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_API_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`,
      );
    return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  };

  const simulatorProcess = startNode(SIMULATOR, {
    ...common,
    SIMULATOR_PORT: String(simulatorPort),
    SIMULATOR_SEED_FILE: seedFile,
    SIMULATOR_WEBHOOK_URL: `${gateways[gateways.length - 1]}/webhooks/whatsapp/{appId}`,
  });
  processes.set('simulator', simulatorProcess);
  await waitFor(`${simulatorUrl}/_sim/health`, { app: simulatorProcess });
  // One gateway first: it runs the migrations the others and the worker then find done.
  await startGateway(0);
  await Promise.all([
    ...gateways.slice(1).map((_, index) => startGateway(index + 1)),
    startWorker(),
  ]);

  const tenantId = (
    await admin('POST', '/v1/admin/tenants', { slug: 'faults', name: 'Faults' })
  )['id'] as string;
  await admin('POST', '/v1/admin/meta-apps', {
    appId: app.id,
    appSecret: app.secret,
    verifyToken: app.verifyToken,
  });
  await admin('POST', `/v1/admin/tenants/${tenantId}/wabas`, {
    environment: 'live',
    wabaId: DEMO_IDS.wabaId,
    appId: app.id,
    accessToken: token.token,
  });
  await admin(
    'POST',
    `/v1/admin/tenants/${tenantId}/wabas/${DEMO_IDS.wabaId}/phone-numbers`,
    {
      phoneNumberId: DEMO_IDS.phoneNumberId,
      displayPhoneNumber: '+1 555-010-0001',
      throughputMps: NUMBER_MPS,
    },
  );
  const apiKey = (
    await admin('POST', `/v1/admin/tenants/${tenantId}/api-keys`, {
      environment: 'live',
    })
  )['key'] as string;
  const sync = await syncTemplates(gateways[0], apiKey);
  if (sync['state'] !== 'succeeded') throw new Error(`template sync ended ${String(sync['state'])}`);

  return {
    redis,
    postgres,
    gateways,
    simulatorUrl,
    apiKey,
    appSecret: app.secret,
    appId: app.id,
    phoneNumberId: DEMO_IDS.phoneNumberId,
    wabaId: DEMO_IDS.wabaId,
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await pool.query(sql, params)).rows as T[],
    sim,
    killWorker: () => kill('worker'),
    startWorker,
    killGateway: (index: number) => kill(`gateway-${index}`),
    startGateway,
    logs: () =>
      [
        ...finished,
        ...[...processes].map(
          ([name, running]) => `--- ${name}\n${running.output().slice(-4000)}`,
        ),
      ].join('\n'),
    close: async () => {
      for (const [name, running] of [...processes].reverse()) {
        processes.delete(name);
        await running.stop('SIGTERM');
      }
      await pool.end().catch(() => undefined);
      await Promise.all([redis.close(), postgres.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
