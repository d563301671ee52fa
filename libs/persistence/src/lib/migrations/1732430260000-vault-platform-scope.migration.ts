import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator-level secrets (a Meta app's secret and verify token) have no tenant: they
 * live under environment 'platform' with a NULL tenant. NULLS NOT DISTINCT keeps one
 * row per platform scope, as the unique constraint does for tenant scopes.
 */
export class VaultPlatformScope1732430260000 implements MigrationInterface {
  name = 'VaultPlatformScope1732430260000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE vault_secrets ALTER COLUMN tenant_id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE vault_secrets DROP CONSTRAINT vault_secrets_environment_check`);
    await queryRunner.query(`
      ALTER TABLE vault_secrets
        ADD CONSTRAINT vault_secrets_environment_check CHECK (environment IN ('live', 'test', 'platform')),
        ADD CONSTRAINT vault_secrets_platform_scope CHECK ((tenant_id IS NULL) = (environment = 'platform'))`);
    await queryRunner.query(`ALTER TABLE vault_secrets DROP CONSTRAINT vault_secrets_scope_key`);
    await queryRunner.query(`
      ALTER TABLE vault_secrets
        ADD CONSTRAINT vault_secrets_scope_key UNIQUE NULLS NOT DISTINCT (tenant_id, environment, purpose, owner_ref)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM vault_secrets WHERE tenant_id IS NULL`);
    await queryRunner.query(`ALTER TABLE vault_secrets DROP CONSTRAINT vault_secrets_scope_key`);
    await queryRunner.query(`ALTER TABLE vault_secrets ADD CONSTRAINT vault_secrets_scope_key UNIQUE (tenant_id, environment, purpose, owner_ref)`);
    await queryRunner.query(`ALTER TABLE vault_secrets DROP CONSTRAINT vault_secrets_platform_scope`);
    await queryRunner.query(`ALTER TABLE vault_secrets DROP CONSTRAINT vault_secrets_environment_check`);
    await queryRunner.query(`ALTER TABLE vault_secrets ADD CONSTRAINT vault_secrets_environment_check CHECK (environment IN ('live', 'test'))`);
    await queryRunner.query(`ALTER TABLE vault_secrets ALTER COLUMN tenant_id SET NOT NULL`);
  }
}
