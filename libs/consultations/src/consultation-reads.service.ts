import { Injectable, Module } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConsultationKind, ConsultationState } from './domain/consultation.enums';

/**
 * Countable facts about consultations, for the indicators; all counted at the requesting
 * institution, in the consortium's time zone. Requests are dated by their creation, reports by
 * the signing of the first version, bookings and no-shows by the booked start.
 */
export enum ConsultationFact {
  REQUESTED = 'REQUESTED',
  /** Requests that were taken on (neither declined nor cancelled); `kind` narrows them. */
  TAKEN_ON = 'TAKEN_ON',
  /** Requests that reached a signed report. */
  COMPLETED = 'COMPLETED',
  FIRST_REPORT = 'FIRST_REPORT',
  /** First report signed no later than its report deadline. */
  FIRST_REPORT_ON_TIME = 'FIRST_REPORT_ON_TIME',
  /** Booked sessions (booked start in the month), whatever came of them. */
  BOOKED = 'BOOKED',
  NO_SHOW = 'NO_SHOW',
}

const FACTS: Record<ConsultationFact, { at: string; where: string }> = {
  REQUESTED: { at: 'c.created_at', where: 'true' },
  TAKEN_ON: { at: 'c.created_at', where: `c.state NOT IN ('DECLINED','CANCELLED')` },
  COMPLETED: { at: 'c.created_at', where: `c.state IN ('REPORTED','COMPLETED')` },
  FIRST_REPORT: { at: 'rep.signed_at', where: 'true' },
  FIRST_REPORT_ON_TIME: {
    at: 'rep.signed_at',
    where: 'c.report_due_at IS NULL OR rep.signed_at <= c.report_due_at',
  },
  BOOKED: { at: 'c.scheduled_start', where: `c.state NOT IN ('REQUESTED','DECLINED','CANCELLED')` },
  NO_SHOW: { at: 'c.scheduled_start', where: `c.state = 'NO_SHOW'` },
};

export interface ConsultationFactQuery {
  fact: ConsultationFact;
  kind?: ConsultationKind;
}

export interface ConsultationFactCount extends ConsultationFactQuery {
  month: string;
  institutionId: string;
  count: number;
}

export interface ConsultationFactRow {
  id: string;
  number: string;
  kind: ConsultationKind;
  state: ConsultationState;
  institutionId: string;
  month: string;
  at: Date;
}

const BOUNDS = `WITH b AS (
  SELECT c.time_zone AS tz,
         ($2 || '-01')::timestamp AT TIME ZONE c.time_zone AS lo,
         (($3 || '-01')::timestamp + interval '1 month') AT TIME ZONE c.time_zone AS hi
    FROM consortium c WHERE c.id = $1)`;

/** A fact's rows: one statement fragment, `$4` the institutions (NULL: all), `kind` the kind (NULL: any). */
function source(q: ConsultationFactQuery, kind = '$5::text'): string {
  const d = FACTS[q.fact];
  const report = d.at.startsWith('rep.')
    ? `JOIN consultation_report rep ON rep.consultation_id = c.id AND rep.version = 1`
    : '';
  return `FROM b JOIN consultation c ON c.tenant_id = $1 ${report}
          WHERE ${d.at} >= b.lo AND ${d.at} < b.hi AND (${d.where})
            AND ($4::uuid[] IS NULL OR c.requesting_institution_id = ANY($4))
            AND (${kind} IS NULL OR c.kind = ${kind})`;
}

/** The consultations' read model for other capabilities: counts and ids, no patient, no clinical text. */
@Injectable()
export class ConsultationReads {
  /** Every fact asked in one statement, `$5` holding each part's kind. */
  async factCounts(
    em: EntityManager,
    tenantId: string,
    queries: readonly ConsultationFactQuery[],
    institutionIds: readonly string[] | null,
    from: string,
    to: string,
  ): Promise<ConsultationFactCount[]> {
    if (!queries.length) return [];
    const parts = queries.map((q, i) => {
      const at = FACTS[q.fact].at;
      return `SELECT ${i} AS part, to_char(${at} AT TIME ZONE b.tz, 'YYYY-MM') AS month,
                     c.requesting_institution_id AS institution_id, count(*)::int AS count
              ${source(q, `($5::text[])[${i + 1}]`)} GROUP BY 2, 3`;
    });
    const rows: { part: number; month: string; institution_id: string; count: number }[] = await em.query(
      `${BOUNDS} ${parts.join(' UNION ALL ')}`,
      [tenantId, from, to, institutionIds, queries.map((q) => q.kind ?? null)],
    );
    return rows.map((r) => ({
      ...queries[r.part],
      month: r.month,
      institutionId: r.institution_id,
      count: r.count,
    }));
  }

  /** The consultations behind one fact, newest first, paged. */
  async factRows(
    em: EntityManager,
    tenantId: string,
    q: ConsultationFactQuery,
    institutionIds: readonly string[] | null,
    from: string,
    to: string,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; rows: ConsultationFactRow[] }> {
    const at = FACTS[q.fact].at;
    const params = [tenantId, from, to, institutionIds, q.kind ?? null];
    const [{ total }]: { total: number }[] = await em.query(
      `${BOUNDS} SELECT count(*)::int AS total ${source(q)}`,
      params,
    );
    const rows: {
      id: string;
      number: string;
      kind: ConsultationKind;
      state: ConsultationState;
      institution_id: string;
      at: Date;
      month: string;
    }[] = await em.query(
      `${BOUNDS} SELECT c.id, c.number, c.kind, c.state, c.requesting_institution_id AS institution_id, ${at} AS at,
                          to_char(${at} AT TIME ZONE b.tz, 'YYYY-MM') AS month
                   ${source(q)} ORDER BY ${at} DESC, c.id DESC OFFSET $6 LIMIT $7`,
      [...params, page.offset, page.limit],
    );
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        number: r.number,
        kind: r.kind,
        state: r.state,
        institutionId: r.institution_id,
        month: r.month,
        at: new Date(r.at),
      })),
    };
  }
}

/** Available to the api and the worker alike. */
@Module({ providers: [ConsultationReads], exports: [ConsultationReads] })
export class ConsultationReadsModule {}
