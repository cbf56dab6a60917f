import { DateTime } from 'luxon';

export type SessionMode = 'REMOTE' | 'ON_SITE';

/** A weekly window an expert offers, in the consortium's local time. */
export interface WeeklyRule {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local wall-clock times, `HH:mm`. `end` may be `24:00`. */
  start: string;
  end: string;
  sessionMinutes: number;
  mode: SessionMode;
  /** Local dates `YYYY-MM-DD`, inclusive; `validTo` null = open-ended. */
  validFrom: string;
  validTo: string | null;
}

/** A date-specific change: the whole day off, or an extra window. */
export type AvailabilityException =
  | { date: string; kind: 'DAY_OFF' }
  | {
      date: string;
      kind: 'EXTRA_WINDOW';
      start: string;
      end: string;
      sessionMinutes: number;
      mode: SessionMode;
    };

/** An exception as stored (nullable window columns) in the domain's shape. */
export function exceptionOf(e: {
  date: string;
  kind: string;
  start?: string | null;
  end?: string | null;
  sessionMinutes?: number | null;
  mode?: SessionMode | string | null;
}): AvailabilityException {
  return e.kind === 'DAY_OFF'
    ? { date: e.date, kind: 'DAY_OFF' }
    : {
        date: e.date,
        kind: 'EXTRA_WINDOW',
        start: e.start!,
        end: e.end!,
        sessionMinutes: e.sessionMinutes!,
        mode: e.mode as SessionMode,
      };
}

export interface Busy {
  start: Date;
  end: Date;
}

/**
 * The buffer rule, stated once: a booking keeps `bufferMinutes` free before and after it, so
 * two ranges clash when one, widened by the buffer on both sides, overlaps the other. Overlap
 * is half-open: back-to-back is no clash when the buffer is 0. Free slots, the first read's
 * check and the reservation (Postgres receives the widened range, see SchedulingRepository)
 * all use it; the exclusion constraint only forbids true overlaps.
 */
export function guarded(range: Busy, bufferMinutes: number): Busy {
  const { start, end } = guardedMs(range.start.getTime(), range.end.getTime(), bufferMinutes);
  return { start: new Date(start), end: new Date(end) };
}

/** Whether a booking `a` and a range `b` clash under the buffer rule (symmetric). */
export function clashes(a: Busy, b: Busy, bufferMinutes: number): boolean {
  const g = guardedMs(a.start.getTime(), a.end.getTime(), bufferMinutes);
  return g.start < b.end.getTime() && b.start.getTime() < g.end;
}

function guardedMs(start: number, end: number, bufferMinutes: number): { start: number; end: number } {
  return { start: start - bufferMinutes * 60_000, end: end + bufferMinutes * 60_000 };
}

export interface SlotQuery {
  /** Half-open search range. */
  from: Date;
  to: Date;
  /** Length of the session being looked for. */
  durationMinutes: number;
  /** Consortium time zone, e.g. Asia/Shanghai. */
  timeZone: string;
  now: Date;
  /** No slot may start sooner than this after `now`. */
  minNoticeMinutes: number;
  /** Kept free before and after every existing booking. */
  bufferMinutes: number;
  mode?: SessionMode;
}

export interface Slot {
  start: Date;
  end: Date;
  mode: SessionMode;
}

export interface Window {
  /** Epoch milliseconds. */
  start: number;
  end: number;
  sessionMinutes: number;
  mode: SessionMode;
  /** From a date's extra window (加诊) rather than a weekly rule. */
  extra: boolean;
}

/**
 * Local wall-clock time on a local date → epoch ms, memoised: a pure function of its arguments,
 * and luxon's zone arithmetic was the largest single cost of a booking attempt (every attempt
 * checks availability, every CONFLICT searches free slots). Bounded by clearing when full.
 */
const instants = new Map<string, number>();
const INSTANTS_MAX = 50_000;

function localInstant(date: string, hhmm: string, timeZone: string): number {
  const key = `${timeZone} ${date} ${hhmm}`;
  let ms = instants.get(key);
  if (ms === undefined) {
    const [h, m] = hhmm.split(':').map(Number);
    const day = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
    // Wall-clock, not elapsed time: on a DST-change day midnight + 9 h is 10:00 (spring) or
    // 08:00 (autumn), so set the local hour instead. 24:00 is the next local midnight.
    ms = (h === 24 ? day.plus({ days: 1 }).startOf('day') : day.set({ hour: h, minute: m })).toMillis();
    if (instants.size >= INSTANTS_MAX) instants.clear();
    instants.set(key, ms);
  }
  return ms;
}

const DAY_MS = 86_400_000;

const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * Days since 1970-01-01 of the local calendar date an instant falls on: the day whose local
 * start (memoised) is at or before it and whose successor's is after it. Zone offsets stay
 * within a day, so it is the UTC date or a neighbour.
 */
function localDay(instant: Date, timeZone: string): number {
  const t = instant.getTime();
  const utcDay = Math.floor(t / DAY_MS);
  for (const day of [utcDay, utcDay - 1, utcDay + 1]) {
    if (
      localInstant(isoDate(day), '00:00', timeZone) <= t &&
      t < localInstant(isoDate(day + 1), '00:00', timeZone)
    )
      return day;
  }
  // Only an unknown zone gets here (its instants are NaN); luxon's answer is as good as any.
  const d = DateTime.fromJSDate(instant, { zone: timeZone });
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

/**
 * The windows an expert offers between two instants, from weekly rules and date exceptions,
 * in the consortium's time zone (so a rule keeps its wall-clock hours across DST changes).
 */
export function windows(
  rules: WeeklyRule[],
  exceptions: AvailabilityException[],
  from: Date,
  to: Date,
  timeZone: string,
): Window[] {
  const out: Window[] = [];
  const daysOff = new Set(exceptions.filter((e) => e.kind === 'DAY_OFF').map((e) => e.date));
  const last = localDay(to, timeZone);
  // Calendar dates step by whole days whatever the zone; only wall-clock times need it.
  for (let day = localDay(from, timeZone); day <= last; day++) {
    const date = isoDate(day);
    if (daysOff.has(date)) continue;
    // 1970-01-01 was a Thursday (ISO weekday 4).
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    for (const r of rules) {
      if (r.weekday !== weekday || date < r.validFrom || (r.validTo && date > r.validTo)) continue;
      out.push({
        start: localInstant(date, r.start, timeZone),
        end: localInstant(date, r.end, timeZone),
        sessionMinutes: r.sessionMinutes,
        mode: r.mode,
        extra: false,
      });
    }
    for (const e of exceptions) {
      if (e.kind !== 'EXTRA_WINDOW' || e.date !== date) continue;
      out.push({
        start: localInstant(date, e.start, timeZone),
        end: localInstant(date, e.end, timeZone),
        sessionMinutes: e.sessionMinutes,
        mode: e.mode,
        extra: true,
      });
    }
  }
  return out.filter((w) => w.end > w.start);
}

/**
 * Free slots: each window cut into sessions of its own length on its own grid (a 30-minute
 * window rule gives 09:00, 09:30, …), long enough for the requested duration, not overlapping
 * a booking plus its buffers, and not sooner than the minimum notice. Sorted by start.
 */
export function freeSlots(
  rules: WeeklyRule[],
  exceptions: AvailabilityException[],
  busy: Busy[],
  q: SlotQuery,
): Slot[] {
  // Plain epoch milliseconds inside the loop: building luxon objects for every candidate made a
  // 14-day search on a 5-minute grid cost ~0.25 s of event-loop time (every CONFLICT answer runs
  // one). Window edges still come from luxon in the consortium's zone; within a window the grid
  // is elapsed time, as before. Overlap stays half-open, so back-to-back is not an overlap.
  const minute = 60_000;
  const earliest = q.now.getTime() + q.minNoticeMinutes * minute;
  const blocked = busy.map((b) => guardedMs(b.start.getTime(), b.end.getTime(), q.bufferMinutes));
  const from = q.from.getTime();
  const to = q.to.getTime();
  const duration = q.durationMinutes * minute;
  const seen = new Set<number>();
  const slots: Slot[] = [];
  for (const w of windows(rules, exceptions, q.from, q.to, q.timeZone)) {
    if (q.mode && w.mode !== q.mode) continue;
    const step = Math.max(w.sessionMinutes, 5) * minute;
    const windowEnd = w.end;
    for (let start = w.start; start + duration <= windowEnd; start += step) {
      const end = start + duration;
      if (start < from || end > to || start < earliest) continue;
      if (blocked.some((b) => b.start < end && start < b.end)) continue;
      if (seen.has(start)) continue;
      seen.add(start);
      slots.push({ start: new Date(start), end: new Date(end), mode: w.mode });
    }
  }
  return slots.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Whether [start, end) lies inside one offered window (any session grid). */
export function withinAvailability(
  rules: WeeklyRule[],
  exceptions: AvailabilityException[],
  start: Date,
  end: Date,
  timeZone: string,
): boolean {
  // Windows that touch or overlap count as one: 09–12 and 12–18 offer 11:30–12:30.
  const spans = windows(rules, exceptions, start, end, timeZone)
    .map((w) => [w.start, w.end] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const s = start.getTime();
  const e = end.getTime();
  let reach = -Infinity;
  let from = -Infinity;
  for (const [ws, we] of spans) {
    if (ws > reach) from = ws;
    reach = Math.max(reach, we);
    if (from <= s && e <= reach) return true;
  }
  return false;
}
