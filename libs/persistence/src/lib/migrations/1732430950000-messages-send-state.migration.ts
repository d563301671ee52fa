import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the send worker needs to survive a crash or a timeout: when the last Graph call
 * started without a known outcome (reconciled through the status webhook before any
 * resend), and the send span's trace context, which webhook processing links back to.
 */
export class MessagesSendState1732430950000 implements MigrationInterface {
  name = 'MessagesSendState1732430950000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN attempt_started_at timestamptz NULL, ADD COLUMN send_traceparent varchar(64) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN attempt_started_at, DROP COLUMN send_traceparent`);
  }
}
