import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbound message pipeline (@switchboard/messaging): messages (the row is the
 * truth; its BullMQ job only carries the id), their append-only status timeline, the
 * 24 h customer-service windows per number and contact, and the suppression list.
 * Message ids are ours (`msg_` + a ULID), so they sort by creation time and page by id.
 * The idempotency key is unique per tenant environment while it is set; a key older
 * than 24 h is cleared before it is reused.
 */
export class CreateMessages1732430600000 implements MigrationInterface {
  name = 'CreateMessages1732430600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messages (
        id varchar(40) PRIMARY KEY CHECK (id ~ '^msg_[0-9A-Z]{26}$'),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        phone_number_id varchar(32) NOT NULL CHECK (phone_number_id ~ '^[0-9]{1,32}$'),
        waba_id varchar(32) NOT NULL CHECK (waba_id ~ '^[0-9]{1,32}$'),
        to_wa_id varchar(20) NOT NULL CHECK (to_wa_id ~ '^[0-9]{4,20}$'),
        type varchar(16) NOT NULL,
        payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
        metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
        status varchar(16) NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        wamid varchar(255),
        error jsonb,
        template jsonb,
        idempotency_key varchar(255),
        request_hash char(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_idempotency_pair CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX messages_scope_id_idx ON messages (tenant_id, environment, id DESC)`);
    await queryRunner.query(`CREATE INDEX messages_scope_status_idx ON messages (tenant_id, environment, status, id DESC)`);
    await queryRunner.query(`CREATE INDEX messages_scope_to_idx ON messages (tenant_id, environment, to_wa_id, id DESC)`);
    await queryRunner.query(`CREATE UNIQUE INDEX messages_wamid_key ON messages (wamid) WHERE wamid IS NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_idempotency_key ON messages (tenant_id, environment, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE message_events (
        id bigserial PRIMARY KEY,
        message_id varchar(40) NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        status varchar(16) NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead')),
        at timestamptz NOT NULL DEFAULT now(),
        detail jsonb
      )`);
    await queryRunner.query(`CREATE INDEX message_events_message_idx ON message_events (message_id, at, id)`);
    // The timeline is append-only: history is evidence, never rewritten.
    await queryRunner.query(`
      CREATE FUNCTION message_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'message_events is append-only'; END $$`);
    await queryRunner.query(
      `CREATE TRIGGER message_events_no_update BEFORE UPDATE ON message_events FOR EACH ROW EXECUTE FUNCTION message_events_append_only()`,
    );

    await queryRunner.query(`
      CREATE TABLE conversation_windows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        phone_number_id varchar(32) NOT NULL CHECK (phone_number_id ~ '^[0-9]{1,32}$'),
        wa_id varchar(20) NOT NULL CHECK (wa_id ~ '^[0-9]{4,20}$'),
        last_inbound_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT conversation_windows_key UNIQUE (tenant_id, environment, phone_number_id, wa_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE suppressions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        wa_id varchar(20) NOT NULL CHECK (wa_id ~ '^[0-9]{4,20}$'),
        reason varchar(500),
        source varchar(16) NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'worker', 'webhook')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT suppressions_key UNIQUE (tenant_id, environment, wa_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE suppressions`);
    await queryRunner.query(`DROP TABLE conversation_windows`);
    await queryRunner.query(`DROP TABLE message_events`);
    await queryRunner.query(`DROP FUNCTION message_events_append_only()`);
    await queryRunner.query(`DROP TABLE messages`);
  }
}
