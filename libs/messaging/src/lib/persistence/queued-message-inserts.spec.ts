import { createDataSource, runMigrations } from '@switchboard/persistence';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import type { DataSource } from 'typeorm';
import { newMessageId } from './message-id';
import { MessageEntity } from './message.entity';
import { QueuedMessageInserts } from './queued-message-inserts';

describe('QueuedMessageInserts (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let tenantId: string;
  let statements: string[];

  beforeAll(async () => {
    database = await createTestDatabase('queued_inserts');
    dataSource = createDataSource({ url: database.url, poolSize: 3, entities: [MessageEntity] });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const [row] = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme') RETURNING id`)) as Array<{ id: string }>;
    tenantId = row?.id as string;
    // Records what reaches the driver (and still sends it), to see how many statements a batch takes.
    const query = dataSource.query.bind(dataSource);
    dataSource.query = (async (sql: string, parameters?: unknown[]) => {
      statements.push(sql);
      return query(sql, parameters);
    }) as DataSource['query'];
  });

  beforeEach(() => {
    statements = [];
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const message = (overrides: Partial<MessageEntity> = {}): MessageEntity => {
    const at = new Date('2026-03-04T05:06:07.891Z');
    return Object.assign(new MessageEntity(), {
      id: newMessageId(),
      tenantId,
      environment: 'live',
      channel: 'whatsapp',
      sender: '1055512345',
      accountId: null,
      to: '+14155550100',
      type: 'text',
      payload: { text: { body: 'quote " backslash \\ tab \t newline \n emoji 👋 nul-free {"json": [1, 2]}' } },
      metadata: { order: 'A-1', nested: { list: [true, null, 1.5] } },
      status: 'queued',
      attempts: 0,
      providerMessageId: null,
      error: null,
      template: null,
      attemptStartedAt: null,
      sendTraceparent: null,
      scheduledAt: new Date('2026-03-05T00:00:00.001Z'),
      retries: 0,
      idempotencyKey: null,
      requestHash: null,
      routeStep: 0,
      route: [{ channel: 'whatsapp', from: '1055512345' }],
      fallbackDueAt: null,
      createdAt: at,
      updatedAt: at,
      ...overrides,
    });
  };

  it('writes rows that arrive together in one statement, each with its queued event, values as given', async () => {
    const inserts = new QueuedMessageInserts(dataSource);
    const rows = [
      message(),
      message({ to: '+14155550101', metadata: {} }),
      message({ to: '+14155550102', scheduledAt: null, route: null }),
      ...Array.from({ length: 7 }, (_, i) => message({ to: `+1415555011${i}` })),
    ];
    await Promise.all(rows.map((row) => inserts.insert(row)));

    // The first two go at once (two statements in flight at most), the eight that came meanwhile in one.
    expect(statements).toHaveLength(3);
    const stored = await dataSource.getRepository(MessageEntity).findBy(rows.map((row) => ({ id: row.id })));
    expect(stored.sort((a, b) => a.to.localeCompare(b.to))).toEqual(rows);
    const events = (await dataSource.query(`SELECT message_id, status, at FROM message_events WHERE message_id = ANY($1)`, [rows.map((row) => row.id)])) as Array<{ message_id: string; status: string; at: Date }>;
    expect(events).toHaveLength(rows.length);
    expect(events.every((event) => event.status === 'queued' && event.at.toISOString() === '2026-03-04T05:06:07.891Z')).toBe(true);
  });

  it('fails only the bad row of a batch: the others are committed', async () => {
    const inserts = new QueuedMessageInserts(dataSource);
    const taken = message();
    await inserts.insert(taken);
    const rows = [message({ to: '+14155550103' }), message({ id: taken.id, to: '+14155550104' }), message({ to: '+14155550105' })];
    const outcomes = await Promise.allSettled([message({ to: '+14155550106' }), ...rows].map((row) => inserts.insert(row)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const ids = rows.filter((row) => row.id !== taken.id).map((row) => row.id);
    expect(((await dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE id = ANY($1)`, [ids])) as Array<{ n: number }>)[0]?.n).toBe(2);
    const original = await dataSource.getRepository(MessageEntity).findOneByOrFail({ id: taken.id });
    expect(original.to).toBe(taken.to);
  });
});
