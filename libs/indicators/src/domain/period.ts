import type { MonthRange } from '../measures/measure-source';

export enum PeriodKind {
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  YEAR = 'YEAR',
  /** January up to and including the given month. */
  YEAR_TO_DATE = 'YEAR_TO_DATE',
}

/** A period named by its kind and a month inside it ('YYYY-MM'). */
export interface Period {
  kind: PeriodKind;
  month: string;
}

/** Months of 2000–2099: wide enough for any consortium's data, narrow enough that year arithmetic stays in range. */
export const MONTH_PATTERN = /^20\d{2}-(0[1-9]|1[0-2])$/;

export function monthIndex(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return y * 12 + (m - 1);
}

export function monthOf(index: number): string {
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

export function addMonths(month: string, n: number): string {
  return monthOf(monthIndex(month) + n);
}

export function monthsIn(r: MonthRange): string[] {
  const out: string[] = [];
  for (let i = monthIndex(r.from); i <= monthIndex(r.to); i++) out.push(monthOf(i));
  return out;
}

/** The months a source is asked for: the range's selection when it has one, else all of it. */
export function monthsAsked(r: MonthRange): readonly string[] {
  return r.months ?? monthsIn(r);
}

/** The first days ('YYYY-MM-01') of the months asked, for a `date[]` parameter. */
export function monthStarts(r: MonthRange): string[] {
  return monthsAsked(r).map((m) => `${m}-01`);
}

export function shiftRange(r: MonthRange, n: number): MonthRange {
  return { from: addMonths(r.from, n), to: addMonths(r.to, n) };
}

/** The months a period covers. */
export function rangeOf(p: Period): MonthRange {
  const i = monthIndex(p.month);
  const year = Math.floor(i / 12);
  switch (p.kind) {
    case PeriodKind.MONTH:
      return { from: p.month, to: p.month };
    case PeriodKind.QUARTER: {
      const first = year * 12 + Math.floor((i % 12) / 3) * 3;
      return { from: monthOf(first), to: monthOf(first + 2) };
    }
    case PeriodKind.YEAR:
      return { from: monthOf(year * 12), to: monthOf(year * 12 + 11) };
    case PeriodKind.YEAR_TO_DATE:
      return { from: monthOf(year * 12), to: p.month };
  }
}

/**
 * The period before: the previous month, quarter or year; for year to date, the same year up
 * to the month before (null in January: there is no earlier part of the year).
 */
export function previousRange(p: Period): MonthRange | null {
  const r = rangeOf(p);
  switch (p.kind) {
    case PeriodKind.MONTH:
      return shiftRange(r, -1);
    case PeriodKind.QUARTER:
      return shiftRange(r, -3);
    case PeriodKind.YEAR:
      return shiftRange(r, -12);
    case PeriodKind.YEAR_TO_DATE:
      return r.from === r.to ? null : { from: r.from, to: addMonths(r.to, -1) };
  }
}

/** The same period a year earlier. */
export function lastYearRange(p: Period): MonthRange {
  return shiftRange(rangeOf(p), -12);
}

/** A period never reaches past the current month: no month after it has data yet. */
export function clampRange(r: MonthRange, currentMonth: string): MonthRange | null {
  if (monthIndex(r.from) > monthIndex(currentMonth)) return null;
  if (monthIndex(r.to) <= monthIndex(currentMonth)) return r;
  const months = r.months?.filter((m) => monthIndex(m) <= monthIndex(currentMonth));
  return months ? { from: r.from, to: currentMonth, months } : { from: r.from, to: currentMonth };
}

export function periodLabel(p: Period): string {
  const r = rangeOf(p);
  const year = r.from.slice(0, 4);
  switch (p.kind) {
    case PeriodKind.MONTH:
      return p.month;
    case PeriodKind.QUARTER:
      return `${year}-Q${Math.floor((monthIndex(r.from) % 12) / 3) + 1}`;
    case PeriodKind.YEAR:
      return year;
    case PeriodKind.YEAR_TO_DATE:
      return `${year}-01..${p.month}`;
  }
}

export const MONTH_MESSAGE = '月份格式为 YYYY-MM,2000–2099 年 (month: YYYY-MM, years 2000–2099)';
