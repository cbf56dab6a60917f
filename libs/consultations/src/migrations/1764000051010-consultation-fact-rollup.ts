import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly consultation fact counts per requesting institution and kind
 * (`consultation_fact_rollup`), kept by statement triggers on `consultation` and
 * `consultation_report` in the same transaction as every write. The facts and the moment each
 * is dated by are one SQL function, `consultation_facts`, which the rollup and the drill-down
 * (ConsultationReads.factRows) both use.
 *
 * Counts move by deltas netted per rollup row and applied in key order (see the referral
 * rollup). A consultation's report facts need its first report: the consultation trigger looks
 * it up, the report trigger (reports are insert-only) adds them when the first version is
 * signed. Signing also moves the consultation (REPORTED) under its row lock, so the two never
 * race on one consultation.
 */
export class ConsultationFactRollup1764000051010 implements MigrationInterface {
  name = 'ConsultationFactRollup1764000051010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION consultation_facts(
          p_state text, p_created_at timestamptz, p_scheduled_start timestamptz,
          p_report_due_at timestamptz, p_first_signed_at timestamptz)
        RETURNS TABLE (fact text, at timestamptz)
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        -- Requests are dated by creation, reports by the signing of the first version,
        -- bookings and no-shows by the booked start.
        SELECT f.fact, f.at
          FROM (VALUES
            ('REQUESTED', p_created_at, true),
            ('TAKEN_ON', p_created_at, p_state NOT IN ('DECLINED','CANCELLED')),
            ('COMPLETED', p_created_at, p_state IN ('REPORTED','COMPLETED')),
            ('FIRST_REPORT', p_first_signed_at, true),
            ('FIRST_REPORT_ON_TIME', p_first_signed_at,
             p_report_due_at IS NULL OR p_first_signed_at <= p_report_due_at),
            ('BOOKED', p_scheduled_start, p_state NOT IN ('REQUESTED','DECLINED','CANCELLED')),
            ('NO_SHOW', p_scheduled_start, p_state = 'NO_SHOW')
          ) f(fact, at, holds)
         WHERE f.holds AND f.at IS NOT NULL
      $$`);
    await q.query(`
      CREATE TABLE consultation_fact_rollup (
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        month date NOT NULL,
        institution_id uuid NOT NULL,
        fact text NOT NULL,
        kind text NOT NULL,
        count int NOT NULL,
        PRIMARY KEY (tenant_id, month, institution_id, fact, kind)
      )`);
    await q.query(`
      CREATE TYPE consultation_fact_input AS (
        tenant_id uuid, kind text, state text, created_at timestamptz, scheduled_start timestamptz,
        report_due_at timestamptz, requesting_institution_id uuid, first_signed_at timestamptz)`);
    await q.query(`
      CREATE FUNCTION consultation_fact_rollup_apply(olds consultation_fact_input[], news consultation_fact_input[])
        RETURNS void LANGUAGE sql AS $$
        INSERT INTO consultation_fact_rollup AS t (tenant_id, month, institution_id, fact, kind, count)
        SELECT d.tenant_id, date_trunc('month', f.at AT TIME ZONE c.time_zone)::date,
               d.requesting_institution_id, f.fact, d.kind, sum(d.sign)::int
          FROM (SELECT -1 AS sign, o.* FROM unnest(olds) o
                UNION ALL SELECT 1, n.* FROM unnest(news) n) d
          JOIN consortium c ON c.id = d.tenant_id
         CROSS JOIN LATERAL consultation_facts(d.state, d.created_at, d.scheduled_start, d.report_due_at,
                                               d.first_signed_at) f
         GROUP BY 1, 2, 3, 4, 5
        HAVING sum(d.sign) <> 0
         ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (tenant_id, month, institution_id, fact, kind) DO UPDATE SET count = t.count + EXCLUDED.count
      $$`);
    await q.query(`
      CREATE FUNCTION consultation_fact_rollup_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        olds consultation_fact_input[];
        news consultation_fact_input[];
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          olds := ARRAY(SELECT ROW(o.tenant_id, o.kind, o.state, o.created_at, o.scheduled_start, o.report_due_at,
                                   o.requesting_institution_id, rep.signed_at)::consultation_fact_input
                          FROM old_rows o
                          LEFT JOIN consultation_report rep ON rep.consultation_id = o.id AND rep.version = 1);
        END IF;
        IF TG_OP <> 'DELETE' THEN
          news := ARRAY(SELECT ROW(n.tenant_id, n.kind, n.state, n.created_at, n.scheduled_start, n.report_due_at,
                                   n.requesting_institution_id, rep.signed_at)::consultation_fact_input
                          FROM new_rows n
                          LEFT JOIN consultation_report rep ON rep.consultation_id = n.id AND rep.version = 1);
        END IF;
        PERFORM consultation_fact_rollup_apply(olds, news);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER consultation_fact_rollup_insert AFTER INSERT ON consultation
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consultation_fact_rollup_trigger()`);
    await q.query(`CREATE TRIGGER consultation_fact_rollup_update AFTER UPDATE ON consultation
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION consultation_fact_rollup_trigger()`);
    await q.query(`CREATE TRIGGER consultation_fact_rollup_delete AFTER DELETE ON consultation
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION consultation_fact_rollup_trigger()`);
    // A first report adds the report facts of its consultation as it now stands.
    await q.query(`
      CREATE FUNCTION consultation_report_fact_rollup_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM consultation_fact_rollup_apply(
          ARRAY(SELECT ROW(c.tenant_id, c.kind, c.state, c.created_at, c.scheduled_start, c.report_due_at,
                           c.requesting_institution_id, NULL)::consultation_fact_input
                  FROM new_rows n JOIN consultation c ON c.id = n.consultation_id WHERE n.version = 1),
          ARRAY(SELECT ROW(c.tenant_id, c.kind, c.state, c.created_at, c.scheduled_start, c.report_due_at,
                           c.requesting_institution_id, n.signed_at)::consultation_fact_input
                  FROM new_rows n JOIN consultation c ON c.id = n.consultation_id WHERE n.version = 1));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER consultation_report_fact_rollup AFTER INSERT ON consultation_report
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consultation_report_fact_rollup_trigger()`);
    // A province's history takes longer than the apps' statement limit; this transaction only.
    await q.query(`SET LOCAL statement_timeout = 0`);
    // Backfill: every consultation so far, by the same facts.
    await q.query(`
      INSERT INTO consultation_fact_rollup (tenant_id, month, institution_id, fact, kind, count)
      SELECT x.tenant_id, date_trunc('month', f.at AT TIME ZONE co.time_zone)::date,
             x.requesting_institution_id, f.fact, x.kind, count(*)::int
        FROM consultation x
        JOIN consortium co ON co.id = x.tenant_id
        LEFT JOIN consultation_report rep ON rep.consultation_id = x.id AND rep.version = 1
       CROSS JOIN LATERAL consultation_facts(x.state, x.created_at, x.scheduled_start, x.report_due_at,
                                             rep.signed_at) f
       GROUP BY 1, 2, 3, 4, 5`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER consultation_report_fact_rollup ON consultation_report`);
    await q.query(`DROP FUNCTION consultation_report_fact_rollup_trigger()`);
    await q.query(`DROP TRIGGER consultation_fact_rollup_delete ON consultation`);
    await q.query(`DROP TRIGGER consultation_fact_rollup_update ON consultation`);
    await q.query(`DROP TRIGGER consultation_fact_rollup_insert ON consultation`);
    await q.query(`DROP FUNCTION consultation_fact_rollup_trigger()`);
    await q.query(
      `DROP FUNCTION consultation_fact_rollup_apply(consultation_fact_input[], consultation_fact_input[])`,
    );
    await q.query(`DROP TYPE consultation_fact_input`);
    await q.query(`DROP TABLE consultation_fact_rollup`);
    await q.query(
      `DROP FUNCTION consultation_facts(text, timestamptz, timestamptz, timestamptz, timestamptz)`,
    );
  }
}
