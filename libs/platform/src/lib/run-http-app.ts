import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CoreEnv, DatabaseEnv } from '@switchboard/config';
import { HTTP_METRICS, registerHttpMetrics, registerRequestLog, ROOT_LOGGER, type HttpMetrics, type RootLogger } from '@switchboard/telemetry';
import { shutdownTelemetry } from '@switchboard/telemetry/instrumentation';
import { Logger } from 'nestjs-pino';
import { bootLinesAtDebug } from './boot-lines-at-debug.logger';
import { ContractExceptionFilter } from './contract-exception.filter';
import { registerWellFormedBodyCheck } from './well-formed-body.hook';
import { resolveDatabase } from './database.resolver';
import { awaitSchema, migrateDatabase } from './maintenance-commands';
import { setupOpenApi } from './openapi';
import { serveStaticSite, type StaticSite } from './static-site';

export interface HttpAppOptions {
  /** Short name: 'gateway', 'worker'. */
  service: string;
  config: CoreEnv & DatabaseEnv & { HOST: string };
  port: number;
  /**
   * Apply pending migrations (under the advisory lock) before serving; otherwise wait until
   * someone has (another gateway, `npm run migrate`).
   */
  migrate: boolean;
  module: (databaseUrl: string) => DynamicModule;
  http?: HttpAppSettings;
}

export interface HttpAppSettings {
  bodyLimitBytes?: number;
  /** Serve /docs and /docs-json (the gateway's public API). */
  openApi?: boolean;
  /** Log Nest's module and route lines at debug (development: a readable terminal). */
  bootLinesAtDebug?: boolean;
  /** Built single-page apps to serve (the gateway's console). */
  staticSites?: readonly StaticSite[];
}

/**
 * Nest on Fastify as every Switchboard HTTP process runs it: pino with a line per request, the
 * contract's error body, request ids from X-Request-Id, the request-duration histogram. Tests
 * build their apps with it too, so they exercise the same pipeline.
 */
export async function createHttpApp(module: DynamicModule, settings: HttpAppSettings = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({
      bodyLimit: settings.bodyLimitBytes ?? 1024 * 1024,
      trustProxy: true,
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
    }),
    { bufferLogs: true },
  );
  app.useLogger(settings.bootLinesAtDebug ? bootLinesAtDebug(app.get(Logger)) : app.get(Logger));
  app.useGlobalFilters(new ContractExceptionFilter());
  registerWellFormedBodyCheck(app.getHttpAdapter().getInstance());
  registerHttpMetrics(app.getHttpAdapter().getInstance(), app.get<HttpMetrics>(HTTP_METRICS));
  registerRequestLog(app.getHttpAdapter().getInstance(), app.get<RootLogger>(ROOT_LOGGER));
  if (settings.openApi) setupOpenApi(app, 'v1');
  for (const site of settings.staticSites ?? []) await serveStaticSite(app, site);
  return app;
}

function line(message: string): void {
  process.stdout.write(`${message}\n`);
}

/**
 * The common life of a Switchboard process: database (embedded in development),
 * migrations, Nest on Fastify with pino and HTTP metrics, then a graceful stop on
 * SIGINT/SIGTERM: HTTP closes, BullMQ workers finish their in-flight jobs, pools
 * close, spans flush. A stop that overruns SHUTDOWN_TIMEOUT_MS exits non-zero.
 */
export async function runHttpApp(options: HttpAppOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const database = await resolveDatabase(config);
  if (options.migrate) {
    const applied = await migrateDatabase(database.url, options.service);
    if (applied > 0) line(`[${options.service}] applied ${applied} migration(s)`);
  } else {
    await awaitSchema(database.url, options.service, { report: line });
  }

  const app = await createHttpApp(options.module(database.url), {
    ...options.http,
    bootLinesAtDebug: config.NODE_ENV === 'development',
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    line(`[${options.service}] ${signal} received, stopping`);
    const deadline = setTimeout(() => {
      process.stderr.write(`[${options.service}] shutdown exceeded ${config.SHUTDOWN_TIMEOUT_MS} ms, exiting\n`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    try {
      await app.close();
      await database.embedded?.stop();
      await shutdownTelemetry();
      line(`[${options.service}] stopped`);
      process.exit(0);
    } catch (error) {
      process.stderr.write(`[${options.service}] shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
  };
  // `on`, not `once`: a second signal (the terminal's to the process group after a cluster
  // primary forwarded one) must not end the process mid-stop; `stop` runs once.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: options.port, host: config.HOST });
  line(`[${options.service}] listening on ${await app.getUrl()}`);
  return app;
}
