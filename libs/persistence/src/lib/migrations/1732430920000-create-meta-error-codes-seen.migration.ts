import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Meta error codes this deployment has met (@switchboard/alerts): the first sighting of a code raises an alert. */
export class CreateMetaErrorCodesSeen1732430920000 implements MigrationInterface {
  name = 'CreateMetaErrorCodesSeen1732430920000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE meta_error_codes_seen (code integer PRIMARY KEY, first_seen_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE meta_error_codes_seen`);
  }
}
