import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** Above this 1-minute load average at the start, a run is not comparable with others. */
export const COMPARABLE_LOAD = 1.5;

const repoRoot = join(__dirname, '..', '..');
const dockerfile = (): string => readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');

/** One line describing this machine and the Node the apps ran on, for RESULTS.md. */
export function machineLine(): string {
  const node = appNode();
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}, apps on Node ${node.version} (${node.note}), the benchmark process on Node ${process.version}`;
}

export interface AppNode {
  /** The node binary the benchmarks start the apps with. */
  readonly path: string;
  readonly version: string;
  /** Whether it is the image's Node line, and if not why. */
  readonly note: string;
}

let resolved: AppNode | undefined;

/**
 * The Node the image runs the apps on (the Dockerfile's `ARG NODE_VERSION`, a major line): this
 * process's own when it is of that line, else the newest of the line as CI fetches it
 * (`.ci/node-line`), so the figures are the deployed runtime's. Without it (offline) the apps run
 * on this process's Node and RESULTS.md says so.
 */
export function appNode(): AppNode {
  if (resolved) return resolved;
  const line = /^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile())?.[1];
  if (!line) throw new Error('the Dockerfile names no NODE_VERSION line');
  const own = { path: process.execPath, version: process.version };
  if (process.version.startsWith(`v${line}.`)) return (resolved = { ...own, note: `the image's line ${line}` });
  try {
    const bin = execFileSync(join(repoRoot, '.ci', 'node-line'), [line], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1) ?? '';
    const path = join(bin, 'node');
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    return (resolved = { path, version, note: `the image's line ${line}` });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return (resolved = { ...own, note: `**not the image's line ${line}**, which could not be fetched: ${reason}` });
  }
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
  const options = /^ENV NODE_OPTIONS="([^"]+)"$/m.exec(dockerfile())?.[1];
  if (!options) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return options;
}
