import type { Options } from 'pino-http';
import { REDACTED_LOG_PATHS, redactSecretFields } from './log-redaction';
import { redactRequestLog } from './request-log.serializer';
import { traceLogFields } from './trace-context';
import { REDACTED } from './url-redaction';

export interface LoggerSettings {
  level: string;
  service: string;
  /** Request-scoped fields for every line (tenant, environment), from the caller's context. */
  contextFields?: () => Record<string, unknown>;
}

/** pino-http's options for every app: JSON lines with service and trace ids, secrets censored. */
export function loggerOptions(settings: LoggerSettings): Options {
  return {
    level: settings.level,
    base: { service: settings.service },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED },
    // The paths above match one level; this censors the same names at any depth.
    formatters: { log: (object) => redactSecretFields(object) },
    serializers: { req: redactRequestLog },
    mixin: () => ({ ...traceLogFields(), ...settings.contextFields?.() }),
  };
}
