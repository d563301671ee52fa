import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..', '..');

export { freePort } from '@switchboard/testing';

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) and how long the exit took after the call. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | string; ms: number }>;
  exited(): Promise<number | string>;
}

/**
 * Starts `node <script> [...args]` from the repo root with exactly the given
 * environment. The built apps default to production; tests run them as development
 * (generated keys, the printed operator key) unless they say otherwise, and a test
 * removes a variable by passing it as undefined. Development-only state goes to a
 * temporary DATA_DIR unless the test names one, never into the checkout.
 */
export function startNode(script: string, env: Record<string, string | undefined>, args: string[] = []): RunningProcess {
  const merged: Record<string, string | undefined> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmpdir(),
    DATA_DIR: join(tmpdir(), `switchboard-e2e-${process.pid}`),
    NODE_ENV: 'development',
    ...env,
  };
  const child = spawn(process.execPath, [join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env: Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    output: () => output,
    exited: () => exit,
    stop: async (signal = 'SIGINT') => {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exit;
      return { code, ms: Date.now() - started };
    },
  };
}

/**
 * Polls a URL until it answers with the wanted status (any 2xx by default). The default wait
 * covers an app booting while another spec installs and builds a fresh clone beside it on the
 * same two cores (the sandbox spec), which took a gateway past 30 s. Given the process that
 * should answer, it fails as soon as that process exits, and every failure ends with the
 * process's last output: a test that cannot start its app says why.
 */
export async function waitFor(
  url: string,
  { timeoutMs = 90_000, status, app }: { timeoutMs?: number; status?: number; app?: RunningProcess } = {},
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  const failure = (reason: string) =>
    new Error(app ? `${url} ${reason}; the process's last output:\n${app.output().slice(-4_000)}` : `${url} ${reason}`);
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (status === undefined ? response.ok : response.status === status) return response;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    const exit = app?.child.exitCode ?? app?.child.signalCode;
    if (exit !== null && exit !== undefined) throw failure(`did not answer: the process exited (${exit})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw failure(`did not answer as expected within ${timeoutMs} ms (last: ${last})`);
}
