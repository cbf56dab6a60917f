import { Injectable, Module } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConsultationKind, ConsultationState } from './domain/consultation.enums';

/**
 * Countable facts about consultations, for the indicators; all counted at the requesting
 * institution, in the consortium's time zone. Requests are dated by their creation, reports by
 * the signing of the first version, bookings and no-shows by the booked start. The rule is the
 * SQL function `consultation_facts` (migration 1764000051010), which keeps
 * `consultation_fact_rollup` and filters the drill-down.
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
    FROM network_consortium c WHERE c.id = $1)`;

/**
 * A fact's rows for the drill-down: `$4` the institutions (NULL: all), `$5` the fact, `$6` the
 * kind (NULL: any); `f.at` is the moment the fact is dated by.
 */
const SOURCE = `FROM b JOIN consultation c ON c.tenant_id = $1
  LEFT JOIN consultation_report rep ON rep.consultation_id = c.id AND rep.version = 1 AND rep.tenant_id = c.tenant_id
  CROSS JOIN LATERAL consultation_facts(c.state, c.created_at, c.scheduled_start, c.report_due_at, rep.signed_at) f
  WHERE f.fact = $5 AND f.at >= b.lo AND f.at < b.hi
    AND ($4::uuid[] IS NULL OR c.requesting_institution_id = ANY($4))
    AND ($6::text IS NULL OR c.kind = $6)`;

/** The consultations' read model for other capabilities: counts and ids, no patient, no clinical text. */
@Injectable()
export class ConsultationReads {
  /**
   * Every fact asked in one statement, from the monthly rollup the consultation triggers keep
   * (never the consultations); a query without a kind sums the kinds. `months` ('YYYY-MM',
   * optional): only these of from..to.
   */
  async factCounts(
    em: EntityManager,
    tenantId: string,
    queries: readonly ConsultationFactQuery[],
    institutionIds: readonly string[] | null,
    from: string,
    to: string,
    months?: readonly string[],
  ): Promise<ConsultationFactCount[]> {
    if (!queries.length) return [];
    const rows: { part: number; month: string; institution_id: string; count: number }[] = await em.query(
      `SELECT q.part, to_char(r.month, 'YYYY-MM') AS month, r.institution_id, sum(r.count)::int AS count
         FROM unnest($4::text[], $5::text[]) WITH ORDINALITY q(fact, kind, part)
         JOIN consultation_fact_rollup r
           ON r.tenant_id = $1 AND r.month >= ($2 || '-01')::date AND r.month <= ($3 || '-01')::date
          AND r.fact = q.fact AND (q.kind IS NULL OR r.kind = q.kind)
        WHERE ($6::uuid[] IS NULL OR r.institution_id = ANY($6)) AND ($7::date[] IS NULL OR r.month = ANY($7))
        GROUP BY 1, 2, 3
       HAVING sum(r.count) <> 0`,
      [
        tenantId,
        from,
        to,
        queries.map((q) => q.fact),
        queries.map((q) => q.kind ?? null),
        institutionIds,
        months?.map((m) => `${m}-01`) ?? null,
      ],
    );
    return rows.map((r) => ({
      ...queries[Number(r.part) - 1],
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
    const params = [tenantId, from, to, institutionIds, q.fact, q.kind ?? null];
    const [{ total }]: { total: number }[] = await em.query(
      `${BOUNDS} SELECT count(*)::int AS total ${SOURCE}`,
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
      `${BOUNDS} SELECT c.id, c.number, c.kind, c.state, c.requesting_institution_id AS institution_id, f.at,
                          to_char(f.at AT TIME ZONE b.tz, 'YYYY-MM') AS month
                   ${SOURCE} ORDER BY f.at DESC, c.id DESC OFFSET $7 LIMIT $8`,
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
