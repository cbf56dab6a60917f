import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * Days with visit data per institution-month kept beside the monthly sums, so a report reads
 * "reported every day" (信息统一) from the one `encounter_rollup` row it already reads, instead
 * of counting up to 31 day rows per institution-month: at province scale that count was the
 * costliest statement of a consortium-month report.
 *
 * `encounter_rollup_recount_days` is the one rule: whoever writes `encounter_day_rollup` (the
 * intake merge, the demo seed, the bulk loads of the benchmarks) recounts the months it touched
 * afterwards. A recount rather than a delta: a correction can empty a day or fill one, and the
 * writers of one institution are serialised (the intake's advisory lock), so the count read
 * after the write is exact.
 */
export class EncounterDaysReported1764000059500 implements MigrationInterface {
  name = 'EncounterDaysReported1764000059500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE encounter_rollup ADD COLUMN days_reported int NOT NULL DEFAULT 0`);
    // The consortium and months are index conditions on the rollup's key (a generic plan: an
    // "IS NULL OR" on either would read the whole table); NULL institutions: every one.
    await q.query(`
      CREATE FUNCTION encounter_rollup_recount_days(p_tenant uuid, p_institutions uuid[], p_months date[])
      RETURNS int LANGUAGE sql AS $$
        WITH c AS (
          SELECT r.tenant_id, r.month, r.institution_id,
                 (SELECT count(*)::int FROM encounter_day_rollup d
                   WHERE d.tenant_id = r.tenant_id AND d.institution_id = r.institution_id
                     AND d.day >= r.month AND d.day < (r.month + interval '1 month')::date
                     AND d.encounters > 0) AS n
            FROM encounter_rollup r
           WHERE r.tenant_id = p_tenant AND r.month = ANY(p_months)
             AND (p_institutions IS NULL OR r.institution_id = ANY(p_institutions))
        ), u AS (
          UPDATE encounter_rollup r SET days_reported = c.n
            FROM c
           WHERE r.tenant_id = c.tenant_id AND r.month = c.month AND r.institution_id = c.institution_id
             AND r.days_reported <> c.n
          RETURNING 1
        )
        SELECT count(*)::int FROM u
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION encounter_rollup_recount_days(uuid, uuid[], date[]) FROM PUBLIC`);
    await q.query(
      `GRANT EXECUTE ON FUNCTION encounter_rollup_recount_days(uuid, uuid[], date[]) TO ${APP_GROUP_ROLE}`,
    );
    // Every institution-month already loaded: minutes at province scale (260,000 rollup rows).
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`
      SELECT encounter_rollup_recount_days(tenant_id, NULL, array_agg(month))
        FROM (SELECT DISTINCT tenant_id, month FROM encounter_rollup) r GROUP BY tenant_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION encounter_rollup_recount_days(uuid, uuid[], date[])`);
    await q.query(`ALTER TABLE encounter_rollup DROP COLUMN days_reported`);
  }
}
