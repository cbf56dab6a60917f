import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '@yg/indicators/measures/measure-source';
import { QUALITATIVE_KEYS } from '../domain/scorecard';
import { UnificationScorecards } from '../services/unification-scorecards.service';

/**
 * uni.* — the three qualitative national indicators read from the seven-unification scorecard,
 * consortium level (no institution), one value a month: 1 MET, 0.5 PARTIAL, 0 NOT_MET (see
 * QUALITATIVE in domain/scorecard.ts for what each takes). Levels: a quarter averages its months.
 */
@Injectable()
export class UnificationMeasures implements MeasureSource {
  readonly keys: readonly string[] = QUALITATIVE_KEYS;
  readonly levelKeys: readonly string[] = QUALITATIVE_KEYS;
  /** The scorecard reads referral, consultation, continuity and encounter measures. */
  readonly readsOtherSources = true;

  constructor(private readonly scorecards: UnificationScorecards) {}

  dependencies(em: EntityManager, tenantId: string): Promise<readonly string[]> {
    return this.scorecards.measureKeys(em, tenantId);
  }

  async monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    // Consortium-level only: a scope limited to institutions has no rows of these.
    const wanted = keys.filter((k) => this.keys.includes(k));
    if (scope.institutionIds !== null || !wanted.length) return [];
    const byMonth = await this.scorecards.qualitativeByMonth(em, scope.tenantId, range);
    const out: MeasureValue[] = [];
    for (const [month, results] of byMonth) {
      for (const r of results) {
        if (wanted.includes(r.key)) out.push({ key: r.key, month, institutionId: null, value: r.value });
      }
    }
    return out;
  }

  /** One row per month: the scorecard outcome the value was read from. */
  async contributors(
    em: EntityManager,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    if (scope.institutionIds !== null || !this.keys.includes(key)) return { total: 0, rows: [] };
    const byMonth = await this.scorecards.qualitativeByMonth(em, scope.tenantId, range);
    const rows = [...byMonth].reverse().map(([month, results]) => {
      const r = results.find((x) => x.key === key)!;
      return {
        kind: 'SevenUnifications',
        id: `${key}:${month}`,
        month,
        institutionId: null,
        value: r.value,
        label: `七统一 ${month}: ${r.outcome}`,
        occurredAt: `${month}-01T00:00:00.000Z`,
      };
    });
    return { total: rows.length, rows: rows.slice(page.offset, page.offset + page.limit) };
  }
}
