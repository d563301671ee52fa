import { createDataSource, runMigrations } from '@switchboard/persistence';
import { CacheInvalidation, CacheMetrics, type InvalidationEvent } from '@switchboard/platform';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { generateApiKey } from './api-key.codec';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import type { TenancySettings } from './tenancy.constants';
import { TenantEntity } from './tenant.entity';
import { TenantsService } from './tenants.service';

describe('ApiKeysService key cache (real Postgres and Redis, queries counted on the DataSource)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let dataSource: DataSource;
  let tenantId: string;
  const buses: CacheInvalidation[] = [];

  /** One instance: its own cache invalidation bus (its own Redis connections), as a process has. */
  const instance = async (settings: Partial<TenancySettings> = {}) => {
    const bus = new CacheInvalidation({ redisUrl: redis.url, prefix: redis.prefix, ttlMs: 60_000, unsubscribedTtlMs: 1_000 }, new CacheMetrics(new Registry()));
    buses.push(bus);
    bus.onModuleInit();
    await bus.whenSubscribed();
    const keys = new ApiKeysService(
      dataSource.getRepository(ApiKeyEntity),
      new TenantsService(dataSource.getRepository(TenantEntity)),
      { adminApiKey: 'not-used-here', lastUsedWriteIntervalMs: 3_600_000, ...settings },
      bus,
    );
    return { keys, bus };
  };
  const service = async (settings: Partial<TenancySettings> = {}) => (await instance(settings)).keys;

  /** Statements that reached Postgres while `work` ran (the logger sees every query the DataSource sends). */
  const queriesDuring = async (work: () => Promise<unknown>): Promise<number> => {
    const statements = jest.spyOn(dataSource.logger, 'logQuery');
    try {
      await work();
      return statements.mock.calls.length;
    } finally {
      statements.mockRestore();
    }
  };

  const randomKeys = (count: number) => Array.from({ length: count }, () => generateApiKey('live').key);

  /** Runs `work` over `items` with a few at a time, as concurrent requests would. */
  const inParallel = async <T>(items: T[], work: (item: T) => Promise<unknown>, width = 32) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < items.length) await work(items[next++] as T);
      }),
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase('api_keys');
    redis = createTestRedis('api_keys');
    dataSource = createDataSource({ url: database.url, poolSize: 4, entities: [TenantEntity, ApiKeyEntity] });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const tenants = dataSource.getRepository(TenantEntity);
    tenantId = (await tenants.save(tenants.create({ slug: 'keys', name: 'Keys' }))).id;
  });

  afterAll(async () => {
    for (const bus of buses) bus.onApplicationShutdown();
    await dataSource.destroy();
    await redis.cleanup();
    await database.drop();
  });

  it('keeps a verified key through 20,000 attempts with random keys, each distinct key costing one query at most', async () => {
    const keys = await service();
    const valid = await keys.create(tenantId, { environment: 'live' });
    expect(await keys.authenticate(valid.key)).toMatchObject({ tenantId, environment: 'live', keyId: valid.id });
    // Let the first use's last_used_at write land before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));

    // 12,000 distinct random keys (more than the old cache held before it cleared itself),
    // then the latest 8,000 of them again, 20,000 attempts in all.
    const distinct = randomKeys(12_000);
    const attempts = [...distinct, ...distinct.slice(-8_000)];
    let accepted = 0;
    const queries = await queriesDuring(() =>
      inParallel(attempts, async (key) => {
        if (await keys.authenticate(key)) accepted += 1;
      }),
    );
    expect(accepted).toBe(0);
    expect(queries).toBeLessThanOrEqual(distinct.length);

    // The valid key was not pushed out: no query for it.
    let principal: unknown;
    expect(await queriesDuring(async () => (principal = await keys.authenticate(valid.key)))).toBe(0);
    expect(principal).toMatchObject({ keyId: valid.id });
  }, 120_000);

  it('asks the database once for a burst of one unknown key, and not again while it is remembered', async () => {
    const keys = await service();
    const [unknown] = randomKeys(1) as [string];
    const burst = await queriesDuring(() => Promise.all(Array.from({ length: 50 }, () => keys.authenticate(unknown))));
    expect(burst).toBe(1);
    expect(await queriesDuring(() => keys.authenticate(unknown))).toBe(0);
  });

  it('bounds the unknown keys it remembers: past the size, the oldest costs a query again', async () => {
    const keys = await service({ unknownKeyCacheSize: 100 });
    const distinct = randomKeys(150);
    await inParallel(distinct, (key) => keys.authenticate(key), 1);
    expect(await queriesDuring(() => keys.authenticate(distinct[149] as string))).toBe(0);
    expect(await queriesDuring(() => keys.authenticate(distinct[0] as string))).toBe(1);
  });

  it('stops a revoked key at once on the instance that revoked it, and on the others when its invalidation arrives', async () => {
    const revoking = await service();
    const other = await instance();
    const created = await revoking.create(tenantId, { environment: 'live' });
    expect(await revoking.authenticate(created.key)).toBeDefined();
    expect(await other.keys.authenticate(created.key)).toBeDefined();
    // Kept: a known key costs no query on either instance.
    expect(await queriesDuring(() => Promise.all([revoking.authenticate(created.key), other.keys.authenticate(created.key)]))).toBe(0);

    const heard = new Promise<InvalidationEvent>((resolve) => {
      const stop = other.bus.onInvalidation((event) => {
        if (event.source !== 'remote') return;
        stop();
        resolve(event);
      });
    });
    await revoking.revoke(tenantId, created.id);
    expect(await revoking.authenticate(created.key)).toBeUndefined();
    // The message names the key by tenant, environment and id: never the key or its hash.
    expect(await heard).toEqual({ topic: 'api-keys', keys: [`${tenantId}:live:${created.id}`], source: 'remote' });
    expect(await other.keys.authenticate(created.key)).toBeUndefined();
    await expect(revoking.revoke(tenantId, created.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps keys of one tenant apart from another: revoking one leaves the other trusted without a query', async () => {
    const keys = await service();
    const first = await keys.create(tenantId, { environment: 'live' });
    const second = await keys.create(tenantId, { environment: 'test' });
    expect(await keys.authenticate(first.key)).toMatchObject({ keyId: first.id, environment: 'live' });
    expect(await keys.authenticate(second.key)).toMatchObject({ keyId: second.id, environment: 'test' });
    await keys.revoke(tenantId, first.id);
    expect(await queriesDuring(() => keys.authenticate(second.key))).toBe(0);
    expect(await keys.authenticate(first.key)).toBeUndefined();
  });
});
