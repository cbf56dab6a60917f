import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 用药衔接率's monthly parts per receiving institution (`continuity_rollup`), kept by statement
 * triggers on `medication_continuity_result` in the same transaction as the check that writes
 * them: the plan items of the checks made at submission (`items`) and those AVAILABLE or
 * SUBSTITUTE in that check (`ok_at_submission`), by the referral's submission month in the
 * consortium's time zone.
 *
 * The rest of the numerator — items a supply request brought in before the patient arrived —
 * depends on later supply receipts and on the referral's arrival, so it is not kept here:
 * ContinuityRateService counts it when read, from the few items that were missing at submission
 * and have a received supply (see domain/continuity-rate.ts). Results are written once per
 * check; deltas (netted, in key order) keep concurrent checks exact all the same, and a check
 * whose submission moment or receiving institution is corrected moves its items.
 */
export class ContinuityRollup1764000051020 implements MigrationInterface {
  name = 'ContinuityRollup1764000051020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE continuity_rollup (
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        month date NOT NULL,
        institution_id uuid NOT NULL,
        items int NOT NULL,
        ok_at_submission int NOT NULL,
        PRIMARY KEY (tenant_id, month, institution_id)
      )`);
    // One result as the rollup sees it: its check's consortium, submission moment, receiving
    // institution and trigger, and its outcome.
    await q.query(`CREATE TYPE continuity_result_input AS (
      tenant_id uuid, referral_submitted_at timestamptz, institution_id uuid, trigger text, outcome text)`);
    await q.query(`
      CREATE FUNCTION continuity_rollup_apply(olds continuity_result_input[], news continuity_result_input[])
        RETURNS void LANGUAGE sql AS $$
        INSERT INTO continuity_rollup AS t (tenant_id, month, institution_id, items, ok_at_submission)
        SELECT d.tenant_id, date_trunc('month', d.referral_submitted_at AT TIME ZONE co.time_zone)::date,
               d.institution_id, sum(d.sign)::int,
               sum(CASE WHEN d.outcome IN ('AVAILABLE','SUBSTITUTE') THEN d.sign ELSE 0 END)::int
          FROM (SELECT -1 AS sign, o.* FROM unnest(olds) o
                UNION ALL SELECT 1, n.* FROM unnest(news) n) d
          JOIN consortium co ON co.id = d.tenant_id
         WHERE d.trigger = 'SUBMISSION'
         GROUP BY 1, 2, 3
        HAVING sum(d.sign) <> 0 OR sum(CASE WHEN d.outcome IN ('AVAILABLE','SUBSTITUTE') THEN d.sign ELSE 0 END) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, month, institution_id) DO UPDATE
          SET items = t.items + EXCLUDED.items, ok_at_submission = t.ok_at_submission + EXCLUDED.ok_at_submission
      $$`);
    await q.query(`
      CREATE FUNCTION continuity_rollup_results_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        olds continuity_result_input[];
        news continuity_result_input[];
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          olds := ARRAY(SELECT ROW(c.tenant_id, c.referral_submitted_at, c.receiving_institution_id, c.trigger,
                                   o.outcome)::continuity_result_input
                          FROM old_rows o JOIN medication_continuity_check c ON c.id = o.check_id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
          news := ARRAY(SELECT ROW(c.tenant_id, c.referral_submitted_at, c.receiving_institution_id, c.trigger,
                                   n.outcome)::continuity_result_input
                          FROM new_rows n JOIN medication_continuity_check c ON c.id = n.check_id);
        END IF;
        PERFORM continuity_rollup_apply(olds, news);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER continuity_rollup_insert AFTER INSERT ON medication_continuity_result
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION continuity_rollup_results_trigger()`);
    await q.query(`CREATE TRIGGER continuity_rollup_update AFTER UPDATE ON medication_continuity_result
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION continuity_rollup_results_trigger()`);
    await q.query(`CREATE TRIGGER continuity_rollup_delete AFTER DELETE ON medication_continuity_result
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION continuity_rollup_results_trigger()`);
    // A corrected check (its submission moment, receiving institution or trigger) moves its
    // results' contributions; a check is deleted only after its results, which count it out.
    await q.query(`
      CREATE FUNCTION continuity_rollup_checks_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM continuity_rollup_apply(
          ARRAY(SELECT ROW(o.tenant_id, o.referral_submitted_at, o.receiving_institution_id, o.trigger,
                           r.outcome)::continuity_result_input
                  FROM old_rows o JOIN medication_continuity_result r ON r.check_id = o.id),
          ARRAY(SELECT ROW(n.tenant_id, n.referral_submitted_at, n.receiving_institution_id, n.trigger,
                           r.outcome)::continuity_result_input
                  FROM new_rows n JOIN medication_continuity_result r ON r.check_id = n.id));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER continuity_rollup_checks AFTER UPDATE ON medication_continuity_check
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION continuity_rollup_checks_trigger()`);
    // The supplied-in-time part starts from received supplies of items missing at submission.
    await q.query(
      `CREATE INDEX supply_request_received_item ON supply_request (tenant_id, plan_item_id)
        WHERE state = 'RECEIVED' AND plan_item_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX medication_continuity_result_item ON medication_continuity_result (plan_item_id)`,
    );
    // A province's history takes longer than the apps' statement limit; this transaction only.
    await q.query(`SET LOCAL statement_timeout = 0`);
    // Backfill: every submission check so far.
    await q.query(`
      INSERT INTO continuity_rollup (tenant_id, month, institution_id, items, ok_at_submission)
      SELECT c.tenant_id, date_trunc('month', c.referral_submitted_at AT TIME ZONE co.time_zone)::date,
             c.receiving_institution_id, count(*)::int,
             count(*) FILTER (WHERE r.outcome IN ('AVAILABLE','SUBSTITUTE'))::int
        FROM medication_continuity_result r
        JOIN medication_continuity_check c ON c.id = r.check_id AND c.trigger = 'SUBMISSION'
        JOIN consortium co ON co.id = c.tenant_id
       GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX medication_continuity_result_item`);
    await q.query(`DROP INDEX supply_request_received_item`);
    await q.query(`DROP TRIGGER continuity_rollup_checks ON medication_continuity_check`);
    await q.query(`DROP FUNCTION continuity_rollup_checks_trigger()`);
    await q.query(`DROP TRIGGER continuity_rollup_delete ON medication_continuity_result`);
    await q.query(`DROP TRIGGER continuity_rollup_update ON medication_continuity_result`);
    await q.query(`DROP TRIGGER continuity_rollup_insert ON medication_continuity_result`);
    await q.query(`DROP FUNCTION continuity_rollup_results_trigger()`);
    await q.query(
      `DROP FUNCTION continuity_rollup_apply(continuity_result_input[], continuity_result_input[])`,
    );
    await q.query(`DROP TYPE continuity_result_input`);
    await q.query(`DROP TABLE continuity_rollup`);
  }
}
