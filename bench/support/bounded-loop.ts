import { performance } from 'node:perf_hooks';

export interface LoopStats {
  done: number;
  failures: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const percentile = (sorted: number[], p: number): number => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) : 0);

/**
 * Runs attempt(0 .. count-1), at most `concurrency` at a time. `attempt` resolves to
 * undefined on success or a failure label; it must not throw. With `perSecond`, attempt n
 * starts no sooner than n / perSecond seconds after the first (an open-loop offered rate,
 * as clients send, within the concurrency bound), and its latency counts from that moment, so
 * time spent waiting for a slot while the server stalls is counted, not omitted; without,
 * each starts when a slot frees and its latency counts from then.
 */
export async function runBounded(count: number, concurrency: number, attempt: (n: number) => Promise<string | undefined>, perSecond?: number): Promise<LoopStats> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      const scheduled = perSecond === undefined ? undefined : started + (n * 1000) / perSecond;
      const due = scheduled === undefined ? 0 : scheduled - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      const t0 = scheduled ?? performance.now();
      const failure = await attempt(n);
      if (failure === undefined) latencies.push(performance.now() - t0);
      else failures[failure] = (failures[failure] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { done: latencies.length, failures, elapsedMs, perSecond: latencies.length / (elapsedMs / 1000), p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), maxMs: latencies.at(-1) ?? 0 };
}
