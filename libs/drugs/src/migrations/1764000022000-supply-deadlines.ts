import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supply requests: urgency (it sets the deadlines), when each deadline's reminder or overdue
 * notice went out (so a job that runs twice sends one), the content a retried request is
 * compared by, and the look-up from a plan item to what was supplied for it (用药衔接率).
 */
export class SupplyDeadlines1764000022000 implements MigrationInterface {
  name = 'SupplyDeadlines1764000022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE supply_request
        ADD COLUMN urgency text NOT NULL DEFAULT 'ROUTINE' CHECK (urgency IN ('URGENT','ROUTINE')),
        ADD COLUMN content_hash text CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        ADD COLUMN reminded_at timestamptz,
        ADD COLUMN decide_overdue_at timestamptz,
        ADD COLUMN deliver_overdue_at timestamptz`);
    await q.query(`CREATE INDEX supply_request_plan_item ON supply_request (plan_item_id, received_at)
      WHERE plan_item_id IS NOT NULL AND state = 'RECEIVED'`);
    await q.query(
      `CREATE INDEX medication_continuity_result_plan_item ON medication_continuity_result (plan_item_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX medication_continuity_result_plan_item`);
    await q.query(`DROP INDEX supply_request_plan_item`);
    await q.query(`
      ALTER TABLE supply_request
        DROP COLUMN deliver_overdue_at,
        DROP COLUMN decide_overdue_at,
        DROP COLUMN reminded_at,
        DROP COLUMN content_hash,
        DROP COLUMN urgency`);
  }
}
