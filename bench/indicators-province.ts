/**
 * Indicator reads at province scale.
 *
 *   npm run bench:indicators
 *
 * Builds its own database (dropped at the end unless BENCH_KEEP_DB=1; BENCH_REUSE_DB=1 measures
 * a kept one again without generating), migrated, then generates in SQL:
 * - BENCH_CONSORTIA (40) consortia, each a general hospital, BENCH_TOWNSHIPS (20) township
 *   centres and BENCH_VILLAGES (250) village clinics (each clinic under a township);
 * - BENCH_ENCOUNTERS (50 M) encounters over the 24 months before the current one, spread by
 *   institution (hospital ~35 %, townships ~45 %, villages ~20 %, each institution's volume
 *   varied ±50 %), inserted month by month into the month partitions (intake_ensure_partitions)
 *   with every index the schema has; the rollups (`encounter_rollup`, `encounter_day_rollup`)
 *   built by one aggregate INSERT … SELECT per month using the intake merge's own rollup rule
 *   (rollupDeltaSql) and upserts, and checked against the raw rows for a sample of institution-months;
 * - out-of-county settlements (1 per 20 visits) and their `ooc_rollup`, built like mergeOoc;
 * - per consortium-month, independent of BENCH_ENCOUNTERS: 500 up- and 200 down-referrals
 *   (most completed, some rejected, cancelled or open), two medication-plan items and a
 *   submission-time continuity check per down-referral, 200 consultations with first reports
 *   (their monthly rollups kept by the tables' own triggers as the rows go in, as in service);
 *   yearly statistics forms and dispatch records.
 * Then measures, in-process through IndicatorReports (what the resolver calls) and over HTTP
 * GraphQL with a consortium admin's token: indicatorReport for one consortium-month, for a tier
 * and for one institution, and the 24-month trend of one indicator (N07), at concurrency 1 and
 * 8, BENCH_REQUESTS (200) requests each spread over the consortia, BENCH_RUNS (3) times;
 * medians of each run's p50/p95/p99 are reported (over HTTP only the consortium report and the
 * trend unless BENCH_HTTP_ALL=1; BENCH_HTTP=0: none). Statements per call are counted once;
 * BENCH_PROFILE=1 logs each scenario's slowest statements (BENCH_PROFILE_ALL=1: all, in order),
 * its wall time and time in SQL, and stops before the load (BENCH_WARM=1: after the warm-up);
 * BENCH_SCENARIOS=0,3 (indexes into the list above) and BENCH_CONCURRENCY=1,8 narrow the runs;
 * BENCH_DB, BENCH_PORT (0: any) and BENCH_QUEUE_PREFIX keep parallel runs apart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { INestApplication } from '@nestjs/common';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { AuthUser, loadConfig, ownerConfig, Role } from '@yg/core';
import { dropDatabase } from '@yg/schema';
import { IndicatorReports, PeriodKind, ScopeKind, addMonths } from '@yg/indicators';
import { currentMonth } from '@yg/indicators/engine/months';
import { STATISTICS } from '@yg/intake';
import { recountDaysReported, ROLLUP_SUMS, rollupDeltaSql } from '@yg/intake/intake-merge.repository';
import { Tier } from '@yg/network';
import { TokenService } from '@yg/identity/token.service';
import { migrate } from '../apps/cli/src/migrate';
import { createApiApp } from '../apps/api/src/bootstrap';
import { benchEnv, latencies, median, ROOT } from './common';

const CONSORTIA = Number(process.env.BENCH_CONSORTIA ?? 40);
const TOWNSHIPS = Number(process.env.BENCH_TOWNSHIPS ?? 20);
const VILLAGES = Number(process.env.BENCH_VILLAGES ?? 250);
const ENCOUNTERS = Number(process.env.BENCH_ENCOUNTERS ?? 50_000_000);
const MONTHS = 24;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const HTTP = process.env.BENCH_HTTP !== '0';
const DB_NAME = process.env.BENCH_DB ?? 'yg_bench_indicators';
const TZ = 'Asia/Shanghai';
/** Marks the encounters of one generation pass, so a later pass (BENCH_GROW) rolls up only its own. */
const RUN_ID = `00000000-0000-4000-8000-${String(Number(process.env.BENCH_GROW ? 2 : 1)).padStart(12, '0')}`;

const log = (msg: string, extra: object = {}) =>
  console.log(JSON.stringify({ at: new Date().toISOString().slice(11, 19), msg, ...extra }));

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await f();
  log(label, { s: +((performance.now() - t0) / 1000).toFixed(1) });
  return r;
}

/** Consortia, networks, one admin, practitioner and patient each; `bench_tenant` lists them. */
async function network(pg: Client): Promise<void> {
  await pg.query(
    `INSERT INTO consortium (name, division_code, time_zone, framework)
     SELECT '基准医共体' || lpad(i::text, 3, '0'), '51' || lpad(i::text, 4, '0'), $2, '1224'
       FROM generate_series(1, $1) i`,
    [CONSORTIA, TZ],
  );
  await pg.query(`INSERT INTO institution (tenant_id, name, kind, tier, grade, division_code)
    SELECT id, '县人民医院', 'GENERAL_HOSPITAL', 'COUNTY', '二级甲等', division_code FROM consortium`);
  await pg.query(
    `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, division_code)
     SELECT c.id, '第' || t || '乡镇卫生院', 'TOWNSHIP_HEALTH_CENTER', 'TOWNSHIP', h.id, c.division_code
       FROM consortium c JOIN institution h ON h.tenant_id = c.id AND h.tier = 'COUNTY'
      CROSS JOIN generate_series(1, $1) t`,
    [TOWNSHIPS],
  );
  await pg.query(
    `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, division_code)
     SELECT c.id, '第' || v || '村卫生室', 'VILLAGE_CLINIC', 'VILLAGE', t.id, c.division_code
       FROM consortium c CROSS JOIN generate_series(1, $1) v
       JOIN institution t ON t.tenant_id = c.id AND t.name = '第' || ((v - 1) % $2 + 1) || '乡镇卫生院'`,
    [VILLAGES, TOWNSHIPS],
  );
  await pg.query(`INSERT INTO app_user (tenant_id, institution_id, username, display_name, password_hash, roles)
    SELECT h.tenant_id, h.id, 'bench-admin-' || c.division_code, '基准管理员', 'x', '{CONSORTIUM_ADMIN}'
      FROM institution h JOIN consortium c ON c.id = h.tenant_id WHERE h.tier = 'COUNTY'`);
  await pg.query(`INSERT INTO practitioner (tenant_id, institution_id, name, title, licence_number)
    SELECT tenant_id, id, '基准专家', 'CHIEF_PHYSICIAN', 'LIC-' || tenant_id FROM institution WHERE tier = 'COUNTY'`);
  await pg.query(`INSERT INTO patient (tenant_id, name, sex, birth_date, id_number_enc, id_number_hash,
      id_number_masked, residence_division_code, registered_by_institution_id, registered_by_user_id)
    SELECT u.tenant_id, '基准患者', 'FEMALE', '1960-01-01', 'x', md5(u.tenant_id::text), '5101**********0000',
           c.division_code, u.institution_id, u.id
      FROM app_user u JOIN consortium c ON c.id = u.tenant_id`);
  await pg.query(`CREATE UNLOGGED TABLE bench_tenant AS
    SELECT c.id AS tenant_id, h.id AS hospital_id, u.id AS user_id, pr.id AS practitioner_id, pa.id AS patient_id,
           (SELECT array_agg(id ORDER BY name) FROM institution WHERE tenant_id = c.id AND tier = 'TOWNSHIP') AS townships,
           (SELECT array_agg(id ORDER BY name) FROM institution WHERE tenant_id = c.id AND tier = 'VILLAGE') AS villages
      FROM consortium c
      JOIN institution h ON h.tenant_id = c.id AND h.tier = 'COUNTY'
      JOIN app_user u ON u.tenant_id = c.id
      JOIN practitioner pr ON pr.tenant_id = c.id
      JOIN patient pa ON pa.tenant_id = c.id`);
}

/**
 * Monthly visits per institution: a tier's share of the consortium's visits, split evenly
 * over its institutions, times a fixed per-institution factor in [0.5, 1.5).
 */
async function volumes(pg: Client): Promise<void> {
  await volumesFor(pg, ENCOUNTERS);
}

async function volumesFor(pg: Client, encounters: number): Promise<void> {
  const perConsortiumMonth = encounters / CONSORTIA / MONTHS;
  await pg.query(
    `CREATE UNLOGGED TABLE bench_inst AS
     SELECT i.tenant_id, i.id AS institution_id, i.tier,
            greatest(1, round($1 * CASE i.tier WHEN 'COUNTY' THEN 0.35 WHEN 'TOWNSHIP' THEN 0.45 / $2 ELSE 0.20 / $3 END
                                 * (0.5 + random())))::int AS monthly,
            CASE i.tier WHEN 'COUNTY' THEN 0.08 WHEN 'TOWNSHIP' THEN 0.04 ELSE 0 END AS inpatient_share,
            CASE i.tier WHEN 'COUNTY' THEN 4000 WHEN 'TOWNSHIP' THEN 1500 ELSE 0 END AS stay_cost
       FROM institution i`,
    [perConsortiumMonth, TOWNSHIPS, VILLAGES],
  );
}

/** One month of encounters for every institution, then its rollups the way the merge adds them. */
async function encounterMonth(pg: Client, month: string, tag: string): Promise<number> {
  const first = `${month}-01`;
  await pg.query(
    `SELECT intake_ensure_partitions($1::date, ($1::date + interval '1 month' - interval '1 day')::date)`,
    [first],
  );
  const part = `encounter_${month.replace('-', '')}`;
  const { rowCount } = await pg.query(
    `INSERT INTO encounter (tenant_id, institution_id, source_system, source_record_id, kind, occurred_on,
         discharged_on, department, tcm, diagnosis_code, insured, resident, chronic_managed, total_cost, fund_paid,
         content_hash, run_id)
     SELECT s.tenant_id, s.institution_id, 'HIS', $2 || '-' || s.g, x.kind, x.day,
            CASE WHEN x.kind = 'INPATIENT' THEN x.day + 1 + (s.r2 * 12)::int END,
            CASE WHEN x.kind = 'INPATIENT' THEN '内科病区' WHEN x.kind = 'EMERGENCY' THEN '急诊科' ELSE '全科门诊' END,
            s.r3 < 0.12, (ARRAY['I10','E11.9','J06.9','K29.7','M54.5','J44.9'])[1 + (s.r3 * 6)::int % 6],
            s.r4 < 0.95, s.r5 < 0.93, s.r2 < 0.10, x.cost, CASE WHEN s.r4 < 0.95 THEN round(x.cost * 0.6, 2) ELSE 0 END,
            md5($2 || s.g), $3
       FROM (SELECT i.tenant_id, i.institution_id, i.inpatient_share, i.stay_cost, g,
                    random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
               FROM bench_inst i CROSS JOIN generate_series(1, i.monthly) g) s
      CROSS JOIN LATERAL (
        SELECT CASE WHEN s.r1 < s.inpatient_share THEN 'INPATIENT'
                    WHEN s.r1 < s.inpatient_share + 0.03 AND s.stay_cost > 0 THEN 'EMERGENCY'
                    ELSE 'OUTPATIENT' END AS kind,
               $1::date + (s.r1 * 1000)::int % (($1::date + interval '1 month')::date - $1::date) AS day,
               round((CASE WHEN s.r1 < s.inpatient_share THEN s.stay_cost * (0.5 + s.r3 * 2)
                           ELSE 20 + s.r3 * 280 END)::numeric, 2) AS cost) x`,
    [first, `${tag}${month}`, RUN_ID],
  );
  await rollupMonth(pg, part);
  const { rows: tenants } = await pg.query(`SELECT tenant_id FROM bench_tenant`);
  for (const t of tenants) await recountDaysReported(pg, t.tenant_id, null, [first]);
  return rowCount ?? 0;
}

/**
 * The merge's rollup rule (intake-merge.repository: rollupDeltaSql, ROLLUP_SUMS and its upserts)
 * over one partition's rows of this pass, grouped by consortium and institution.
 */
const ROLLUP = rollupDeltaSql(['tenant_id', 'institution_id']);

async function rollupMonth(pg: Client, part: string): Promise<void> {
  const cols =
    'kind, occurred_on, discharged_on, tcm, insured, resident, chronic_managed, total_cost, fund_paid';
  await pg.query(
    `WITH d AS (SELECT 1 AS sign, tenant_id, institution_id, ${cols} FROM ${part} WHERE run_id = $1),
     by_day AS (${ROLLUP.byDay}),
     roll AS (
       INSERT INTO encounter_rollup (tenant_id, institution_id, month, ${ROLLUP_SUMS.join(', ')})
       SELECT tenant_id, institution_id, month, ${ROLLUP_SUMS.join(', ')} FROM (${ROLLUP.byMonth}) m
        WHERE month IS NOT NULL
       ON CONFLICT (tenant_id, month, institution_id) DO UPDATE SET
         ${ROLLUP_SUMS.map((k) => `${k} = encounter_rollup.${k} + EXCLUDED.${k}`).join(', ')}
       RETURNING 1),
     days AS (
       INSERT INTO encounter_day_rollup (tenant_id, institution_id, day, encounters)
       SELECT tenant_id, institution_id, day, encounters FROM by_day
       ON CONFLICT (tenant_id, institution_id, day) DO UPDATE
         SET encounters = encounter_day_rollup.encounters + EXCLUDED.encounters
       RETURNING 1)
     SELECT (SELECT count(*) FROM roll) AS months, (SELECT count(*) FROM days) AS days`,
    [RUN_ID],
  );
}

/** Out-of-county settlements, 1 per 20 of the consortium's visits, and the rollup as mergeOoc adds it. */
async function oocMonth(pg: Client, month: string): Promise<void> {
  const first = `${month}-01`;
  await pg.query(
    `INSERT INTO ooc_settlement (tenant_id, source_system, source_record_id, settled_on, inpatient, hospital_name,
         hospital_level, total_cost, fund_paid, content_hash, run_id)
     SELECT s.tenant_id, 'YIBAO', $2 || '-' || s.g, $1::date + (s.r1 * 1000)::int % 28, s.r2 < 0.3,
            (ARRAY['省人民医院','华西医院','市中心医院'])[1 + (s.r3 * 3)::int % 3], '三级甲等',
            round((CASE WHEN s.r2 < 0.3 THEN 8000 + s.r3 * 20000 ELSE 100 + s.r3 * 900 END)::numeric, 2),
            round((CASE WHEN s.r2 < 0.3 THEN 8000 + s.r3 * 20000 ELSE 100 + s.r3 * 900 END)::numeric * 0.5, 2),
            md5($2 || s.g), $3
       FROM (SELECT v.tenant_id, g, random() AS r1, random() AS r2, random() AS r3
               FROM (SELECT tenant_id, sum(monthly) / 20 AS n FROM bench_inst GROUP BY 1) v
              CROSS JOIN generate_series(1, v.n::int) g) s`,
    [first, `O${month}`, RUN_ID],
  );
  await pg.query(
    `INSERT INTO ooc_rollup (tenant_id, month, visits, admissions, cost, fund_paid)
     SELECT tenant_id, date_trunc('month', settled_on)::date, sum((NOT inpatient)::int), sum(inpatient::int),
            sum(total_cost), sum(fund_paid)
       FROM ooc_settlement WHERE settled_on >= $1::date AND settled_on < $1::date + interval '1 month'
      GROUP BY 1, 2
     ON CONFLICT (tenant_id, month) DO UPDATE SET visits = ooc_rollup.visits + EXCLUDED.visits,
       admissions = ooc_rollup.admissions + EXCLUDED.admissions, cost = ooc_rollup.cost + EXCLUDED.cost,
       fund_paid = ooc_rollup.fund_paid + EXCLUDED.fund_paid`,
    [first],
  );
}

/**
 * Referrals (up from primary care to the hospital, down the other way), the down-referrals'
 * medication plans with their submission-time continuity checks, and consultations with their
 * first reports, for one month of every consortium.
 */
async function flowsMonth(pg: Client, month: string): Promise<void> {
  const lo = `${month}-01 00:00+08`;
  await pg.query(
    `INSERT INTO referral (tenant_id, number, direction, state, urgency, urgency_rank, patient_id, from_institution_id,
         from_user_id, contact_phone, to_institution_id, diagnosis_code, diagnosis_name, purpose, clinical_summary,
         insurance_type, appointment_at, response_due_at, due_at, reject_code, reject_reason, cancel_reason,
         content_hash, submitted_at, answered_at, arrived_at, closed_at, created_at)
     SELECT t.tenant_id, 'B' || $2 || '-' || x.dir || '-' || x.g, x.dir, x.state, 'ROUTINE', 2, t.patient_id,
            CASE WHEN x.dir = 'UP' THEN x.primary_id ELSE t.hospital_id END, t.user_id, '13800000000',
            CASE WHEN x.dir = 'UP' THEN t.hospital_id ELSE x.primary_id END,
            'I10', '原发性高血压', '进一步诊治', '血压控制不佳', '城乡居民医保',
            CASE WHEN x.state IN ('COMPLETED','ACCEPTED') THEN x.at + interval '2 days' END,
            x.at + interval '24 hours', x.at + interval '3 days',
            CASE WHEN x.state = 'REJECTED' THEN 'NO_BED' END, CASE WHEN x.state = 'REJECTED' THEN '床位已满' END,
            CASE WHEN x.state = 'CANCELLED' THEN '患者放弃' END, md5(x.dir || x.g || $2),
            x.at,
            CASE WHEN x.state IN ('COMPLETED','ACCEPTED','REJECTED') THEN x.at + (x.r * 40) * interval '1 hour' END,
            CASE WHEN x.state = 'COMPLETED' THEN x.at + interval '2 days' END,
            CASE WHEN x.state IN ('COMPLETED','REJECTED','CANCELLED') THEN x.at + interval '5 days' END,
            x.at
       FROM bench_tenant t
      CROSS JOIN LATERAL (
        SELECT d.dir, g, r,
               $1::timestamptz + (random() * 27.9) * interval '1 day' AS at,
               CASE WHEN r < 0.85 THEN 'COMPLETED' WHEN r < 0.92 THEN 'REJECTED' WHEN r < 0.96 THEN 'CANCELLED'
                    ELSE 'SUBMITTED' END AS state,
               CASE WHEN d.dir = 'UP' AND r < 0.3 THEN t.villages[1 + (g % array_length(t.villages, 1))]
                    ELSE t.townships[1 + (g % array_length(t.townships, 1))] END AS primary_id
          FROM (VALUES ('UP', 500), ('DOWN', 200)) d(dir, n)
         CROSS JOIN generate_series(1, d.n) g
         CROSS JOIN LATERAL (SELECT random() + 0 * g AS r) rr) x`,
    [lo, month],
  );
  await pg.query(
    `INSERT INTO medication_plan_item (tenant_id, referral_id, position, drug_text)
     SELECT r.tenant_id, r.id, p, (ARRAY['氨氯地平片 5mg','二甲双胍片 0.5g'])[p + 1]
       FROM referral r CROSS JOIN generate_series(0, 1) p
      WHERE r.direction = 'DOWN' AND r.number LIKE 'B' || $1 || '-%'`,
    [month],
  );
  await pg.query(
    `INSERT INTO medication_continuity_check (tenant_id, referral_id, receiving_institution_id, trigger,
         referral_submitted_at, checked_at, items_total, available, out_of_stock)
     SELECT r.tenant_id, r.id, r.to_institution_id, 'SUBMISSION', r.submitted_at, r.submitted_at, 2,
            CASE WHEN hashtext(r.id::text) % 10 = 0 THEN 1 ELSE 2 END,
            CASE WHEN hashtext(r.id::text) % 10 = 0 THEN 1 ELSE 0 END
       FROM referral r WHERE r.direction = 'DOWN' AND r.number LIKE 'B' || $1 || '-%'`,
    [month],
  );
  await pg.query(
    `INSERT INTO medication_continuity_result (check_id, plan_item_id, tenant_id, outcome)
     SELECT c.id, p.id, c.tenant_id,
            CASE WHEN p.position = 1 AND hashtext(c.referral_id::text) % 10 = 0 THEN 'OUT_OF_STOCK' ELSE 'AVAILABLE' END
       FROM medication_continuity_check c
       JOIN referral r ON r.id = c.referral_id AND r.number LIKE 'B' || $1 || '-%'
       JOIN medication_plan_item p ON p.referral_id = c.referral_id`,
    [month],
  );
  await pg.query(
    `INSERT INTO consultation (tenant_id, number, kind, state, urgency, patient_id, requesting_institution_id,
         requesting_user_id, purpose, case_summary, question, consent, scheduled_start, scheduled_end, mode,
         report_due_at, decline_reason, created_at, updated_at)
     SELECT t.tenant_id, 'H' || $2 || '-' || x.g, x.kind, x.state, 'ROUTINE', t.patient_id,
            t.townships[1 + (x.g % array_length(t.townships, 1))], t.user_id, '明确诊断', '病情摘要', '请会诊',
            CASE WHEN x.state <> 'DECLINED' THEN '{"signed":true}'::jsonb END,
            CASE WHEN x.state <> 'DECLINED' THEN x.at + interval '1 day' END,
            CASE WHEN x.state <> 'DECLINED' THEN x.at + interval '1 day 1 hour' END,
            CASE WHEN x.state <> 'DECLINED' THEN 'REMOTE' END,
            CASE WHEN x.state <> 'DECLINED' THEN x.at + interval '2 days' END,
            CASE WHEN x.state = 'DECLINED' THEN '专家不在岗' END, x.at, x.at
       FROM bench_tenant t
      CROSS JOIN LATERAL (
        SELECT g, $1::timestamptz + (random() * 27.9) * interval '1 day' AS at,
               (ARRAY['VIDEO','IMAGING_READ','ECG_READ','PATHOLOGY_READ','MDT','TEACHING_ROUND','ON_SITE_CLINIC'])[1 + g % 7] AS kind,
               CASE WHEN g % 20 = 0 THEN 'DECLINED' WHEN g % 25 = 0 THEN 'NO_SHOW' ELSE 'COMPLETED' END AS state
          FROM generate_series(1, 200) g) x`,
    [lo, month],
  );
  await pg.query(
    `INSERT INTO consultation_report (tenant_id, consultation_id, version, author_practitioner_id, author_user_id,
         opinion, recommendations, signed_at, content_hash)
     SELECT c.tenant_id, c.id, 1, t.practitioner_id, t.user_id, '考虑原发性高血压', '调整用药',
            c.scheduled_end + (hashtext(c.id::text) % 3 + 3) * interval '10 hours', md5(c.id::text)
       FROM consultation c JOIN bench_tenant t ON t.tenant_id = c.tenant_id
      WHERE c.state = 'COMPLETED' AND c.number LIKE 'H' || $1 || '-%'`,
    [month],
  );
}

/** Yearly forms for every year touched and 20 dispatched doctors a consortium. */
async function statistics(pg: Client, years: number[]): Promise<void> {
  for (const [key, spec] of Object.entries(STATISTICS)) {
    await pg.query(
      `INSERT INTO intake_statistic (tenant_id, year, key, institution_id, value, submitted_by, submitted_at)
       SELECT t.tenant_id, y, $1, i.id, CASE WHEN $3 THEN 20 + random() * 200 ELSE 1000 + random() * 480000 END,
              t.user_id, now()
         FROM bench_tenant t CROSS JOIN unnest($2::int[]) y
         LEFT JOIN institution i ON $3 AND i.tenant_id = t.tenant_id AND i.tier <> 'VILLAGE'`,
      [key, years, spec.perInstitution],
    );
  }
  await pg.query(`INSERT INTO dispatch_record (tenant_id, reference, from_institution_id, to_institution_id,
      starts_on, ends_on, submitted_by, submitted_at)
    SELECT t.tenant_id, 'PZ-' || g, t.hospital_id, t.townships[1 + g % array_length(t.townships, 1)],
           (current_date - interval '2 years')::date + g * 30, (current_date - interval '2 years')::date + g * 30 + 180,
           t.user_id, now()
      FROM bench_tenant t CROSS JOIN generate_series(1, 20) g`);
}

/** Rollup rows of a sample of institution-months recomputed from the raw visits, independently. */
async function checkSample(pg: Client, months: string[]): Promise<number> {
  const { rows } = await pg.query(
    `WITH pick AS (
       SELECT r.* FROM encounter_rollup r
        WHERE r.month = ANY($1::date[]) ORDER BY md5(r.institution_id::text || r.month) LIMIT 12),
     raw AS (
       SELECT p.tenant_id, p.institution_id, p.month,
              (SELECT count(*) FROM encounter e WHERE e.tenant_id = p.tenant_id AND e.institution_id = p.institution_id
                  AND e.occurred_on >= p.month AND e.occurred_on < p.month + interval '1 month'
                  AND e.kind <> 'INPATIENT')::int AS visits,
              (SELECT count(*) FROM encounter e WHERE e.tenant_id = p.tenant_id AND e.institution_id = p.institution_id
                  AND e.occurred_on >= p.month AND e.occurred_on < p.month + interval '1 month'
                  AND e.kind <> 'INPATIENT' AND e.resident)::int AS visits_resident,
              (SELECT count(*) FROM encounter e WHERE e.tenant_id = p.tenant_id AND e.institution_id = p.institution_id
                  AND e.occurred_on >= p.month AND e.occurred_on < p.month + interval '1 month'
                  AND e.kind = 'INPATIENT')::int AS admissions,
              (SELECT count(*) FROM encounter e WHERE e.tenant_id = p.tenant_id AND e.institution_id = p.institution_id
                  AND e.discharged_on >= p.month AND e.discharged_on < p.month + interval '1 month')::int AS discharges,
              (SELECT coalesce(sum(e.fund_paid), 0) FROM encounter e
                WHERE e.tenant_id = p.tenant_id AND e.institution_id = p.institution_id
                  AND CASE WHEN e.kind = 'INPATIENT' THEN e.discharged_on ELSE e.occurred_on END >= p.month
                  AND CASE WHEN e.kind = 'INPATIENT' THEN e.discharged_on ELSE e.occurred_on END
                      < p.month + interval '1 month') AS fund_paid
         FROM pick p)
     SELECT p.institution_id, p.month::text, p.visits, r.visits AS raw_visits, p.visits_resident,
            r.visits_resident AS raw_visits_resident, p.admissions, r.admissions AS raw_admissions,
            p.discharges, r.discharges AS raw_discharges, p.fund_paid::text, r.fund_paid::text AS raw_fund_paid
       FROM pick p JOIN raw r USING (tenant_id, institution_id, month)`,
    [months.map((m) => `${m}-01`)],
  );
  const bad = rows.filter(
    (r) =>
      r.visits !== r.raw_visits ||
      r.visits_resident !== r.raw_visits_resident ||
      r.admissions !== r.raw_admissions ||
      r.discharges !== r.raw_discharges ||
      Number(r.fund_paid) !== Number(r.raw_fund_paid),
  );
  if (bad.length) throw new Error(`rollups differ from the rows: ${JSON.stringify(bad)}`);
  return rows.length;
}

async function generate(pg: Client, months: string[]): Promise<void> {
  await timed('network', () => network(pg));
  await volumes(pg);
  let rows = 0;
  for (const m of months) {
    const t0 = performance.now();
    rows += await encounterMonth(pg, m, '');
    await oocMonth(pg, m);
    await flowsMonth(pg, m);
    log('month', { month: m, encounters: rows, s: +((performance.now() - t0) / 1000).toFixed(1) });
  }
  const years = [...new Set(months.map((m) => Number(m.slice(0, 4))))];
  await statistics(pg, [years[0] - 1, ...years]);
  // As the worker does every few seconds: the referral facts' deltas into their rollup.
  await timed('fold referral facts', () => pg.query(`SELECT referral_fact_fold()`));
  await timed('vacuum analyze', () => pg.query(`VACUUM ANALYZE`));
  const sampled = await checkSample(pg, months);
  log('rollups match the rows', { sampled });
}

/**
 * BENCH_GROW=N on a kept database: N more encounters over the same months and institutions
 * (same shape), rolled up the same way; referrals, consultations and the network unchanged.
 * The same reports then read the same number of rollup rows over many more raw visits.
 */
async function grow(pg: Client, months: string[], n: number): Promise<void> {
  await pg.query(`DROP TABLE IF EXISTS bench_inst`);
  await volumesFor(pg, n);
  let rows = 0;
  for (const m of months) {
    const t0 = performance.now();
    rows += await encounterMonth(pg, m, 'G');
    log('grow month', { month: m, added: rows, s: +((performance.now() - t0) / 1000).toFixed(1) });
  }
  await timed('vacuum analyze', () => pg.query(`VACUUM ANALYZE`));
  const sampled = await checkSample(pg, months);
  log('rollups match the rows', { sampled });
}

interface Scenario {
  name: string;
  call: (tenant: Tenant) => Promise<unknown>;
  gql: (tenant: Tenant) => { query: string; variables: object };
}

interface Tenant {
  user: AuthUser;
  township: string;
  token: string;
}

const REPORT_Q = `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) {
  indicatorReport(scope: $s, period: $p) { published results { code value numerator denominator met
    target { value } previousValue changeFromPrevious lastYearValue changeFromLastYear } } }`;
const TREND_Q = `query($c: String!, $s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) {
  indicator(code: $c, scope: $s, period: $p, trendMonths: 24) { result { value }
    trend { month value numerator denominator } } }`;

function scenarios(reports: IndicatorReports, month: string): Scenario[] {
  const period = { kind: PeriodKind.MONTH, month };
  const report = (
    name: string,
    scope: (t: Tenant) => { kind: ScopeKind; tier?: Tier; institutionId?: string },
  ) => ({
    name,
    call: (t: Tenant) => reports.report(t.user, scope(t), period),
    gql: (t: Tenant) => ({ query: REPORT_Q, variables: { s: scope(t), p: period } }),
  });
  return [
    report('report consortium-month', () => ({ kind: ScopeKind.CONSORTIUM })),
    report('report tier-month (TOWNSHIP)', () => ({ kind: ScopeKind.TIER, tier: Tier.TOWNSHIP })),
    report('report institution-month', (t) => ({ kind: ScopeKind.INSTITUTION, institutionId: t.township })),
    {
      name: 'trend 24 months (N07, consortium)',
      call: (t) => reports.indicator(t.user, 'N07', { kind: ScopeKind.CONSORTIUM }, period, 24),
      gql: () => ({ query: TREND_Q, variables: { c: 'N07', s: { kind: ScopeKind.CONSORTIUM }, p: period } }),
    },
  ];
}

/** REQUESTS calls spread over the consortia by `concurrency` workers; latencies in ms. */
async function load(
  concurrency: number,
  tenants: Tenant[],
  call: (t: Tenant) => Promise<unknown>,
): Promise<number[]> {
  const ms: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const t0 = performance.now();
      await call(tenants[i % tenants.length]);
      ms.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ms;
}

async function gqlCall(url: string, token: string, body: { query: string; variables: object }) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { errors?: unknown };
  if (!res.ok || json.errors) throw new Error(`graphql: ${res.status} ${JSON.stringify(json.errors)}`);
}

/** Statements one call sends, counted on the query runner; BENCH_PROFILE=1 logs the slowest. */
async function statements(name: string, f: () => Promise<unknown>): Promise<number> {
  const proto = PostgresQueryRunner.prototype as unknown as { query: (...a: unknown[]) => Promise<unknown> };
  const original = proto.query;
  const seen: { ms: number; sql: string }[] = [];
  const started = performance.now();
  proto.query = async function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    try {
      return await original.apply(this, a);
    } finally {
      seen.push({ ms: performance.now() - t0, sql: String(a[0]).replace(/\s+/g, ' ').slice(0, 160) });
    }
  };
  try {
    await f();
  } finally {
    proto.query = original;
  }
  if (process.env.BENCH_PROFILE === '1') {
    const top =
      process.env.BENCH_PROFILE_ALL === '1' ? seen : [...seen].sort((x, y) => y.ms - x.ms).slice(0, 6);
    const wall = performance.now() - started;
    const inSql = seen.reduce((s, t) => s + t.ms, 0);
    log('slowest statements', {
      name,
      wallMs: +wall.toFixed(1),
      statementMs: +inSql.toFixed(1),
      top: top.map((t) => ({ ms: +t.ms.toFixed(1), sql: t.sql })),
    });
  }
  return seen.length;
}

async function main() {
  const checkpoints = mkdtempSync(join(tmpdir(), 'yg-indicators-bench-'));
  const env = {
    AUDIT_CHECKPOINT_DIR: checkpoints,
    ...benchEnv(DB_NAME, process.env.BENCH_QUEUE_PREFIX ?? 'ygbenchind'),
    LOG_LEVEL: 'warn',
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
  };
  const config = loadConfig(env);
  const owner = ownerConfig(config);
  const reuse = process.env.BENCH_REUSE_DB === '1';
  const keep = reuse || process.env.BENCH_KEEP_DB === '1';
  const now = currentMonth(TZ, new Date());
  const reportMonth = addMonths(now, -1);
  const months = Array.from({ length: MONTHS }, (_, i) => addMonths(reportMonth, i - (MONTHS - 1)));
  if (!reuse) await dropDatabase(config);
  await migrate(config);
  const pg = new Client({
    host: owner.db.host,
    port: owner.db.port,
    user: owner.db.user,
    password: owner.db.password,
    database: owner.db.name,
  });
  await pg.connect();
  let app: INestApplication | undefined;
  try {
    if (!reuse) await timed('generate', () => generate(pg, months));
    const growBy = Number(process.env.BENCH_GROW ?? 0);
    if (reuse && growBy > 0) await timed('grow', () => grow(pg, months, growBy));
    const { rows: sizes } = await pg.query(`SELECT
        (SELECT count(*) FROM encounter)::int AS encounters,
        (SELECT count(*) FROM encounter_rollup)::int AS rollup_rows,
        (SELECT count(*) FROM encounter_day_rollup)::int AS day_rollup_rows,
        (SELECT count(*) FROM ooc_settlement)::int AS ooc_settlements,
        (SELECT count(*) FROM referral)::int AS referrals,
        (SELECT count(*) FROM consultation)::int AS consultations,
        (SELECT count(*) FROM medication_plan_item)::int AS plan_items,
        (SELECT count(*) FROM institution)::int AS institutions,
        pg_size_pretty(pg_database_size(current_database())) AS database_size`);
    log('data', sizes[0]);

    app = await createApiApp(config);
    await app.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1');
    const url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
    const reports = app.get(IndicatorReports);
    const tokens = app.get(TokenService);
    const { rows: trows } = await pg.query(
      `SELECT t.tenant_id, t.user_id, t.hospital_id, t.townships[1] AS township FROM bench_tenant t ORDER BY 1`,
    );
    const tenants: Tenant[] = trows.map((r) => {
      const user: AuthUser = {
        id: r.user_id,
        tenantId: r.tenant_id,
        institutionId: r.hospital_id,
        roles: [Role.CONSORTIUM_ADMIN],
        practitionerId: null,
      };
      return { user, township: r.township, token: tokens.issue(user, 0).token };
    });
    const list = scenarios(reports, reportMonth);
    const chosen = process.env.BENCH_SCENARIOS
      ? process.env.BENCH_SCENARIOS.split(',').map((i) => list[Number(i)])
      : list;
    // Warm-up: every consortium once per scenario (plans cached, pages in memory as in service).
    if (process.env.BENCH_PROFILE !== '1' || process.env.BENCH_WARM === '1')
      for (const s of chosen) for (const t of tenants) await s.call(t);
    const counts: Record<string, number> = {};
    for (const s of list) counts[s.name] = await statements(s.name, () => s.call(tenants[0]));
    log('statements per call', counts);
    if (process.env.BENCH_PROFILE === '1') return;

    type Row = { scenario: string; via: string; concurrency: number; p50: number; p95: number; p99: number };
    const results: (Row & { runs: { p50: number; p95: number; p99: number; max: number }[] })[] = [];
    const vias: ('service' | 'http')[] = HTTP ? ['service', 'http'] : ['service'];
    for (const via of vias) {
      // Over HTTP the consortium-month report and the trend (BENCH_HTTP_ALL=1: every scenario).
      const httpAll = process.env.BENCH_HTTP_ALL === '1';
      for (const s of via === 'http' && !httpAll ? [list[0], list[3]] : chosen) {
        for (const concurrency of (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number)) {
          const runs = [];
          for (let run = 0; run < RUNS; run++) {
            const call = via === 'service' ? s.call : (t: Tenant) => gqlCall(url, t.token, s.gql(t));
            const ms = await load(concurrency, tenants, call);
            runs.push(latencies(ms, [50, 95, 99] as const));
          }
          const row = {
            scenario: s.name,
            via,
            concurrency,
            p50: +median(runs.map((r) => r.p50)).toFixed(1),
            p95: +median(runs.map((r) => r.p95)).toFixed(1),
            p99: +median(runs.map((r) => r.p99)).toFixed(1),
            runs: runs.map((r) => ({
              p50: +r.p50.toFixed(1),
              p95: +r.p95.toFixed(1),
              p99: +r.p99.toFixed(1),
              max: +r.max.toFixed(1),
            })),
          };
          results.push(row);
          log('result', { ...row, runs: undefined, load: loadavg().map((x) => +x.toFixed(2)) });
        }
      }
    }
    const out = {
      at: new Date().toISOString(),
      consortia: CONSORTIA,
      network: { townships: TOWNSHIPS, villages: VILLAGES },
      reportMonth,
      months: [months[0], months[months.length - 1]],
      sizes: sizes[0],
      requests: REQUESTS,
      runs: RUNS,
      statementsPerCall: counts,
      loadAverageAtEnd: loadavg(),
      results,
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(
      ROOT,
      `bench/results/indicators-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    writeFileSync(file, JSON.stringify(out, null, 2));
    log('wrote', { file });
  } finally {
    await app?.close();
    await pg.end();
    if (!keep) await dropDatabase(config);
    rmSync(checkpoints, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
