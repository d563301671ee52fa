import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Template management operations (sync, create, delete): the request stores one and
 * answers 202, a worker calls Graph and writes the outcome here. The partial unique
 * index keeps at most one sync queued or running per tenant environment, whatever
 * the number of gateways asking at once.
 */
export class CreateTemplateOperations1732431100000 implements MigrationInterface {
  name = 'CreateTemplateOperations1732431100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE template_operations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        kind varchar(8) NOT NULL CHECK (kind IN ('sync', 'create', 'delete')),
        state varchar(10) NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
        waba_id varchar(32) CHECK (waba_id ~ '^[0-9]{1,32}$'),
        template_name varchar(512) CHECK (template_name ~ '^[a-z0-9_]+$'),
        language varchar(16),
        input jsonb,
        result jsonb,
        error_code varchar(64),
        error_message text,
        error_meta jsonb,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT template_operations_error_pair CHECK ((state = 'failed') = (error_code IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX template_operations_one_active_sync ON template_operations (tenant_id, environment) WHERE kind = 'sync' AND state IN ('queued', 'running')`,
    );
    // The pending count per scope (the per-environment cap) and the sweep of unfinished operations.
    await queryRunner.query(`CREATE INDEX template_operations_unfinished_idx ON template_operations (tenant_id, environment, updated_at) WHERE state IN ('queued', 'running')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE template_operations`);
  }
}
