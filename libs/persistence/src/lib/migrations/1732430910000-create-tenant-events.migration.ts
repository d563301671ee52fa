import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenant event callbacks (@switchboard/tenant-events): each tenant environment's endpoints
 * (the signing secret lives in the vault), and one delivery row per event and endpoint,
 * retried with backoff for 24 h, then `dead` until replayed.
 */
export class CreateTenantEvents1732430910000 implements MigrationInterface {
  name = 'CreateTenantEvents1732430910000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE event_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        url varchar(2000) NOT NULL CHECK (url ~ '^https?://'),
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        description varchar(200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX event_endpoints_scope_idx ON event_endpoints (tenant_id, environment)`);
    await queryRunner.query(`
      CREATE TABLE event_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES event_endpoints(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        event_id uuid NOT NULL,
        type varchar(40) NOT NULL,
        payload jsonb NOT NULL,
        state varchar(12) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        replays integer NOT NULL DEFAULT 0 CHECK (replays >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX event_deliveries_due_idx ON event_deliveries (next_attempt_at) WHERE state = 'pending'`);
    await queryRunner.query(`CREATE INDEX event_deliveries_endpoint_idx ON event_deliveries (endpoint_id, state, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE event_deliveries`);
    await queryRunner.query(`DROP TABLE event_endpoints`);
  }
}
