import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { REDACTED_LOG_PATHS } from './log-redaction';
import { traceLogFields } from './trace-context';

export interface LoggerSettings {
  level: string;
  service: string;
  /** Request-scoped fields for every line (tenant, environment), from the caller's context. */
  contextFields?: () => Record<string, unknown>;
}

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
          pinoHttp: {
            level: settings.level,
            base: { service: settings.service },
            redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
            mixin: () => ({ ...traceLogFields(), ...settings.contextFields?.() }),
          },
          // Probes and scrapes every few seconds would drown real traffic.
          exclude: [
            { method: RequestMethod.ALL, path: 'health/*path' },
            { method: RequestMethod.ALL, path: 'metrics' },
          ],
        }),
      ],
      exports: [PinoLoggerModule],
    };
  }
}
