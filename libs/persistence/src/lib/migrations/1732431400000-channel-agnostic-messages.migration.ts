import type { MigrationInterface, QueryRunner } from 'typeorm';

const WHATSAPP_ALIASES: readonly (readonly [alias: string, column: string, type: string])[] = [
  ['phone_number_id', 'sender', 'varchar(64)'],
  ['waba_id', 'account_id', 'varchar(64)'],
  ['to_wa_id', 'recipient', 'varchar(64)'],
  ['wamid', 'provider_message_id', 'varchar(255)'],
];

/**
 * Messages of any channel. Each message carries its `channel` and generic sender, account,
 * recipient and provider-message-id columns (the WhatsApp ones renamed, so existing rows and
 * their indexes carry over). The WhatsApp names stay as columns kept equal to the generic
 * ones on WhatsApp rows (null on others) by a trigger, so reports and tools that read or
 * write `wamid`, `phone_number_id`, `waba_id` or `to_wa_id` keep working. The timeline names the channel and the route step
 * of each event (a fallback's second channel is step 1). Suppressions may be limited to one
 * channel (an SMS STOP is no WhatsApp opt-out); existing ones keep applying to every channel.
 * Channel connections hold a non-WhatsApp channel's per-environment configuration; its
 * credentials live in the vault. A fallback policy is an environment's default route
 * across channels.
 */
export class ChannelAgnosticMessages1732431400000 implements MigrationInterface {
  name = 'ChannelAgnosticMessages1732431400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE messages
        DROP CONSTRAINT IF EXISTS messages_phone_number_id_check,
        DROP CONSTRAINT IF EXISTS messages_waba_id_check,
        DROP CONSTRAINT IF EXISTS messages_to_wa_id_check,
        ADD COLUMN channel varchar(32) NOT NULL DEFAULT 'whatsapp' CHECK (channel ~ '^[a-z][a-z0-9-]{0,31}$'),
        ADD COLUMN route_step integer NOT NULL DEFAULT 0 CHECK (route_step >= 0),
        ADD COLUMN route jsonb,
        ADD COLUMN fallback_due_at timestamptz`);
    for (const [alias, column, type] of WHATSAPP_ALIASES) {
      await queryRunner.query(`ALTER TABLE messages RENAME COLUMN ${alias} TO ${column}`);
      await queryRunner.query(`ALTER TABLE messages ALTER COLUMN ${column} TYPE ${type}`);
      await queryRunner.query(`ALTER TABLE messages ADD COLUMN ${alias} ${type}`);
      await queryRunner.query(`UPDATE messages SET ${alias} = ${column}`);
    }
    await queryRunner.query(`ALTER TABLE messages ALTER COLUMN account_id DROP NOT NULL`);
    // A write through either name lands in both; a row of another channel has no WhatsApp names.
    const adopt = WHATSAPP_ALIASES.map(([alias, column]) =>
      `IF TG_OP = 'INSERT' THEN NEW.${column} := COALESCE(NEW.${column}, NEW.${alias});
       ELSIF NEW.${alias} IS DISTINCT FROM OLD.${alias} THEN NEW.${column} := NEW.${alias}; END IF;`,
    ).join('\n');
    const mirror = WHATSAPP_ALIASES.map(([alias, column]) => `NEW.${alias} := CASE WHEN NEW.channel = 'whatsapp' THEN NEW.${column} END;`).join('\n');
    await queryRunner.query(`
      CREATE FUNCTION messages_whatsapp_names() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${adopt}
        ${mirror}
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER messages_whatsapp_names BEFORE INSERT OR UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION messages_whatsapp_names()`);
    await queryRunner.query(`ALTER INDEX messages_wamid_key RENAME TO messages_provider_message_id_key`);
    await queryRunner.query(`ALTER INDEX messages_scope_to_idx RENAME TO messages_scope_recipient_idx`);
    await queryRunner.query(`CREATE INDEX messages_fallback_due_idx ON messages (fallback_due_at) WHERE fallback_due_at IS NOT NULL`);

    await queryRunner.query(`
      ALTER TABLE message_events
        ADD COLUMN channel varchar(32) NOT NULL DEFAULT 'whatsapp',
        ADD COLUMN route_step integer NOT NULL DEFAULT 0`);

    await queryRunner.query(`ALTER TABLE pending_statuses ADD COLUMN channel varchar(32) NOT NULL DEFAULT 'whatsapp'`);
    await queryRunner.query(`ALTER TABLE pending_statuses RENAME COLUMN wamid TO provider_message_id`);
    await queryRunner.query(
      `ALTER TABLE pending_statuses ADD COLUMN wamid varchar(255) GENERATED ALWAYS AS (CASE WHEN channel = 'whatsapp' THEN provider_message_id END) STORED`,
    );
    await queryRunner.query(`ALTER INDEX pending_statuses_wamid_idx RENAME TO pending_statuses_provider_message_idx`);

    await queryRunner.query(`
      ALTER TABLE suppressions
        ADD COLUMN channel varchar(32),
        DROP CONSTRAINT suppressions_key,
        ADD CONSTRAINT suppressions_key UNIQUE NULLS NOT DISTINCT (tenant_id, environment, wa_id, channel)`);

    await queryRunner.query(`
      CREATE TABLE channel_connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        channel varchar(32) NOT NULL CHECK (channel ~ '^[a-z][a-z0-9-]{0,31}$'),
        name varchar(100),
        senders text[] NOT NULL DEFAULT '{}',
        paused_at timestamptz,
        paused_reason varchar(500),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX channel_connections_scope_idx ON channel_connections (tenant_id, environment, channel)`);

    await queryRunner.query(`
      CREATE TABLE fallback_policies (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        environment varchar(4) NOT NULL CHECK (environment IN ('live', 'test')),
        steps jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, environment)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE fallback_policies`);
    await queryRunner.query(`DROP TABLE channel_connections`);
    await queryRunner.query(`DELETE FROM suppressions WHERE channel IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE suppressions DROP CONSTRAINT suppressions_key, DROP COLUMN channel, ADD CONSTRAINT suppressions_key UNIQUE (tenant_id, environment, wa_id)`);
    await queryRunner.query(`ALTER INDEX pending_statuses_provider_message_idx RENAME TO pending_statuses_wamid_idx`);
    await queryRunner.query(`ALTER TABLE pending_statuses DROP COLUMN wamid`);
    await queryRunner.query(`ALTER TABLE pending_statuses RENAME COLUMN provider_message_id TO wamid`);
    await queryRunner.query(`ALTER TABLE pending_statuses DROP COLUMN channel`);
    await queryRunner.query(`ALTER TABLE message_events DROP COLUMN channel, DROP COLUMN route_step`);
    await queryRunner.query(`DELETE FROM messages WHERE channel <> 'whatsapp'`);
    await queryRunner.query(`DROP INDEX messages_fallback_due_idx`);
    await queryRunner.query(`ALTER INDEX messages_scope_recipient_idx RENAME TO messages_scope_to_idx`);
    await queryRunner.query(`ALTER INDEX messages_provider_message_id_key RENAME TO messages_wamid_key`);
    await queryRunner.query(`DROP TRIGGER messages_whatsapp_names ON messages`);
    await queryRunner.query(`DROP FUNCTION messages_whatsapp_names()`);
    for (const [alias, column] of WHATSAPP_ALIASES) {
      await queryRunner.query(`ALTER TABLE messages DROP COLUMN ${alias}`);
      await queryRunner.query(`ALTER TABLE messages RENAME COLUMN ${column} TO ${alias}`);
    }
    await queryRunner.query(`ALTER TABLE messages ALTER COLUMN waba_id SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN channel, DROP COLUMN route_step, DROP COLUMN route, DROP COLUMN fallback_due_at`);
  }
}
