import { clampRange, lastYearRange, PeriodKind, periodLabel, previousRange, rangeOf } from './period';

describe('indicator periods', () => {
  const p = (kind: PeriodKind, month: string) => ({ kind, month });

  it('covers a month, its quarter, its year, or the year up to it', () => {
    expect(rangeOf(p(PeriodKind.MONTH, '2026-05'))).toEqual({ from: '2026-05', to: '2026-05' });
    expect(rangeOf(p(PeriodKind.QUARTER, '2026-05'))).toEqual({ from: '2026-04', to: '2026-06' });
    expect(rangeOf(p(PeriodKind.QUARTER, '2026-12'))).toEqual({ from: '2026-10', to: '2026-12' });
    expect(rangeOf(p(PeriodKind.YEAR, '2026-05'))).toEqual({ from: '2026-01', to: '2026-12' });
    expect(rangeOf(p(PeriodKind.YEAR_TO_DATE, '2026-05'))).toEqual({ from: '2026-01', to: '2026-05' });
    expect(periodLabel(p(PeriodKind.QUARTER, '2026-11'))).toBe('2026-Q4');
  });

  it('finds the previous period across year ends, and none before January for year to date', () => {
    expect(previousRange(p(PeriodKind.MONTH, '2026-01'))).toEqual({ from: '2025-12', to: '2025-12' });
    expect(previousRange(p(PeriodKind.QUARTER, '2026-02'))).toEqual({ from: '2025-10', to: '2025-12' });
    expect(previousRange(p(PeriodKind.YEAR, '2026-07'))).toEqual({ from: '2025-01', to: '2025-12' });
    expect(previousRange(p(PeriodKind.YEAR_TO_DATE, '2026-04'))).toEqual({ from: '2026-01', to: '2026-03' });
    expect(previousRange(p(PeriodKind.YEAR_TO_DATE, '2026-01'))).toBeNull();
    expect(lastYearRange(p(PeriodKind.QUARTER, '2026-02'))).toEqual({ from: '2025-01', to: '2025-03' });
  });

  it('stops a period at the current month, and drops one that has not begun', () => {
    expect(clampRange({ from: '2026-01', to: '2026-12' }, '2026-11')).toEqual({
      from: '2026-01',
      to: '2026-11',
    });
    expect(clampRange({ from: '2026-12', to: '2026-12' }, '2026-11')).toBeNull();
  });
});
