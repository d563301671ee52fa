import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestRedis, type TestRedis } from '@switchboard/testing';
import { freePort, startNode, waitFor, type RunningProcess } from './support/app-process';

const ADMIN_API_KEY = `sandbox-admin-${'e'.repeat(32)}`;

/**
 * `npm start` as a new user runs it: no DATABASE_URL (embedded Postgres), Redis up.
 * Ports, data dir and queue prefix are private to this test so it can run beside others.
 */
describe('npm start (tools/scripts/start.mjs)', () => {
  let redis: TestRedis;
  let dataDir: string;
  let sandbox: RunningProcess;
  let urls: { gateway: string; worker: string; simulator: string };

  beforeAll(async () => {
    redis = createTestRedis('e2e_sandbox');
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sandbox-'));
    const [gateway, worker, simulator, postgres] = [await freePort(), await freePort(), await freePort(), await freePort()];
    urls = {
      gateway: `http://127.0.0.1:${gateway}`,
      worker: `http://127.0.0.1:${worker}`,
      simulator: `http://127.0.0.1:${simulator}`,
    };
    sandbox = startNode('tools/scripts/start.mjs', {
      PORT: String(gateway),
      WORKER_PORT: String(worker),
      SIMULATOR_PORT: String(simulator),
      EMBEDDED_POSTGRES_PORT: String(postgres),
      DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      ADMIN_API_KEY,
      // The script itself must choose development: the built apps alone run as production.
      NODE_ENV: undefined,
    });
    const deadline = Date.now() + 120_000;
    while (!sandbox.output().includes('Switchboard sandbox is up') && Date.now() < deadline) {
      if (sandbox.child.exitCode !== null) throw new Error(`npm start exited early:\n${sandbox.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 150_000);

  afterAll(async () => {
    await sandbox?.stop();
    await redis?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('brings up gateway, worker and simulator on the embedded Postgres', async () => {
    expect(sandbox.output()).toContain('Switchboard sandbox is up');
    const ready = await waitFor(`${urls.gateway}/health/ready`);
    const body = (await ready.json()) as { details: Record<string, { status: string }> };
    expect(body.details['postgres']?.status).toBe('up');
    expect(body.details['redis']?.status).toBe('up');
    expect((await fetch(`${urls.worker}/health/ready`)).status).toBe(200);
    expect((await fetch(`${urls.simulator}/health`)).status).toBe(200);
    expect((await fetch(`${urls.gateway}/health/pipeline`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } })).status).toBe(200);
  });

  it('seeds a demo tenant and prints working live and test keys, for REST and GraphQL', async () => {
    const keys = [...sandbox.output().matchAll(/(live|test) key\s+(sbk_(?:live|test)_\S+)/g)].map((m) => [m[1], m[2]]);
    expect(keys.map(([environment]) => environment).sort()).toEqual(['live', 'test']);
    for (const [environment, key] of keys) {
      const me = await fetch(`${urls.gateway}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ environment, tenant: { slug: 'demo' } });
      const graphql = await fetch(`${urls.gateway}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { environment tenant { slug } } }' }),
      });
      expect(await graphql.json()).toEqual({ data: { me: { environment, tenant: { slug: 'demo' } } } });
    }
    expect(sandbox.output()).toMatch(/curl -s -H "Authorization: Bearer sbk_test_\S+" http:\/\/127\.0\.0\.1:\d+\/v1\/me/);
    expect(sandbox.output()).toMatch(/curl -s -H "Authorization: Bearer sbk_test_\S+" -H 'content-type: application\/json' http:\/\/127\.0\.0\.1:\d+\/graphql/);
  });

  it('stops everything on Ctrl-C within 10 s with exit code 0', async () => {
    const { code, ms } = await sandbox.stop('SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    await expect(fetch(`${urls.gateway}/health/live`)).rejects.toThrow();
  });
});
