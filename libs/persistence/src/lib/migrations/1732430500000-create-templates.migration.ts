import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The template registry (@switchboard/template-registry): every message template of
 * every WABA of a tenant environment, as Graph lists it, plus what the gateway derives
 * (the placeholder map) and owns (the backup template). `waba_id` is Meta's id, not a
 * reference to the accounts tables: the registry does not know how WABAs are stored.
 * Names and languages are unique per WABA, as on Meta. (Postgres regexes allow at most
 * 255 repetitions, so the 512-character bound is the varchar's.)
 */
export class CreateTemplates1732430500000 implements MigrationInterface {
  name = 'CreateTemplates1732430500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        waba_id varchar(32) NOT NULL CHECK (waba_id ~ '^[0-9]{1,32}$'),
        meta_template_id varchar(32) NOT NULL CHECK (meta_template_id ~ '^[0-9]{1,32}$'),
        name varchar(512) NOT NULL CHECK (name ~ '^[a-z0-9_]+$'),
        language varchar(16) NOT NULL CHECK (char_length(language) BETWEEN 2 AND 16),
        category varchar(32) NOT NULL,
        status varchar(32) NOT NULL,
        rejection_reason text,
        quality_score varchar(16),
        parameter_format varchar(16) NOT NULL CHECK (parameter_format IN ('POSITIONAL', 'NAMED')),
        components jsonb NOT NULL CHECK (jsonb_typeof(components) = 'array'),
        placeholder_map jsonb NOT NULL CHECK (jsonb_typeof(placeholder_map) = 'object'),
        backup_template_name varchar(512) CHECK (backup_template_name ~ '^[a-z0-9_]+$'),
        backup_language varchar(16),
        status_detail jsonb,
        status_event_at timestamptz,
        category_change jsonb,
        last_synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT templates_backup_pair CHECK ((backup_template_name IS NULL) = (backup_language IS NULL)),
        CONSTRAINT templates_scope_name_language_key UNIQUE (tenant_id, environment, waba_id, name, language)
      )`);
    // Webhooks name templates by Meta id; pre-send and the REST filters by status.
    await queryRunner.query(`CREATE INDEX templates_meta_id_idx ON templates (tenant_id, environment, waba_id, meta_template_id)`);
    await queryRunner.query(`CREATE INDEX templates_scope_status_idx ON templates (tenant_id, environment, status)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE templates`);
  }
}
