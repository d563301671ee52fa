import { createServer, type Server } from 'node:http';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';

const GATEWAY = 'dist/apps/gateway/main.js';
const WORKER = 'dist/apps/worker/main.js';
const ADMIN_API_KEY = `e2e-admin-${'f'.repeat(32)}`;

describe('gateway and worker, built, against the real Postgres and Redis', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let gateway: RunningProcess;
  let worker: RunningProcess;
  let gatewayUrl: string;
  let workerUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('e2e_foundation');
    redis = createTestRedis('e2e_foundation');
    const [gatewayPort, workerPort] = [await freePort(), await freePort()];
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'warn' };
    gateway = startNode(GATEWAY, { ...env, PORT: String(gatewayPort), ADMIN_API_KEY });
    worker = startNode(WORKER, { ...env, WORKER_PORT: String(workerPort) });
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    workerUrl = `http://127.0.0.1:${workerPort}`;
    await waitFor(`${gatewayUrl}/health/ready`, { app: gateway });
    await waitFor(`${workerUrl}/health/ready`, { app: worker });
  });

  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await redis?.cleanup();
    await database?.drop();
  });

  it('reports postgres and redis up on /health/ready of both apps', async () => {
    for (const url of [gatewayUrl, workerUrl]) {
      const response = await fetch(`${url}/health/ready`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; details: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      expect(body.details['postgres']?.status).toBe('up');
      expect(body.details['redis']?.status).toBe('up');
    }
    expect((await fetch(`${gatewayUrl}/health/live`)).status).toBe(200);
  });

  it('has a worker complete a job produced by the gateway (typed producer -> Redis -> processor)', async () => {
    expect((await fetch(`${gatewayUrl}/health/pipeline`)).status).toBe(401);
    const response = await fetch(`${gatewayUrl}/health/pipeline`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });
    const body = (await response.json()) as { status: string; worker: string };
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.worker).toMatch(/:\d+$/);
  });

  it('serves Prometheus text with an HTTP request duration histogram on both apps', async () => {
    await fetch(`${gatewayUrl}/health/ready`);
    for (const url of [gatewayUrl, workerUrl]) {
      const response = await fetch(`${url}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain('# TYPE switchboard_http_request_duration_seconds histogram');
      expect(text).toMatch(/^process_cpu_seconds_total\{/m);
    }
    const gatewayText = await (await fetch(`${gatewayUrl}/metrics`)).text();
    expect(gatewayText).toMatch(/switchboard_http_request_duration_seconds_count\{[^}]*route="\/health\/ready"[^}]*status_code="200"\} [1-9]/);
  });

  it('applied the migrations at start, once', async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM schema_migrations');
      expect(rows[0]?.count).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('stops gracefully on SIGINT within 10 s with exit code 0', async () => {
    const results = await Promise.all([gateway.stop('SIGINT'), worker.stop('SIGINT')]);
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.ms).toBeLessThan(10000);
    }
  });
});

describe('configuration and dependency failures', () => {
  it('exits non-zero with one line naming DATABASE_URL when it is nonsense', async () => {
    const gateway = startNode(GATEWAY, { DATABASE_URL: 'nonsense', PORT: String(await freePort()) });
    expect(await gateway.exited()).toBe(1);
    const lines = gateway.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL');
  });

  it('runs as production when NODE_ENV is unset: refuses to start without the vault key, the operator key or DATABASE_URL', async () => {
    const vaultKey = Buffer.alloc(32, 7).toString('base64');
    const cases: Array<[string, Record<string, string | undefined>, string]> = [
      [GATEWAY, { DATABASE_URL: 'postgres://127.0.0.1:1/none', ADMIN_API_KEY: 'k'.repeat(40) }, 'VAULT_MASTER_KEY is required when NODE_ENV=production'],
      [GATEWAY, { DATABASE_URL: 'postgres://127.0.0.1:1/none', VAULT_MASTER_KEY: vaultKey }, 'ADMIN_API_KEY is required when NODE_ENV=production'],
      [GATEWAY, { ADMIN_API_KEY: 'k'.repeat(40), VAULT_MASTER_KEY: vaultKey }, 'DATABASE_URL is required when NODE_ENV=production'],
      [WORKER, { DATABASE_URL: 'postgres://127.0.0.1:1/none' }, 'VAULT_MASTER_KEY is required when NODE_ENV=production'],
    ];
    for (const [script, env, line] of cases) {
      const app = startNode(script, { ...env, NODE_ENV: undefined, PORT: String(await freePort()), WORKER_PORT: String(await freePort()) });
      expect(await app.exited()).toBe(1);
      const lines = app.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(line);
    }
  });

  it('starts without Redis and answers 503 on /health/ready naming redis', async () => {
    const database = await createTestDatabase('e2e_noredis');
    const port = await freePort();
    const gateway = startNode(GATEWAY, {
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:1',
      PORT: String(port),
      LOG_LEVEL: 'silent',
    });
    try {
      const response = await waitFor(`http://127.0.0.1:${port}/health/ready`, { status: 503, app: gateway });
      const body = (await response.json()) as { status: string; error: Record<string, { status: string }>; details: Record<string, { status: string }> };
      expect(body.status).toBe('error');
      expect(body.error['redis']?.status).toBe('down');
      expect(body.details['postgres']?.status).toBe('up');
    } finally {
      expect((await gateway.stop()).code).toBe(0);
      await database.drop();
    }
  });
});

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ kind: number; attributes: Array<{ key: string; value: { stringValue?: string } }> }> }>;
  }>;
}

/** SERVER spans (kind 2) of /health/ready in the received OTLP/JSON exports. */
function serverSpans(exports: unknown[]): Array<{ service?: string; path?: string }> {
  return (exports as OtlpExport[]).flatMap((payload) =>
    payload.resourceSpans.flatMap((resourceSpan) => {
      const service = resourceSpan.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
      return resourceSpan.scopeSpans
        .flatMap((scope) => scope.spans)
        .filter((span) => span.kind === 2)
        .map((span) => ({ service, path: span.attributes.find((a) => a.key === 'url.path')?.value.stringValue }))
        .filter((span) => span.path === '/health/ready');
    }),
  );
}

describe('tracing', () => {
  it('exports the server span of a request to the configured OTLP endpoint', async () => {
    const received: unknown[] = [];
    const receiver: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') received.push(JSON.parse(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const receiverPort = await freePort();
    await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
    const database = await createTestDatabase('e2e_otel');
    const redis = createTestRedis('e2e_otel');
    const port = await freePort();
    const gateway = startNode(GATEWAY, {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      PORT: String(port),
      LOG_LEVEL: 'silent',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
      OTEL_SERVICE_NAME: 'switchboard-gateway-e2e',
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/health/ready`, { app: gateway });
      const deadline = Date.now() + 15000;
      while (serverSpans(received).length === 0 && Date.now() < deadline) {
        await fetch(`http://127.0.0.1:${port}/health/ready`);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      const spans = serverSpans(received);
      expect(spans.length).toBeGreaterThan(0);
      expect(spans[0]).toEqual({ service: 'switchboard-gateway-e2e', path: '/health/ready' });
    } finally {
      await gateway.stop();
      receiver.close();
      await redis.cleanup();
      await database.drop();
    }
  });
});
