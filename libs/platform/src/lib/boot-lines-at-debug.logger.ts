import type { LoggerService } from '@nestjs/common';

/**
 * Nest's own start-up chatter: one line per module ("InstanceLoader") and per route
 * ("RoutesResolver", "RouterExplorer"), about a hundred lines a boot.
 */
export const NEST_BOOT_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'GraphQLModule',
  'NestApplication',
]);

/** Nest passes the context as the last optional parameter. */
function contextOf(optionalParams: unknown[]): string | undefined {
  const last = optionalParams[optionalParams.length - 1];
  return typeof last === 'string' ? last : undefined;
}

/**
 * Wraps a logger so Nest's boot lines are logged at debug instead of info: a person
 * reading a development terminal sees the app's own lines, and `LOG_LEVEL=debug`
 * brings the route map back.
 */
export function bootLinesAtDebug(logger: LoggerService): LoggerService {
  return {
    log: (message: unknown, ...optionalParams: unknown[]) => {
      const context = contextOf(optionalParams);
      if (context && NEST_BOOT_CONTEXTS.has(context) && logger.debug) logger.debug(message, ...optionalParams);
      else logger.log(message, ...optionalParams);
    },
    error: (message: unknown, ...optionalParams: unknown[]) => logger.error(message, ...optionalParams),
    warn: (message: unknown, ...optionalParams: unknown[]) => logger.warn(message, ...optionalParams),
    debug: (message: unknown, ...optionalParams: unknown[]) => logger.debug?.(message, ...optionalParams),
    verbose: (message: unknown, ...optionalParams: unknown[]) => logger.verbose?.(message, ...optionalParams),
    fatal: (message: unknown, ...optionalParams: unknown[]) => logger.fatal?.(message, ...optionalParams),
  };
}
