import { performance } from 'node:perf_hooks';

export interface PhaseStats {
  readonly label: string;
  readonly sends: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  readonly sendsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time of this (load-generating) process per successful send. */
  readonly cpuMicrosPerSend: number;
}

/**
 * Runs `attempt` from `concurrency` loops until `durationMs` elapses. `attempt`
 * resolves to undefined on success or a failure label; it must not throw.
 */
export async function runPhase(
  label: string,
  durationMs: number,
  concurrency: number,
  attempt: () => Promise<string | undefined>,
): Promise<PhaseStats> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let sends = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;

  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const failure = await attempt();
      if (failure === undefined) {
        sends++;
        latencies.push(performance.now() - t0);
      } else {
        failures[failure] = (failures[failure] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));

  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : 0);
  return {
    label,
    sends,
    failures,
    elapsedMs,
    sendsPerSecond: sends / (elapsedMs / 1000),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    cpuMicrosPerSend: sends ? (cpu.user + cpu.system) / sends : 0,
  };
}
