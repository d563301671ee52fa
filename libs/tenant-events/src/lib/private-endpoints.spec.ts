import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamicModule, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PersistenceModule } from '@switchboard/persistence';
import { CacheInvalidationModule, createHttpApp, migrateDatabase } from '@switchboard/platform';
import { QUEUE_PRODUCER, QueueModule, type QueueProducer } from '@switchboard/queue';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { RequestContext, TenancyModule } from '@switchboard/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing, TOKEN_VAULT, TokenVaultModule, type TokenVault } from '@switchboard/token-vault';
import { DataSource } from 'typeorm';
import { EventDeliveryService } from './event-delivery.service';
import { DEFAULT_TENANT_EVENTS_SETTINGS } from './tenant-events.constants';
import { TenantEventsModule } from './tenant-events.module';
import { TenantEventsPublisher } from './tenant-events.publisher';

type Json = Record<string, unknown>;

const ADMIN_KEY = `admin-${'x'.repeat(40)}`;

/** A gateway's and a worker's tenant-events side in one app, with EVENT_ENDPOINTS_ALLOW_PRIVATE=false. */
@Module({})
class PrivateTargetsRefusedModule {
  static forRoot(database: TestDatabase, redis: TestRedis, vaultKeys: MasterKeyRing): DynamicModule {
    return {
      module: PrivateTargetsRefusedModule,
      imports: [
        LoggerModule.forRoot({ level: 'silent', service: 'test', contextFields: RequestContext.logFields }),
        MetricsModule.forRoot('test'),
        PersistenceModule.forRoot({ url: database.url, poolSize: 4 }),
        QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }),
        CacheInvalidationModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix, ttlMs: 60_000, unsubscribedTtlMs: 1_000 }),
        TenancyModule.forRoot({ adminApiKey: ADMIN_KEY }),
        TokenVaultModule.forRoot({ keys: vaultKeys, cacheTtlMs: 60_000 }),
        // Two attempts, then dead: the normal schedule, shortened.
        TenantEventsModule.forRoot({ allowPrivateTargets: false, retryDelaysMs: [100], timeoutMs: 2000 }),
      ],
    };
  }
}

describe('tenant event endpoints with private targets refused (real Postgres and Redis)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  let key: string;
  let tenantId: string;
  let receiver: Server;
  let port: number;
  const received: string[] = [];

  const call = async (method: 'GET' | 'POST', url: string, who: string, body?: Json) => {
    const response = await app.inject({ method, url, headers: { authorization: `Bearer ${who}` }, ...(body ? { payload: body } : {}) });
    return { status: response.statusCode, body: response.json() as Json };
  };
  const register = (url: string) => call('POST', '/v1/endpoints', key, { url, events: ['message.status'] });

  /**
   * An endpoint registered under a public name whose URL now leads to this machine: what a
   * name rebinding to 127.0.0.1, or a URL registered before the operator turned the flag off, looks like to the worker.
   */
  const endpointNowAt = async (url: string) => {
    const created = await register('https://events.example.com/hook?token=tenant-query-secret');
    expect(created.status).toBe(201);
    await dataSource.query(`UPDATE event_endpoints SET url = $2 WHERE id = $1`, [created.body['id'], url]);
    return created.body as { id: string; secret: string };
  };
  const publishOne = async () => {
    const publisher = app.get(TenantEventsPublisher);
    const [deliveryId] = await dataSource.transaction((manager) => publisher.publish(manager, { tenantId, environment: 'live' }, 'message.status', { messageId: 'msg_1', status: 'delivered' }));
    if (!deliveryId) throw new Error('no delivery recorded');
    return deliveryId;
  };
  const deliveryRow = async (id: string) =>
    ((await dataSource.query(`SELECT state, attempts, last_status_code, last_error FROM event_deliveries WHERE id = $1`, [id])) as Array<{ state: string; attempts: number; last_status_code: number | null; last_error: string | null }>)[0];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received.push(request.url ?? '');
      response.end();
    });
    // Every interface (IPv4 and IPv6): whichever loopback address a refused delivery tried would be heard.
    await new Promise<void>((resolve) => receiver.listen(0, resolve));
    port = (receiver.address() as AddressInfo).port;

    database = await createTestDatabase('private_endpoints');
    redis = createTestRedis('private_endpoints');
    await migrateDatabase(database.url, 'test');
    app = await createHttpApp(PrivateTargetsRefusedModule.forRoot(database, redis, new MasterKeyRing(MasterKey.generate())), { openApi: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    dataSource = app.get(DataSource, { strict: false });

    tenantId = (await call('POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'acme', name: 'Acme' })).body['id'] as string;
    key = (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_KEY, { environment: 'live' })).body['key'] as string;
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
    await database?.drop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  describe('registration', () => {
    it.each([
      ['loopback', () => `http://127.0.0.1:${port}/hook`, '127.0.0.1'],
      ['localhost', () => `http://localhost:${port}/hook`, 'localhost'],
      ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
      ['a decimal IPv4', () => 'http://2130706433/hook', '127.0.0.1'],
      ['an IPv4-mapped IPv6', () => 'http://[::ffff:10.0.0.1]/hook', '::ffff:a00:1'],
      ['a unique-local IPv6', () => 'https://[fd00::1]/hook', 'fd00::1'],
    ])('refuses %s with 400 validation_failed naming url', async (_what, url, host) => {
      const refused = await register(url());
      expect(refused.status).toBe(400);
      expect(refused.body['error']).toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'url', issue: expect.stringMatching(new RegExp(`^${host.replace(/\./g, '\\.')} is .*public hosts only$`)) }],
      });
    });

    it("reports a private url together with the body's other problems", async () => {
      const refused = await call('POST', '/v1/endpoints', key, { url: 'http://10.0.0.5/', events: [] });
      expect(refused.status).toBe(400);
      expect((refused.body['error'] as { details: Array<{ path: string }> }).details.map((detail) => detail.path).sort()).toEqual(['events', 'url']);
    });

    it('accepts a public host and stores nothing for a refused one', async () => {
      const created = await register('https://events.example.com/switchboard');
      expect(created.status).toBe(201);
      const listed = await call('GET', '/v1/endpoints', key);
      expect((listed.body['data'] as Json[]).map((endpoint) => endpoint['url'])).toEqual(['https://events.example.com/switchboard']);
      await dataSource.query(`DELETE FROM event_endpoints`);
    });
  });

  describe('delivery', () => {
    afterEach(async () => {
      await dataSource.query(`DELETE FROM event_endpoints`);
    });

    it.each([
      ['a name that resolves to 127.0.0.1', 'localhost', 'refused: localhost resolves only to private addresses ('],
      ['an IP literal stored earlier', '127.0.0.1', 'refused: 127.0.0.1 is a private address'],
    ])('refuses %s: a failed attempt that says why, retried, then dead, and never reaches the server', async (_what, host, reason) => {
      const { secret } = await endpointNowAt(`https://${host}:${port}/hook?token=tenant-query-secret`);
      const deliveries = app.get(EventDeliveryService);
      const deliveryId = await publishOne();

      expect(await deliveries.deliver(deliveryId, 0, 0)).toBe('retrying');
      const first = await deliveryRow(deliveryId);
      expect(first).toMatchObject({ state: 'pending', attempts: 1, last_status_code: null });
      expect(first?.last_error).toContain(reason);
      expect(first?.last_error).toContain('EVENT_ENDPOINTS_ALLOW_PRIVATE is off');
      for (const secretPart of [secret, 'tenant-query-secret', String(port)]) expect(first?.last_error).not.toContain(secretPart);

      expect(await deliveries.deliver(deliveryId, 0, 1)).toBe('dead');
      expect(await deliveryRow(deliveryId)).toMatchObject({ state: 'dead', attempts: 2 });
      expect(received).toEqual([]);
    });

    it('refuses a plain http URL stored earlier without connecting: a failed attempt that says why', async () => {
      await endpointNowAt(`http://localhost:${port}/clear-text`);
      const deliveryId = await publishOne();
      expect(await app.get(EventDeliveryService).deliver(deliveryId, 0, 0)).toBe('retrying');
      expect(await deliveryRow(deliveryId)).toMatchObject({ state: 'pending', attempts: 1, last_error: 'refused: https only (EVENT_ENDPOINTS_ALLOW_PRIVATE is off)' });
      expect(received).toEqual([]);
    });

    it('with private targets allowed the same delivery reaches the server (the refusal is the flag, not the setup)', async () => {
      await endpointNowAt(`http://localhost:${port}/allowed`);
      const allowing = new EventDeliveryService(dataSource, app.get<TokenVault>(TOKEN_VAULT), app.get<QueueProducer>(QUEUE_PRODUCER), {
        ...DEFAULT_TENANT_EVENTS_SETTINGS,
        allowPrivateTargets: true,
      });
      try {
        expect(await allowing.deliver(await publishOne(), 0, 0)).toBe('delivered');
      } finally {
        await allowing.onModuleDestroy();
      }
      expect(received).toEqual(['/allowed']);
    });
  });
});
