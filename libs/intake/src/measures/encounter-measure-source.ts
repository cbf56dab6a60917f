import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ContributorPage,
  ContributorRow,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '@yg/indicators/measures/measure-source';
import { monthStarts } from '@yg/indicators/domain/period';
import { STATISTICS } from '../domain/statistics';

/** enc.* key → rollup column. */
const ENC: Record<string, string> = {
  'enc.visits': 'visits',
  'enc.visits_resident': 'visits_resident',
  'enc.visits_tcm': 'visits_tcm',
  'enc.admissions': 'admissions',
  'enc.discharges': 'discharges',
  'enc.discharges_insured_resident': 'discharges_insured_resident',
  'enc.inpatient_cost_insured_resident': 'inpatient_cost_insured_resident',
  'enc.fund_paid': 'fund_paid',
  'enc.fund_paid_insured_resident': 'fund_paid_insured_resident',
  'enc.chronic_admissions': 'chronic_admissions',
  /** Days of the month with at least one encounter reported (a level: a period averages it). */
  'enc.days_reported': 'days_reported',
};

const OOC: Record<string, string> = {
  'ooc.visits': 'visits',
  'ooc.admissions': 'admissions',
  'ooc.cost': 'cost',
  'ooc.fund_paid': 'fund_paid',
};

const STAT_BY_MEASURE = new Map(
  Object.entries(STATISTICS).map(([key, spec]) => [spec.measure, { key, ...spec }]),
);
const DISPATCHED = 'stat.dispatched_doctors';
const DAYS_REPORTED = 'enc.days_reported';

/**
 * Which encounters a measure counts, for the drill-down: the same rules as the rollup
 * (intake-merge.repository rollupDeltaSql): the day that places the record in a month, the
 * condition, and what it adds. Alias `e`.
 */
const ENC_RECORDS: Record<string, { day: string; where: string; value: string }> = {
  'enc.visits': { day: 'e.occurred_on', where: `e.kind <> 'INPATIENT'`, value: '1' },
  'enc.visits_resident': { day: 'e.occurred_on', where: `e.kind <> 'INPATIENT' AND e.resident`, value: '1' },
  'enc.visits_tcm': { day: 'e.occurred_on', where: `e.kind <> 'INPATIENT' AND e.tcm`, value: '1' },
  'enc.admissions': { day: 'e.occurred_on', where: `e.kind = 'INPATIENT'`, value: '1' },
  'enc.chronic_admissions': {
    day: 'e.occurred_on',
    where: `e.kind = 'INPATIENT' AND e.chronic_managed`,
    value: '1',
  },
  'enc.discharges': { day: 'e.discharged_on', where: `e.discharged_on IS NOT NULL`, value: '1' },
  'enc.discharges_insured_resident': {
    day: 'e.discharged_on',
    where: `e.discharged_on IS NOT NULL AND e.insured AND e.resident`,
    value: '1',
  },
  'enc.inpatient_cost_insured_resident': {
    day: 'e.discharged_on',
    where: `e.discharged_on IS NOT NULL AND e.insured AND e.resident`,
    value: 'e.total_cost',
  },
  'enc.fund_paid': {
    day: `CASE WHEN e.kind = 'INPATIENT' THEN e.discharged_on ELSE e.occurred_on END`,
    where: `e.fund_paid > 0`,
    value: 'e.fund_paid',
  },
  'enc.fund_paid_insured_resident': {
    day: `CASE WHEN e.kind = 'INPATIENT' THEN e.discharged_on ELSE e.occurred_on END`,
    where: `e.fund_paid > 0 AND e.insured AND e.resident`,
    value: 'e.fund_paid',
  },
};

const KIND_LABEL: Record<string, string> = { OUTPATIENT: '门诊', EMERGENCY: '急诊', INPATIENT: '住院' };

/**
 * The measures of visit data: enc.* from the institution-month rollups, ooc.* from the
 * consortium-month rollups (consortium-level: only in a scope of every institution), stat.*
 * from the yearly forms (see domain/statistics for how a year's value is seen by its months)
 * and dispatch records (doctors on dispatch at any time in the month, at the receiving
 * institution). Never reads raw visits except for the drill-down of one measure, paged.
 */
@Injectable()
export class EncounterMeasureSource implements MeasureSource {
  readonly keys: readonly string[] = [
    ...Object.keys(ENC),
    ...Object.keys(OOC),
    ...STAT_BY_MEASURE.keys(),
    DISPATCHED,
  ];
  readonly levelKeys: readonly string[] = [
    ...[...STAT_BY_MEASURE.values()].filter((s) => s.level).map((s) => s.measure),
    DISPATCHED,
    DAYS_REPORTED,
  ];

  async monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    // The months asked (maybe a few of the range, e.g. this month, the one before, last year's).
    const starts = monthStarts(range);
    const insts = scope.institutionIds ? [...scope.institutionIds] : null;
    if (insts && !insts.length) return [];
    const out: MeasureValue[] = [];
    const enc = keys.filter((k) => ENC[k]);
    if (enc.length) {
      const rows: Record<string, string | null>[] = await em.query(
        `SELECT institution_id, to_char(month, 'YYYY-MM') AS month, ${enc.map((k, i) => `${ENC[k]}::float8 AS v${i}`).join(', ')}
           FROM encounter_rollup
          WHERE tenant_id = $1 AND month = ANY($2::date[]) AND ($3::uuid[] IS NULL OR institution_id = ANY($3))
          ORDER BY month, institution_id`,
        [scope.tenantId, starts, insts],
      );
      for (const r of rows) {
        enc.forEach((key, i) => {
          const value = Number(r[`v${i}`]);
          if (value) out.push({ key, month: r.month!, institutionId: r.institution_id, value });
        });
      }
    }
    const ooc = keys.filter((k) => OOC[k]);
    if (ooc.length && !insts) {
      const rows: Record<string, string>[] = await em.query(
        `SELECT to_char(month, 'YYYY-MM') AS month, ${ooc.map((k, i) => `${OOC[k]}::float8 AS v${i}`).join(', ')}
           FROM ooc_rollup WHERE tenant_id = $1 AND month = ANY($2::date[]) ORDER BY month`,
        [scope.tenantId, starts],
      );
      for (const r of rows) {
        ooc.forEach((key, i) => {
          const value = Number(r[`v${i}`]);
          if (value) out.push({ key, month: r.month, institutionId: null, value });
        });
      }
    }
    const stats = keys.map((k) => STAT_BY_MEASURE.get(k)).filter((s) => s !== undefined);
    if (stats.length) {
      const rows: { key: string; month: string; institution_id: string | null; value: number }[] =
        await em.query(
          `SELECT s.key, to_char(m, 'YYYY-MM') AS month, s.institution_id,
                (CASE WHEN s.key = ANY($5::text[]) THEN s.value ELSE s.value / 12 END)::float8 AS value
           FROM unnest($2::date[]) AS m
           JOIN intake_statistic s ON s.tenant_id = $1 AND s.year = extract(year FROM m)::int AND s.key = ANY($4::text[])
          WHERE $3::uuid[] IS NULL OR s.institution_id = ANY($3)
          ORDER BY m, s.key, s.institution_id`,
          [
            scope.tenantId,
            starts,
            insts,
            stats.map((s) => s.key),
            stats.filter((s) => s.level).map((s) => s.key),
          ],
        );
      const measureOf = new Map(stats.map((s) => [s.key, s.measure]));
      for (const r of rows) {
        if (r.value)
          out.push({
            key: measureOf.get(r.key)!,
            month: r.month,
            institutionId: r.institution_id,
            value: r.value,
          });
      }
    }
    if (keys.includes(DISPATCHED)) {
      const rows: { month: string; institution_id: string; n: number }[] = await em.query(
        `SELECT to_char(m, 'YYYY-MM') AS month, d.to_institution_id AS institution_id, count(*)::int AS n
           FROM unnest($2::date[]) AS m
           JOIN dispatch_record d ON d.tenant_id = $1 AND d.starts_on < m + interval '1 month'
                                 AND (d.ends_on IS NULL OR d.ends_on >= m)
          WHERE $3::uuid[] IS NULL OR d.to_institution_id = ANY($3)
          GROUP BY 1, 2 ORDER BY 1, 2`,
        [scope.tenantId, starts, insts],
      );
      for (const r of rows)
        out.push({ key: DISPATCHED, month: r.month, institutionId: r.institution_id, value: r.n });
    }
    return out;
  }

  async contributors(
    em: EntityManager,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    const { from, to } = bounds(range);
    const insts = scope.institutionIds ? [...scope.institutionIds] : null;
    if (insts && !insts.length) return { total: 0, rows: [] };
    const enc = ENC_RECORDS[key];
    if (enc) {
      // occurred_on <= the day placing the record, so the range's end also prunes partitions.
      const base = `FROM encounter e
        WHERE e.tenant_id = $1 AND ($4::uuid[] IS NULL OR e.institution_id = ANY($4)) AND e.occurred_on < $3
          AND ${enc.day} >= $2 AND ${enc.day} < $3 AND ${enc.where}`;
      const [{ total }]: { total: number }[] = await em.query(`SELECT count(*)::int AS total ${base}`, [
        scope.tenantId,
        from,
        to,
        insts,
      ]);
      const rows: {
        id: string;
        day: string;
        institution_id: string;
        value: number;
        kind: string;
        department: string | null;
        diagnosis_code: string | null;
      }[] = await em.query(
        `SELECT e.id, (${enc.day})::text AS day, e.institution_id, (${enc.value})::float8 AS value, e.kind,
                e.department, e.diagnosis_code
           ${base}
          ORDER BY ${enc.day} DESC, e.id DESC OFFSET $5 LIMIT $6`,
        [scope.tenantId, from, to, insts, page.offset, page.limit],
      );
      return {
        total,
        rows: rows.map((r): ContributorRow => ({
          kind: 'Encounter',
          id: r.id,
          month: r.day.slice(0, 7),
          institutionId: r.institution_id,
          value: r.value,
          label: [`${KIND_LABEL[r.kind]} ${r.kind}`, r.department, r.diagnosis_code]
            .filter(Boolean)
            .join(' · '),
          occurredAt: r.day,
        })),
      };
    }
    if (OOC[key]) {
      if (insts) return { total: 0, rows: [] };
      const where =
        key === 'ooc.visits' ? 'AND NOT o.inpatient' : key === 'ooc.admissions' ? 'AND o.inpatient' : '';
      const value = key === 'ooc.cost' ? 'o.total_cost' : key === 'ooc.fund_paid' ? 'o.fund_paid' : '1';
      const base = `FROM ooc_settlement o WHERE o.tenant_id = $1 AND o.settled_on >= $2 AND o.settled_on < $3 ${where}`;
      const [{ total }]: { total: number }[] = await em.query(`SELECT count(*)::int AS total ${base}`, [
        scope.tenantId,
        from,
        to,
      ]);
      const rows: {
        id: string;
        day: string;
        value: number;
        inpatient: boolean;
        hospital_name: string;
        hospital_level: string | null;
      }[] = await em.query(
        `SELECT o.id, o.settled_on::text AS day, (${value})::float8 AS value, o.inpatient, o.hospital_name, o.hospital_level
             ${base} ORDER BY o.settled_on DESC, o.id DESC OFFSET $4 LIMIT $5`,
        [scope.tenantId, from, to, page.offset, page.limit],
      );
      return {
        total,
        rows: rows.map((r) => ({
          kind: 'OutOfCountySettlement',
          id: r.id,
          month: r.day.slice(0, 7),
          institutionId: null,
          value: r.value,
          label: [
            r.inpatient ? '县外住院 inpatient' : '县外门诊 outpatient',
            r.hospital_name,
            r.hospital_level,
          ]
            .filter(Boolean)
            .join(' · '),
          occurredAt: r.day,
        })),
      };
    }
    if (key === DAYS_REPORTED) {
      const base = `FROM encounter_day_rollup r WHERE r.tenant_id = $1 AND r.day >= $2 AND r.day < $3
          AND r.encounters > 0 AND ($4::uuid[] IS NULL OR r.institution_id = ANY($4))`;
      const [{ total }]: { total: number }[] = await em.query(`SELECT count(*)::int AS total ${base}`, [
        scope.tenantId,
        from,
        to,
        insts,
      ]);
      const rows: { institution_id: string; day: string; encounters: number }[] = await em.query(
        `SELECT r.institution_id, r.day::text AS day, r.encounters
             ${base} ORDER BY r.day DESC, r.institution_id OFFSET $5 LIMIT $6`,
        [scope.tenantId, from, to, insts, page.offset, page.limit],
      );
      return {
        total,
        rows: rows.map((r) => ({
          kind: 'ReportedDay',
          id: `${r.institution_id}:${r.day}`,
          month: r.day.slice(0, 7),
          institutionId: r.institution_id,
          value: 1,
          label: `${r.day} 上报 ${r.encounters} 条 encounters reported`,
          occurredAt: r.day,
        })),
      };
    }
    if (key === DISPATCHED) {
      const base = `FROM dispatch_record d WHERE d.tenant_id = $1 AND d.starts_on < $3
          AND (d.ends_on IS NULL OR d.ends_on >= $2) AND ($4::uuid[] IS NULL OR d.to_institution_id = ANY($4))`;
      const [{ total }]: { total: number }[] = await em.query(`SELECT count(*)::int AS total ${base}`, [
        scope.tenantId,
        from,
        to,
        insts,
      ]);
      const rows: {
        id: string;
        reference: string;
        starts_on: string;
        ends_on: string | null;
        to_institution_id: string;
      }[] = await em.query(
        `SELECT d.id, d.reference, d.starts_on::text, d.ends_on::text, d.to_institution_id
             ${base} ORDER BY d.starts_on DESC, d.id DESC OFFSET $5 LIMIT $6`,
        [scope.tenantId, from, to, insts, page.offset, page.limit],
      );
      return {
        total,
        rows: rows.map((r) => ({
          kind: 'DispatchRecord',
          id: r.id,
          month: r.starts_on.slice(0, 7),
          institutionId: r.to_institution_id,
          value: 1,
          label: `派驻 dispatch ${r.reference} ${r.starts_on}–${r.ends_on ?? ''}`,
          occurredAt: r.starts_on,
        })),
      };
    }
    const stat = STAT_BY_MEASURE.get(key);
    if (stat) {
      // The yearly form values themselves are the records behind a stat.* measure.
      const rows: { year: number; institution_id: string | null; value: number; submitted_at: Date }[] =
        await em.query(
          `SELECT year, institution_id, value::float8 AS value, submitted_at FROM intake_statistic
          WHERE tenant_id = $1 AND key = $2 AND year BETWEEN $3 AND $4
            AND (($5::uuid[] IS NULL) OR institution_id = ANY($5))
          ORDER BY year DESC, institution_id NULLS FIRST`,
          [scope.tenantId, stat.key, Number(range.from.slice(0, 4)), Number(range.to.slice(0, 4)), insts],
        );
      const all = rows.map((r) => ({
        kind: 'Statistic',
        id: `${stat.key}:${r.year}:${r.institution_id ?? ''}`,
        month: `${r.year}-01`,
        institutionId: r.institution_id,
        value: r.value,
        label: `${stat.label} ${r.year}`,
        occurredAt: r.submitted_at.toISOString(),
      }));
      return { total: all.length, rows: all.slice(page.offset, page.offset + page.limit) };
    }
    return { total: 0, rows: [] };
  }
}

/** [first day of `from`, first day after `to`). */
function bounds(range: MonthRange): { from: string; to: string } {
  const [y, m] = range.to.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${range.from}-01`, to: `${next}-01` };
}
