import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Meta side of a tenant: the Meta apps the operator registers (secrets in the
 * vault), each environment's Graph origin, WABAs with their token status (the token
 * itself is in the vault), and phone numbers with what Graph says about them.
 * WABA and phone-number ids are unique platform-wide: webhooks are routed by them.
 */
export class CreateWhatsappAccounts1732430300000 implements MigrationInterface {
  name = 'CreateWhatsappAccounts1732430300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_environments (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        graph_base_url text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, environment)
      )`);
    await queryRunner.query(`
      CREATE TABLE meta_apps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        app_id varchar(32) NOT NULL CHECK (app_id ~ '^[0-9]{1,32}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT meta_apps_app_id_key UNIQUE (app_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE wabas (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        waba_id varchar(32) NOT NULL CHECK (waba_id ~ '^[0-9]{1,32}$'),
        meta_app_id uuid NOT NULL REFERENCES meta_apps(id),
        token_status varchar(8) NOT NULL CHECK (token_status IN ('valid', 'expiring', 'expired', 'invalid')),
        token_expires_at timestamptz,
        token_scopes text[] NOT NULL DEFAULT '{}',
        token_checked_at timestamptz NOT NULL,
        token_problem text,
        subscribed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT wabas_waba_id_key UNIQUE (waba_id)
      )`);
    await queryRunner.query(`CREATE INDEX wabas_scope_idx ON wabas (tenant_id, environment)`);
    await queryRunner.query(`
      CREATE TABLE phone_numbers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        waba_ref uuid NOT NULL REFERENCES wabas(id) ON DELETE CASCADE,
        phone_number_id varchar(32) NOT NULL CHECK (phone_number_id ~ '^[0-9]{1,32}$'),
        display_phone_number varchar(32) NOT NULL,
        verified_name text,
        quality_rating varchar(16),
        status varchar(32),
        name_status varchar(32),
        code_verification_status varchar(32),
        messaging_limit varchar(32),
        throughput_level varchar(32),
        throughput_mps integer NOT NULL DEFAULT 80 CHECK (throughput_mps BETWEEN 1 AND 1000),
        registered_at timestamptz,
        synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT phone_numbers_phone_number_id_key UNIQUE (phone_number_id)
      )`);
    await queryRunner.query(`CREATE INDEX phone_numbers_scope_idx ON phone_numbers (tenant_id, environment)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE phone_numbers`);
    await queryRunner.query(`DROP TABLE wabas`);
    await queryRunner.query(`DROP TABLE meta_apps`);
    await queryRunner.query(`DROP TABLE tenant_environments`);
  }
}
