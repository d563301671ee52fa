import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig, testEnvSchema } from '@switchboard/config';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A fresh database per call on the real server, so test files, and two whole runs,
 * never see each other's rows. Dropped with FORCE so a leaked pool cannot keep it.
 */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const { TEST_DATABASE_ADMIN_URL } = loadConfig(testEnvSchema);
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20);
  const name = `sb_${safeLabel}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlFor(TEST_DATABASE_ADMIN_URL, name),
    drop: async () => {
      const client = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
