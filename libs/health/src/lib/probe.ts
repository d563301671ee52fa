import type { HealthIndicatorService } from '@nestjs/terminus';

/**
 * Runs one dependency check with a deadline and reports it under `key` with its
 * latency, or down with the reason. A readiness probe must answer even when a
 * dependency hangs instead of failing.
 */
export async function probe(
  health: HealthIndicatorService,
  key: string,
  timeoutMs: number,
  check: () => Promise<unknown>,
) {
  const indicator = health.check(key);
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return indicator.up({ latencyMs: Math.round(performance.now() - started) });
  } catch (error) {
    return indicator.down({ message: error instanceof Error ? error.message : String(error) });
  } finally {
    clearTimeout(timer);
  }
}
