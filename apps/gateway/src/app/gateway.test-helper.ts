import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { gatewayEnvSchema, loadConfig } from '@switchboard/config';
import { createHttpApp } from '@switchboard/platform';
import { TemplateOperationRunner } from '@switchboard/template-registry';
import type { TestDatabase, TestRedis } from '@switchboard/testing';
import { MasterKey, MasterKeyRing } from '@switchboard/token-vault';
import { GatewayModule } from './gateway.module';

export const TEST_ADMIN_KEY = `admin-${'x'.repeat(40)}`;

/** The gateway's module graph in-process, over the real Postgres and Redis of the test. */
export async function startTestGateway(
  database: TestDatabase,
  redis: TestRedis,
  env: Record<string, string> = {},
  vaultKeys: MasterKeyRing = new MasterKeyRing(MasterKey.generate()),
): Promise<NestFastifyApplication> {
  // Unset, NODE_ENV means production (private targets refused); these specs talk to loopback receivers.
  const config = loadConfig(gatewayEnvSchema, {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createHttpApp(GatewayModule.forRoot(config, database.url, { adminApiKey: TEST_ADMIN_KEY, vaultKeys }), {
    openApi: true,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export type Json = Record<string, unknown>;

export function caller(app: NestFastifyApplication) {
  return async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key?: string, body?: Json) => {
    const response = await app.inject({
      method,
      url,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      ...(body ? { payload: body } : {}),
    });
    return { status: response.statusCode, body: response.body ? (response.json() as Json) : {} };
  };
}

/**
 * Queues a template sync through the API and carries it out in-process with the code a
 * worker's processor runs (these specs start no worker); returns the final operation.
 */
export async function syncTemplates(app: NestFastifyApplication, key: string): Promise<Json> {
  const call = caller(app);
  const queued = await call('POST', '/v1/templates/sync', key);
  if (queued.status !== 202) throw new Error(`template sync answered ${queued.status}`);
  const id = queued.body['id'] as string;
  await app.get(TemplateOperationRunner, { strict: false }).run(id);
  return (await call('GET', `/v1/template-operations/${id}`, key)).body;
}
