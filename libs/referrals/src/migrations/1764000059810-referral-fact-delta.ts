import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referral writes append their fact deltas instead of updating the monthly rollup in place.
 *
 * Updating `referral_fact_rollup` in the writer's transaction made one row per institution,
 * month and fact — e.g. the general hospital's RECEIVED of this month, touched by every
 * up-referral in the county — a lock every submission and answer queued on until the one
 * before had committed and flushed its WAL. Now a write inserts its netted deltas into
 * `referral_fact_delta` (no key, nothing to wait for), `referral_fact_fold()` moves them into
 * the rollup in the background, and readers add the deltas not folded yet: the counts are
 * exact at every moment, folded or not.
 */
export class ReferralFactDelta1764000059810 implements MigrationInterface {
  name = 'ReferralFactDelta1764000059810';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral_fact_delta (
        tenant_id uuid NOT NULL,
        month date NOT NULL,
        institution_id uuid NOT NULL,
        fact text NOT NULL,
        count int NOT NULL
      )`);
    await q.query(`CREATE INDEX referral_fact_delta_month ON referral_fact_delta (tenant_id, month)`);
    // Emptied every few seconds: keep its statistics and dead rows in hand.
    await q.query(`
      ALTER TABLE referral_fact_delta SET (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0,
        autovacuum_analyze_threshold = 1000, autovacuum_analyze_scale_factor = 0)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION referral_fact_rollup_apply(olds referral_fact_input[], news referral_fact_input[])
        RETURNS void LANGUAGE sql AS $$
        INSERT INTO referral_fact_delta (tenant_id, month, institution_id, fact, count)
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
      $$`);
    // One folder at a time (others skip); the deltas it deletes are the ones it adds, in one
    // transaction, so a reader sees them on one side or the other, never both or neither.
    await q.query(`
      CREATE FUNCTION referral_fact_fold() RETURNS int LANGUAGE plpgsql AS $$
      DECLARE
        n int;
      BEGIN
        IF NOT pg_try_advisory_xact_lock(hashtext('referral_fact_fold')) THEN
          RETURN 0;
        END IF;
        WITH moved AS (
          DELETE FROM referral_fact_delta RETURNING tenant_id, month, institution_id, fact, count),
        summed AS (
          SELECT tenant_id, month, institution_id, fact, sum(count)::int AS count, count(*) AS n
            FROM moved GROUP BY 1, 2, 3, 4),
        applied AS (
          INSERT INTO referral_fact_rollup AS t (tenant_id, month, institution_id, fact, count)
          SELECT tenant_id, month, institution_id, fact, count FROM summed WHERE count <> 0
           ORDER BY 1, 2, 3, 4
          ON CONFLICT (tenant_id, month, institution_id, fact) DO UPDATE SET count = t.count + EXCLUDED.count)
        SELECT coalesce(sum(summed.n), 0)::int INTO n FROM summed;
        RETURN n;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SELECT referral_fact_fold()`);
    await q.query(`DROP FUNCTION referral_fact_fold()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION referral_fact_rollup_apply(olds referral_fact_input[], news referral_fact_input[])
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
    await q.query(`DROP TABLE referral_fact_delta`);
  }
}
