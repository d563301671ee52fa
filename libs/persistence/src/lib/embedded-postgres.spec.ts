import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@switchboard/testing';
import { Client, Pool } from 'pg';
import { ensureEmbeddedPostgres } from './embedded-postgres';

/**
 * Serves the embedded Postgres from a child process, as the gateway does under `npm start`
 * (PGlite's WASM loader needs a dynamic import that jest's module registry refuses).
 */
function serveInChild(dataDir: string, port: number): Promise<ChildProcess> {
  const program = [
    `require('./embedded-postgres.ts').ensureEmbeddedPostgres(${JSON.stringify({ dataDir, port })})`,
    "  .then((embedded) => { process.stdout.write('ready\\n'); process.once('SIGTERM', () => embedded.stop().then(() => process.exit(0))); })",
    '  .catch((error) => { process.stderr.write(String(error)); process.exit(1); });',
  ].join('\n');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', program], { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the embedded Postgres exited (${code}): ${errors}`)));
  });
}

/**
 * Two processes' pools (gateway and worker) against the one embedded PGlite: transactions and
 * extended-protocol queries from many connections at once must each see only their own work.
 */
describe('ensureEmbeddedPostgres', () => {
  let dataDir: string;
  let server: ChildProcess;
  let url: string;
  let pools: [Pool, Pool];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-pglite-'));
    const port = await freePort();
    server = await serveInChild(dataDir, port);
    url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
    pools = [new Pool({ connectionString: url, max: 10 }), new Pool({ connectionString: url, max: 10 })];
    await pools[0].query('CREATE TABLE items (id int PRIMARY KEY, value int NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    await Promise.all((pools ?? []).map((pool) => pool.end()));
    if (server?.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the one another process already serves on that port', async () => {
    const found = await ensureEmbeddedPostgres({ dataDir, port: Number(new URL(url).port) });
    expect(found).toMatchObject({ url, ownedByThisProcess: false });
  });

  it('keeps concurrent transactions and parameterised queries of many connections apart', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 300 }, async (_, index) => {
        const pool = pools[index % 2 === 0 ? 0 : 1];
        if (index % 3 !== 0) {
          const { rows } = await pool.query<{ a: number; b: string }>('SELECT $1::int AS a, $2::text AS b', [index, `row ${index}`]);
          return rows[0]?.a === index && rows[0]?.b === `row ${index}`;
        }
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO items (id, value) VALUES ($1, $2)', [index, index * 2]);
          const { rows } = await client.query<{ value: number }>('SELECT value FROM items WHERE id = $1', [index]);
          await client.query('COMMIT');
          return rows[0]?.value === index * 2;
        } finally {
          client.release();
        }
      }),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(results.filter((result) => result.status === 'fulfilled' && !result.value)).toHaveLength(0);
    const { rows } = await pools[1].query<{ n: string }>('SELECT count(*) AS n FROM items');
    expect(Number(rows[0]?.n)).toBe(100);
  }, 60_000);

  it('rolls back the transaction of a connection that goes away in the middle of it, and serves the others on', async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO items (id, value) VALUES ($1, $2)', [10_000, 1]);
    const waiting = pools[0].query<{ n: string }>('SELECT count(*) AS n FROM items WHERE id = $1', [10_000]);
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    client.on('error', () => undefined);
    const { rows } = await waiting;
    expect(Number(rows[0]?.n)).toBe(0);
    expect((await pools[1].query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
