import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ConsultationFact,
  ConsultationFactQuery,
  ConsultationKind,
  ConsultationReads,
  KIND_LABELS,
  STATE_LABELS,
} from '@yg/consultations';
import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '../measures/measure-source';

/** con.* — consultations at the requesting institution (see ConsultationFact for the dates). */
const FIXED: Record<string, ConsultationFactQuery> = {
  'con.requested': { fact: ConsultationFact.REQUESTED },
  'con.completed': { fact: ConsultationFact.COMPLETED },
  'con.reports': { fact: ConsultationFact.FIRST_REPORT },
  'con.reports_on_time': { fact: ConsultationFact.FIRST_REPORT_ON_TIME },
  'con.booked': { fact: ConsultationFact.BOOKED },
  'con.no_shows': { fact: ConsultationFact.NO_SHOW },
};
/** con.by_kind.<KIND>: requests of that kind that were taken on. */
const KEYS: Record<string, ConsultationFactQuery> = {
  ...FIXED,
  ...Object.fromEntries(
    Object.values(ConsultationKind).map((kind) => [
      `con.by_kind.${kind}`,
      { fact: ConsultationFact.TAKEN_ON, kind },
    ]),
  ),
};
const keyOf = (q: ConsultationFactQuery) =>
  Object.entries(KEYS).find(([, v]) => v.fact === q.fact && v.kind === q.kind)![0];

@Injectable()
export class ConsultationMeasures implements MeasureSource {
  readonly keys = Object.keys(KEYS);
  readonly levelKeys: readonly string[] = [];

  constructor(private readonly reads: ConsultationReads) {}

  async monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    const queries = keys.filter((k) => k in KEYS).map((k) => KEYS[k]);
    const counts = await this.reads.factCounts(
      em,
      scope.tenantId,
      queries,
      scope.institutionIds,
      range.from,
      range.to,
      range.months,
    );
    return counts.map((c) => ({
      key: keyOf(c),
      month: c.month,
      institutionId: c.institutionId,
      value: c.count,
    }));
  }

  async contributors(
    em: EntityManager,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    const { total, rows } = await this.reads.factRows(
      em,
      scope.tenantId,
      KEYS[key],
      scope.institutionIds,
      range.from,
      range.to,
      page,
    );
    return {
      total,
      rows: rows.map((r) => ({
        kind: 'Consultation',
        id: r.id,
        month: r.month,
        institutionId: r.institutionId,
        value: 1,
        label: `${r.number} ${KIND_LABELS[r.kind]} ${STATE_LABELS[r.state as keyof typeof STATE_LABELS] ?? r.state}`,
        occurredAt: r.at.toISOString(),
      })),
    };
  }
}
