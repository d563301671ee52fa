import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { pino, type Logger } from 'pino';
import { loggerOptions, type LoggerSettings } from './logger.options';

export type { LoggerSettings } from './logger.options';

/** The app's one pino instance: Nest's logger writes through it, and so does the request log. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export type RootLogger = Logger;

/**
 * pino through nestjs-pino: JSON lines with service, trace ids and the caller's context fields
 * (the gateway's: request id, tenant, environment). nestjs-pino's per-request middleware is not
 * mounted (no routes): it would build pino-http's child logger with the serialised request for
 * every request, even at levels that write nothing; request lines come from registerRequestLog.
 */
@Module({})
export class LoggerModule {
  static forRoot(settings: LoggerSettings): DynamicModule {
    const logger: RootLogger = pino(loggerOptions(settings));
    return {
      module: LoggerModule,
      imports: [PinoLoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] })],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [PinoLoggerModule, ROOT_LOGGER],
    };
  }
}
