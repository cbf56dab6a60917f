import { DateTime } from 'luxon';
import {
  AvailabilityException,
  Busy,
  freeSlots,
  Slot,
  SlotQuery,
  WeeklyRule,
  windows,
  withinAvailability,
} from './slots';

/**
 * Calendar facts used below (checked by the first test): 2026-03-02 is a Monday; Europe/Berlin
 * moves to summer time on Sunday 2026-03-29 (02:00 → 03:00) and back on Sunday 2026-10-25.
 */
const SH = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';

/** A local wall-clock time in a zone, as the instant the code works with. */
const at = (iso: string, zone = SH): Date => DateTime.fromISO(iso, { zone }).toJSDate();
const utc = (iso: string): Date => new Date(iso);
/** Slot starts as local wall-clock strings, for readable expectations. */
const localStarts = (slots: Slot[], zone = SH) =>
  slots.map((s) => DateTime.fromJSDate(s.start, { zone }).toFormat("yyyy-MM-dd'T'HH:mm"));
const utcStarts = (slots: Slot[]) => slots.map((s) => s.start.toISOString());

const rule = (p: Partial<WeeklyRule> = {}): WeeklyRule => ({
  weekday: 1,
  start: '09:00',
  end: '11:00',
  sessionMinutes: 30,
  mode: 'REMOTE',
  validFrom: '2026-01-01',
  validTo: null,
  ...p,
});

const query = (from: Date, to: Date, p: Partial<SlotQuery> = {}): SlotQuery => ({
  from,
  to,
  durationMinutes: 30,
  timeZone: SH,
  now: utc('2025-12-01T00:00:00Z'),
  minNoticeMinutes: 0,
  bufferMinutes: 0,
  ...p,
});

/** One Monday, 2026-03-02, whole local day. */
const MONDAY = [at('2026-03-02T00:00'), at('2026-03-03T00:00')] as const;

describe('freeSlots: weekly rules', () => {
  it('knows its calendar facts', () => {
    expect(DateTime.fromISO('2026-03-02', { zone: SH }).weekday).toBe(1);
    expect(DateTime.fromISO('2026-03-29', { zone: BERLIN }).weekday).toBe(7);
    expect(DateTime.fromISO('2026-03-28T12:00', { zone: BERLIN }).offset).toBe(60);
    expect(DateTime.fromISO('2026-03-29T12:00', { zone: BERLIN }).offset).toBe(120);
    expect(DateTime.fromISO('2026-10-25T12:00', { zone: BERLIN }).offset).toBe(60);
  });

  it('offers slots only on the weekdays that have a rule (ISO weekday, 7 = Sunday)', () => {
    const rules = [
      rule({ weekday: 1, start: '09:00', end: '10:00' }),
      rule({ weekday: 3, start: '14:00', end: '15:00' }),
      rule({ weekday: 7, start: '08:00', end: '08:30' }),
    ];
    const slots = freeSlots(rules, [], [], query(at('2026-03-02T00:00'), at('2026-03-09T00:00')));
    expect(localStarts(slots)).toEqual([
      '2026-03-02T09:00',
      '2026-03-02T09:30',
      '2026-03-04T14:00',
      '2026-03-04T14:30',
      '2026-03-08T08:00',
    ]);
    expect(slots.every((s) => s.mode === 'REMOTE')).toBe(true);
  });

  it('applies a rule from validFrom through validTo, both days included', () => {
    const rules = [rule({ start: '09:00', end: '09:30', validFrom: '2026-03-09', validTo: '2026-03-16' })];
    const slots = freeSlots(rules, [], [], query(at('2026-03-01T00:00'), at('2026-03-31T00:00')));
    expect(localStarts(slots)).toEqual(['2026-03-09T09:00', '2026-03-16T09:00']);
  });

  it('keeps an open-ended rule (validTo null) going', () => {
    const rules = [rule({ start: '09:00', end: '09:30', validFrom: '2026-03-09', validTo: null })];
    const slots = freeSlots(rules, [], [], query(at('2026-03-01T00:00'), at('2026-04-01T00:00')));
    expect(localStarts(slots)).toEqual([
      '2026-03-09T09:00',
      '2026-03-16T09:00',
      '2026-03-23T09:00',
      '2026-03-30T09:00',
    ]);
  });
});

describe('freeSlots: exceptions', () => {
  const weekdays = [1, 2, 3, 4, 5].map((weekday) => rule({ weekday, start: '09:00', end: '09:30' }));
  const week = [at('2026-03-02T00:00'), at('2026-03-09T00:00')] as const;

  it('removes the whole day for DAY_OFF, leaving the other days alone', () => {
    const off: AvailabilityException[] = [{ date: '2026-03-04', kind: 'DAY_OFF' }];
    expect(localStarts(freeSlots(weekdays, off, [], query(...week)))).toEqual([
      '2026-03-02T09:00',
      '2026-03-03T09:00',
      '2026-03-05T09:00',
      '2026-03-06T09:00',
    ]);
  });

  it('adds an EXTRA_WINDOW with its own session length and mode, also on a day without rules', () => {
    const extra: AvailabilityException[] = [
      {
        date: '2026-03-07',
        kind: 'EXTRA_WINDOW',
        start: '14:00',
        end: '16:00',
        sessionMinutes: 60,
        mode: 'ON_SITE',
      },
    ];
    const slots = freeSlots(weekdays, extra, [], query(...week));
    expect(localStarts(slots)).toEqual([
      '2026-03-02T09:00',
      '2026-03-03T09:00',
      '2026-03-04T09:00',
      '2026-03-05T09:00',
      '2026-03-06T09:00',
      '2026-03-07T14:00',
      '2026-03-07T15:00',
    ]);
    expect(slots.filter((s) => s.mode === 'ON_SITE').map((s) => s.start)).toEqual([
      at('2026-03-07T14:00'),
      at('2026-03-07T15:00'),
    ]);
  });

  it('filters by mode when asked', () => {
    const extra: AvailabilityException[] = [
      {
        date: '2026-03-02',
        kind: 'EXTRA_WINDOW',
        start: '15:00',
        end: '15:30',
        sessionMinutes: 30,
        mode: 'ON_SITE',
      },
    ];
    expect(localStarts(freeSlots(weekdays, extra, [], query(...MONDAY, { mode: 'ON_SITE' })))).toEqual([
      '2026-03-02T15:00',
    ]);
    expect(localStarts(freeSlots(weekdays, extra, [], query(...MONDAY, { mode: 'REMOTE' })))).toEqual([
      '2026-03-02T09:00',
    ]);
  });
});

describe('freeSlots: session grid', () => {
  it('cuts a 30-minute rule into slots at :00 and :30, the last one ending at the window end', () => {
    const slots = freeSlots([rule({ start: '09:00', end: '11:00' })], [], [], query(...MONDAY));
    expect(localStarts(slots)).toEqual([
      '2026-03-02T09:00',
      '2026-03-02T09:30',
      '2026-03-02T10:00',
      '2026-03-02T10:30',
    ]);
    expect(slots.every((s) => s.end.getTime() - s.start.getTime() === 30 * 60_000)).toBe(true);
  });

  it('places a 60-minute session on the 30-minute grid, never running past the window', () => {
    const slots = freeSlots(
      [rule({ start: '09:00', end: '11:00' })],
      [],
      [],
      query(...MONDAY, { durationMinutes: 60 }),
    );
    expect(localStarts(slots)).toEqual(['2026-03-02T09:00', '2026-03-02T09:30', '2026-03-02T10:00']);
    expect(slots.map((s) => s.end)).toEqual([
      at('2026-03-02T10:00'),
      at('2026-03-02T10:30'),
      at('2026-03-02T11:00'),
    ]);
  });

  it('offers nothing when the duration is longer than the window', () => {
    expect(
      freeSlots([rule({ start: '09:00', end: '10:00' })], [], [], query(...MONDAY, { durationMinutes: 90 })),
    ).toEqual([]);
  });

  it('uses each window’s own grid (20-minute rule → :00, :20, :40)', () => {
    const slots = freeSlots(
      [rule({ start: '09:00', end: '10:00', sessionMinutes: 20 })],
      [],
      [],
      query(...MONDAY, { durationMinutes: 20 }),
    );
    expect(localStarts(slots)).toEqual(['2026-03-02T09:00', '2026-03-02T09:20', '2026-03-02T09:40']);
  });
});

describe('freeSlots: bookings, buffers and notice', () => {
  const rules = [rule({ start: '09:00', end: '12:00' })];
  const booked: Busy[] = [{ start: at('2026-03-02T10:00'), end: at('2026-03-02T10:30') }];

  it('leaves out the booked slot and allows back-to-back slots when the buffer is 0', () => {
    expect(localStarts(freeSlots(rules, [], booked, query(...MONDAY)))).toEqual([
      '2026-03-02T09:00',
      '2026-03-02T09:30',
      '2026-03-02T10:30',
      '2026-03-02T11:00',
      '2026-03-02T11:30',
    ]);
  });

  it('leaves out every slot that merely overlaps a booking', () => {
    const partial: Busy[] = [{ start: at('2026-03-02T10:10'), end: at('2026-03-02T10:40') }];
    expect(localStarts(freeSlots(rules, [], partial, query(...MONDAY)))).toEqual([
      '2026-03-02T09:00',
      '2026-03-02T09:30',
      '2026-03-02T11:00',
      '2026-03-02T11:30',
    ]);
  });

  it('keeps the buffer free before and after a booking', () => {
    expect(localStarts(freeSlots(rules, [], booked, query(...MONDAY, { bufferMinutes: 15 })))).toEqual([
      '2026-03-02T09:00',
      '2026-03-02T11:00',
      '2026-03-02T11:30',
    ]);
  });

  it('starts no sooner than the minimum notice after now (the boundary itself is allowed)', () => {
    const late = freeSlots(
      rules,
      [],
      [],
      query(...MONDAY, { now: at('2026-03-02T09:10'), minNoticeMinutes: 60 }),
    );
    expect(localStarts(late)[0]).toBe('2026-03-02T10:30');
    const exact = freeSlots(
      rules,
      [],
      [],
      query(...MONDAY, { now: at('2026-03-02T09:00'), minNoticeMinutes: 60 }),
    );
    expect(localStarts(exact)[0]).toBe('2026-03-02T10:00');
    expect(freeSlots(rules, [], [], query(...MONDAY, { now: at('2026-03-02T12:00') }))).toEqual([]);
  });
});

describe('freeSlots: the search range is half-open [from, to)', () => {
  const rules = [rule({ start: '09:00', end: '12:00' })];

  it('returns only slots lying wholly inside it; a slot may end exactly at `to`', () => {
    const slots = freeSlots(rules, [], [], query(at('2026-03-02T09:30'), at('2026-03-02T10:30')));
    expect(localStarts(slots)).toEqual(['2026-03-02T09:30', '2026-03-02T10:00']);
  });

  it('drops a slot that starts before `from` or ends after `to`', () => {
    const slots = freeSlots(rules, [], [], query(at('2026-03-02T09:31'), at('2026-03-02T10:59')));
    expect(localStarts(slots)).toEqual(['2026-03-02T10:00']);
  });

  it('offers nothing starting at `to`', () => {
    expect(freeSlots(rules, [], [], query(at('2026-03-02T08:00'), at('2026-03-02T09:00')))).toEqual([]);
  });
});

describe('freeSlots: day edges', () => {
  it('lets a rule end at 24:00, its last slot ending at the next local midnight', () => {
    const slots = freeSlots(
      [rule({ start: '22:30', end: '24:00' })],
      [],
      [],
      query(at('2026-03-02T00:00'), at('2026-03-04T00:00')),
    );
    expect(localStarts(slots)).toEqual(['2026-03-02T22:30', '2026-03-02T23:00', '2026-03-02T23:30']);
    expect(slots[2].end).toEqual(at('2026-03-03T00:00'));
    const hour = freeSlots(
      [rule({ start: '22:30', end: '24:00' })],
      [],
      [],
      query(...MONDAY, { durationMinutes: 60 }),
    );
    expect(hour.map((s) => s.end)).toEqual([at('2026-03-02T23:30'), at('2026-03-03T00:00')]);
  });

  it('follows the local date across local midnight while the UTC date stays the same', () => {
    // 15:00Z–17:00Z on Monday 2 March (UTC) is Monday 23:00 → Tuesday 01:00 in Shanghai (UTC+8).
    const rules = [
      rule({ weekday: 1, start: '23:00', end: '24:00' }),
      rule({ weekday: 2, start: '00:00', end: '01:00' }),
      // Monday's early hours are Sunday afternoon in UTC: not in this range.
      rule({ weekday: 1, start: '00:00', end: '01:00' }),
    ];
    const slots = freeSlots(rules, [], [], query(utc('2026-03-02T15:00:00Z'), utc('2026-03-02T17:00:00Z')));
    expect(utcStarts(slots)).toEqual([
      '2026-03-02T15:00:00.000Z',
      '2026-03-02T15:30:00.000Z',
      '2026-03-02T16:00:00.000Z',
      '2026-03-02T16:30:00.000Z',
    ]);
    expect(localStarts(slots)).toEqual([
      '2026-03-02T23:00',
      '2026-03-02T23:30',
      '2026-03-03T00:00',
      '2026-03-03T00:30',
    ]);
  });

  it('applies a Tuesday DAY_OFF to the Tuesday local hours only', () => {
    const rules = [
      rule({ weekday: 1, start: '23:00', end: '24:00' }),
      rule({ weekday: 2, start: '00:00', end: '01:00' }),
    ];
    const slots = freeSlots(
      rules,
      [{ date: '2026-03-03', kind: 'DAY_OFF' }],
      [],
      query(utc('2026-03-02T15:00:00Z'), utc('2026-03-02T17:00:00Z')),
    );
    expect(utcStarts(slots)).toEqual(['2026-03-02T15:00:00.000Z', '2026-03-02T15:30:00.000Z']);
  });
});

describe('time zones and daylight saving', () => {
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) =>
    rule({ weekday, start: '09:00', end: '10:00', sessionMinutes: 60 }),
  );
  const berlin = (from: string, to: string, p: Partial<SlotQuery> = {}) =>
    query(at(from, BERLIN), at(to, BERLIN), { timeZone: BERLIN, durationMinutes: 60, ...p });

  it('keeps a Berlin rule at 09:00 wall-clock across the spring change, the UTC instant moving an hour', () => {
    const slots = freeSlots(everyDay, [], [], berlin('2026-03-27T00:00', '2026-03-31T00:00'));
    expect(localStarts(slots, BERLIN)).toEqual([
      '2026-03-27T09:00',
      '2026-03-28T09:00',
      '2026-03-29T09:00',
      '2026-03-30T09:00',
    ]);
    expect(utcStarts(slots)).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      // The change day itself (a 23-hour day): still 09:00 local, now UTC+2.
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    expect(slots.every((s) => s.end.getTime() - s.start.getTime() === 3600_000)).toBe(true);
  });

  it('keeps it at 09:00 across the autumn change too (a 25-hour day)', () => {
    const slots = freeSlots(everyDay, [], [], berlin('2026-10-24T00:00', '2026-10-27T00:00'));
    expect(localStarts(slots, BERLIN)).toEqual(['2026-10-24T09:00', '2026-10-25T09:00', '2026-10-26T09:00']);
    expect(utcStarts(slots)).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('ends a 24:00 rule at the next local midnight on the change day', () => {
    const sunday = [rule({ weekday: 7, start: '22:00', end: '24:00', sessionMinutes: 60 })];
    const ws = windows(sunday, [], at('2026-03-29T00:00', BERLIN), at('2026-03-30T00:00', BERLIN), BERLIN);
    expect(ws).toHaveLength(1);
    expect(new Date(ws[0].start).toISOString()).toBe('2026-03-29T20:00:00.000Z');
    expect(new Date(ws[0].end).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    const slots = freeSlots(sunday, [], [], berlin('2026-03-29T00:00', '2026-03-30T00:00'));
    expect(localStarts(slots, BERLIN)).toEqual(['2026-03-29T22:00', '2026-03-29T23:00']);
  });

  it('reads the same instants differently in different zones (a Shanghai rule is not a Berlin rule)', () => {
    const shanghai = freeSlots(
      everyDay,
      [],
      [],
      query(utc('2026-03-02T00:00:00Z'), utc('2026-03-03T00:00:00Z'), { durationMinutes: 60 }),
    );
    expect(utcStarts(shanghai)).toEqual(['2026-03-02T01:00:00.000Z']);
    const inBerlin = freeSlots(
      everyDay,
      [],
      [],
      query(utc('2026-03-02T00:00:00Z'), utc('2026-03-03T00:00:00Z'), {
        durationMinutes: 60,
        timeZone: BERLIN,
      }),
    );
    expect(utcStarts(inBerlin)).toEqual(['2026-03-02T08:00:00.000Z']);
  });
});

describe('withinAvailability', () => {
  const rules = [
    rule({ weekday: 1, start: '09:00', end: '12:00' }),
    rule({ weekday: 1, start: '23:00', end: '24:00' }),
  ];
  const extra: AvailabilityException[] = [
    {
      date: '2026-03-07',
      kind: 'EXTRA_WINDOW',
      start: '14:00',
      end: '15:00',
      sessionMinutes: 30,
      mode: 'ON_SITE',
    },
  ];
  const check = (from: string, to: string, ex: AvailabilityException[] = extra, zone = SH) =>
    withinAvailability(rules, ex, at(from, zone), at(to, zone), zone);

  it.each([
    ['the whole window', '2026-03-02T09:00', '2026-03-02T12:00'],
    ['a range off the session grid', '2026-03-02T09:05', '2026-03-02T09:50'],
    ['a range ending at a 24:00 window end', '2026-03-02T23:30', '2026-03-03T00:00'],
    ['an extra window', '2026-03-07T14:00', '2026-03-07T15:00'],
  ])('is true for %s', (_, from, to) => {
    expect(check(from, to)).toBe(true);
  });

  it.each([
    ['a range running past the window end', '2026-03-02T11:30', '2026-03-02T12:30'],
    ['a range starting before the window', '2026-03-02T08:30', '2026-03-02T09:30'],
    ['a weekday without a rule', '2026-03-03T09:00', '2026-03-03T09:30'],
    ['a range across local midnight into a day without a rule', '2026-03-02T23:30', '2026-03-03T00:30'],
    ['a Monday before the rule’s validFrom', '2025-12-29T09:00', '2025-12-29T09:30'],
  ])('is false for %s', (_, from, to) => {
    expect(check(from, to)).toBe(false);
  });

  it('is false on a DAY_OFF, true the week after', () => {
    const off: AvailabilityException[] = [{ date: '2026-03-02', kind: 'DAY_OFF' }];
    expect(check('2026-03-02T09:00', '2026-03-02T09:30', off)).toBe(false);
    expect(check('2026-03-09T09:00', '2026-03-09T09:30', off)).toBe(true);
  });

  it('holds wall-clock times on the Berlin DST change day', () => {
    const sunday = [rule({ weekday: 7, start: '09:00', end: '10:00' })];
    expect(
      withinAvailability(sunday, [], utc('2026-03-29T07:00:00Z'), utc('2026-03-29T08:00:00Z'), BERLIN),
    ).toBe(true);
    // 10:00–11:00 local on that day: outside the window.
    expect(
      withinAvailability(sunday, [], utc('2026-03-29T08:00:00Z'), utc('2026-03-29T09:00:00Z'), BERLIN),
    ).toBe(false);
  });
});

describe('withinAvailability across touching windows', () => {
  const rules = [
    rule({ weekday: 1, start: '09:00', end: '12:00' }),
    rule({ weekday: 1, start: '12:00', end: '18:00' }),
  ];

  it('treats windows that touch as one', () => {
    expect(withinAvailability(rules, [], at('2026-03-02T11:30', SH), at('2026-03-02T12:30', SH), SH)).toBe(
      true,
    );
  });

  it('still refuses a range that crosses a gap', () => {
    const gap = [
      rule({ weekday: 1, start: '09:00', end: '12:00' }),
      rule({ weekday: 1, start: '13:00', end: '18:00' }),
    ];
    expect(withinAvailability(gap, [], at('2026-03-02T11:30', SH), at('2026-03-02T13:30', SH), SH)).toBe(
      false,
    );
  });
});

describe('windows: calendar walk against luxon', () => {
  // One rule per weekday with a distinct start hour, so a wrong weekday or date shows at once.
  const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) =>
    rule({
      weekday,
      start: `${String(weekday + 8).padStart(2, '0')}:15`,
      end: '24:00',
      validFrom: '2024-01-01',
    }),
  );

  // Santiago changes its clocks at local midnight (a day starting at 01:00, and one with two
  // 23:00 hours); Apia skipped a whole day in 2011, Sao Paulo dropped DST in 2019.
  it.each([SH, BERLIN, 'America/Sao_Paulo', 'America/Santiago', 'Pacific/Apia'])(
    'gives every local day of two years its weekday rule in %s',
    (zone) => {
      const from = DateTime.fromISO('2024-12-20T05:00', { zone });
      const to = from.plus({ years: 2 });
      const got = windows(week, [], from.toJSDate(), to.toJSDate(), zone);
      const want: { start: number; end: number }[] = [];
      for (let d = from.startOf('day'); d <= to.startOf('day'); d = d.plus({ days: 1 }).startOf('day')) {
        want.push({
          start: d.set({ hour: d.weekday + 8, minute: 15 }).toMillis(),
          end: d.plus({ days: 1 }).startOf('day').toMillis(),
        });
      }
      expect(got.map((w) => ({ start: w.start, end: w.end }))).toEqual(want);
      // A second pass is served from the memo and must agree.
      expect(windows(week, [], from.toJSDate(), to.toJSDate(), zone)).toEqual(got);
    },
  );
});
