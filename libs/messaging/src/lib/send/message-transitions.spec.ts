import { createDataSource, runMigrations } from '@switchboard/persistence';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { newMessageId } from '../persistence/message-id';
import type { MessageStatus } from '../persistence/message-status';
import { MessageEntity } from '../persistence/message.entity';
import { MessageStatusFeed } from '../status-feed/message-status-feed';
import { StatusFeedMetrics } from '../status-feed/status-feed.metrics';
import { MessageTransitions } from './message-transitions';

/** The worker's claim and its release on the real Postgres: a claim given back never undoes a report that came meanwhile. */
describe('MessageTransitions: claim and release (real Postgres)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let dataSource: DataSource;
  let feed: MessageStatusFeed;
  let transitions: MessageTransitions;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('message_transitions');
    redis = createTestRedis('message-transitions');
    dataSource = createDataSource({ url: database.url, poolSize: 2, entities: [MessageEntity] });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const [row] = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ('claims', 'Claims') RETURNING id`)) as Array<{ id: string }>;
    tenantId = row?.id as string;
    feed = new MessageStatusFeed({ redisUrl: redis.url, prefix: redis.prefix }, dataSource, new StatusFeedMetrics(new Registry()));
    transitions = new MessageTransitions(dataSource, feed);
  });

  afterAll(async () => {
    feed?.onModuleDestroy();
    feed?.onApplicationShutdown();
    await dataSource?.destroy();
    await redis?.cleanup();
    await database?.drop();
  });

  const queued = async (): Promise<string> => {
    const id = newMessageId();
    await dataSource.query(
      `INSERT INTO messages (id, tenant_id, environment, phone_number_id, waba_id, to_wa_id, type, payload, status) VALUES ($1, $2, 'live', '1001', '2001', '14155550100', 'template', '{}', 'queued')`,
      [id, tenantId],
    );
    return id;
  };
  const row = async (id: string) =>
    ((await dataSource.query(`SELECT status, attempt_started_at FROM messages WHERE id = $1`, [id])) as Array<{ status: MessageStatus; attempt_started_at: Date | null }>)[0];
  const terms = { retry: 0, routeStep: 0, attemptStartedAt: null };

  it('a step that does not call gives the claim back: the row reads as before it', async () => {
    const id = await queued();
    const started = new Date();
    expect((await transitions.claim(id, terms, started))?.previousStatus).toBe('queued');
    expect(await row(id)).toEqual({ status: 'sending', attempt_started_at: started });
    await transitions.release(id, started, 'queued');
    expect(await row(id)).toEqual({ status: 'queued', attempt_started_at: null });
  });

  it('a report that moved the message ahead while it was claimed (an earlier call of unknown outcome did arrive) stays', async () => {
    const id = await queued();
    const started = new Date();
    await transitions.claim(id, terms, started);
    // The status machine's write for a `delivered` of the earlier call: the attempt mark is not its to clear.
    await dataSource.query(`UPDATE messages SET status = 'delivered', provider_message_id = 'wamid.earlier' WHERE id = $1`, [id]);
    await transitions.release(id, started, 'sending');
    expect(await row(id)).toEqual({ status: 'delivered', attempt_started_at: null });
  });
});
