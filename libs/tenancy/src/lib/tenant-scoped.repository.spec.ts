import { createDataSource, runMigrations } from '@switchboard/persistence';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { DataSource } from 'typeorm';
import { generateApiKey } from './api-key.codec';
import { ApiKeyEntity } from './api-key.entity';
import { RequestContext, type TenantPrincipal } from './request-context';
import { TenantScopedRepository } from './tenant-scoped.repository';
import { TenantEntity } from './tenant.entity';

describe('TenantScopedRepository (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let scoped: TenantScopedRepository<ApiKeyEntity>;
  const principals: Record<string, TenantPrincipal> = {};

  const principal = (who: string): TenantPrincipal => {
    const found = principals[who];
    if (!found) throw new Error(`no principal ${who}`);
    return found;
  };
  const as = <T>(who: string, work: () => Promise<T>) => RequestContext.run({ principal: principal(who) }, work);

  beforeAll(async () => {
    database = await createTestDatabase('scoped_repo');
    dataSource = createDataSource({ url: database.url, poolSize: 2, entities: [TenantEntity, ApiKeyEntity] });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const tenants = dataSource.getRepository(TenantEntity);
    for (const slug of ['one', 'two']) {
      const tenant = await tenants.save(tenants.create({ slug, name: slug }));
      for (const environment of ['live', 'test'] as const) {
        principals[`${slug}:${environment}`] = { tenantId: tenant.id, environment, keyId: 'n/a' };
      }
    }
    scoped = new TenantScopedRepository(dataSource.getRepository(ApiKeyEntity));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('writes and reads only inside the request tenant and environment, whatever the caller passes', async () => {
    for (const who of Object.keys(principals)) {
      await as(who, async () => {
        const generated = generateApiKey(principal(who).environment);
        // The caller tries to write into another tenant; the scope wins.
        await scoped.save({ name: who, lookupPrefix: generated.lookupPrefix, keyHash: generated.hash, tenantId: principal('one:live').tenantId });
      });
    }
    for (const who of Object.keys(principals)) {
      const rows = await as(who, () => scoped.find({ tenantId: principal('two:test').tenantId }));
      expect(rows.map((row) => row.name)).toEqual([who]);
      expect(await as(who, () => scoped.count())).toBe(1);
    }
    const foreign = await as('one:live', () => scoped.findOne({ name: 'two:live' }));
    expect(foreign).toBeNull();
    expect(await as('one:test', () => scoped.delete({ name: 'one:live' }))).toBe(0);
    expect(await as('one:live', () => scoped.delete({ name: 'one:live' }))).toBe(1);
  });

  it('refuses to run outside an authenticated request', async () => {
    await expect(scoped.find()).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
