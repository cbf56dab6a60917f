import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly referral fact counts per institution (`referral_fact_rollup`), kept by statement
 * triggers on `referral` in the same transaction as every write, so the indicators read a few
 * rollup rows instead of a month's referrals. The facts themselves are one SQL function,
 * `referral_facts`, which the rollup and the drill-down (ReferralReads.factRows) both use.
 *
 * Counts move by deltas (each referral's contribution before and after the statement, netted
 * per rollup row, applied in key order): concurrent writers add up instead of overwriting one
 * another, and a write that changes no fact touches no rollup row. Months are the consortium's
 * calendar months of `submitted_at` (its time zone is set once, at creation).
 */
export class ReferralFactRollup1764000051000 implements MigrationInterface {
  name = 'ReferralFactRollup1764000051000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION referral_facts(
          p_direction text, p_state text, p_answered_at timestamptz, p_response_due_at timestamptz,
          p_from_institution_id uuid, p_to_institution_id uuid)
        RETURNS TABLE (fact text, institution_id uuid)
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        -- Directions count at the sender, answers at the receiver. A referral withdrawn before
        -- anyone answered it was never the receiver's to answer, so it is not RECEIVED.
        SELECT f.fact, CASE WHEN f.fact IN ('SUBMITTED_UP','SUBMITTED_DOWN') THEN p_from_institution_id
                            ELSE p_to_institution_id END
          FROM unnest(ARRAY[
            CASE WHEN p_direction = 'UP' THEN 'SUBMITTED_UP' END,
            CASE WHEN p_direction = 'DOWN' THEN 'SUBMITTED_DOWN' END,
            CASE WHEN NOT (p_state = 'CANCELLED' AND p_answered_at IS NULL) THEN 'RECEIVED' END,
            CASE WHEN p_answered_at IS NOT NULL THEN 'RESPONDED' END,
            CASE WHEN p_answered_at IS NOT NULL
                  AND (p_response_due_at IS NULL OR p_answered_at <= p_response_due_at)
                 THEN 'RESPONDED_IN_DEADLINE' END,
            CASE WHEN p_answered_at IS NOT NULL AND p_state <> 'REJECTED' THEN 'ACCEPTED' END
          ]) f(fact)
         WHERE f.fact IS NOT NULL
      $$`);
    await q.query(`
      CREATE TABLE referral_fact_rollup (
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        month date NOT NULL,
        institution_id uuid NOT NULL,
        fact text NOT NULL,
        count int NOT NULL,
        PRIMARY KEY (tenant_id, month, institution_id, fact)
      )`);
    await q.query(`
      CREATE TYPE referral_fact_input AS (
        tenant_id uuid, direction text, state text, submitted_at timestamptz, answered_at timestamptz,
        response_due_at timestamptz, from_institution_id uuid, to_institution_id uuid)`);
    await q.query(`
      CREATE FUNCTION referral_fact_rollup_apply(olds referral_fact_input[], news referral_fact_input[])
        RETURNS void LANGUAGE sql AS $$
        INSERT INTO referral_fact_rollup AS t (tenant_id, month, institution_id, fact, count)
        SELECT d.tenant_id, date_trunc('month', d.submitted_at AT TIME ZONE c.time_zone)::date,
               f.institution_id, f.fact, sum(d.sign)::int
          FROM (SELECT -1 AS sign, o.* FROM unnest(olds) o
                UNION ALL SELECT 1, n.* FROM unnest(news) n) d
          JOIN consortium c ON c.id = d.tenant_id
         CROSS JOIN LATERAL referral_facts(d.direction, d.state, d.answered_at, d.response_due_at,
                                           d.from_institution_id, d.to_institution_id) f
         WHERE d.submitted_at IS NOT NULL
         GROUP BY 1, 2, 3, 4
        HAVING sum(d.sign) <> 0
         ORDER BY 1, 2, 3, 4
        ON CONFLICT (tenant_id, month, institution_id, fact) DO UPDATE SET count = t.count + EXCLUDED.count
      $$`);
    await q.query(`
      CREATE FUNCTION referral_fact_rollup_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        olds referral_fact_input[];
        news referral_fact_input[];
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          olds := ARRAY(SELECT ROW(o.tenant_id, o.direction, o.state, o.submitted_at, o.answered_at,
                                   o.response_due_at, o.from_institution_id, o.to_institution_id)::referral_fact_input
                          FROM old_rows o);
        END IF;
        IF TG_OP <> 'DELETE' THEN
          news := ARRAY(SELECT ROW(n.tenant_id, n.direction, n.state, n.submitted_at, n.answered_at,
                                   n.response_due_at, n.from_institution_id, n.to_institution_id)::referral_fact_input
                          FROM new_rows n);
        END IF;
        PERFORM referral_fact_rollup_apply(olds, news);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER referral_fact_rollup_insert AFTER INSERT ON referral
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_fact_rollup_trigger()`);
    await q.query(`CREATE TRIGGER referral_fact_rollup_update AFTER UPDATE ON referral
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION referral_fact_rollup_trigger()`);
    await q.query(`CREATE TRIGGER referral_fact_rollup_delete AFTER DELETE ON referral
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_fact_rollup_trigger()`);
    // A province's history takes longer than the apps' statement limit; this transaction only.
    await q.query(`SET LOCAL statement_timeout = 0`);
    // Backfill: every submitted referral so far, by the same facts.
    await q.query(`
      INSERT INTO referral_fact_rollup (tenant_id, month, institution_id, fact, count)
      SELECT r.tenant_id, date_trunc('month', r.submitted_at AT TIME ZONE c.time_zone)::date,
             f.institution_id, f.fact, count(*)::int
        FROM referral r
        JOIN consortium c ON c.id = r.tenant_id
       CROSS JOIN LATERAL referral_facts(r.direction, r.state, r.answered_at, r.response_due_at,
                                         r.from_institution_id, r.to_institution_id) f
       WHERE r.submitted_at IS NOT NULL
       GROUP BY 1, 2, 3, 4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER referral_fact_rollup_delete ON referral`);
    await q.query(`DROP TRIGGER referral_fact_rollup_update ON referral`);
    await q.query(`DROP TRIGGER referral_fact_rollup_insert ON referral`);
    await q.query(`DROP FUNCTION referral_fact_rollup_trigger()`);
    await q.query(`DROP FUNCTION referral_fact_rollup_apply(referral_fact_input[], referral_fact_input[])`);
    await q.query(`DROP TYPE referral_fact_input`);
    await q.query(`DROP TABLE referral_fact_rollup`);
    await q.query(`DROP FUNCTION referral_facts(text, text, timestamptz, timestamptz, uuid, uuid)`);
  }
}
