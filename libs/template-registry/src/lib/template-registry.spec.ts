import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GraphApiClient } from '@switchboard/graph-api-client';
import { createMetaSimulator, DEMO_IDS, demoSeed, type MetaSimulator, type SimulatorSeed } from '@switchboard/meta-simulator';
import { createDataSource, PersistenceModule, runMigrations } from '@switchboard/persistence';
import { CacheInvalidationModule, createHttpApp } from '@switchboard/platform';
import { QUEUE_NAMES, QUEUE_PRODUCER, QueueModule, type QueueProducer } from '@switchboard/queue';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { RequestContext, TenancyModule } from '@switchboard/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { Client } from 'pg';
import { TemplateOperationRunner } from './operations/template-operation.runner';
import { TemplateSyncProcessor } from './scheduling/template-sync.processor';
import { TemplateSyncScheduler } from './scheduling/template-sync.scheduler';
import { TemplatePreSendService, type TemplateSendRequest } from './send/template-pre-send.service';
import { StaticWabaAccessResolver } from './static-waba-access.resolver';
import { TemplateStatusService } from './sync/template-status.service';
import { templateWebhookChanges } from './sync/template-webhook';
import { TemplateRegistryModule } from './template-registry.module';
import type { TemplateScope } from './waba-access.port';

type Json = Record<string, unknown>;
type Template = NonNullable<SimulatorSeed['templates']>[number];

const ADMIN_KEY = `admin-${'x'.repeat(40)}`;
const WABA = DEMO_IDS.wabaId;
const BULK = 40;
const MAX_PENDING = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The demo seed plus enough templates to need several pages of 25, and a backup for order_update. */
function seed(): SimulatorSeed {
  const base = demoSeed();
  const bulk: Template[] = Array.from({ length: BULK }, (_, i) => ({
    id: String(4100000000000000 + i),
    wabaId: WABA,
    name: `bulk_notice_${String(i).padStart(2, '0')}`,
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [{ type: 'BODY', text: 'Notice {{1}} for your account is ready to read.', example: { body_text: [['A-1']] } }],
  }));
  const extra: Template[] = [
    {
      id: '4200000000000001',
      wabaId: WABA,
      name: 'order_update_backup',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'BODY', text: 'Hello {{1}}! Order {{2}} has shipped and is on its way.', example: { body_text: [['John', '#4521']] } },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/4521'] }] },
      ],
    },
    {
      id: '4200000000000002',
      wabaId: WABA,
      name: 'order_update_short',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Hello {{1}}, your order has shipped today.', example: { body_text: [['John']] } }],
    },
  ];
  return {
    ...base,
    templates: [...(base.templates ?? []), ...bulk, ...extra],
    simulation: { ...base.simulation, autoApproveTemplates: false },
  };
}

@Module({})
class GatewayTestModule {
  static forRoot(database: TestDatabase, redis: TestRedis, resolver: StaticWabaAccessResolver): DynamicModule {
    return {
      module: GatewayTestModule,
      imports: [
        LoggerModule.forRoot({ level: 'silent', service: 'test', contextFields: RequestContext.logFields }),
        MetricsModule.forRoot('test'),
        PersistenceModule.forRoot({ url: database.url, poolSize: 4 }),
        QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }),
        CacheInvalidationModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix, ttlMs: 60_000, unsubscribedTtlMs: 1_000 }),
        TenancyModule.forRoot({ adminApiKey: ADMIN_KEY }),
        TemplateRegistryModule.forRoot({ wabaAccess: { useValue: resolver }, syncPageSize: 25, maxPendingOperations: MAX_PENDING }),
      ],
    };
  }
}

@Module({})
class WorkerTestModule {
  static forRoot(database: TestDatabase, redis: TestRedis, resolver: StaticWabaAccessResolver): DynamicModule {
    return {
      module: WorkerTestModule,
      imports: [
        MetricsModule.forRoot('test'),
        PersistenceModule.forRoot({ url: database.url, poolSize: 2 }),
        QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }),
        CacheInvalidationModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix, ttlMs: 60_000, unsubscribedTtlMs: 1_000 }),
        TemplateRegistryModule.forRoot({ wabaAccess: { useValue: resolver }, http: false, syncPageSize: 25 }),
      ],
      providers: [TemplateSyncProcessor],
    };
  }
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('template registry (real Postgres, Redis and the Meta simulator)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let sim: MetaSimulator;
  let graph: GraphApiClient;
  let app: NestFastifyApplication;
  const resolver = new StaticWabaAccessResolver();
  const keys: Record<string, string> = {};
  const scopes: Record<string, TemplateScope> = {};
  let seededCount = 0;
  /** The worker (templates queue processor) in-process; started only once the request side has been checked alone. */
  let worker: INestApplicationContext | undefined;
  const startWorker = async (): Promise<INestApplicationContext> => {
    const context = await NestFactory.createApplicationContext(WorkerTestModule.forRoot(database, redis, resolver), { logger: false });
    await context.init();
    return context;
  };

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who?: string, body?: Json) => {
    const response = await app.inject({
      method,
      url,
      headers: who ? { authorization: `Bearer ${who === 'admin' ? ADMIN_KEY : keys[who] ?? ''}` } : {},
      ...(body ? { payload: body } : {}),
    });
    return { status: response.statusCode, body: response.body ? (response.json() as Json) : {} };
  };
  const errorOf = (body: Json) => body['error'] as { code: string; details?: { path: string; issue: string }[]; meta?: { code: number } };
  const scope = (who: string): TemplateScope => {
    const found = scopes[who];
    if (!found) throw new Error(`no scope ${who}`);
    return found;
  };
  const templatesQueue = () => app.get<QueueProducer>(QUEUE_PRODUCER).queue(QUEUE_NAMES.templates);
  const operation = async (id: string, who = 'alpha:live') => (await call('GET', `/v1/template-operations/${id}`, who)).body;
  /** Reads the operation until it is final. */
  const finished = (id: string, who = 'alpha:live', timeoutMs = 15_000) =>
    eventually(() => operation(id, who), (op) => op['state'] === 'succeeded' || op['state'] === 'failed', timeoutMs);
  const operationCount = async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return Number((await client.query<{ count: string }>('SELECT count(*) FROM template_operations')).rows[0]?.count);
    } finally {
      await client.end();
    }
  };
  /** Waits until the worker has nothing to do (scheduled syncs started by an operation included). */
  const settle = async () => {
    await eventually(
      async () => templatesQueue().getJobCounts('waiting', 'active', 'prioritized'),
      (counts) => Object.values(counts).every((count) => count === 0),
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase('templates');
    redis = createTestRedis('templates');
    const migrator = createDataSource({ url: database.url, poolSize: 2 });
    await migrator.initialize();
    await runMigrations(migrator);
    await migrator.destroy();
    const simulatorSeed = seed();
    seededCount = simulatorSeed.templates?.length ?? 0;
    sim = await createMetaSimulator({ seed: simulatorSeed });
    await sim.listen();
    graph = new GraphApiClient({ baseUrl: sim.url, version: 'v24.0' });

    app = await createHttpApp(GatewayTestModule.forRoot(database, redis, resolver), { openApi: true });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();

    for (const slug of ['alpha', 'beta']) {
      const tenantId = (await call('POST', '/v1/admin/tenants', 'admin', { slug, name: slug })).body['id'] as string;
      for (const environment of ['live', 'test'] as const) {
        const created = await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, 'admin', { environment });
        keys[`${slug}:${environment}`] = created.body['key'] as string;
        scopes[`${slug}:${environment}`] = { tenantId, environment };
      }
    }
    const token = sim.seed.tokens[0]?.token ?? '';
    // Only alpha's live environment owns the seeded WABA.
    resolver.assign(scope('alpha:live'), [{ wabaId: WABA, accessToken: token, graph }]);
  }, 30_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await graph?.close();
    await sim?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  describe('sync', () => {
    let syncId = '';

    it('queues a sync: 202 with the operation and no Graph call; a second request answers the same operation', async () => {
      sim.clearRequests();
      const synced = await call('POST', '/v1/templates/sync', 'alpha:live');
      expect(synced.status).toBe(202);
      expect(synced.body).toEqual({
        id: expect.stringMatching(UUID),
        environment: 'live',
        kind: 'sync',
        state: 'queued',
        wabaId: null,
        name: null,
        language: null,
        result: null,
        error: null,
        attempts: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        startedAt: null,
        finishedAt: null,
      });
      syncId = synced.body['id'] as string;
      const again = await call('POST', '/v1/templates/sync', 'alpha:live');
      expect({ status: again.status, id: again.body['id'] }).toEqual({ status: 202, id: syncId });
      // Another environment has its own.
      const elsewhere = await call('POST', '/v1/templates/sync', 'beta:live');
      expect(elsewhere.status).toBe(202);
      expect(elsewhere.body['id']).not.toBe(syncId);

      // No worker runs yet: Graph was not called, nothing is stored, the job waits in Redis.
      expect(sim.requests({ route: 'templates' })).toEqual([]);
      expect((await call('GET', '/v1/templates', 'alpha:live')).body['data']).toEqual([]);
      expect((await templatesQueue().getJob(`template-operation-${syncId}`))?.data).toEqual({ operationId: syncId });
      expect(await operation(syncId)).toMatchObject({ id: syncId, state: 'queued', attempts: 0 });

      worker = await startWorker();
      expect(await finished(syncId)).toMatchObject({
        state: 'succeeded',
        attempts: 1,
        result: { syncedAt: expect.any(String), wabas: [{ wabaId: WABA, templates: seededCount, removed: 0 }], removedFromOtherWabas: 0 },
        error: null,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      });
      // A scope without WABAs syncs nothing.
      expect(await finished(elsewhere.body['id'] as string, 'beta:live')).toMatchObject({ state: 'succeeded', result: { wabas: [] } });
      await settle();
      // Once finished, a new request queues a new sync.
      const later = await call('POST', '/v1/templates/sync', 'alpha:live');
      expect(later.body['id']).not.toBe(syncId);
      await finished(later.body['id'] as string);
      await settle();
    }, 30_000);

    it('stores every template of the WABA, reading past the first page', async () => {
      const pages = sim.requests({ route: 'templates' }).filter((request) => request.method === 'GET');
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(seededCount / 25));
      expect(pages.filter((request) => typeof request.query['after'] === 'string').length).toBeGreaterThan(0);

      const listed = await call('GET', '/v1/templates?limit=1000', 'alpha:live');
      expect(listed.status).toBe(200);
      const data = listed.body['data'] as Json[];
      expect(data).toHaveLength(seededCount);
      expect(new Set(data.map((t) => `${String(t['name'])}/${String(t['language'])}`)).size).toBe(seededCount);

      const one = await call('GET', '/v1/templates/order_update?language=en_US', 'alpha:live');
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        wabaId: WABA,
        metaTemplateId: '4000000000000002',
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        parameterFormat: 'POSITIONAL',
        placeholders: {
          format: 'POSITIONAL',
          header: null,
          body: { placeholders: ['1', '2'] },
          buttons: [{ index: 0, type: 'URL', subType: 'url', parameter: { type: 'text', required: true }, placeholders: ['1'] }],
        },
        backup: null,
        lastSyncedAt: expect.any(String),
      });
      const paused = await call('GET', '/v1/templates/summer_sale?language=en_US', 'alpha:live');
      expect(paused.body).toMatchObject({ status: 'PAUSED', qualityScore: 'RED', placeholders: { header: { format: 'IMAGE', placeholders: [] } } });
      const rejected = await call('GET', '/v1/templates/flash_promo?language=en_US', 'alpha:live');
      expect(rejected.body).toMatchObject({ status: 'REJECTED', rejectionReason: 'PROMOTIONAL' });
    });

    it('shows the templates only to that tenant and environment', async () => {
      for (const who of ['alpha:test', 'beta:live', 'beta:test']) {
        const listed = await call('GET', '/v1/templates', who);
        expect({ who, status: listed.status, data: listed.body['data'] }).toEqual({ who, status: 200, data: [] });
        const one = await call('GET', '/v1/templates/order_update?language=en_US', who);
        expect({ who, status: one.status, code: errorOf(one.body).code }).toEqual({ who, status: 404, code: 'not_found' });
        const deleted = await call('DELETE', '/v1/templates/order_update?language=en_US', who);
        expect({ who, status: deleted.status }).toEqual({ who, status: 404 });
        const read = await call('GET', `/v1/template-operations/${syncId}`, who);
        expect({ who, status: read.status, code: errorOf(read.body).code }).toEqual({ who, status: 404, code: 'not_found' });
        await expect(
          app.get(TemplatePreSendService).check(scope(who), { wabaId: WABA, name: 'order_update', language: 'en_US' }),
        ).rejects.toMatchObject({ code: 'template_not_found' });
      }
      expect((await call('GET', '/v1/template-operations/not-an-id', 'alpha:live')).status).toBe(404);
      expect((await call('GET', `/v1/template-operations/${syncId}`)).status).toBe(401);

      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ tenant_id: string; environment: string; count: string }>(
          'SELECT tenant_id, environment, count(*) FROM templates GROUP BY 1, 2',
        );
        expect(rows).toEqual([{ tenant_id: scope('alpha:live').tenantId, environment: 'live', count: String(seededCount) }]);
      } finally {
        await client.end();
      }
    });

    it('filters and pages the list', async () => {
      const names = async (query: string) =>
        ((await call('GET', `/v1/templates?${query}`, 'alpha:live')).body['data'] as Json[]).map((t) => `${String(t['name'])}/${String(t['language'])}`);
      expect(await names('status=paused')).toEqual(['summer_sale/en_US']);
      expect(await names('category=MARKETING')).toEqual(['flash_promo/en_US', 'summer_sale/en_US']);
      expect(await names('language=es')).toEqual(['order_update/es']);
      expect(await names('name=order_update')).toEqual(['order_update/en_US', 'order_update/es', 'order_update_backup/en_US', 'order_update_short/en_US']);
      // "_" is literal, not a LIKE wildcard.
      expect(await names('name=hello_')).toEqual(['hello_world/en_US']);

      const first = await call('GET', '/v1/templates?name=bulk_notice&limit=30', 'alpha:live');
      expect((first.body['data'] as Json[]).length).toBe(30);
      const second = await call('GET', `/v1/templates?name=bulk_notice&limit=30&cursor=${String(first.body['nextCursor'])}`, 'alpha:live');
      expect((second.body['data'] as Json[]).length).toBe(BULK - 30);
      expect(second.body['nextCursor']).toBeNull();
      expect((await call('GET', '/v1/templates?cursor=nonsense', 'alpha:live')).status).toBe(400);
      expect((await call('GET', '/v1/templates/order_update', 'alpha:live')).status).toBe(400);
    });

    it('removes templates Meta no longer lists and keeps the backup setting of the others', async () => {
      const patched = await call('PATCH', '/v1/templates/order_update?language=en_US', 'alpha:live', {
        backup: { name: 'order_update_backup', language: 'en_US' },
      });
      expect(patched.status).toBe(200);
      await graph.deleteTemplate(WABA, { name: 'bulk_notice_39' }, { accessToken: sim.seed.tokens[0]?.token ?? '' });

      const synced = await call('POST', '/v1/templates/sync', 'alpha:live');
      expect(synced.status).toBe(202);
      expect((await finished(synced.body['id'] as string))['result']).toMatchObject({ wabas: [{ wabaId: WABA, templates: seededCount - 1, removed: 1 }] });
      expect((await call('GET', '/v1/templates/bulk_notice_39?language=en_US', 'alpha:live')).status).toBe(404);
      expect((await call('GET', '/v1/templates/order_update?language=en_US', 'alpha:live')).body['backup']).toEqual({
        name: 'order_update_backup',
        language: 'en_US',
      });
    });

    it('reports a WABA Graph refuses with the taxonomy error', async () => {
      await settle();
      sim.injectFault({ kind: 'error', code: 190, count: 1, match: { route: 'templates' } });
      const queued = await call('POST', '/v1/templates/sync', 'alpha:live');
      expect(queued.status).toBe(202);
      // A refused token is not retried: the operation fails at once with Graph's taxonomy code.
      expect(await finished(queued.body['id'] as string)).toMatchObject({ state: 'failed', attempts: 1, result: null, error: { code: 'token_invalid' } });
      // Nothing was removed because of the failure.
      expect(((await call('GET', '/v1/templates?limit=1000', 'alpha:live')).body['data'] as Json[]).length).toBe(seededCount - 1);
    });
  });

  describe('lint, create and delete', () => {
    const valid = {
      name: 'shipping_notice',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, your parcel {{2}} left our warehouse today.', example: { body_text: [['Ana', 'P-77']] } },
        { type: 'FOOTER', text: 'Switchboard Demo' },
      ],
    };

    it('validates without submitting: rule ids, severities and paths', async () => {
      sim.clearRequests();
      const bad = await call('POST', '/v1/templates/validate', 'alpha:live', {
        ...valid,
        name: 'Shipping Notice',
        components: [{ type: 'BODY', text: '{{1}}, your parcel {{3}} ships today. Get 20% off!', example: { body_text: [['Ana', 'P-77']] } }],
      });
      expect(bad.status).toBe(200);
      expect(bad.body).toMatchObject({ valid: false, errors: 3, warnings: 1 });
      expect((bad.body['issues'] as Json[]).map((i) => [i['rule'], i['severity'], i['path']])).toEqual([
        ['name-format', 'error', 'name'],
        ['placeholder-sequence', 'error', 'components[0].text'],
        ['placeholder-position', 'error', 'components[0].text'],
        ['utility-promotional', 'warning', 'components[0].text'],
      ]);
      expect((await call('POST', '/v1/templates/validate', 'alpha:live', valid)).body).toEqual({ valid: true, errors: 0, warnings: 0, issues: [] });
      expect(sim.requests({ route: 'templates' })).toEqual([]);
      expect((await call('POST', '/v1/templates/validate', undefined, valid)).status).toBe(401);
    });

    it('refuses a template that breaks a rule without calling Meta or storing an operation', async () => {
      await settle();
      sim.clearRequests();
      const operationsBefore = await operationCount();
      const refused = await call('POST', '/v1/templates', 'alpha:live', {
        ...valid,
        components: [{ type: 'BODY', text: 'Your parcel left our warehouse today, {{1}}', example: { body_text: [['Ana']] } }],
      });
      expect(refused.status).toBe(400);
      expect(errorOf(refused.body)).toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'components[0].text', issue: expect.stringMatching(/^placeholder-position: /) }],
      });
      expect(sim.requests({ route: 'templates' })).toEqual([]);
      expect(await operationCount()).toBe(operationsBefore);
    });

    it('queues a creation, which a worker submits to Meta (lint warnings kept), and a deletion at Meta and in the registry', async () => {
      await settle();
      sim.clearRequests();
      // A backup must take the same parameters (this one also has a URL button): refused before anything is queued.
      const incompatible = await call('POST', '/v1/templates', 'alpha:live', { ...valid, backup: { name: 'order_update_backup', language: 'en_US' } });
      expect(incompatible.status).toBe(422);
      expect(errorOf(incompatible.body)).toMatchObject({ code: 'template_param_mismatch', details: [{ path: 'backup' }] });
      expect(sim.requests({ route: 'templates' })).toEqual([]);

      const created = await call('POST', '/v1/templates', 'alpha:live', {
        ...valid,
        components: [...valid.components, { type: 'HEADER', format: 'TEXT', text: 'Shipping 📦' }],
        backup: { name: 'order_update', language: 'es' },
      });
      expect(created.status).toBe(202);
      expect(created.body).toMatchObject({ kind: 'create', state: 'queued', wabaId: WABA, name: 'shipping_notice', language: 'en_US', result: null });
      const done = await finished(created.body['id'] as string);
      expect(done).toMatchObject({
        state: 'succeeded',
        result: {
          template: { name: 'shipping_notice', language: 'en_US', status: 'PENDING', wabaId: WABA, backup: { name: 'order_update', language: 'es' } },
          lint: { valid: true, errors: 0, warnings: 1, issues: [{ rule: 'header-symbols', severity: 'warning', path: 'components[2].text' }] },
        },
      });
      const metaId = ((done['result'] as Json)['template'] as Json)['metaTemplateId'] as string;
      const atMeta = await graph.listTemplates(WABA, { accessToken: sim.seed.tokens[0]?.token ?? '' }, { name: 'shipping_notice' });
      expect(atMeta.data.map((t) => [t.id, t.status])).toEqual([[metaId, 'PENDING']]);
      expect((await call('GET', '/v1/templates/shipping_notice?language=en_US', 'alpha:live')).body).toMatchObject({ metaTemplateId: metaId, status: 'PENDING' });

      // Meta refuses a second one: the operation fails with Meta's code in the taxonomy.
      const again = await call('POST', '/v1/templates', 'alpha:live', valid);
      expect(again.status).toBe(202);
      expect(await finished(again.body['id'] as string)).toMatchObject({
        state: 'failed',
        attempts: 1,
        result: null,
        error: { code: 'template_already_exists', message: expect.any(String), meta: { code: 2388024 } },
      });

      // Another environment has no WABA to create it in.
      const elsewhere = await call('POST', '/v1/templates', 'alpha:test', valid);
      expect(elsewhere.status).toBe(404);
      expect(errorOf(elsewhere.body).details).toEqual([{ path: 'wabaId', issue: 'No WABA is registered for this environment' }]);
      expect((await call('POST', '/v1/templates', 'alpha:live', { ...valid, wabaId: '2999999999999999' })).status).toBe(404);

      const deleted = await call('DELETE', '/v1/templates/shipping_notice?language=en_US', 'alpha:live');
      expect(deleted.status).toBe(202);
      expect(deleted.body).toMatchObject({ kind: 'delete', state: 'queued', wabaId: WABA, name: 'shipping_notice', language: 'en_US' });
      expect(await finished(deleted.body['id'] as string)).toMatchObject({ state: 'succeeded', result: { deleted: 1 } });
      expect((await graph.listTemplates(WABA, { accessToken: sim.seed.tokens[0]?.token ?? '' }, { name: 'shipping_notice' })).data).toEqual([]);
      expect((await call('GET', '/v1/templates/shipping_notice?language=en_US', 'alpha:live')).status).toBe(404);
      expect((await call('DELETE', '/v1/templates/shipping_notice?language=en_US', 'alpha:live')).status).toBe(404);
      expect((await call('DELETE', '/v1/templates/Not-A-Name', 'alpha:live')).status).toBe(404);
    }, 30_000);

    it('runs a creation again after a Graph 5xx', async () => {
      await settle();
      sim.injectFault({ kind: 'empty-5xx', httpStatus: 503, count: 1, match: { route: 'templates', method: 'POST' } });
      const created = await call('POST', '/v1/templates', 'alpha:live', { ...valid, name: 'shipping_retry' });
      expect(created.status).toBe(202);
      // The first attempt meets the 503; BullMQ runs the job again after its backoff (10 s).
      expect(await finished(created.body['id'] as string, 'alpha:live', 30_000)).toMatchObject({
        state: 'succeeded',
        attempts: 2,
        error: null,
        result: { template: { name: 'shipping_retry', status: 'PENDING' } },
      });
    }, 40_000);

    it('caps the creations and deletions an environment may have waiting', async () => {
      await settle();
      const processor = worker?.get(TemplateSyncProcessor);
      if (!processor) throw new Error('no worker');
      await processor.worker.pause();
      try {
        const ids: string[] = [];
        for (let i = 0; i < MAX_PENDING; i += 1) {
          const queued = await call('POST', '/v1/templates', 'alpha:live', { ...valid, name: `capped_notice_${i}` });
          expect(queued.status).toBe(202);
          ids.push(queued.body['id'] as string);
        }
        const refused = await app.inject({ method: 'POST', url: '/v1/templates', headers: { authorization: `Bearer ${keys['alpha:live'] ?? ''}` }, payload: { ...valid, name: 'capped_notice_x' } });
        expect(refused.statusCode).toBe(429);
        expect((refused.json() as Json)['error']).toMatchObject({ code: 'rate_limited' });
        expect(refused.headers['retry-after']).toBe('10');
        // Other environments have their own allowance (this one has no WABA, hence 404, not 429).
        expect((await call('POST', '/v1/templates', 'alpha:test', valid)).status).toBe(404);
        // Syncs are not counted: one more is still queued.
        expect((await call('POST', '/v1/templates/sync', 'alpha:live')).status).toBe(202);

        // A job lost from Redis (a flush, a failover) leaves its operation queued until the sweep enqueues it again.
        const lost = ids[0] ?? '';
        await (await templatesQueue().getJob(`template-operation-${lost}`))?.remove();
        await processor.worker.resume();
        for (const id of ids.slice(1)) expect(await finished(id)).toMatchObject({ state: 'succeeded' });
        expect(await operation(lost)).toMatchObject({ state: 'queued' });
        const runner = worker?.get(TemplateOperationRunner);
        expect(await runner?.sweep(new Date())).toEqual({ readded: 0, pruned: 0 });
        expect(await runner?.sweep(new Date(Date.now() + 10 * 60 * 1000))).toEqual({ readded: 1, pruned: 0 });
        expect(await finished(lost)).toMatchObject({ state: 'succeeded', attempts: 1, result: { template: { name: 'capped_notice_0' } } });
      } finally {
        await processor.worker.resume();
      }
      await settle();
    }, 30_000);

    it('forgets finished operations after the 30-day retention, not before', async () => {
      await settle();
      const runner = worker?.get(TemplateOperationRunner);
      if (!runner) throw new Error('no worker');
      const synced = await call('POST', '/v1/templates/sync', 'alpha:live');
      const id = synced.body['id'] as string;
      expect(await finished(id)).toMatchObject({ state: 'succeeded' });
      await settle();
      const before = await operationCount();
      expect(await runner.sweep(new Date(Date.now() + 29 * 24 * 3600 * 1000))).toEqual({ readded: 0, pruned: 0 });
      expect((await runner.sweep(new Date(Date.now() + 31 * 24 * 3600 * 1000))).pruned).toBe(before);
      expect((await call('GET', `/v1/template-operations/${id}`, 'alpha:live')).status).toBe(404);
      expect(await operationCount()).toBe(0);
    }, 30_000);

    it('documents every template route in OpenAPI', async () => {
      const document = (await app.inject({ method: 'GET', url: '/docs-json' })).json() as { paths: Record<string, Record<string, { responses: Json }>> };
      expect(Object.keys(document.paths).filter((path) => path.startsWith('/v1/template')).sort()).toEqual([
        '/v1/template-operations/{id}',
        '/v1/templates',
        '/v1/templates/sync',
        '/v1/templates/validate',
        '/v1/templates/{name}',
      ]);
      expect(Object.keys(document.paths['/v1/templates']?.['post']?.responses ?? {})).toEqual(expect.arrayContaining(['202', '400', '401', '404', '422', '429']));
      expect(Object.keys(document.paths['/v1/templates/sync']?.['post']?.responses ?? {})).toContain('202');
      expect(Object.keys(document.paths['/v1/templates/{name}']?.['delete']?.responses ?? {})).toEqual(expect.arrayContaining(['202', '404']));
      expect(Object.keys(document.paths['/v1/template-operations/{id}']?.['get']?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '404']));
      expect(Object.keys(document.paths['/v1/templates/{name}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    });
  });

  describe('status webhooks, fallbacks and pre-send checks', () => {
    const orderSend = (components: unknown): TemplateSendRequest => ({ wabaId: WABA, name: 'order_update', language: 'en_US', components });
    const goodComponents = () => [
      { type: 'body', parameters: [{ type: 'text', text: 'Jessica' }, { type: 'text', text: '#4521' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '4521' }] },
    ];

    it('passes an APPROVED template and renders it', async () => {
      const result = await app.get(TemplatePreSendService).check(scope('alpha:live'), orderSend(goodComponents()));
      expect(result).toMatchObject({
        template: { name: 'order_update', language: 'en_US', status: 'APPROVED', metaTemplateId: '4000000000000002' },
        fallback: null,
        send: { name: 'order_update', language: { code: 'en_US' } },
        rendered: { header: null, body: 'Hi Jessica, your order #4521 is on its way.' },
      });
    });

    it('produces template_param_mismatch naming the component for too few, too many and a wrong button index', async () => {
      const preSend = app.get(TemplatePreSendService);
      const expectMismatch = async (components: unknown, path: string) => {
        const error: unknown = await preSend.check(scope('alpha:live'), orderSend(components)).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'template_param_mismatch', httpStatus: 422, meta: { code: 132000 } });
        expect((error as { details: { path: string }[] }).details.map((d) => d.path)).toContain(path);
      };
      const fewer = goodComponents();
      fewer[0] = { type: 'body', parameters: [{ type: 'text', text: 'Jessica' }] };
      await expectMismatch(fewer, 'template.components[body].parameters');
      const more = goodComponents();
      more[0] = { type: 'body', parameters: [1, 2, 3].map((n) => ({ type: 'text', text: `v${n}` })) };
      await expectMismatch(more, 'template.components[body].parameters');
      const wrongIndex = goodComponents();
      wrongIndex[1] = { type: 'button', sub_type: 'url', index: '3', parameters: [{ type: 'text', text: '4521' }] };
      await expectMismatch(wrongIndex, 'template.components[button:3].index');
      await expectMismatch(goodComponents().slice(0, 1), 'template.components[button:0]');
    });

    it('answers template_not_found for a name or language that is not exact, and refuses long or half-rendered text', async () => {
      const preSend = app.get(TemplatePreSendService);
      await expect(preSend.check(scope('alpha:live'), { ...orderSend(goodComponents()), language: 'en_us' })).rejects.toMatchObject({
        code: 'template_not_found',
        meta: { code: 132001 },
        details: [{ path: 'template.language.code', issue: expect.stringContaining('it exists in en_US, es') }],
      });
      await expect(preSend.check(scope('alpha:live'), { ...orderSend(goodComponents()), name: 'Order_Update' })).rejects.toMatchObject({
        code: 'template_not_found',
        details: [{ path: 'template.name', issue: expect.stringContaining('did you mean order_update') }],
      });
      await expect(preSend.check(scope('alpha:live'), { wabaId: WABA, name: 'welcome_pending', language: 'en_US' })).rejects.toMatchObject({
        code: 'template_not_approved',
      });

      const long = goodComponents();
      long[0] = { type: 'body', parameters: [{ type: 'text', text: 'x'.repeat(1000) }, { type: 'text', text: '#4521' }] };
      await expect(preSend.check(scope('alpha:live'), orderSend(long))).rejects.toMatchObject({
        code: 'template_param_mismatch',
        meta: { code: 132005 },
        details: [{ path: 'template.components[body]' }],
      });
      const halfRendered = goodComponents();
      halfRendered[0] = { type: 'body', parameters: [{ type: 'text', text: '{{first_name}}' }, { type: 'text', text: '#4521' }] };
      await expect(preSend.check(scope('alpha:live'), orderSend(halfRendered))).rejects.toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'template.components[body].parameters[0].text' }],
      });
    });

    it('refuses a backup that takes other parameters', async () => {
      const refused = await call('PATCH', '/v1/templates/order_update?language=en_US', 'alpha:live', {
        backup: { name: 'order_update_short', language: 'en_US' },
      });
      expect(refused.status).toBe(422);
      expect(errorOf(refused.body)).toMatchObject({ code: 'template_param_mismatch', details: [{ path: 'backup' }] });
      const missing = await call('PATCH', '/v1/templates/order_update?language=en_US', 'alpha:live', { backup: { name: 'nope', language: 'en_US' } });
      expect(errorOf(missing.body).code).toBe('template_not_found');
    });

    it('moves a template to PAUSED from the status webhook; the next pre-send uses the backup, which Meta accepts', async () => {
      const { webhooks } = await sim.setTemplateStatus('4000000000000002', { status: 'PAUSED' });
      const changes = templateWebhookChanges(webhooks[0]?.payload);
      expect(changes).toEqual([{ wabaId: WABA, time: expect.any(Number), field: 'message_template_status_update', value: expect.any(Object) }]);
      const change = changes[0];
      if (!change) throw new Error('no change');

      const status = app.get(TemplateStatusService);
      expect(await status.updateFromWebhook(scope('alpha:live'), change)).toEqual({
        outcome: 'updated',
        templateId: expect.any(String),
        name: 'order_update',
        language: 'en_US',
        status: 'PAUSED',
      });
      const view = await call('GET', '/v1/templates/order_update?language=en_US', 'alpha:live');
      expect(view.body).toMatchObject({ status: 'PAUSED', statusDetail: { event: 'PAUSED', info: { other_info: { title: 'FIRST_PAUSE' } } } });

      const result = await app.get(TemplatePreSendService).check(scope('alpha:live'), orderSend(goodComponents()));
      expect(result).toMatchObject({
        template: { name: 'order_update_backup', language: 'en_US', status: 'APPROVED' },
        requested: { name: 'order_update', language: 'en_US' },
        fallback: { reason: 'PAUSED', from: { name: 'order_update', status: 'PAUSED' } },
        send: { name: 'order_update_backup', language: { code: 'en_US' } },
        rendered: { body: 'Hello Jessica! Order #4521 has shipped and is on its way.' },
      });

      // The simulator, like Meta, refuses the paused template but sends its backup.
      const call0 = { accessToken: sim.seed.tokens[0]?.token ?? '' };
      await expect(
        graph.sendMessage(DEMO_IDS.phoneNumberId, { to: '15551230001', type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: goodComponents() } } as never, call0),
      ).rejects.toMatchObject({ meta: { code: 132015 } });
      const sent = await graph.sendMessage(DEMO_IDS.phoneNumberId, { to: '15551230001', type: 'template', template: result.send } as never, call0);
      expect(sent.data.wamid).toMatch(/^wamid\./);

      // An older, redelivered event changes nothing.
      expect(await status.updateFromWebhook(scope('alpha:live'), { ...change, time: (change.time ?? 0) - 60, value: { ...(change.value as Json), event: 'APPROVED' } })).toMatchObject({
        outcome: 'stale',
      });
      expect((await call('GET', '/v1/templates/order_update?language=en_US', 'alpha:live')).body['status']).toBe('PAUSED');
    });

    it('answers template_not_approved for a PAUSED or DISABLED template without a usable backup', async () => {
      const preSend = app.get(TemplatePreSendService);
      const send = {
        wabaId: WABA,
        name: 'summer_sale',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/sale.png' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '20%' }] },
        ],
      };
      await expect(preSend.check(scope('alpha:live'), send)).rejects.toMatchObject({
        code: 'template_not_approved',
        httpStatus: 422,
        meta: { code: 132015, title: 'Template is Paused' },
        details: [
          { path: 'template.name', issue: 'summer_sale (en_US) is PAUSED; only APPROVED templates can be sent' },
          { path: 'template.name', issue: expect.stringContaining('no backup template') },
        ],
      });

      // The backup itself gets disabled: no fallback any more.
      const [backupChange] = templateWebhookChanges((await sim.setTemplateStatus('4200000000000001', { status: 'DISABLED' })).webhooks[0]?.payload);
      if (!backupChange) throw new Error('no change');
      await app.get(TemplateStatusService).updateFromWebhook(scope('alpha:live'), backupChange);
      await expect(preSend.check(scope('alpha:live'), orderSend(goodComponents()))).rejects.toMatchObject({
        code: 'template_not_approved',
        meta: { code: 132015 },
        details: [expect.anything(), { path: 'template.name', issue: 'its backup order_update_backup (en_US) is DISABLED' }],
      });
      await expect(preSend.check(scope('alpha:live'), { ...orderSend(goodComponents()), name: 'order_update_backup' })).rejects.toMatchObject({
        code: 'template_not_approved',
        meta: { code: 132016 },
      });
    });

    it('applies quality and category updates, and queues a sync for a template it does not know', async () => {
      const status = app.get(TemplateStatusService);
      const live = scope('alpha:live');
      const quality = await status.updateFromWebhook(live, {
        wabaId: WABA,
        time: Math.floor(Date.now() / 1000),
        field: 'message_template_quality_update',
        value: { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', message_template_id: 4000000000000001, message_template_name: 'hello_world', message_template_language: 'en_US' },
      });
      expect(quality).toMatchObject({ outcome: 'updated', name: 'hello_world' });
      // Meta's own example writes the language with a dash.
      const category = await status.updateFromWebhook(live, {
        wabaId: WABA,
        field: 'template_category_update',
        value: { message_template_name: 'hello_world', message_template_language: 'en-US', new_category: 'UTILITY', correct_category: 'MARKETING', category_update_timestamp: 1_900_000_000 },
      });
      expect(category).toMatchObject({ outcome: 'updated', name: 'hello_world' });
      expect((await call('GET', '/v1/templates/hello_world?language=en_US', 'alpha:live')).body).toMatchObject({
        qualityScore: 'YELLOW',
        category: 'UTILITY',
        categoryChange: { category: 'MARKETING', effectiveAt: new Date(1_900_000_000_000).toISOString() },
      });

      // Held, so the queued sync can be seen before a worker takes it.
      const processor = worker?.get(TemplateSyncProcessor);
      await processor?.worker.pause();
      const unknown = await status.updateFromWebhook(live, {
        wabaId: WABA,
        field: 'message_template_status_update',
        value: { event: 'APPROVED', message_template_id: 4999999999999999, message_template_name: 'made_elsewhere', message_template_language: 'en_US', reason: 'NONE' },
      });
      expect(unknown).toEqual({ outcome: 'unknown_template', syncQueued: true });
      const queue = app.get<QueueProducer>(QUEUE_PRODUCER).queue(QUEUE_NAMES.templates);
      const job = await queue.getJob(`templates-sync-${live.tenantId}-live`);
      expect(job?.data).toEqual({ tenantId: live.tenantId, environment: 'live' });
      await processor?.worker.resume();

      expect(await status.updateFromWebhook(live, { wabaId: WABA, field: 'messages', value: {} })).toMatchObject({ outcome: 'ignored' });
      expect(templateWebhookChanges({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value: {} }] }] })).toEqual([]);
    });
  });

  describe('scheduled sync', () => {
    let late: INestApplicationContext | undefined;

    afterAll(async () => {
      await late?.close();
    });

    it('keeps one scheduler per scope however many processes upsert it, and a worker runs the sync', async () => {
      const target = scope('beta:test');
      resolver.assign(target, [{ wabaId: WABA, accessToken: sim.seed.tokens[0]?.token ?? '', graph }]);
      const queue = app.get<QueueProducer>(QUEUE_PRODUCER).queue(QUEUE_NAMES.templates);

      // A worker puts every scope it finds templates for back on the schedule at start.
      const alphaLive = TemplateSyncScheduler.schedulerId(scope('alpha:live'));
      await queue.removeJobScheduler(alphaLive);
      late = await startWorker();
      expect(await queue.getJobScheduler(alphaLive)).toMatchObject({ key: alphaLive, every: 15 * 60 * 1000 });
      // The gateway (after an on-demand sync) and two workers at start all upsert the same scheduler.
      await Promise.all([
        app.get(TemplateSyncScheduler).ensure(target),
        late.get(TemplateSyncScheduler).ensure(target),
        late.get(TemplateSyncScheduler).ensure(target),
      ]);
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.filter((s) => s.key === TemplateSyncScheduler.schedulerId(target))).toHaveLength(1);
      expect(schedulers.find((s) => s.key === TemplateSyncScheduler.schedulerId(target))).toMatchObject({ every: 15 * 60 * 1000, name: 'templates.sync' });

      const listed = await eventually(
        async () => ((await call('GET', '/v1/templates?limit=1000', 'beta:test')).body['data'] as Json[]).length,
        (count) => count > 0,
      );
      expect(listed).toBeGreaterThan(BULK);
    }, 20_000);

    it('drops the schedule of a scope that has no WABA any more', async () => {
      const target = scope('beta:test');
      resolver.assign(target, []);
      const queue = app.get<QueueProducer>(QUEUE_PRODUCER).queue(QUEUE_NAMES.templates);
      await app.get(TemplateSyncScheduler).ensure(target, 60_000);
      const gone = await eventually(
        () => queue.getJobScheduler(TemplateSyncScheduler.schedulerId(target)),
        (scheduler) => scheduler === undefined,
      );
      expect(gone).toBeUndefined();
      expect((await call('GET', '/v1/templates', 'beta:test')).body['data']).toEqual([]);
    }, 20_000);
  });
});
