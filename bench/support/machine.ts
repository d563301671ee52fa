import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** Above this 1-minute load average at the start, a run is not comparable with others. */
export const COMPARABLE_LOAD = 1.5;

/** One line describing this machine, for RESULTS.md. */
export function machineLine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
}

/** The 1/5/15 min load average, as the benchmarks record it (other agents share the machine). */
export function loadLine(load: number[] = loadavg()): string {
  return load.map((l) => l.toFixed(2)).join(' / ');
}

/** What RESULTS.md says about a run that started at `load`: comparable, or why not. */
export function comparability(load: number[]): string {
  const first = load[0] ?? 0;
  return first < COMPARABLE_LOAD
    ? `comparable (1-minute load ${first.toFixed(2)} < ${COMPARABLE_LOAD} at the start)`
    : `**not comparable**: the 1-minute load was ${first.toFixed(2)} (>= ${COMPARABLE_LOAD}) at the start, other work shared the cores`;
}

/**
 * NODE_OPTIONS as the image runs every app (the Dockerfile's `ENV NODE_OPTIONS=...`): the
 * benchmarks start the built apps with it, so they measure what is deployed.
 */
export function deployedNodeOptions(): string {
  const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
  const options = /^ENV NODE_OPTIONS="([^"]+)"$/m.exec(dockerfile)?.[1];
  if (!options) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return options;
}
