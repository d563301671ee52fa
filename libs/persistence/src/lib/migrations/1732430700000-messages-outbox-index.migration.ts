import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox sweep reads queued messages of every tenant, oldest first: a small partial index. */
export class MessagesOutboxIndex1732430700000 implements MigrationInterface {
  name = 'MessagesOutboxIndex1732430700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX messages_queued_idx ON messages (created_at) WHERE status = 'queued'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_queued_idx`);
  }
}
