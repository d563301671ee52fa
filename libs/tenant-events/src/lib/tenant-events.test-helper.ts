import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamicModule, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PersistenceModule } from '@switchboard/persistence';
import { CacheInvalidationModule, createHttpApp, migrateDatabase } from '@switchboard/platform';
import { QUEUE_NAMES, QueueModule, redisConnectionOptions } from '@switchboard/queue';
import { Worker } from 'bullmq';
import { LoggerModule, MetricsModule } from '@switchboard/telemetry';
import { RequestContext, TenancyModule } from '@switchboard/tenancy';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing, TokenVaultModule } from '@switchboard/token-vault';
import { DataSource } from 'typeorm';
import { EventDeliveryService } from './event-delivery.service';
import { TenantEventsModule, type TenantEventsModuleOptions } from './tenant-events.module';
import { TenantEventsProcessor } from './tenant-events.processor';

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
        CacheInvalidationModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix, ttlMs: 60_000, unsubscribedTtlMs: 1_000 }),
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
  adminKey: string;
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
    adminKey: ADMIN_KEY,
    keys: { live: await keyOf('live'), test: await keyOf('test') },
    call,
    close: async () => {
      await app.close();
      await redis.cleanup();
      await database.drop();
    },
  };
}

/** The worker's delivery processor, in process, on the app's queue: queued deliveries are attempted as in production. */
export function startDeliveryWorker(t: TenantEventsTestApp): Worker {
  const processor = new TenantEventsProcessor(t.app.get(EventDeliveryService));
  return new Worker(QUEUE_NAMES.tenantEvents, (job) => processor.process(job), { connection: redisConnectionOptions(t.redis.url), prefix: t.redis.prefix });
}

export interface ReceivedEvent {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw bytes as received, what a verifier must check. */
  body: string;
}

/** Headers as plain strings, what the standardwebhooks verifier takes. */
export function headersOf(request: ReceivedEvent): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
}

export interface EventReceiver {
  url(path: string): string;
  received: ReceivedEvent[];
  /** Resolves once `count` requests in all have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  /** The status code to answer from now on. */
  answer(status: number): void;
  close(): Promise<void>;
}

/** A local HTTP endpoint that records every request with its raw body and headers. */
export async function startEventReceiver(): Promise<EventReceiver> {
  const received: ReceivedEvent[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    answer: (code) => {
      status = code;
    },
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`the receiver got ${received.length} requests, not ${count}, within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
