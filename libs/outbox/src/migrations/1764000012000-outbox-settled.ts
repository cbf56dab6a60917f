import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records when each outbox row's job finished in BullMQ, so rows whose job Redis lost can be
 * found and published again.
 */
export class OutboxSettled1764000012000 implements MigrationInterface {
  name = 'OutboxSettled1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox_message
        ADD COLUMN settled_at timestamptz,
        ADD COLUMN republished int NOT NULL DEFAULT 0 CHECK (republished >= 0)`);
    // Rows published before this version: their outcome was never recorded, and their jobs have
    // long finished or will; treat them as settled rather than re-check each one.
    await q.query(`UPDATE outbox_message SET settled_at = published_at WHERE published_at IS NOT NULL`);
    // The reconciliation only ever scans jobs in flight.
    await q.query(`
      CREATE INDEX outbox_unsettled ON outbox_message (id)
        WHERE published_at IS NOT NULL AND settled_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_unsettled`);
    await q.query(`ALTER TABLE outbox_message DROP COLUMN republished, DROP COLUMN settled_at`);
  }
}
