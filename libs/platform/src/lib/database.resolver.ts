import { ensureEmbeddedPostgres, type EmbeddedPostgres } from '@switchboard/persistence';
import type { CoreEnv, DatabaseEnv } from '@switchboard/config';

export interface ResolvedDatabase {
  url: string;
  embedded?: EmbeddedPostgres;
}

/** DATABASE_URL when set; otherwise the development-only embedded Postgres. */
export async function resolveDatabase(config: DatabaseEnv & CoreEnv): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  if (config.NODE_ENV === 'production') {
    throw new Error('DATABASE_URL is required when NODE_ENV=production (the embedded Postgres is for development only)');
  }
  const embedded = await ensureEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_POSTGRES_PORT });
  return { url: embedded.url, embedded };
}
