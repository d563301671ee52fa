import { ConfigError } from '@switchboard/config';

/** Ends a process that could not start with one line on stderr and exit code 1. */
export function failStartup(service: string, error: unknown): never {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `[${service}] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
