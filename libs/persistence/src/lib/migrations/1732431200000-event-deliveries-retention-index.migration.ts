import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finished event deliveries (delivered or dead) are deleted after a retention; the prune walks
 * them oldest first in batches, which this index serves without reading pending rows.
 */
export class EventDeliveriesRetentionIndex1732431200000 implements MigrationInterface {
  name = 'EventDeliveriesRetentionIndex1732431200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX event_deliveries_finished_idx ON event_deliveries (created_at) WHERE state <> 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX event_deliveries_finished_idx`);
  }
}
