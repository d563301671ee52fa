import { cpus, loadavg, platform, release, totalmem } from 'node:os';

/** One line describing this machine, for RESULTS.md. */
export function machineLine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
}

/** The 1/5/15 min load average, as the benchmarks record it (other agents share the machine). */
export function loadLine(load: number[] = loadavg()): string {
  return load.map((l) => l.toFixed(2)).join(' / ');
}
