import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appNode } from './machine';

function ownStats(pid: number): { rssMiB: number; peakMiB: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024, cpuS: (Number(stat[11] ?? 0) + Number(stat[12] ?? 0)) / 100 };
}

/** The live child processes of `pid` (a gateway's GATEWAY_PROCESSES), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Resident set now and its high-water mark (VmHWM), and CPU seconds, from /proc (Linux): of
 * the process and its children together (a gateway running several processes), the memory
 * figures of the largest one (the targets are per process), the CPU summed.
 */
export function processStats(pid: number): { rssMiB: number; peakMiB: number; cpuS: number } {
  const all = [pid, ...childrenOf(pid)].flatMap((one) => {
    try {
      return [ownStats(one)];
    } catch {
      return [];
    }
  });
  return {
    rssMiB: Math.max(0, ...all.map((one) => one.rssMiB)),
    peakMiB: Math.max(0, ...all.map((one) => one.peakMiB)),
    cpuS: all.reduce((sum, one) => sum + one.cpuS, 0),
  };
}

/** Polls until the URL answers 2xx. */
export async function waitReady(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${last})`);
}

/**
 * One built app (`node dist/apps/<name>/main.js`) as a child process with exactly the
 * given environment. Its peak RSS is sampled every 500 ms while it runs, so the figure
 * survives the process's exit; CPU seconds are read on demand.
 */
export class BenchProcess {
  readonly child: ChildProcess;
  private peak = 0;
  private lastCpuS = 0;
  private readonly sampler: NodeJS.Timeout;
  private readonly exit: Promise<void>;

  constructor(
    readonly name: string,
    /** Base URL of its HTTP server. */
    readonly url: string,
    script: string,
    env: Record<string, string>,
    cwd: string,
    execArgv: string[] = [],
  ) {
    this.child = spawn(appNode().path, [...execArgv, script], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    this.exit = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.once('exit', (code, signal) => {
      clearInterval(this.sampler);
      if (code !== 0 && signal === null) process.stderr.write(`${name} exited with ${String(code)}\n`);
    });
    this.sampler = setInterval(() => this.sample(), 500);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  /** Highest resident set seen, in MiB. */
  peakRssMiB(): number {
    this.sample();
    return this.peak;
  }

  cpuSeconds(): number {
    this.sample();
    return this.lastCpuS;
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    this.sample();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exit;
    clearTimeout(timer);
  }

  private sample(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    try {
      const stats = processStats(this.child.pid);
      this.peak = Math.max(this.peak, stats.peakMiB);
      this.lastCpuS = stats.cpuS;
    } catch {
      // exited between the check and the read
    }
  }
}
