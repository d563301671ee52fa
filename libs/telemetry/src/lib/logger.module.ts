import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { loggerOptions, type LoggerSettings } from './logger.options';

export type { LoggerSettings } from './logger.options';

/**
 * pino through nestjs-pino: JSON lines with service, request id (Fastify's, taken from
 * X-Request-Id when the caller sends one) and trace ids.
 */
@Module({})
export class LoggerModule {
  static forRoot(settings: LoggerSettings): DynamicModule {
    return {
      module: LoggerModule,
      imports: [
        PinoLoggerModule.forRoot({
          pinoHttp: loggerOptions(settings),
          // Probes and scrapes every few seconds would drown real traffic. Vendors' webhook POSTs
          // (thousands a second) are counted by outcome and timed by route in /metrics instead: a
          // request logger per POST (its child logger, its serialised request) is CPU on the
          // ingest's hot path; what goes wrong there is logged by the route itself.
          exclude: [
            { method: RequestMethod.ALL, path: 'health/*path' },
            { method: RequestMethod.ALL, path: 'metrics' },
            { method: RequestMethod.POST, path: 'webhooks/*path' },
          ],
        }),
      ],
      exports: [PinoLoggerModule],
    };
  }
}
