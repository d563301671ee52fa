import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { createDataSource } from '../data-source.factory';
import { runMigrations } from '../migration.runner';
import { MessagesSweepSending1732431300000 } from './1732431300000-messages-sweep-sending.migration';

describe('MessagesSweepSending1732431300000 (real Postgres)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migration_sweep_sending');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('clears the wamid a retry left on a queued row and keeps it in a queued event; other rows are untouched', async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      await runMigrations(dataSource);
      const migration = new MessagesSweepSending1732431300000();
      await migration.down(runner);
      const [tenant] = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ('t', 'T') RETURNING id`)) as Array<{ id: string }>;
      const insert = (id: string, status: string, wamid: string) =>
        dataSource.query(
          `INSERT INTO messages (id, tenant_id, environment, phone_number_id, waba_id, to_wa_id, type, payload, status, wamid, retries)
           VALUES ($1, $2, 'live', '3000', '2000', '14155550100', 'template', '{}', $3, $4, 1)`,
          [id, tenant?.id, status, wamid],
        );
      const stranded = 'msg_01J00000000000000000000001';
      const delivered = 'msg_01J00000000000000000000002';
      await insert(stranded, 'queued', 'wamid.old');
      await insert(delivered, 'delivered', 'wamid.kept');

      await migration.up(runner);

      const rows = (await dataSource.query(`SELECT id, wamid FROM messages ORDER BY id`)) as Array<{ id: string; wamid: string | null }>;
      expect(rows).toEqual([
        { id: stranded, wamid: null },
        { id: delivered, wamid: 'wamid.kept' },
      ]);
      const events = (await dataSource.query(`SELECT message_id, status, detail FROM message_events`)) as Array<Record<string, unknown>>;
      expect(events).toEqual([{ message_id: stranded, status: 'queued', detail: { retry: 1, previous: { status: 'queued', wamid: 'wamid.old' } } }]);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
  });
});
