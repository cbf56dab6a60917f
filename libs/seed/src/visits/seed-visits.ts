import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import {
  ensureEncounterPartitions,
  recountDaysReported,
  ROLLUP_SUMS,
  rollupDeltaSql,
} from '@yg/intake/intake-merge.repository';
import { CONSORTIUM, INSTITUTIONS, InstitutionKind, SeedInstitution } from '../qianjiang.data';
import { yearlyForms, dispatchRecords, staffOf } from './visit-profile';

/**
 * The demo consortium's visit data: 24 months up to last month plus the current month to
 * yesterday (consortium time zone), as the member HIS systems (`HIS-DEMO`) and the 医保 bureau
 * (`YB-DEMO`) would have reported it, with the yearly statistics forms and dispatch records.
 *
 * Generated in SQL, one statement per month: visits and stays per institution and day
 * (weekday, season and a yearly shift from county hospitals to primary care), the records
 * themselves drawn from a hash of (institution, day, number), so every run draws the same
 * ones. Each statement inserts the records' keys (`encounter_key`, ON CONFLICT DO NOTHING), the
 * records whose keys were new, and adds exactly those records to `encounter_rollup` (by the
 * merge's own rollup rule, rollupDeltaSql), `encounter_day_rollup` and `ooc_rollup`: a second run adds
 * nothing, a run on a later day adds the days since. A stay not yet discharged on the last day
 * generated stays open (no discharge date), as an HIS would report it that day.
 *
 * `scale` multiplies every count (1: the full county, ~2.8 million visits a year; tests use a
 * small fraction through the same code).
 */
export interface VisitSeedOptions {
  scale?: number;
  now?: Date;
  /** Called after each month with its counts, for progress output. */
  onMonth?: (m: { month: string; encounters: number; settlements: number }) => void;
}

export interface VisitSeedSummary {
  months: number;
  encounters: number;
  settlements: number;
  statistics: number;
  dispatches: number;
}

export const DEMO_HIS = 'HIS-DEMO';
export const DEMO_SETTLEMENTS = 'YB-DEMO';

/** Per-kind daily volumes (full scale, at the start of the window) and the shape of a visit. */
interface Profile {
  out: number;
  er: number;
  tcm: number;
  adm: number;
  losMin: number;
  losSpan: number;
  outCost: number;
  inCost: number;
  fundOut: number;
  fundIn: number;
  resident: number;
  depts: string[];
}

const PROFILES: Record<Exclude<InstitutionKind, 'PARTNER_HOSPITAL'>, Profile> = {
  GENERAL_HOSPITAL: {
    out: 1650,
    er: 0.1,
    tcm: 0.06,
    adm: 80,
    losMin: 5,
    losSpan: 8,
    outCost: 320,
    inCost: 9200,
    fundOut: 0.35,
    fundIn: 0.66,
    resident: 0.93,
    depts: [
      '心血管内科',
      '呼吸内科',
      '消化内科',
      '神经内科',
      '普外科',
      '骨科',
      '儿科',
      '妇产科',
      '急诊科',
      '内分泌科',
    ],
  },
  SPECIALTY_HOSPITAL: {
    out: 600,
    er: 0.04,
    tcm: 0.1,
    adm: 24,
    losMin: 4,
    losSpan: 8,
    outCost: 240,
    inCost: 5600,
    fundOut: 0.38,
    fundIn: 0.7,
    resident: 0.95,
    depts: ['内科', '外科', '儿科', '妇科', '康复科'],
  },
  COMMUNITY_HOSPITAL_GROUP: {
    out: 230,
    er: 0.04,
    tcm: 0.2,
    adm: 8,
    losMin: 4,
    losSpan: 6,
    outCost: 150,
    inCost: 4200,
    fundOut: 0.45,
    fundIn: 0.75,
    resident: 0.97,
    depts: ['全科', '内科', '康复科', '中医科'],
  },
  REGIONAL_SUBCENTER: {
    out: 255,
    er: 0.03,
    tcm: 0.25,
    adm: 8,
    losMin: 4,
    losSpan: 6,
    outCost: 110,
    inCost: 3300,
    fundOut: 0.5,
    fundIn: 0.8,
    resident: 0.985,
    depts: ['全科', '内科', '外科', '中医科', '康复科'],
  },
  COMMUNITY_HEALTH_CENTER: {
    out: 175,
    er: 0,
    tcm: 0.22,
    adm: 0.4,
    losMin: 3,
    losSpan: 5,
    outCost: 85,
    inCost: 2500,
    fundOut: 0.55,
    fundIn: 0.8,
    resident: 0.98,
    depts: ['全科', '中医科', '公共卫生科'],
  },
  TOWNSHIP_HEALTH_CENTER: {
    out: 115,
    er: 0.01,
    tcm: 0.24,
    adm: 1.4,
    losMin: 3,
    losSpan: 5,
    outCost: 75,
    inCost: 2300,
    fundOut: 0.55,
    fundIn: 0.82,
    resident: 0.99,
    depts: ['全科', '中医科', '公共卫生科', '康复科'],
  },
  VILLAGE_CLINIC: {
    out: 18,
    er: 0,
    tcm: 0.15,
    adm: 0,
    losMin: 0,
    losSpan: 0,
    outCost: 42,
    inCost: 0,
    fundOut: 0.6,
    fundIn: 0,
    resident: 0.995,
    depts: ['全科诊室'],
  },
};

/** Two specialty hospitals differ: the TCM hospital is mostly TCM, the MCH hospital smaller. */
const OVERRIDES: Record<string, Partial<Profile>> = {
  'qj-tcm': {
    out: 800,
    tcm: 0.72,
    adm: 33,
    inCost: 6200,
    depts: ['中医内科', '针灸推拿科', '骨伤科', '中医妇科', '康复科'],
  },
  'qj-mch': { out: 380, tcm: 0.04, adm: 16, inCost: 4800, depts: ['妇科', '产科', '儿科', '儿童保健科'] },
};

/**
 * Units that lag: TCM share well under the 20 % the TCM key task asks for, or visit data missing
 * on about a quarter of the days (信息统一 asks for every day).
 */
const LOW_TCM = new Set(['chc-zhoubai', 'thc-taiji', 'thc-wuli', 'sc-heixi', 'vc-linee-matian']);
const GAPS: Record<string, number> = {
  'thc-pengdong': 0.25,
  'vc-taiji-lizi': 0.3,
  'vc-shanling-shanling': 0.22,
};

/** A stable number in [0, 1) per institution, for its own variation. */
function jitter(key: string): number {
  let h = 2166136261;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) / 2 ** 32;
}

function profileOf(inst: SeedInstitution, no: number, ids: Map<string, string>) {
  const base = { ...PROFILES[inst.kind as keyof typeof PROFILES], ...OVERRIDES[inst.key] };
  const j = jitter(inst.key);
  return {
    id: ids.get(inst.key)!,
    no,
    primary: inst.tier === 'TOWNSHIP' || inst.tier === 'VILLAGE',
    out: base.out * (0.8 + 0.4 * j),
    er: base.er,
    tcm: LOW_TCM.has(inst.key) ? 0.06 + 0.08 * j : base.tcm * (0.85 + 0.4 * j),
    adm: base.adm * (0.85 + 0.3 * j),
    los_min: base.losMin,
    los_span: base.losSpan,
    out_cost: base.outCost,
    in_cost: base.inCost,
    fund_out: base.fundOut,
    fund_in: base.fundIn,
    res: base.resident,
    gap: GAPS[inst.key] ?? 0,
    depts: base.depts,
  };
}

const DIAGNOSES = [
  'I10',
  'E11.9',
  'J06.9',
  'J20.9',
  'K29.7',
  'M54.5',
  'I25.1',
  'J44.9',
  'N39.0',
  'R51',
  'Z00.0',
  'I63.9',
];
const OOC_HOSPITALS: [string, string][] = [
  ['重庆医科大学附属第一医院', '三级甲等'],
  ['陆军军医大学第一附属医院', '三级甲等'],
  ['四川大学华西医院', '三级甲等'],
  ['湖北省恩施州中心医院', '三级甲等'],
  ['重庆大学附属三峡医院', '三级甲等'],
  ['彭水苗族土家族自治县人民医院', '二级甲等'],
  ['酉阳土家族苗族自治县人民医院', '二级甲等'],
  ['咸丰县人民医院', '二级甲等'],
];

/** A uniform number in [0, 1) from a bigint key and a salt: deterministic, so reruns draw the same. */
const U = (key: string, salt: number) =>
  `((hashint8extended(${key}, ${salt}) & 2147483647)::float8 / 2147483648)`;

/**
 * One month's statement. $1 tenant, $2 institutions (jsonb), $3 first day, $4 last day,
 * $5 the trends' day zero, $6 scale, $7 last day generated overall (open stays end after it),
 * $8 diagnoses, $9 out-of-county hospitals, $10 received_at, $11 run id, $12 the hospitals' levels.
 */
/** The merge's rollup rule, grouped by institution: one statement loads a month for all of them. */
const ROLLUP = rollupDeltaSql(['institution_id']);

export const MONTH_SQL = `
WITH inst AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, no int, "primary" boolean, out float8, er float8,
    tcm float8, adm float8, los_min int, los_span int, out_cost float8, in_cost float8, fund_out float8,
    fund_in float8, res float8, gap float8, depts text[])
),
days AS (
  SELECT d::date AS day, (d::date - DATE '2000-01-01') AS dn, (d::date - $5::date) / 365.25 AS t,
         -- Weekends are quieter; winter busier than summer.
         (CASE extract(isodow FROM d) WHEN 6 THEN 0.8 WHEN 7 THEN 0.6 ELSE 1.12 END)
           * (1 + 0.08 * cos(2 * pi() * (extract(month FROM d) - 1) / 12)) AS season
    FROM generate_series($3::date, $4::date, interval '1 day') AS d
),
cnt AS (
  SELECT i.*, d.day, d.dn, d.t, (i.no::bigint * 100000 + d.dn) AS k,
         -- Primary care gains visits year by year, county hospitals lose some: the primary share
         -- rises about two points a year.
         floor(i.out * $6 * d.season * (0.9 + 0.2 * ${U('i.no::bigint * 100000 + d.dn', 11)})
               * CASE WHEN i."primary" THEN 1 + 0.05 * d.t ELSE 1 - 0.04 * d.t END
               + ${U('i.no::bigint * 100000 + d.dn', 12)})::int AS n_out,
         floor(i.adm * $6 * (0.75 + 0.25 * d.season) * (0.8 + 0.4 * ${U('i.no::bigint * 100000 + d.dn', 13)})
               * CASE WHEN i."primary" THEN 1 + 0.03 * d.t ELSE 1 - 0.01 * d.t END
               + ${U('i.no::bigint * 100000 + d.dn', 14)})::int AS n_in
    FROM inst i CROSS JOIN days d
   WHERE ${U('i.no::bigint * 100000 + d.dn', 15)} >= i.gap
),
outp AS (
  SELECT c.id AS institution_id, c.day, c.t, g.n, c.k * 100000 + g.n AS rk, c.er, c.tcm, c.res, c.out_cost,
         c.fund_out, c.depts
    FROM cnt c CROSS JOIN generate_series(1, c.n_out) AS g(n)
),
outrows AS (
  SELECT o.institution_id, 'MZ' || to_char(o.day, 'YYYYMMDD') || lpad(o.n::text, 5, '0') AS source_record_id,
         v.kind, o.day AS occurred_on, NULL::date AS discharged_on, v.tcm,
         CASE WHEN v.tcm THEN '中医科' ELSE o.depts[1 + floor(${U('o.rk', 6)} * cardinality(o.depts))::int] END AS department,
         ($8::text[])[1 + floor(${U('o.rk', 7)} * cardinality($8::text[]))::int] AS diagnosis_code,
         v.insured, ${U('o.rk', 4)} < o.res AS resident, ${U('o.rk', 5)} < 0.2 AS chronic_managed, v.cost,
         CASE WHEN v.insured THEN round((v.cost * o.fund_out)::numeric, 2) ELSE 0 END AS fund_paid
    FROM outp o
    CROSS JOIN LATERAL (SELECT
         CASE WHEN ${U('o.rk', 1)} < o.er THEN 'EMERGENCY' ELSE 'OUTPATIENT' END AS kind,
         ${U('o.rk', 2)} < o.tcm AS tcm,
         ${U('o.rk', 3)} < 0.955 AS insured,
         round((o.out_cost * (0.35 + 1.3 * ${U('o.rk', 8)}) * (1 + 0.02 * o.t)
                * CASE WHEN ${U('o.rk', 1)} < o.er THEN 1.6 ELSE 1 END)::numeric, 2) AS cost) v
),
inp AS (
  SELECT c.id AS institution_id, c.day, c.t, g.n, c.k * 100000 + 50000 + g.n AS rk, c.tcm, c.in_cost, c.fund_in,
         c.los_min, c.los_span, c.depts
    FROM cnt c CROSS JOIN generate_series(1, c.n_in) AS g(n)
),
inrows AS (
  SELECT p.institution_id, 'ZY' || to_char(p.day, 'YYYYMMDD') || lpad(p.n::text, 4, '0') AS source_record_id,
         'INPATIENT' AS kind, p.day AS occurred_on,
         CASE WHEN p.day + v.los <= $7::date THEN p.day + v.los END AS discharged_on,
         ${U('p.rk', 2)} < p.tcm * 0.6 AS tcm,
         p.depts[1 + floor(${U('p.rk', 6)} * cardinality(p.depts))::int] AS department,
         ($8::text[])[1 + floor(${U('p.rk', 7)} * cardinality($8::text[]))::int] AS diagnosis_code,
         v.insured, ${U('p.rk', 4)} < 0.965 AS resident, ${U('p.rk', 5)} < 0.15 AS chronic_managed, v.cost,
         CASE WHEN v.insured THEN round(least(v.cost * p.fund_in * (0.9 + 0.15 * ${U('p.rk', 9)}), v.cost)::numeric, 2) ELSE 0 END AS fund_paid
    FROM inp p
    CROSS JOIN LATERAL (SELECT
         p.los_min + floor(${U('p.rk', 1)} * p.los_span)::int AS los,
         ${U('p.rk', 3)} < 0.975 AS insured,
         round((p.in_cost * (0.45 + 1.1 * ${U('p.rk', 8)}) * (1 + 0.03 * p.t))::numeric, 2) AS cost) v
),
gen AS (
  SELECT r.*,
         md5(concat_ws('|', r.kind, r.occurred_on, r.discharged_on, r.department, r.tcm, r.diagnosis_code,
                       r.insured, r.resident, r.chronic_managed, r.cost, r.fund_paid)) AS content_hash
    FROM (SELECT * FROM outrows UNION ALL SELECT * FROM inrows) r
),
keys AS (
  INSERT INTO encounter_key (tenant_id, institution_id, source_system, source_record_id, occurred_on, content_hash)
  SELECT $1, institution_id, '${DEMO_HIS}', source_record_id, occurred_on, content_hash FROM gen
  ON CONFLICT DO NOTHING
  RETURNING institution_id, source_record_id
),
ins AS (
  INSERT INTO encounter (tenant_id, institution_id, source_system, source_record_id, kind, occurred_on,
      discharged_on, department, tcm, diagnosis_code, insured, resident, chronic_managed, total_cost, fund_paid,
      content_hash, run_id, received_at)
  SELECT $1, g.institution_id, '${DEMO_HIS}', g.source_record_id, g.kind, g.occurred_on, g.discharged_on,
         g.department, g.tcm, g.diagnosis_code, g.insured, g.resident, g.chronic_managed, g.cost, g.fund_paid,
         g.content_hash, $11, $10
    FROM gen g WHERE (g.institution_id, g.source_record_id) IN (SELECT institution_id, source_record_id FROM keys)
  RETURNING institution_id, kind, occurred_on, discharged_on, tcm, insured, resident, chronic_managed, total_cost,
            fund_paid
),
d AS (SELECT 1 AS sign, * FROM ins),
by_day AS (${ROLLUP.byDay}),
by_month AS (${ROLLUP.byMonth}),
roll AS (
  INSERT INTO encounter_rollup (tenant_id, institution_id, month, ${ROLLUP_SUMS.join(', ')})
  SELECT $1, institution_id, month, ${ROLLUP_SUMS.join(', ')} FROM by_month
  ON CONFLICT (tenant_id, month, institution_id) DO UPDATE SET
    ${ROLLUP_SUMS.map((k) => `${k} = encounter_rollup.${k} + EXCLUDED.${k}`).join(', ')}
  RETURNING 1
),
dayroll AS (
  INSERT INTO encounter_day_rollup (tenant_id, institution_id, day, encounters)
  SELECT $1, institution_id, day, encounters FROM by_day
  ON CONFLICT (tenant_id, institution_id, day) DO UPDATE
    SET encounters = encounter_day_rollup.encounters + EXCLUDED.encounters
  RETURNING 1
),
-- Out-of-county settlements of the day, in proportion to the county's own resident visits and
-- insured admissions: about 91 % of residents' visits and 87 % of their admissions stay in the
-- county, a little more each year, more around the Spring Festival.
oocday AS (
  SELECT d.day, d.dn, d.t, k.visits, k.stays,
         0.904 + 0.004 * d.t + 0.006 * cos(2 * pi() * (extract(month FROM d.day) - 1) / 12)
           + 0.006 * (${U('d.dn', 21)} - 0.5) AS r_out,
         0.855 + 0.012 * d.t + 0.01 * (${U('d.dn', 22)} - 0.5) AS r_in
    FROM days d
    JOIN (SELECT day, sum(n_out * res) AS visits, sum(n_in * 0.94) AS stays FROM cnt GROUP BY day) k USING (day)
),
oocrows AS (
  SELECT 'YB' || to_char(o.day, 'YYYYMMDD') || CASE WHEN s.inpatient THEN 'Z' ELSE 'M' END
           || lpad(s.n::text, 5, '0') AS source_record_id,
         o.day AS settled_on, s.inpatient, s.rk, o.t
    FROM oocday o
    CROSS JOIN LATERAL (
      SELECT false AS inpatient, g.n, o.dn::bigint * 1000000 + g.n AS rk
        FROM generate_series(1, floor(o.visits * (1 / o.r_out - 1) + ${U('o.dn', 23)})::int) AS g(n)
      UNION ALL
      SELECT true, g.n, o.dn::bigint * 1000000 + 500000 + g.n
        FROM generate_series(1, floor(o.stays * (1 / o.r_in - 1) + ${U('o.dn', 24)})::int) AS g(n)) s
),
oocgen AS (
  SELECT r.source_record_id, r.settled_on, r.inpatient, ($9::text[])[h.i] AS hospital_name,
         ($12::text[])[h.i] AS hospital_level, v.cost,
         round(v.cost * CASE WHEN r.inpatient THEN 0.55 ELSE 0.3 END, 2) AS fund_paid
    FROM oocrows r
    CROSS JOIN LATERAL (SELECT round((CASE WHEN r.inpatient THEN 16500 ELSE 460 END
                                      * (0.35 + 1.3 * ${U('r.rk', 8)}) * (1 + 0.03 * r.t))::numeric, 2) AS cost) v
    CROSS JOIN LATERAL (SELECT 1 + floor(${U('r.rk', 25)} * cardinality($9::text[]))::int AS i) h
),
ooc AS (
  INSERT INTO ooc_settlement (tenant_id, source_system, source_record_id, settled_on, inpatient, hospital_name,
      hospital_level, total_cost, fund_paid, content_hash, run_id, received_at)
  SELECT $1, '${DEMO_SETTLEMENTS}', source_record_id, settled_on, inpatient, hospital_name, hospital_level, cost,
         fund_paid, md5(concat_ws('|', settled_on, inpatient, hospital_name, hospital_level, cost, fund_paid)), $11, $10
    FROM oocgen
  ON CONFLICT (tenant_id, source_system, source_record_id) DO NOTHING
  RETURNING settled_on, inpatient, total_cost, fund_paid
),
-- The same sums as the settlement merge adds for new records (intake-merge mergeOoc).
oocroll AS (
  INSERT INTO ooc_rollup (tenant_id, month, visits, admissions, cost, fund_paid)
  SELECT $1, date_trunc('month', settled_on)::date, sum((NOT inpatient)::int), sum(inpatient::int), sum(total_cost),
         sum(fund_paid)
    FROM ooc GROUP BY 2
  ON CONFLICT (tenant_id, month) DO UPDATE SET visits = ooc_rollup.visits + EXCLUDED.visits,
    admissions = ooc_rollup.admissions + EXCLUDED.admissions, cost = ooc_rollup.cost + EXCLUDED.cost,
    fund_paid = ooc_rollup.fund_paid + EXCLUDED.fund_paid
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS encounters, (SELECT count(*) FROM ooc)::int AS settlements,
       (SELECT count(*) FROM roll)::int AS rollups, (SELECT count(*) FROM dayroll)::int AS days,
       (SELECT count(*) FROM oocroll)::int AS ooc_months`;

/**
 * Day zero of the yearly trends (primary care's gain, costs, in-county rates): fixed rather than
 * the window's start, so a day drawn by a later run follows the same curve as the days before it.
 */
const TREND_EPOCH = '2024-11-01';

/** The run id the demo's records carry: a fixed one, so reruns write identical rows. */
const DEMO_RUN = '00000000-0000-4000-8000-00000000d3e0';

export async function seedVisits(ds: DataSource, opts: VisitSeedOptions = {}): Promise<VisitSeedSummary> {
  const scale = opts.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new Error(`visit scale ${scale} must be in (0, 1]`);
  const now = opts.now ?? new Date();
  const today = DateTime.fromJSDate(now, { zone: CONSORTIUM.timeZone }).startOf('day');
  const last = today.minus({ days: 1 });
  const start = today.startOf('month').minus({ months: 24 });
  const [tenant] = await ds.query(`SELECT id FROM consortium WHERE name = $1`, [CONSORTIUM.name]);
  if (!tenant) throw new Error('seed the consortium first');
  const tenantId: string = tenant.id;
  const rows: { id: string; name: string }[] = await ds.query(
    `SELECT id, name FROM institution WHERE tenant_id = $1`,
    [tenantId],
  );
  const byName = new Map(rows.map((r) => [r.name, r.id]));
  const ids = new Map(INSTITUTIONS.map((i) => [i.key, byName.get(i.name)!]));
  const members = INSTITUTIONS.filter((i) => i.tier !== 'EXTERNAL');
  const params = JSON.stringify(members.map((inst, n) => profileOf(inst, n + 1, ids)));

  const summary: VisitSeedSummary = {
    months: 0,
    encounters: 0,
    settlements: 0,
    statistics: 0,
    dispatches: 0,
  };
  const startDay = start.toISODate()!;
  const lastDay = last.toISODate()!;
  if (lastDay >= startDay) {
    await ensureEncounterPartitions(ds, startDay, lastDay);
    // Resume after the last day already generated: a month is one transaction, so the days up
    // to that one are complete; keys already present are skipped anyway.
    const [{ done }] = await ds.query(
      `SELECT max(occurred_on)::text AS done FROM encounter_key
        WHERE tenant_id = $1 AND institution_id = $2 AND source_system = $3`,
      [tenantId, ids.get('qj-central'), DEMO_HIS],
    );
    const resume: string =
      done && done >= startDay ? DateTime.fromISO(done).plus({ days: 1 }).toISODate()! : startDay;
    for (let m = start; m <= last; m = m.plus({ months: 1 })) {
      const from = DateTime.max(m, DateTime.fromISO(resume, { zone: CONSORTIUM.timeZone })).toISODate()!;
      const to = DateTime.min(m.endOf('month').startOf('day'), last).toISODate()!;
      if (from > to) continue;
      const args: unknown[] = [
        tenantId,
        params,
        from,
        to,
        TREND_EPOCH,
        scale,
        lastDay,
        DIAGNOSES,
        OOC_HOSPITALS.map((h) => h[0]),
        now,
        DEMO_RUN,
        OOC_HOSPITALS.map((h) => h[1]),
      ];
      const [r] = await ds.transaction(async (em) => {
        // The planner's guesses for generate_series are far off; compiling the plan (JIT) for
        // those guesses would cost more than running it.
        await em.query(`SET LOCAL jit = off`);
        // A full-scale month is a quarter of a million records: longer than the apps' timeout.
        await em.query(`SET LOCAL statement_timeout = 0`);
        const res = await em.query(MONTH_SQL, args);
        // Day rows of this month only (a discharge moves a later month's sums, not its days).
        await recountDaysReported(em, tenantId, null, [m.toISODate()!]);
        return res;
      });
      summary.months++;
      summary.encounters += r.encounters;
      summary.settlements += r.settlements;
      opts.onMonth?.({ month: m.toFormat('yyyy-MM'), encounters: r.encounters, settlements: r.settlements });
    }
  }
  const [admin] = await ds.query(`SELECT id FROM app_user WHERE username = 'admin'`);
  for (let year = start.year; year <= today.year; year++) {
    const submittedAt = DateTime.min(
      DateTime.fromObject({ year, month: 1, day: 20 }, { zone: CONSORTIUM.timeZone }),
      today,
    );
    const values = [
      ...yearlyForms(year).map(([key, value]) => ({ key, institution_id: null, value })),
      ...members.flatMap((inst) => {
        const s = staffOf(inst, year);
        return [
          { key: 'STAFF_COUNT', institution_id: ids.get(inst.key), value: s.count },
          { key: 'STAFF_INCOME_TOTAL', institution_id: ids.get(inst.key), value: s.income },
        ];
      }),
    ];
    const inserted = await ds.query(
      `INSERT INTO intake_statistic (tenant_id, year, key, institution_id, value, submitted_by, submitted_at)
       SELECT $1, $2, x.key, x.institution_id, x.value, $4, $5
         FROM jsonb_to_recordset($3::jsonb) AS x(key text, institution_id uuid, value numeric)
       ON CONFLICT ON CONSTRAINT intake_statistic_key DO NOTHING RETURNING 1`,
      [tenantId, year, JSON.stringify(values), admin.id, submittedAt.toJSDate()],
    );
    summary.statistics += inserted.length;
  }
  const dispatches = dispatchRecords(members, start, today).map((d) => ({
    ...d,
    from_id: ids.get(d.fromKey),
    to_id: ids.get(d.toKey),
  }));
  const inserted = await ds.query(
    `INSERT INTO dispatch_record (tenant_id, reference, from_institution_id, to_institution_id, starts_on, ends_on,
         submitted_by, submitted_at)
     SELECT $1, x.reference, x.from_id, x.to_id, x.starts_on, x.ends_on, $3, x.starts_on::timestamptz
       FROM jsonb_to_recordset($2::jsonb) AS x(reference text, from_id uuid, to_id uuid, starts_on date, ends_on date)
     ON CONFLICT (tenant_id, reference) DO NOTHING RETURNING 1`,
    [tenantId, JSON.stringify(dispatches), admin.id],
  );
  summary.dispatches = inserted.length;
  return summary;
}
