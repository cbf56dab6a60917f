import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '@yg/indicators/measures/measure-source';

export const ASM_PARTICIPATED = 'asm.participated';

/**
 * `asm.participated`: 1 for an institution scored in a published month (a level), absent
 * otherwise. The seven-unification scorecard reads it for 绩效 through the measure registry.
 */
@Injectable()
export class AssessmentMeasures implements MeasureSource {
  readonly keys = [ASM_PARTICIPATED];
  readonly levelKeys = [ASM_PARTICIPATED];

  private rows(
    em: EntityManager,
    scope: MeasureScope,
    range: MonthRange,
    page?: { offset: number; limit: number },
  ) {
    return em.query(
      `SELECT s.month, s.institution_id, i.name, m.published_at, count(*) OVER ()::int AS total
         FROM assessment_score s
         JOIN assessment_month m ON m.tenant_id = s.tenant_id AND m.month = s.month AND m.edition = s.edition
         JOIN network_institution i ON i.id = s.institution_id
        WHERE s.tenant_id = $1 AND m.state = 'PUBLISHED' AND s.month BETWEEN $2 AND $3
          AND ($4::uuid[] IS NULL OR s.institution_id = ANY($4)) AND ($5::text[] IS NULL OR s.month = ANY($5))
        ORDER BY s.month DESC, i.division_code, s.institution_id
        ${page ? `OFFSET ${Math.trunc(page.offset)} LIMIT ${Math.trunc(page.limit)}` : ''}`,
      [scope.tenantId, range.from, range.to, scope.institutionIds, range.months ?? null],
    ) as Promise<
      { month: string; institution_id: string; name: string; published_at: Date; total: number }[]
    >;
  }

  async monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    if (!keys.includes(ASM_PARTICIPATED)) return [];
    return (await this.rows(em, scope, range)).map((r) => ({
      key: ASM_PARTICIPATED,
      month: r.month,
      institutionId: r.institution_id,
      value: 1,
    }));
  }

  async contributors(
    em: EntityManager,
    scope: MeasureScope,
    _key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    const rows = await this.rows(em, scope, range, page);
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map((r) => ({
        kind: 'Assessment',
        id: `${r.month}:${r.institution_id}`,
        month: r.month,
        institutionId: r.institution_id,
        value: 1,
        label: `${r.name} ${r.month} 月度考核 (assessed)`,
        occurredAt: new Date(r.published_at).toISOString(),
      })),
    };
  }
}
