import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '@yg/indicators/measures/measure-source';

const ENC_OOC_STAT = [
  'enc.visits',
  'enc.visits_resident',
  'enc.visits_tcm',
  'enc.admissions',
  'enc.discharges',
  'enc.discharges_insured_resident',
  'enc.inpatient_cost_insured_resident',
  'enc.fund_paid',
  'enc.fund_paid_insured_resident',
  'enc.chronic_admissions',
  'ooc.visits',
  'ooc.admissions',
  'ooc.cost',
  'ooc.fund_paid',
];
const LEVELS = [
  'stat.population',
  'stat.population_30_70',
  'stat.chronic_managed',
  'stat.village_clinics',
  'stat.village_clinics_ecg',
  'stat.staff_count',
  'stat.staff_income_total',
  'stat.dispatched_doctors',
];

/**
 * The encounter, out-of-county and statistics measures (another capability's) as a fixed,
 * hand-written table: the seam the measure-source contract defines. Rows are set by the test.
 */
export class FixedMeasures implements MeasureSource {
  readonly keys = [...ENC_OOC_STAT, 'stat.chronic_premature_deaths', ...LEVELS];
  readonly levelKeys = LEVELS;
  rows: (MeasureValue & { tenantId: string })[] = [];

  private match(scope: MeasureScope, key: string, range: MonthRange) {
    return this.rows.filter(
      (r) =>
        r.tenantId === scope.tenantId &&
        r.key === key &&
        r.month >= range.from &&
        r.month <= range.to &&
        (scope.institutionIds === null ||
          (r.institutionId !== null && scope.institutionIds.includes(r.institutionId))),
    );
  }

  async monthly(
    _em: unknown,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    return keys.flatMap((k) => this.match(scope, k, range)).map(({ tenantId: _t, ...v }) => v);
  }

  async contributors(
    _em: unknown,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    const rows = this.match(scope, key, range).sort((a, b) => (a.month < b.month ? 1 : -1));
    return {
      total: rows.length,
      rows: rows.slice(page.offset, page.offset + page.limit).map((r, i) => ({
        kind: 'Rollup',
        id: `${r.key}:${r.month}:${r.institutionId ?? '-'}:${i}`,
        month: r.month,
        institutionId: r.institutionId,
        value: r.value,
        label: `${r.key} ${r.month}`,
        occurredAt: `${r.month}-01T00:00:00.000Z`,
      })),
    };
  }
}
