import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateDatabase } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Redis } from 'ioredis';
import { caller, startTestGateway, TEST_ADMIN_KEY } from './gateway.test-helper';

describe('/health/pipeline: only the operator drives the probe (real Postgres and Redis)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let gateway: NestFastifyApplication;

  beforeAll(async () => {
    database = await createTestDatabase('pipeline_probe');
    redis = createTestRedis('pipeline-probe');
    await migrateDatabase(database.url, 'test');
    gateway = await startTestGateway(database, redis);
  });

  /** The probe jobs in Redis (BullMQ keeps each job's hash under `<prefix>:system:<jobId>`). */
  const probeJobs = async () => {
    const client = new Redis(redis.url, { disableClientInfo: true });
    try {
      return await client.keys(`${redis.prefix}:system:probe-*`);
    } finally {
      client.disconnect();
    }
  };

  afterAll(async () => {
    await gateway?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('refuses strangers and tenant keys with 401 in the contract shape, enqueuing nothing', async () => {
    const call = caller(gateway);
    const tenantId = (await call('POST', '/v1/admin/tenants', TEST_ADMIN_KEY, { slug: 'probe', name: 'Probe' })).body['id'] as string;
    const tenantKey = (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, TEST_ADMIN_KEY, { environment: 'live' })).body['key'] as string;
    for (const key of [undefined, tenantKey, `${TEST_ADMIN_KEY}x`]) {
      const refused = await call('GET', '/health/pipeline', key);
      expect(refused).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: expect.any(String), requestId: expect.any(String) } } });
    }
    expect(await probeJobs()).toEqual([]);
  });

  it('runs the probe for the operator key (no worker here: 503 with the reason)', async () => {
    const probed = await caller(gateway)('GET', '/health/pipeline', TEST_ADMIN_KEY);
    expect(probed).toEqual({ status: 503, body: { status: 'error', probeId: expect.any(String), reason: expect.stringContaining('no worker') } });
    expect(await probeJobs()).toHaveLength(1);
  }, 15_000);
});
