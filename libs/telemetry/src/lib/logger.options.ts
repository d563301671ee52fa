import type { LoggerOptions } from 'pino';
import { REDACTED_LOG_PATHS, redactSecretFields } from './log-redaction';
import { traceLogFields } from './trace-context';
import { REDACTED } from './url-redaction';

export interface LoggerSettings {
  level: string;
  service: string;
  /** Fields for every line written inside a request (request id, tenant, environment), from the caller's context. */
  contextFields?: () => Record<string, unknown>;
}

/** pino's options for every app: JSON lines with service and trace ids, secrets censored. */
export function loggerOptions(settings: LoggerSettings): LoggerOptions {
  return {
    level: settings.level,
    base: { service: settings.service },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED },
    // The paths above match one level; this censors the same names at any depth.
    formatters: { log: (object) => redactSecretFields(object) },
    mixin: () => ({ ...traceLogFields(), ...settings.contextFields?.() }),
  };
}
