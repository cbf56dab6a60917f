import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '@yg/indicators/measures/measure-source';

/**
 * The measures the scorecard reads from capabilities outside this tree (visit intake's
 * enc.days_reported and stat.dispatched_doctors, the assessment's asm.participated) as a fixed,
 * hand-written table: the measure-source seam. All three are levels.
 */
export class ScorecardFixedMeasures implements MeasureSource {
  readonly keys = ['enc.days_reported', 'stat.dispatched_doctors', 'asm.participated'];
  readonly levelKeys = this.keys;
  rows: (MeasureValue & { tenantId: string })[] = [];

  put(tenantId: string, key: string, month: string, institutionId: string, value: number): void {
    this.rows.push({ tenantId, key, month, institutionId, value });
  }

  async monthly(
    _em: unknown,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    return this.rows
      .filter(
        (r) =>
          r.tenantId === scope.tenantId &&
          keys.includes(r.key) &&
          r.month >= range.from &&
          r.month <= range.to &&
          (scope.institutionIds === null || scope.institutionIds.includes(r.institutionId!)),
      )
      .map(({ tenantId: _t, ...v }) => v);
  }

  async contributors(): Promise<ContributorPage> {
    return { total: 0, rows: [] };
  }
}
