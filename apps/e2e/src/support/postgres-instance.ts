import { execFile, execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '@switchboard/testing';

const run = promisify(execFile);

export interface PostgresInstance {
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown: open connections are cut, as in a failover or a restart of the server. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The newest installed server's binaries (Debian keeps them out of PATH), else PATH's (an empty directory joins to the bare name). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  return '';
}

/** initdb and postgres refuse to run as root: as root the cluster belongs to the `postgres` user. */
function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary directory, a free
 * port, its socket in that directory): a fault test stops and restarts it without
 * touching the shared server other test files use at the same time.
 */
export async function startPostgresInstance(): Promise<PostgresInstance> {
  const bin = binDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pg-'));
  const data = join(dir, 'data');
  const as = owner();
  if (as) chownSync(dir, as.uid, as.gid);
  const options = {
    ...(as ?? {}),
    env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C' },
  };
  const pgCtl = (...args: string[]) =>
    run(join(bin, 'pg_ctl'), ['-D', data, ...args], options);
  const url = (database: string) =>
    `postgres://postgres@127.0.0.1:${port}/${database}`;

  await run(
    join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'],
    options,
  );
  // fsync off: the tests restart the server cleanly, never the machine, and it saves the shared disk.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = async () => {
    await pgCtl(
      '-o',
      serverOptions,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    );
  };
  await start();

  return {
    createDatabase: async (name: string) => {
      const admin = new Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    stop: async () => {
      await pgCtl('-m', 'fast', '-w', '-t', '30', 'stop');
    },
    start,
    close: async () => {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
