import { createDataSource, runMigrations } from '@switchboard/persistence';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import type { DataSource, Repository } from 'typeorm';
import { SuppressionEntity } from './persistence/suppression.entity';
import { SuppressionsService } from './suppressions.service';

describe('SuppressionsService.isSuppressed (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let rows: Repository<SuppressionEntity>;
  let statements: number;
  let acme: string;
  let other: string;

  beforeAll(async () => {
    database = await createTestDatabase('suppression_lookups');
    dataSource = createDataSource({ url: database.url, poolSize: 3, entities: [SuppressionEntity] });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const tenant = async (slug: string) =>
      ((await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id`, [slug])) as Array<{ id: string }>)[0]?.id as string;
    [acme, other] = [await tenant('acme'), await tenant('other')];
    await dataSource.query(
      `INSERT INTO suppressions (tenant_id, environment, wa_id, channel, source) VALUES
        ($1, 'live', '14155550100', NULL, 'manual'),
        ($1, 'live', '14155550101', 'sms', 'webhook'),
        ($1, 'test', '14155550102', NULL, 'manual'),
        ($2, 'live', '14155550103', NULL, 'manual')`,
      [acme, other],
    );
    rows = dataSource.getRepository(SuppressionEntity);
    // Counts what reaches the driver (and still sends it), to see how many statements the lookups take.
    const query = rows.query.bind(rows);
    rows.query = (async (sql: string, parameters?: unknown[]) => {
      statements += 1;
      return query(sql, parameters);
    }) as Repository<SuppressionEntity>['query'];
  });

  beforeEach(() => {
    statements = 0;
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('answers each lookup for its own tenant, environment and channel, concurrent lookups sharing statements', async () => {
    const service = new SuppressionsService(rows);
    const asks: Array<[tenantId: string, environment: 'live' | 'test', channel: string, address: string, suppressed: boolean]> = [
      [acme, 'live', 'whatsapp', '14155550100', true], // every channel
      [acme, 'live', 'sms', '14155550100', true],
      [acme, 'live', 'sms', '14155550101', true], // this channel only
      [acme, 'live', 'whatsapp', '14155550101', false],
      [acme, 'test', 'whatsapp', '14155550100', false], // the other environment's list
      [acme, 'test', 'whatsapp', '14155550102', true],
      [acme, 'live', 'whatsapp', '14155550103', false], // another tenant's entry
      [other, 'live', 'whatsapp', '14155550103', true],
      [other, 'live', 'whatsapp', '14155550100', false],
      ...Array.from({ length: 11 }, (_, i): [string, 'live', string, string, boolean] => [acme, 'live', 'whatsapp', `1415555020${i}`, false]),
    ];
    const answers = await Promise.all(asks.map(([tenantId, environment, channel, address]) => service.isSuppressed({ tenantId, environment }, channel, address)));
    expect(answers).toEqual(asks.map((ask) => ask[4]));
    // The first two go at once (two statements in flight at most), the others that came meanwhile together.
    expect(statements).toBe(3);
  });

  it('answers a lone lookup at once, on its own statement', async () => {
    const service = new SuppressionsService(rows);
    expect(await service.isSuppressed({ tenantId: acme, environment: 'live' }, 'whatsapp', '14155550100')).toBe(true);
    expect(await service.isSuppressed({ tenantId: acme, environment: 'live' }, 'whatsapp', '14155550199')).toBe(false);
    expect(statements).toBe(2);
  });
});
