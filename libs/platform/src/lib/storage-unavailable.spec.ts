import { createTestDatabase, freePort, type TestDatabase } from '@switchboard/testing';
import { Client } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { isStorageUnavailable } from './storage-unavailable';

const caught = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

describe('isStorageUnavailable (real Postgres errors)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('storage_unavailable');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('is true for a refused connection', async () => {
    const port = await freePort();
    const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    expect(isStorageUnavailable(await caught(() => client.connect()))).toBe(true);
  });

  it('is true for a connection the server ends mid-session (57P01), also through a TypeORM DataSource', async () => {
    const dataSource = new DataSource({ type: 'postgres', url: database.url, poolSize: 1 });
    await dataSource.initialize();
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      const [{ pid }] = (await dataSource.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
      const running = caught(() => dataSource.query('SELECT pg_sleep(5)'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(isStorageUnavailable(await running)).toBe(true);
    } finally {
      await admin.end();
      await dataSource.destroy().catch(() => undefined);
    }
  });

  it('is true for a TypeORM transaction whose connection died and was released under it', async () => {
    const dataSource = new DataSource({ type: 'postgres', url: database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.release();
      expect(isStorageUnavailable(await caught(() => runner.query('SELECT 1')))).toBe(true);
    } finally {
      await dataSource.destroy();
    }
  });

  it('is false for errors that are ours to fix', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const syntax = await caught(() => client.query('SELEC 1'));
      expect(isStorageUnavailable(syntax)).toBe(false);
      expect(isStorageUnavailable(new QueryFailedError('SELECT 1/0', [], syntax as Error))).toBe(false);
    } finally {
      await client.end();
    }
    expect(isStorageUnavailable(new Error('boom'))).toBe(false);
    expect(isStorageUnavailable(undefined)).toBe(false);
  });
});
