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

/**
 * The worker's claim, release and `sent` on the real Postgres: a claim given back never undoes a
 * report that came meanwhile; concurrent claims and records share statements and each gets its own answer.
 */
describe('MessageTransitions: claim, release and sent (real Postgres)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let dataSource: DataSource;
  let feed: MessageStatusFeed;
  let transitions: MessageTransitions;
  let tenantId: string;
  let statements: number;

  beforeAll(async () => {
    database = await createTestDatabase('message_transitions');
    redis = createTestRedis('message-transitions');
    dataSource = createDataSource({ url: database.url, poolSize: 2, entities: [MessageEntity] });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const [row] = (await dataSource.query(`INSERT INTO tenants (slug, name) VALUES ('claims', 'Claims') RETURNING id`)) as Array<{ id: string }>;
    tenantId = row?.id as string;
    feed = new MessageStatusFeed({ redisUrl: redis.url, prefix: redis.prefix }, dataSource, new StatusFeedMetrics(new Registry()));
    // Counts what reaches the driver (and still sends it), to see how many statements the writes take.
    const query = dataSource.query.bind(dataSource);
    dataSource.query = (async (sql: string, parameters?: unknown[]) => {
      statements += 1;
      return query(sql, parameters);
    }) as DataSource['query'];
    transitions = new MessageTransitions(dataSource, feed);
  });

  beforeEach(() => {
    statements = 0;
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

  it('concurrent claims share statements, each answered for its own row and terms', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => queued()));
    const [superseded, sentAlready] = ids as [string, string];
    await dataSource.query(`UPDATE messages SET provider_message_id = 'wamid.already', status = 'sent' WHERE id = $1`, [sentAlready]);
    statements = 0;
    const started = new Date();
    const claims = await Promise.all(ids.map((id) => transitions.claim(id, id === superseded ? { ...terms, retry: 1 } : terms, started)));
    // The first two go at once (two statements in flight at most), the others that came meanwhile together.
    expect(statements).toBe(3);
    expect(claims.map((claim) => claim?.message.id ?? null)).toEqual(ids.map((id) => (id === superseded || id === sentAlready ? null : id)));
    expect(claims.filter((claim) => claim !== null).every((claim) => claim?.previousStatus === 'queued' && claim.message.status === 'sending')).toBe(true);
    expect(await row(superseded)).toEqual({ status: 'queued', attempt_started_at: null });
    expect(await row(ids[5] as string)).toEqual({ status: 'sending', attempt_started_at: started });
  });

  it('of two claims of one message in one statement only one wins, as one after the other', async () => {
    const [one, two, id] = (await Promise.all([queued(), queued(), queued()])) as [string, string, string];
    statements = 0;
    const started = new Date();
    // Two statements in flight with the first two; both claims of the same message wait for the third.
    const [, , a, b] = await Promise.all([transitions.claim(one, terms, started), transitions.claim(two, terms, started), transitions.claim(id, terms, started), transitions.claim(id, terms, started)]);
    expect(statements).toBe(3);
    expect([a, b].filter((claim) => claim !== null)).toHaveLength(1);
  });

  it('concurrent `sent` records share statements: each row sent once with its event, and pending reports named per message', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => queued()));
    const started = new Date();
    await Promise.all(ids.map((id) => transitions.claim(id, terms, started)));
    const [withPending, deliveredMeanwhile] = ids as [string, string];
    await dataSource.query(
      `INSERT INTO pending_statuses (tenant_id, environment, channel, provider_message_id, message_id, status, at, "update") VALUES ($1, 'live', 'whatsapp', $2, NULL, 'delivered', now(), '{}')`,
      [tenantId, `wamid.${withPending}`],
    );
    await dataSource.query(`UPDATE messages SET status = 'delivered' WHERE id = $1`, [deliveredMeanwhile]);
    statements = 0;
    const at = new Date();
    const recorded = await Promise.all(ids.map((id) => transitions.sent(id, at, { providerMessageId: `wamid.${id}`, providerStatus: 'accepted', sendTraceparent: null })));
    expect(statements).toBe(3);
    expect(recorded.map((result) => result.pendingStatuses)).toEqual(ids.map((id) => id === withPending));
    const rows = (await dataSource.query(`SELECT id, status, provider_message_id, attempts FROM messages WHERE id = ANY($1)`, [ids])) as Array<{
      id: string;
      status: MessageStatus;
      provider_message_id: string;
      attempts: number;
    }>;
    for (const stored of rows) {
      expect(stored).toEqual({ id: stored.id, status: stored.id === deliveredMeanwhile ? 'delivered' : 'sent', provider_message_id: `wamid.${stored.id}`, attempts: 1 });
    }
    const events = (await dataSource.query(`SELECT message_id, detail FROM message_events WHERE message_id = ANY($1) AND status = 'sent'`, [ids])) as Array<{
      message_id: string;
      detail: unknown;
    }>;
    expect(events.map((event) => event.message_id).sort()).toEqual(ids.filter((id) => id !== deliveredMeanwhile).sort());
    expect(events.every((event) => JSON.stringify(event.detail) === JSON.stringify({ providerStatus: 'accepted' }))).toBe(true);
  });

  it('concurrent releases share statements: each claim is given back, a report that came meanwhile stays', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => queued()));
    const started = new Date();
    await Promise.all(ids.map((id) => transitions.claim(id, terms, started)));
    const [delivered, claimedAgain] = ids as [string, string];
    await dataSource.query(`UPDATE messages SET status = 'delivered', provider_message_id = 'wamid.meanwhile' WHERE id = $1`, [delivered]);
    const later = new Date(started.getTime() + 1);
    // Another step's claim (a later mark) is not this release's to undo.
    await dataSource.query(`UPDATE messages SET attempt_started_at = $2 WHERE id = $1`, [claimedAgain, later]);
    statements = 0;
    await Promise.all(ids.map((id) => transitions.release(id, started, 'queued')));
    expect(statements).toBe(3);
    expect(await row(delivered)).toEqual({ status: 'delivered', attempt_started_at: null });
    expect(await row(claimedAgain)).toEqual({ status: 'sending', attempt_started_at: later });
    for (const id of ids.slice(2)) expect(await row(id)).toEqual({ status: 'queued', attempt_started_at: null });
  });

  it('a `sent` record the database refuses fails only its own step, not the others of its statement', async () => {
    const [taken, ...ids] = await Promise.all(Array.from({ length: 6 }, () => queued()));
    await dataSource.query(`UPDATE messages SET status = 'sent', provider_message_id = 'wamid.taken' WHERE id = $1`, [taken]);
    const started = new Date();
    await Promise.all(ids.map((id) => transitions.claim(id, terms, started)));
    // The first two go at once (two statements in flight at most); the clash and the last two share the third.
    const clash = ids[2] as string;
    const at = new Date();
    statements = 0;
    const recorded = await Promise.allSettled(
      ids.map((id) => transitions.sent(id, at, { providerMessageId: id === clash ? 'wamid.taken' : `wamid.${id}`, providerStatus: undefined, sendTraceparent: null })),
    );
    expect(recorded.map((result) => result.status)).toEqual(ids.map((id) => (id === clash ? 'rejected' : 'fulfilled')));
    // Three shared statements, then the failed one's rows again one by one.
    expect(statements).toBe(6);
    for (const id of ids) expect((await row(id))?.status).toBe(id === clash ? 'sending' : 'sent');
  });
});
