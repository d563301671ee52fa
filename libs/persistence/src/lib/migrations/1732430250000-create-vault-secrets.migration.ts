import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Envelope-encrypted secrets of @switchboard/token-vault (Meta access tokens, app
 * secrets, verify tokens). Nothing here is readable without the master key: the
 * secret is sealed with a per-row data key, and that key is wrapped by the master key
 * named in `master_key_id`. Both layers authenticate the scope columns (tenant,
 * environment, purpose, owner_ref), so a row copied to another scope fails to decrypt.
 * `updated_at` is when the value was last put; `rotated_at` when its data key was last
 * re-wrapped under a new master key (null until the first rotation).
 * The length checks reject truncated or padded crypto material before it is ever read.
 */
export class CreateVaultSecrets1732430250000 implements MigrationInterface {
  name = 'CreateVaultSecrets1732430250000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE vault_secrets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment text NOT NULL CHECK (environment IN ('live', 'test')),
        purpose text NOT NULL CHECK (purpose ~ '^[a-z][a-z0-9_]{0,62}$'),
        owner_ref text NOT NULL CHECK (char_length(owner_ref) BETWEEN 1 AND 200),
        master_key_id text NOT NULL CHECK (master_key_id ~ '^[0-9a-f]{8}$'),
        wrapped_key bytea NOT NULL CHECK (octet_length(wrapped_key) = 32),
        wrap_iv bytea NOT NULL CHECK (octet_length(wrap_iv) = 12),
        wrap_tag bytea NOT NULL CHECK (octet_length(wrap_tag) = 16),
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL CHECK (octet_length(iv) = 12),
        tag bytea NOT NULL CHECK (octet_length(tag) = 16),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz,
        CONSTRAINT vault_secrets_scope_key UNIQUE (tenant_id, environment, purpose, owner_ref)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE vault_secrets`);
  }
}
