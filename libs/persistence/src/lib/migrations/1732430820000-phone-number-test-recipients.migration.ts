import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meta's public test numbers deliver only to the recipients registered for them in
 * the App Dashboard (at most 5; anything else fails with 131030). A number of a
 * `test` environment may be marked as one, with that list, so the gateway refuses the
 * send before Meta does.
 */
export class PhoneNumberTestRecipients1732430820000 implements MigrationInterface {
  name = 'PhoneNumberTestRecipients1732430820000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE phone_numbers
        ADD COLUMN test_number boolean NOT NULL DEFAULT false,
        ADD COLUMN test_recipients jsonb NOT NULL DEFAULT '[]'
          CONSTRAINT phone_numbers_test_recipients_check CHECK (jsonb_typeof(test_recipients) = 'array' AND jsonb_array_length(test_recipients) <= 5),
        ADD CONSTRAINT phone_numbers_test_number_environment CHECK (NOT test_number OR environment = 'test')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE phone_numbers
        DROP CONSTRAINT phone_numbers_test_number_environment,
        DROP COLUMN test_recipients,
        DROP COLUMN test_number`);
  }
}
