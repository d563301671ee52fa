import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `scheduled_at` (UTC) holds a message until its time; `retries` counts the retry
 * route's requeues, which gives each requeue its own job id (BullMQ keeps finished
 * jobs for a while, so re-adding the first id would be a no-op). The outbox sweep now
 * looks for rows that are due (scheduled time, else creation time), so scheduled
 * messages whose delayed job exists do not fill its batches.
 */
export class MessagesScheduleAndRetry1732430830000 implements MigrationInterface {
  name = 'MessagesScheduleAndRetry1732430830000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE messages
        ADD COLUMN scheduled_at timestamptz,
        ADD COLUMN retries integer NOT NULL DEFAULT 0 CONSTRAINT messages_retries_check CHECK (retries >= 0)`);
    await queryRunner.query(`DROP INDEX messages_queued_idx`);
    await queryRunner.query(`CREATE INDEX messages_queued_due_idx ON messages ((coalesce(scheduled_at, created_at))) WHERE status = 'queued'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_queued_due_idx`);
    await queryRunner.query(`CREATE INDEX messages_queued_idx ON messages (created_at) WHERE status = 'queued'`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN retries, DROP COLUMN scheduled_at`);
  }
}
