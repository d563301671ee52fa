import { DynamicModule, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PersistenceModule } from '@switchboard/persistence';
import { createHttpApp, migrateDatabase } from '@switchboard/platform';
import { QueueModule } from '@switchboard/queue';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { RequestContext, TenancyModule } from '@switchboard/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing, TokenVaultModule } from '@switchboard/token-vault';
import { DataSource } from 'typeorm';
import { TenantEventsModule, type TenantEventsModuleOptions } from './tenant-events.module';

type Json = Record<string, unknown>;

const ADMIN_KEY = `admin-${'x'.repeat(40)}`;

@Module({})
class TenantEventsTestModule {
  static forRoot(database: TestDatabase, redis: TestRedis, options: TenantEventsModuleOptions): DynamicModule {
    return {
      module: TenantEventsTestModule,
      imports: [
        LoggerModule.forRoot({ level: 'silent', service: 'test', contextFields: RequestContext.logFields }),
        MetricsModule.forRoot('test'),
        PersistenceModule.forRoot({ url: database.url, poolSize: 4 }),
        QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }),
        TenancyModule.forRoot({ adminApiKey: ADMIN_KEY }),
        TokenVaultModule.forRoot({ keys: new MasterKeyRing(MasterKey.generate()), cacheTtlMs: 60_000 }),
        TenantEventsModule.forRoot(options),
      ],
    };
  }
}

export interface TenantEventsTestApp {
  app: NestFastifyApplication;
  dataSource: DataSource;
  redis: TestRedis;
  tenantId: string;
  /** A tenant key of each environment. */
  keys: { live: string; test: string };
  call(method: 'GET' | 'POST' | 'DELETE', url: string, key: string, body?: Json): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/** The gateway's and the worker's tenant-events side in one app, on a fresh database and Redis prefix, with one tenant. */
export async function startTenantEventsApp(label: string, options: TenantEventsModuleOptions): Promise<TenantEventsTestApp> {
  const database = await createTestDatabase(label);
  const redis = createTestRedis(label);
  await migrateDatabase(database.url, 'test');
  const app = await createHttpApp(TenantEventsTestModule.forRoot(database, redis, options), { openApi: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const call: TenantEventsTestApp['call'] = async (method, url, key, body) => {
    const response = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(body ? { payload: body } : {}) });
    return { status: response.statusCode, body: (response.body ? response.json() : {}) as Json };
  };
  const tenantId = (await call('POST', '/v1/admin/tenants', ADMIN_KEY, { slug: 'acme', name: 'Acme' })).body['id'] as string;
  const keyOf = async (environment: 'live' | 'test') => (await call('POST', `/v1/admin/tenants/${tenantId}/api-keys`, ADMIN_KEY, { environment })).body['key'] as string;
  return {
    app,
    dataSource: app.get(DataSource),
    redis,
    tenantId,
    keys: { live: await keyOf('live'), test: await keyOf('test') },
    call,
    close: async () => {
      await app.close();
      await redis.cleanup();
      await database.drop();
    },
  };
}
