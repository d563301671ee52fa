import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { PGliteSessionServer } from './pglite-session-server';

export interface EmbeddedPostgres {
  url: string;
  /** False when another process already serves the embedded database on that port. */
  ownedByThisProcess: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  host?: string;
}

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Development convenience (DATABASE_URL unset): PGlite behind a wire-protocol server, so
 * `pg` and TypeORM talk to it as to any Postgres. The first process to need it serves
 * it; others (gateway and worker under `npm start`) connect to the same port. PGlite
 * has one backend session, so connections take turns at it a whole unit of work at a
 * time (see PGliteSessionServer). Never for production: use DATABASE_URL.
 */
export async function ensureEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const url = `postgres://postgres@${host}:${options.port}/postgres?sslmode=disable`;
  if (await isListening(host, options.port)) {
    return { url, ownedByThisProcess: false, stop: async () => undefined };
  }
  const dataPath = resolve(join(options.dataDir, 'pglite'));
  await mkdir(dataPath, { recursive: true });
  // Loaded lazily: the WASM bundle is large and only development needs it.
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataPath);
  const server = new PGliteSessionServer(db);
  await server.listen(options.port, host);
  return {
    url,
    ownedByThisProcess: true,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
