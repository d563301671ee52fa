import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenant API keys. Only a SHA-256 of the key is stored (the keys carry 256 bits of
 * randomness, so a slow hash adds nothing); `lookup_prefix` finds the row without
 * scanning, and the hash is then compared in constant time.
 */
export class CreateApiKeys1732430100000 implements MigrationInterface {
  name = 'CreateApiKeys1732430100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        name varchar(100),
        lookup_prefix varchar(16) NOT NULL,
        key_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_lookup_prefix_key UNIQUE (lookup_prefix)
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, environment)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_keys`);
  }
}
