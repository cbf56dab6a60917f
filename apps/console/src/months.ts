/** The consortium's months (YYYY-MM) in its own time zone, and figures as the views print them. */

const ZONE = 'Asia/Shanghai';

/** Today (YYYY-MM-DD) in the consortium's zone: before 08:00 there, UTC still says yesterday. */
export function today(now = new Date()): string {
  return now.toLocaleDateString('sv-SE', { timeZone: ZONE });
}

export function currentMonth(now = new Date()): string {
  return now.toLocaleDateString('sv-SE', { timeZone: ZONE }).slice(0, 7);
}

/** Last month: the latest one whose figures are complete. */
export function lastMonth(now = new Date()): string {
  const [y, m] = currentMonth(now).split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** At most two decimals, no trailing zeros; no value is a dash, never 0. */
export function figure(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : String(Number(v.toFixed(2)));
}
