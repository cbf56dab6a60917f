import { MigrationInterface, QueryRunner } from 'typeorm';

/** The lists paged newest first on `created_at`, stamped in milliseconds (the cursor's precision). */
const TABLES = ['supply_request', 'drug_catalogue_import', 'drug_dictionary_import'];

/**
 * Supply requests, catalogue uploads and dictionary imports are paged on `(created_at, id)` with
 * the cursor's time in milliseconds, while `now()` has microseconds: a page ending on a row whose
 * time has microseconds skipped the rows created in the same millisecond after it. New rows are
 * stamped in milliseconds, as notifications are; existing rows are rounded down the same way.
 */
export class DrugListsCreatedMs1764000059910 implements MigrationInterface {
  name = 'DrugListsCreatedMs1764000059910';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await q.query(`ALTER TABLE ${t} ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now())`);
      await q.query(
        `UPDATE ${t} SET created_at = date_trunc('milliseconds', created_at) WHERE created_at <> date_trunc('milliseconds', created_at)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await q.query(`ALTER TABLE ${t} ALTER COLUMN created_at SET DEFAULT now()`);
  }
}
