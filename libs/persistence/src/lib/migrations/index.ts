import { CreateTenants1732430000000 } from './1732430000000-create-tenants.migration';

/** Every migration, oldest first. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [CreateTenants1732430000000];
