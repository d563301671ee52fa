import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants (business units) are the root every tenant-owned row hangs from.
 * gen_random_uuid() is built into Postgres 13+, so no extension is needed
 * (extensions are not available in the embedded PGlite either).
 */
export class CreateTenants1732430000000 implements MigrationInterface {
  name = 'CreateTenants1732430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(63) NOT NULL,
        name varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_slug_key UNIQUE (slug),
        CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$')
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tenants`);
  }
}
