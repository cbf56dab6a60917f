import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consultations are paged newest first on `(created_at, id)` with the cursor's time in
 * milliseconds (a JavaScript date), while `now()` has microseconds: a page ending on a row whose
 * time has microseconds skipped the rows created in the same millisecond after it. New rows are
 * stamped in milliseconds, as notifications are. Existing rows keep their time: rounding them
 * would fire the consultation fact triggers on every row.
 */
export class ConsultationCreatedMs1764000059900 implements MigrationInterface {
  name = 'ConsultationCreatedMs1764000059900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE consultation ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now())`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consultation ALTER COLUMN created_at SET DEFAULT now()`);
  }
}
