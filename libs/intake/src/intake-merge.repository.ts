import type { EntityManager } from 'typeorm';
import { copyIn, copyLine } from '@yg/drugs/files/copy';
import type { EncounterRow, OocRow } from './domain/records';

/**
 * The SQL of a load: rows COPY'd into a transaction-local staging table, then one merge
 * statement per batch that replaces corrected records, skips identical ones, inserts new ones
 * and moves the monthly rollups by the difference (old contribution out, new one in), so a
 * record that changes month updates both months. The caller holds the institution's intake
 * lock for the transaction.
 *
 * Look-ups by key are LATERAL … LIMIT 1 and deletions go by id arrays: right after a large load
 * the new partitions have no statistics, and a plain join was planned as a hash over every row
 * of the institution (a batch then cost as much as the table it merged into).
 */

export interface MergeCounts {
  accepted: number;
  replaced: number;
  unchanged: number;
}

const ENC_STAGE = [
  'n',
  'source_record_id',
  'kind',
  'occurred_on',
  'discharged_on',
  'id_number_hash',
  'department',
  'tcm',
  'diagnosis_code',
  'insured',
  'resident',
  'chronic_managed',
  'total_cost',
  'fund_paid',
  'content_hash',
];

export async function createEncounterStage(em: EntityManager): Promise<void> {
  await em.query(`CREATE TEMP TABLE encounter_stage (
      n int NOT NULL, source_record_id text NOT NULL, kind text NOT NULL, occurred_on date NOT NULL,
      discharged_on date, id_number_hash text, department text, tcm boolean NOT NULL, diagnosis_code text,
      insured boolean NOT NULL, resident boolean NOT NULL, chronic_managed boolean NOT NULL,
      total_cost numeric(14,2) NOT NULL, fund_paid numeric(14,2) NOT NULL, content_hash text NOT NULL
    ) ON COMMIT DROP`);
}

export function encounterLine(n: number, r: EncounterRow): string {
  return copyLine([
    n,
    r.sourceRecordId,
    r.kind,
    r.occurredOn,
    r.dischargedOn,
    r.idNumberHash,
    r.department,
    r.tcm,
    r.diagnosisCode,
    r.insured,
    r.resident,
    r.chronicManaged,
    r.totalCost,
    r.fundPaid,
    r.contentHash,
  ]);
}

/**
 * Fills the staging table. Not analysed: every look-up of the merge is a LATERAL … LIMIT 1 or an
 * id array, planned the same whatever the statistics say, and ANALYZE of a large file's staging
 * cost more than the look-ups it could have steered.
 */
export async function copyEncounters(em: EntityManager, chunks: AsyncIterable<string>): Promise<void> {
  await copyIn(em, `COPY encounter_stage (${ENC_STAGE.join(', ')}) FROM STDIN`, chunks);
}

/**
 * Where a merge reads its records: the staging table's rows n in (lo, hi] (a file), or a push's
 * rows passed as one array per column — a batch of 1,000 then costs no temporary table, COPY or
 * catalogue churn.
 */
export type EncounterSource = { staged: { lo: number; hi: number } } | { rows: EncounterRow[] };

const ENC_ARRAY_TYPES = [
  'int',
  'text',
  'text',
  'date',
  'date',
  'text',
  'text',
  'boolean',
  'text',
  'boolean',
  'boolean',
  'boolean',
  'numeric',
  'numeric',
  'text',
];

function encounterSource(source: EncounterSource, first: number): { sql: string; params: unknown[] } {
  if ('staged' in source) {
    return {
      sql: `(SELECT * FROM encounter_stage WHERE n > $${first} AND n <= $${first + 1}) st`,
      params: [source.staged.lo, source.staged.hi],
    };
  }
  const r = source.rows;
  const columns: unknown[][] = [
    r.map((_, i) => i + 1),
    r.map((x) => x.sourceRecordId),
    r.map((x) => x.kind),
    r.map((x) => x.occurredOn),
    r.map((x) => x.dischargedOn),
    r.map((x) => x.idNumberHash),
    r.map((x) => x.department),
    r.map((x) => x.tcm),
    r.map((x) => x.diagnosisCode),
    r.map((x) => x.insured),
    r.map((x) => x.resident),
    r.map((x) => x.chronicManaged),
    r.map((x) => x.totalCost),
    r.map((x) => x.fundPaid),
    r.map((x) => x.contentHash),
  ];
  return {
    sql: `unnest(${ENC_ARRAY_TYPES.map((t, i) => `$${first + i}::${t}[]`).join(', ')}) AS st(${ENC_STAGE.join(', ')})`,
    params: columns,
  };
}

/**
 * Creates the month partitions for [from, to]. Run in its own short transaction before a load:
 * creating a partition locks the whole table until commit.
 */
export async function ensureEncounterPartitions(
  q: { query: (sql: string, params: unknown[]) => Promise<unknown> },
  from: string,
  to: string,
): Promise<void> {
  await q.query(`SELECT intake_ensure_partitions($1::date, $2::date)`, [from, to]);
}

export const ROLLUP_SUMS = [
  'visits',
  'visits_resident',
  'visits_tcm',
  'admissions',
  'discharges',
  'discharges_insured_resident',
  'inpatient_cost_insured_resident',
  'fund_paid',
  'fund_paid_insured_resident',
  'chronic_admissions',
];

/**
 * The rollup columns an encounter moves, as aggregates over the signed rows `d` (1 = the new
 * version, -1 = the replaced one): visits and admissions count in the month of the visit or
 * admission; discharges, inpatient cost and an inpatient stay's fund payment in the month of
 * discharge (settlement happens at discharge); an outpatient visit's fund payment in its own
 * month. Aggregated per day first and per month after, so the per-row work is a few filtered
 * sums (a VALUES row per record and month, as before, cost more than the inserts themselves).
 * `by_day` (a CTE over `byDay`) feeds `byMonth`; `groupBy` adds columns of `d` to both (the demo
 * seed loads many institutions in one statement). Exported so bulk loads keep this one rule.
 */
export function rollupDeltaSql(groupBy: readonly string[] = []): { byDay: string; byMonth: string } {
  const g = groupBy.map((c) => `${c}, `).join('');
  const byDay = `
  SELECT ${g}occurred_on AS day,
         sum(sign) AS encounters,
         coalesce(sum(sign) FILTER (WHERE kind <> 'INPATIENT'), 0) AS visits,
         coalesce(sum(sign) FILTER (WHERE kind <> 'INPATIENT' AND resident), 0) AS visits_resident,
         coalesce(sum(sign) FILTER (WHERE kind <> 'INPATIENT' AND tcm), 0) AS visits_tcm,
         coalesce(sum(sign) FILTER (WHERE kind = 'INPATIENT'), 0) AS admissions,
         coalesce(sum(sign * fund_paid) FILTER (WHERE kind <> 'INPATIENT'), 0) AS fund_paid,
         coalesce(sum(sign * fund_paid) FILTER (WHERE kind <> 'INPATIENT' AND insured AND resident), 0)
           AS fund_paid_insured_resident,
         coalesce(sum(sign) FILTER (WHERE kind = 'INPATIENT' AND chronic_managed), 0) AS chronic_admissions
    FROM d GROUP BY ${g}occurred_on`;
  const byDischargeMonth = `
  SELECT ${g}date_trunc('month', discharged_on)::date AS month,
         sum(sign) AS discharges,
         coalesce(sum(sign) FILTER (WHERE insured AND resident), 0) AS discharges_insured_resident,
         coalesce(sum(sign * total_cost) FILTER (WHERE insured AND resident), 0) AS inpatient_cost_insured_resident,
         sum(sign * fund_paid) AS fund_paid,
         coalesce(sum(sign * fund_paid) FILTER (WHERE insured AND resident), 0) AS fund_paid_insured_resident
    FROM d WHERE discharged_on IS NOT NULL GROUP BY ${g}date_trunc('month', discharged_on)`;
  const byMonth = `
       SELECT ${g}month, ${ROLLUP_SUMS.map((k) => `sum(${k}) AS ${k}`).join(', ')}
         FROM (
           SELECT ${g}date_trunc('month', day)::date AS month, visits, visits_resident, visits_tcm, admissions,
                  0 AS discharges, 0 AS discharges_insured_resident, 0 AS inpatient_cost_insured_resident,
                  fund_paid, fund_paid_insured_resident, chronic_admissions
             FROM by_day
           UNION ALL
           SELECT ${g}month, 0, 0, 0, 0, discharges, discharges_insured_resident, inpatient_cost_insured_resident,
                  fund_paid, fund_paid_insured_resident, 0
             FROM (${byDischargeMonth}) x
         ) m
        GROUP BY ${g}month`;
  return { byDay, byMonth };
}

const ROLLUP = rollupDeltaSql();

/**
 * `encounter_rollup.days_reported` of a consortium's months (institutions null: all of them),
 * from `encounter_day_rollup` (migration 1764000059500): every writer of day rows calls it after
 * writing them.
 */
export async function recountDaysReported(
  q: { query: (sql: string, params: unknown[]) => Promise<unknown> },
  tenantId: string,
  institutionIds: readonly string[] | null,
  months: readonly string[],
): Promise<void> {
  await q.query(`SELECT encounter_rollup_recount_days($1::uuid, $2::uuid[], $3::date[])`, [
    tenantId,
    institutionIds,
    months,
  ]);
}

const DELTA_COLUMNS =
  'kind, occurred_on, discharged_on, tcm, insured, resident, chronic_managed, total_cost, fund_paid';

/** The encounter rows of staged records `c` (a CTE), the patient matched by the keyed ID-number hash. */
const INSERT_ENCOUNTERS = (from: string, where = 'true') => `
       INSERT INTO encounter (tenant_id, institution_id, source_system, source_record_id, kind, occurred_on,
           discharged_on, patient_id, id_number_hash, department, tcm, diagnosis_code, insured, resident,
           chronic_managed, total_cost, fund_paid, content_hash, run_id, received_at)
       SELECT $1, $2, $3, c.source_record_id, c.kind, c.occurred_on, c.discharged_on, pt.id, c.id_number_hash,
              c.department, c.tcm, c.diagnosis_code, c.insured, c.resident, c.chronic_managed, c.total_cost,
              c.fund_paid, c.content_hash, $4, $5
         FROM ${from}
         LEFT JOIN LATERAL (
           SELECT p.id FROM patient_index p
            WHERE c.id_number_hash IS NOT NULL AND p.tenant_id = $1 AND p.id_number_hash = c.id_number_hash
         ) pt ON true
        WHERE ${where}
        -- In primary-key order: one partition at a time, appended to its B-tree's pages in turn.
        ORDER BY c.occurred_on, c.source_record_id
       RETURNING source_record_id, content_hash, ${DELTA_COLUMNS}`;

/**
 * Merges staged encounters n in (lo, hi] for one institution and source system in one statement.
 * New records and corrected ones are written apart: a new key is a plain insert (the caller's
 * institution lock keeps out any other writer of these keys; a speculative ON CONFLICT insert
 * costs about twice as much), a corrected one repoints its key.
 */
export async function mergeEncounters(
  em: EntityManager,
  p: { tenantId: string; institutionId: string; sourceSystem: string; runId: string; now: Date },
  source: EncounterSource,
): Promise<MergeCounts> {
  const from = encounterSource(source, 6);
  // Every join here is one probe per record: without this a replaced record's old row was
  // found by hashing all of the institution's rows (157 ms at 100,000 rows, for 1,000 corrections).
  await em.query(
    `SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`,
  );
  const [r]: (MergeCounts & { touched: string[] | null })[] = await em.query(
    `WITH s AS (
       SELECT st.*, k.occurred_on AS old_on, k.content_hash AS old_hash
         FROM ${from.sql}
         LEFT JOIN LATERAL (
           SELECT k.occurred_on, k.content_hash FROM encounter_key k
            WHERE k.tenant_id = $1 AND k.institution_id = $2 AND k.source_system = $3
              AND k.source_record_id = st.source_record_id
            LIMIT 1) k ON true
     ),
     fresh AS (SELECT * FROM s WHERE old_on IS NULL),
     chg AS (SELECT * FROM s WHERE old_on IS NOT NULL AND old_hash <> content_hash),
     old AS (
       -- By primary key, one probe per replaced record: the days and record ids as two arrays
       -- would be planned as every day × every id.
       DELETE FROM encounter e
        USING (SELECT old_on, source_record_id FROM chg) c
        WHERE e.tenant_id = $1 AND e.institution_id = $2 AND e.occurred_on = c.old_on
          AND e.source_system = $3 AND e.source_record_id = c.source_record_id
       RETURNING e.${DELTA_COLUMNS.split(', ').join(', e.')}
     ),
     ins_new AS (${INSERT_ENCOUNTERS('fresh c')}),
     -- After the replaced rows are gone (an InitPlan runs first): a correction within its day
     -- has the same primary key.
     ins_chg AS (${INSERT_ENCOUNTERS('chg c', '(SELECT count(*) FROM old) >= 0')}),
     keys_new AS (
       INSERT INTO encounter_key (tenant_id, institution_id, source_system, source_record_id, occurred_on,
           content_hash)
       SELECT $1, $2, $3, source_record_id, occurred_on, content_hash FROM ins_new
        -- In key order: appended to the index's pages in turn rather than scattered over them.
        ORDER BY source_record_id
       RETURNING 1
     ),
     keys_chg AS (
       INSERT INTO encounter_key (tenant_id, institution_id, source_system, source_record_id, occurred_on,
           content_hash)
       SELECT $1, $2, $3, source_record_id, occurred_on, content_hash FROM ins_chg
       ON CONFLICT (tenant_id, institution_id, source_system, source_record_id) DO UPDATE
         SET occurred_on = EXCLUDED.occurred_on, content_hash = EXCLUDED.content_hash
       RETURNING 1
     ),
     d AS (
       SELECT 1 AS sign, ${DELTA_COLUMNS} FROM ins_new
       UNION ALL
       SELECT 1 AS sign, ${DELTA_COLUMNS} FROM ins_chg
       UNION ALL
       SELECT -1, ${DELTA_COLUMNS} FROM old
     ),
     by_day AS (${ROLLUP.byDay}),
     by_month AS (${ROLLUP.byMonth}
     ),
     roll AS (
       INSERT INTO encounter_rollup (tenant_id, institution_id, month, ${ROLLUP_SUMS.join(', ')})
       SELECT $1, $2, month, ${ROLLUP_SUMS.join(', ')} FROM by_month
       ON CONFLICT (tenant_id, month, institution_id) DO UPDATE SET
         ${ROLLUP_SUMS.map((k) => `${k} = encounter_rollup.${k} + EXCLUDED.${k}`).join(', ')}
       RETURNING 1
     ),
     days AS (
       INSERT INTO encounter_day_rollup (tenant_id, institution_id, day, encounters)
       SELECT $1, $2, day, encounters FROM by_day
       ON CONFLICT (tenant_id, institution_id, day) DO UPDATE
         SET encounters = encounter_day_rollup.encounters + EXCLUDED.encounters
       RETURNING 1
     )
     SELECT counts.*,
            (SELECT count(*) FROM keys_new)::int + (SELECT count(*) FROM keys_chg)::int AS keyed,
            (SELECT count(*) FROM roll)::int AS months,
            (SELECT count(*) FROM days)::int AS days,
            (SELECT array_agg(to_char(month, 'YYYY-MM-DD')) FROM by_month) AS touched
       FROM (SELECT count(*) FILTER (WHERE old_on IS NULL)::int AS accepted,
                    count(*) FILTER (WHERE old_on IS NOT NULL AND old_hash <> content_hash)::int AS replaced,
                    count(*) FILTER (WHERE old_hash = content_hash)::int AS unchanged
               FROM s) counts`,
    [p.tenantId, p.institutionId, p.sourceSystem, p.runId, p.now, ...from.params],
  );
  await em.query(`RESET enable_hashjoin; RESET enable_mergejoin`);
  // The day rows just written are visible only to the next statement.
  if (r.touched?.length) await recountDaysReported(em, p.tenantId, [p.institutionId], r.touched);
  return { accepted: r.accepted, replaced: r.replaced, unchanged: r.unchanged };
}

const OOC_STAGE = [
  'n',
  'source_record_id',
  'settled_on',
  'inpatient',
  'hospital_name',
  'hospital_level',
  'id_number_hash',
  'total_cost',
  'fund_paid',
  'content_hash',
];

export async function createOocStage(em: EntityManager): Promise<void> {
  await em.query(`CREATE TEMP TABLE ooc_stage (
      n int NOT NULL, source_record_id text NOT NULL, settled_on date NOT NULL, inpatient boolean NOT NULL,
      hospital_name text NOT NULL, hospital_level text, id_number_hash text,
      total_cost numeric(14,2) NOT NULL, fund_paid numeric(14,2) NOT NULL, content_hash text NOT NULL
    ) ON COMMIT DROP`);
}

export function oocLine(n: number, r: OocRow): string {
  return copyLine([
    n,
    r.sourceRecordId,
    r.settledOn,
    r.inpatient,
    r.hospitalName,
    r.hospitalLevel,
    r.idNumberHash,
    r.totalCost,
    r.fundPaid,
    r.contentHash,
  ]);
}

export async function copyOoc(em: EntityManager, chunks: AsyncIterable<string>): Promise<void> {
  await copyIn(em, `COPY ooc_stage (${OOC_STAGE.join(', ')}) FROM STDIN`, chunks);
  await em.query(`ANALYZE ooc_stage`);
}

/**
 * Out-of-county settlements: updated in place (the table is not partitioned), the tenant-month
 * rollup moved by the difference. Outpatient settlements count as visits, inpatient ones as
 * admissions, both in the month of settlement.
 */
export async function mergeOoc(
  em: EntityManager,
  p: { tenantId: string; sourceSystem: string; runId: string; now: Date },
  lo: number,
  hi: number,
): Promise<MergeCounts> {
  const [r]: (MergeCounts & { touched: string[] | null })[] = await em.query(
    `WITH s AS (
       SELECT st.*, o.id AS old_id, o.content_hash AS old_hash, o.settled_on AS old_settled_on,
              o.inpatient AS old_inpatient, o.total_cost AS old_total_cost, o.fund_paid AS old_fund_paid
         FROM ooc_stage st
         LEFT JOIN LATERAL (
           SELECT o.* FROM ooc_settlement o
            WHERE o.tenant_id = $1 AND o.source_system = $2 AND o.source_record_id = st.source_record_id
            LIMIT 1) o ON true
        WHERE st.n > $5 AND st.n <= $6
     ),
     chg AS (SELECT * FROM s WHERE old_hash IS DISTINCT FROM content_hash),
     up AS (
       INSERT INTO ooc_settlement (tenant_id, source_system, source_record_id, settled_on, inpatient,
           hospital_name, hospital_level, patient_id, id_number_hash, total_cost, fund_paid, content_hash,
           run_id, received_at)
       SELECT $1, $2, c.source_record_id, c.settled_on, c.inpatient, c.hospital_name, c.hospital_level, pt.id,
              c.id_number_hash, c.total_cost, c.fund_paid, c.content_hash, $3, $4
         FROM chg c
         LEFT JOIN LATERAL (
           SELECT p.id FROM patient_index p WHERE p.tenant_id = $1 AND p.id_number_hash = c.id_number_hash LIMIT 1
         ) pt ON c.id_number_hash IS NOT NULL
       ON CONFLICT (tenant_id, source_system, source_record_id) DO UPDATE SET
         settled_on = EXCLUDED.settled_on, inpatient = EXCLUDED.inpatient, hospital_name = EXCLUDED.hospital_name,
         hospital_level = EXCLUDED.hospital_level, patient_id = EXCLUDED.patient_id,
         id_number_hash = EXCLUDED.id_number_hash, total_cost = EXCLUDED.total_cost,
         fund_paid = EXCLUDED.fund_paid, content_hash = EXCLUDED.content_hash, run_id = EXCLUDED.run_id,
         received_at = EXCLUDED.received_at
       RETURNING 1
     ),
     d AS (
       SELECT 1 AS sign, settled_on, inpatient, total_cost, fund_paid FROM chg
       UNION ALL
       SELECT -1, old_settled_on, old_inpatient, old_total_cost, old_fund_paid FROM chg WHERE old_id IS NOT NULL
     ),
     roll AS (
       INSERT INTO ooc_rollup (tenant_id, month, visits, admissions, cost, fund_paid)
       SELECT $1, date_trunc('month', settled_on)::date, sum(sign * (NOT inpatient)::int),
              sum(sign * inpatient::int), sum(sign * total_cost), sum(sign * fund_paid)
         FROM d GROUP BY 2
       ON CONFLICT (tenant_id, month) DO UPDATE SET visits = ooc_rollup.visits + EXCLUDED.visits,
         admissions = ooc_rollup.admissions + EXCLUDED.admissions, cost = ooc_rollup.cost + EXCLUDED.cost,
         fund_paid = ooc_rollup.fund_paid + EXCLUDED.fund_paid
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM s WHERE old_id IS NULL)::int AS accepted,
            (SELECT count(*) FROM chg WHERE old_id IS NOT NULL)::int AS replaced,
            (SELECT count(*) FROM s WHERE old_hash = content_hash)::int AS unchanged,
            (SELECT count(*) FROM up)::int AS written,
            (SELECT count(*) FROM roll)::int AS months`,
    [p.tenantId, p.sourceSystem, p.runId, p.now, lo, hi],
  );
  return { accepted: r.accepted, replaced: r.replaced, unchanged: r.unchanged };
}
