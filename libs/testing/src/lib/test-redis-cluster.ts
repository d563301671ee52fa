import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ephemeralPortStart, freePort, isPortFree } from './free-port';

const run = promisify(execFile);

export interface TestRedisCluster {
  /** `redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`: what REDIS_URL takes. */
  readonly url: string;
  readonly ports: readonly number[];
  /** Keys stored on each master (DBSIZE), in the order of `ports`. */
  keysPerMaster(): Promise<number[]>;
  /** The keys matching a glob on every master (SCAN MATCH). */
  keys(pattern: string): Promise<string[]>;
  /** Kills the servers and removes their files. */
  close(): Promise<void>;
}

const MASTERS = 3;
// A node also listens on its port + 10000 (the cluster bus); both stay below the ephemeral range.
const BUS_OFFSET = 10_000;

/**
 * A Redis Cluster of the test's own: three masters without replicas on loopback, no
 * persistence, their files in a temporary directory. Needs redis-server and redis-cli
 * on the PATH. Resolves once every slot is served (cluster_state:ok).
 */
export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-cluster-'));
  const servers: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(servers.map((server) => stopServer(server)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < MASTERS) {
      const port = await freePort(
        async (candidate) => !ports.includes(candidate) && (await isPortFree(candidate + BUS_OFFSET)),
        ephemeralPortStart() - BUS_OFFSET,
      );
      ports.push(port);
    }
    for (const port of ports) servers.push(startServer(port, dir));
    for (const port of ports) await waitUntil(async () => (await cli(port, 'PING')) === 'PONG', `redis-server on ${port} did not start`);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await waitUntil(async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), `the cluster node on ${port} did not reach cluster_state:ok`);
    }
    return {
      url: `redis-cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
      ports,
      keysPerMaster: () => Promise.all(ports.map(async (port) => Number(await cli(port, 'DBSIZE')))),
      keys: async (pattern) => {
        const found = await Promise.all(ports.map((port) => cli(port, '--scan', '--pattern', pattern)));
        return found.flatMap((lines) => lines.split('\n')).filter((key) => key.length > 0);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function startServer(port: number, dir: string): ChildProcess {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--cluster-enabled', 'yes',
    '--cluster-config-file', join(dir, `nodes-${port}.conf`),
    '--dir', dir,
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--protected-mode', 'no',
  ];
  return spawn('redis-server', args, { stdio: 'ignore' });
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

async function cli(port: number, ...command: string[]): Promise<string> {
  try {
    return (await run('redis-cli', ['-p', String(port), ...command])).stdout.trim();
  } catch {
    return '';
  }
}

async function waitUntil(check: () => Promise<boolean>, failure: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
