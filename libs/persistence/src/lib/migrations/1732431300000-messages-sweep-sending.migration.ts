import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox sweep also re-drives `sending` rows left idle (their job lost, failed or
 * finished): a partial index on the time of their last step keeps that cheap. Rows the
 * retry route put back in `queued` while keeping the wamid of a send Meta reported
 * `failed` were never sent again (the send step skips rows with a wamid): the wamid is
 * cleared so the sweep sends them, and a `queued` event keeps it in the timeline.
 */
export class MessagesSweepSending1732431300000 implements MigrationInterface {
  name = 'MessagesSweepSending1732431300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX messages_sending_idle_idx ON messages (updated_at) WHERE status = 'sending'`);
    await queryRunner.query(`
      WITH repaired AS (
        UPDATE messages m SET wamid = NULL, attempt_started_at = NULL, updated_at = now()
          FROM messages old
         WHERE m.id = old.id AND m.status = 'queued' AND m.wamid IS NOT NULL
        RETURNING m.id, m.tenant_id, m.environment, m.retries, old.wamid)
      INSERT INTO message_events (message_id, tenant_id, environment, status, at, detail)
      SELECT id, tenant_id, environment, 'queued', now(), jsonb_build_object('retry', retries, 'previous', jsonb_build_object('status', 'queued', 'wamid', wamid))
        FROM repaired`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_sending_idle_idx`);
  }
}
