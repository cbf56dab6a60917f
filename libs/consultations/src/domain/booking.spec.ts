import { firstBusy } from './booking';
import { clashes, freeSlots, guarded, WeeklyRule } from './slots';

const t = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);
const r = (from: string, to: string) => ({ start: t(from), end: t(to) });

describe('the buffer rule', () => {
  it('widens a range by the buffer on both sides', () => {
    expect(guarded(r('09:00', '09:30'), 15)).toEqual(r('08:45', '09:45'));
    expect(guarded(r('09:00', '09:30'), 0)).toEqual(r('09:00', '09:30'));
  });

  it('makes back-to-back a clash only with a buffer, symmetrically', () => {
    const booking = r('09:00', '09:30');
    expect(clashes(booking, r('09:30', '10:00'), 0)).toBe(false);
    expect(clashes(booking, r('09:30', '10:00'), 1)).toBe(true);
    expect(clashes(booking, r('09:40', '10:00'), 11)).toBe(true);
    expect(clashes(booking, r('09:40', '10:00'), 10)).toBe(false);
    expect(clashes(r('09:40', '10:00'), booking, 11)).toBe(true);
    expect(clashes(booking, r('09:29', '09:31'), 0)).toBe(true);
  });

  it('is the one free slots apply: a slot is offered exactly when it does not clash', () => {
    const rule: WeeklyRule = {
      weekday: 1,
      start: '08:00',
      end: '12:00',
      sessionMinutes: 15,
      mode: 'REMOTE',
      validFrom: '2026-01-01',
      validTo: null,
    };
    const booking = r('09:00', '09:30');
    for (const buffer of [0, 10, 15, 20]) {
      const slots = freeSlots([rule], [], [booking], {
        from: t('08:00'),
        to: t('12:00'),
        durationMinutes: 30,
        timeZone: 'UTC',
        now: t('00:00'),
        minNoticeMinutes: 0,
        bufferMinutes: buffer,
      });
      const offered = new Set(slots.map((s) => s.start.getTime()));
      for (let m = 8 * 60; m + 30 <= 12 * 60; m += 15) {
        const start = new Date(t('00:00').getTime() + m * 60_000);
        const candidate = { start, end: new Date(start.getTime() + 30 * 60_000) };
        expect([buffer, start.toISOString(), offered.has(start.getTime())]).toEqual([
          buffer,
          start.toISOString(),
          !clashes(booking, candidate, buffer),
        ]);
      }
    }
  });

  it('names the first busy expert in uuid order, as the reservation does', () => {
    const bookings = new Map([
      ['b', [r('09:00', '09:30')]],
      ['c', [r('09:00', '09:30')]],
      ['a', [r('11:00', '11:30')]],
    ]);
    expect(firstBusy(bookings, ['c', 'a', 'b'], r('09:15', '09:45'), 0)).toBe('b');
    expect(firstBusy(bookings, ['c', 'a'], r('09:30', '10:00'), 0)).toBeUndefined();
    expect(firstBusy(bookings, ['c', 'a'], r('09:30', '10:00'), 5)).toBe('c');
  });
});
