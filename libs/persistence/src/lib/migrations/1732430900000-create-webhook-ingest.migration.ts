import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook ingest (@switchboard/webhook-ingest) and what processing writes:
 * - webhook_inbox: every signed payload, as the exact bytes received, stored before the
 *   200; processing marks it processed, unparseable or failed (bounded attempts).
 * - webhook_event_keys: one stable key per processed change item (message id, status id +
 *   status, template event ...), kept more than 7 days because Meta redelivers for 7 days.
 * - pending_statuses: a status for a message not known yet (by id or wamid), applied
 *   when the message appears.
 * - contacts (known by wa_id, by business-scoped user id, or both) and inbound_messages.
 */
export class CreateWebhookIngest1732430900000 implements MigrationInterface {
  name = 'CreateWebhookIngest1732430900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_inbox (
        id bigserial PRIMARY KEY,
        app_id varchar(32) NOT NULL,
        body bytea NOT NULL,
        state varchar(12) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processed', 'unparseable', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX webhook_inbox_pending_idx ON webhook_inbox (received_at) WHERE state = 'pending'`);
    await queryRunner.query(`CREATE INDEX webhook_inbox_received_idx ON webhook_inbox (received_at)`);

    await queryRunner.query(`
      CREATE TABLE webhook_event_keys (
        key varchar(200) PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX webhook_event_keys_created_idx ON webhook_event_keys (created_at)`);

    await queryRunner.query(`
      CREATE TABLE pending_statuses (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        wamid varchar(255) NOT NULL,
        message_id varchar(40),
        status varchar(16) NOT NULL,
        at timestamptz NOT NULL,
        update jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX pending_statuses_wamid_idx ON pending_statuses (wamid)`);
    await queryRunner.query(`CREATE INDEX pending_statuses_message_idx ON pending_statuses (message_id) WHERE message_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX pending_statuses_created_idx ON pending_statuses (created_at)`);

    await queryRunner.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        wa_id varchar(20) CHECK (wa_id ~ '^[0-9]{4,20}$'),
        user_id varchar(128),
        profile_name varchar(256),
        last_inbound_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contacts_known_by CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX contacts_wa_id_key ON contacts (tenant_id, environment, wa_id) WHERE wa_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX contacts_user_id_key ON contacts (tenant_id, environment, user_id) WHERE user_id IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE inbound_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        phone_number_id varchar(32) NOT NULL,
        wamid varchar(255) NOT NULL,
        contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
        from_wa_id varchar(20),
        from_user_id varchar(128),
        type varchar(32) NOT NULL,
        context_wamid varchar(255),
        payload jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
        sent_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inbound_messages_wamid_key UNIQUE (wamid)
      )`);
    await queryRunner.query(`CREATE INDEX inbound_messages_scope_idx ON inbound_messages (tenant_id, environment, sent_at DESC)`);
    await queryRunner.query(`CREATE INDEX inbound_messages_contact_idx ON inbound_messages (contact_id, sent_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbound_messages`);
    await queryRunner.query(`DROP TABLE contacts`);
    await queryRunner.query(`DROP TABLE pending_statuses`);
    await queryRunner.query(`DROP TABLE webhook_event_keys`);
    await queryRunner.query(`DROP TABLE webhook_inbox`);
  }
}
