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
 * Fills the staging table and analyses it: without statistics the planner guesses its size and
 * may join it to every partition of `encounter` by a full scan instead of key look-ups.
 */
export async function copyEncounters(em: EntityManager, chunks: AsyncIterable<string>): Promise<void> {
  await copyIn(em, `COPY encounter_stage (${ENC_STAGE.join(', ')}) FROM STDIN`, chunks);
  await em.query(`ANALYZE encounter_stage`);
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

/**
 * One encounter's contribution to the rollup of its month(s), signed: visits and admissions in
 * the month of the visit or admission; discharges, inpatient cost and an inpatient stay's fund
 * payment in the month of discharge (settlement happens at discharge); an outpatient visit's
 * fund payment in its own month. Alias `d` with a `sign` column. Exported for bulk loads that
 * build rollups from rows they insert themselves (the demo seed), so the rule stays in one place.
 */
export const CONTRIBUTION = `
  CROSS JOIN LATERAL (VALUES
    (date_trunc('month', d.occurred_on)::date,
     d.sign * (d.kind <> 'INPATIENT')::int,
     d.sign * (d.kind <> 'INPATIENT' AND d.resident)::int,
     d.sign * (d.kind <> 'INPATIENT' AND d.tcm)::int,
     d.sign * (d.kind = 'INPATIENT')::int,
     0, 0, 0::numeric,
     d.sign * CASE WHEN d.kind <> 'INPATIENT' THEN d.fund_paid ELSE 0 END,
     d.sign * CASE WHEN d.kind <> 'INPATIENT' AND d.insured AND d.resident THEN d.fund_paid ELSE 0 END,
     d.sign * (d.kind = 'INPATIENT' AND d.chronic_managed)::int),
    (date_trunc('month', d.discharged_on)::date,
     0, 0, 0, 0,
     d.sign,
     d.sign * (d.insured AND d.resident)::int,
     d.sign * CASE WHEN d.insured AND d.resident THEN d.total_cost ELSE 0 END,
     d.sign * d.fund_paid,
     d.sign * CASE WHEN d.insured AND d.resident THEN d.fund_paid ELSE 0 END,
     0)
  ) AS c(month, visits, visits_resident, visits_tcm, admissions, discharges, discharges_insured_resident,
         inpatient_cost_insured_resident, fund_paid, fund_paid_insured_resident, chronic_admissions)`;

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

const DELTA_COLUMNS =
  'kind, occurred_on, discharged_on, tcm, insured, resident, chronic_managed, total_cost, fund_paid';

/**
 * Merges staged encounters n in (lo, hi] for one institution and source system in one statement.
 * The patient is matched to the index by the keyed ID-number hash.
 */
export async function mergeEncounters(
  em: EntityManager,
  p: { tenantId: string; institutionId: string; sourceSystem: string; runId: string; now: Date },
  lo: number,
  hi: number,
): Promise<MergeCounts> {
  const [r]: MergeCounts[] = await em.query(
    `WITH s AS (
       SELECT st.*, k.encounter_id AS old_id, k.occurred_on AS old_on, k.content_hash AS old_hash
         FROM encounter_stage st
         LEFT JOIN LATERAL (
           SELECT k.encounter_id, k.occurred_on, k.content_hash FROM encounter_key k
            WHERE k.tenant_id = $1 AND k.institution_id = $2 AND k.source_system = $3
              AND k.source_record_id = st.source_record_id
            LIMIT 1) k ON true
        WHERE st.n > $6 AND st.n <= $7
     ),
     chg AS (SELECT * FROM s WHERE old_hash IS DISTINCT FROM content_hash),
     old AS (
       DELETE FROM encounter e
        WHERE e.id = ANY (ARRAY(SELECT old_id FROM chg WHERE old_id IS NOT NULL))
          AND e.occurred_on = ANY (ARRAY(SELECT DISTINCT old_on FROM chg WHERE old_id IS NOT NULL))
       RETURNING e.${DELTA_COLUMNS.split(', ').join(', e.')}
     ),
     ins AS (
       INSERT INTO encounter (tenant_id, institution_id, source_system, source_record_id, kind, occurred_on,
           discharged_on, patient_id, id_number_hash, department, tcm, diagnosis_code, insured, resident,
           chronic_managed, total_cost, fund_paid, content_hash, run_id, received_at)
       SELECT $1, $2, $3, c.source_record_id, c.kind, c.occurred_on, c.discharged_on, pt.id, c.id_number_hash,
              c.department, c.tcm, c.diagnosis_code, c.insured, c.resident, c.chronic_managed, c.total_cost,
              c.fund_paid, c.content_hash, $4, $5
         FROM chg c
         LEFT JOIN LATERAL (
           SELECT p.id FROM patient p WHERE p.tenant_id = $1 AND p.id_number_hash = c.id_number_hash LIMIT 1
         ) pt ON c.id_number_hash IS NOT NULL
       RETURNING id, source_record_id, content_hash, ${DELTA_COLUMNS}
     ),
     keys AS (
       INSERT INTO encounter_key (tenant_id, institution_id, source_system, source_record_id, encounter_id,
           occurred_on, content_hash)
       SELECT $1, $2, $3, source_record_id, id, occurred_on, content_hash FROM ins
       ON CONFLICT (tenant_id, institution_id, source_system, source_record_id) DO UPDATE
         SET encounter_id = EXCLUDED.encounter_id, occurred_on = EXCLUDED.occurred_on,
             content_hash = EXCLUDED.content_hash
       RETURNING 1
     ),
     d AS (
       SELECT 1 AS sign, ${DELTA_COLUMNS} FROM ins
       UNION ALL
       SELECT -1, ${DELTA_COLUMNS} FROM old
     ),
     roll AS (
       INSERT INTO encounter_rollup (tenant_id, institution_id, month, ${ROLLUP_SUMS.join(', ')})
       SELECT $1, $2, c.month, ${ROLLUP_SUMS.map((k) => `sum(c.${k})`).join(', ')}
         FROM d ${CONTRIBUTION}
        WHERE c.month IS NOT NULL
        GROUP BY c.month
       ON CONFLICT (tenant_id, month, institution_id) DO UPDATE SET
         ${ROLLUP_SUMS.map((k) => `${k} = encounter_rollup.${k} + EXCLUDED.${k}`).join(', ')}
       RETURNING 1
     ),
     days AS (
       INSERT INTO encounter_day_rollup (tenant_id, institution_id, day, encounters)
       SELECT $1, $2, d.occurred_on, sum(d.sign) FROM d GROUP BY d.occurred_on
       ON CONFLICT (tenant_id, institution_id, day) DO UPDATE
         SET encounters = encounter_day_rollup.encounters + EXCLUDED.encounters
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM s WHERE old_id IS NULL)::int AS accepted,
            (SELECT count(*) FROM chg WHERE old_id IS NOT NULL)::int AS replaced,
            (SELECT count(*) FROM s WHERE old_hash = content_hash)::int AS unchanged,
            (SELECT count(*) FROM keys)::int AS keyed,
            (SELECT count(*) FROM roll)::int AS months,
            (SELECT count(*) FROM days)::int AS days`,
    [p.tenantId, p.institutionId, p.sourceSystem, p.runId, p.now, lo, hi],
  );
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
  const [r]: MergeCounts[] = await em.query(
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
           SELECT p.id FROM patient p WHERE p.tenant_id = $1 AND p.id_number_hash = c.id_number_hash LIMIT 1
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
