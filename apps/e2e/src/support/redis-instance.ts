import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '@switchboard/testing';

export interface RedisInstance {
  readonly url: string;
  /** Runs one command on a short-lived connection of its own (CLIENT PAUSE, FLUSHALL, DBSIZE). */
  command(name: string, ...args: Array<string | number>): Promise<unknown>;
  /** Stops the server; `keepData` flushes its append-only file first (SIGTERM), else it is killed and its files removed. */
  stop(options: { keepData: boolean }): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port with its files in a temporary
 * directory: a fault test pauses, stops and wipes it without touching the shared
 * Redis other test files use at the same time.
 */
export async function startRedisInstance(): Promise<RedisInstance> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let output = '';

  const command = async (
    name: string,
    ...args: Array<string | number>
  ): Promise<unknown> => {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      disableClientInfo: true,
    });
    await client.connect();
    try {
      return await client.call(name, ...args);
    } finally {
      client.disconnect();
    }
  };

  const start = async (): Promise<void> => {
    output = '';
    // Append-only with fsync every second: a SIGTERM writes the file out, so a restart keeps every job.
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--protected-mode',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await command('PING')) === 'PONG') return;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `redis-server on ${port} did not start: ${output.slice(-2000)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stop = async ({ keepData }: { keepData: boolean }): Promise<void> => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(keepData ? 'SIGTERM' : 'SIGKILL');
    await exited;
    if (!keepData) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
    }
  };

  await start();
  return {
    url,
    command,
    stop,
    start,
    close: async () => {
      await stop({ keepData: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
