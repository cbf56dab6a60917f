import { monthIndex, monthOf } from '@yg/indicators/domain/period';

/** The calendar day ('YYYY-MM-DD') it is now in a time zone. */
export function today(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function lastDayOf(month: string): string {
  return `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
}

export function nextMonth(month: string): string {
  return monthOf(monthIndex(month) + 1);
}
