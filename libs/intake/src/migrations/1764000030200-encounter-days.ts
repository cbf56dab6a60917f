import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Encounters per institution and day, kept by the same merge as the monthly rollups, so "visit
 * data reported for every day of the month" (信息统一) is read from at most 31 rows per
 * institution-month instead of the raw visits. A count rather than a flag: a correction that
 * moves a day's only record away empties that day again.
 */
export class EncounterDays1764000030200 implements MigrationInterface {
  name = 'EncounterDays1764000030200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE encounter_day_rollup (
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        day date NOT NULL,
        -- No CHECK (>= 0): a merge's row for a day losing its record is -1 until it meets the
        -- stored count, and a CHECK is tested before ON CONFLICT resolves.
        encounters int NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, institution_id, day)
      )`);
    await q.query(`
      INSERT INTO encounter_day_rollup (tenant_id, institution_id, day, encounters)
      SELECT tenant_id, institution_id, occurred_on, count(*) FROM encounter GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE encounter_day_rollup`);
  }
}
