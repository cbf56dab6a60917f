import { maskedBirthYear } from './masked-birth';
import { maskResidentId, parseResidentId, residentIdCheckChar } from './resident-id';

const DAY = 86_400_000;
/** YYYY-MM-DD of the UTC day `t` (ms). */
const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);
const utcDay = (date: string) => Date.parse(`${date}T00:00:00Z`);
/** A registration at noon Beijing time on `date`. */
const registeredOn = (date: string) => new Date(`${date}T04:00:00Z`);

/**
 * What someone holding a masked view can deduce: every ID number that agrees with the shown
 * characters, whose birth date lies in [from, to] and, when a birth year is shown, in that year.
 */
function candidates(masked: string, from: string, to: string, birthYear: number | null): string[] {
  const out: string[] = [];
  for (let t = utcDay(from); t <= utcDay(to); t += DAY) {
    const date = ymd(t);
    if (birthYear !== null && Number(date.slice(0, 4)) !== birthYear) continue;
    const first17 = `${masked.slice(0, 6)}${date.replace(/-/g, '')}${masked.slice(14, 17)}`;
    if (residentIdCheckChar(first17) === masked[17]) out.push(first17 + masked[17]);
  }
  return out;
}

/** The attacker's range for a patient registered at `registeredAt` whose year is withheld. */
function withheldRange(registeredAt: Date): [string, string] {
  const regDay = ymd(registeredAt.getTime() + 8 * 3_600_000);
  return [`${Number(regDay.slice(0, 4)) - 1}-01-01`, regDay];
}

function idFor(birth: string, seq: string): string {
  const first17 = `500114${birth.replace(/-/g, '')}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

describe('maskedBirthYear', () => {
  it('shows the year of a patient born two or more years before registration', () => {
    expect(maskedBirthYear('1952-03-14', registeredOn('2026-05-01'))).toBe(1952);
    expect(maskedBirthYear('2024-12-31', registeredOn('2026-01-01'))).toBe(2024);
  });

  it('withholds the year for someone born in the registration year or the year before', () => {
    expect(maskedBirthYear('2026-01-02', registeredOn('2026-01-03'))).toBeNull();
    expect(maskedBirthYear('2025-01-01', registeredOn('2026-12-31'))).toBeNull();
  });

  it("takes the registration year on Beijing's calendar (01:00 on 1 January there is still 31 December in UTC)", () => {
    const justAfterNewYear = new Date('2025-12-31T17:00:00Z');
    expect(maskedBirthYear('2025-06-01', justAfterNewYear)).toBeNull();
    expect(maskedBirthYear('2024-06-01', justAfterNewYear)).toBe(2024);
  });

  it('leaves at least 32 candidates for every birth year shown: every year since 1890, every check value', () => {
    let min = Infinity;
    let max = 0;
    for (let year = 1890; year <= 2030; year++) {
      // Counting per check character over the whole year: a candidate list for each of the 11.
      const perCheck = new Map<string, number>();
      for (let t = utcDay(`${year}-01-01`); t < utcDay(`${year + 1}-01-01`); t += DAY) {
        const check = residentIdCheckChar(`500114${ymd(t).replace(/-/g, '')}031`);
        perCheck.set(check, (perCheck.get(check) ?? 0) + 1);
      }
      expect(perCheck.size).toBe(11);
      for (const n of perCheck.values()) {
        min = Math.min(min, n);
        max = Math.max(max, n);
      }
    }
    expect([min, max]).toEqual([32, 35]);
    // The same with the concrete attacker: a full year, the true number among ~33.
    const id = '500114195203140316';
    const found = candidates(maskResidentId(id), '1952-01-01', '1952-12-31', 1952);
    expect(found).toContain(id);
    expect(found.length).toBeGreaterThanOrEqual(32);
  });

  it('leaves at least 32 candidates when the year is withheld, for every registration day from 2022 to 2026 and every check value', () => {
    // Per day since 2020, the date digits' share of the check sum (mod 11); prefix counts per
    // residue then give any range's candidates for each check value at once.
    const first = utcDay('2020-01-01');
    const days = (utcDay('2026-12-31') - first) / DAY + 1;
    const prefix = Array.from({ length: 11 }, () => new Int32Array(days + 1));
    for (let i = 0; i < days; i++) {
      const digits = ymd(first + i * DAY).replace(/-/g, '');
      const r = [...digits].reduce((a, d, k) => a + Number(d) * [2, 1, 6, 3, 7, 9, 10, 5][k], 0) % 11;
      for (let c = 0; c < 11; c++) prefix[c][i + 1] = prefix[c][i] + (c === r ? 1 : 0);
    }
    let min = Infinity;
    for (let t = utcDay('2022-01-01'); t <= utcDay('2026-12-31'); t += DAY) {
      const reg = new Date(t + 4 * 3_600_000);
      const [from, to] = withheldRange(reg);
      expect(maskedBirthYear(from, reg)).toBeNull();
      expect(maskedBirthYear(to, reg)).toBeNull();
      expect(maskedBirthYear(ymd(utcDay(from) - DAY), reg)).not.toBeNull();
      const [a, b] = [(utcDay(from) - first) / DAY, (utcDay(to) - first) / DAY + 1];
      for (let c = 0; c < 11; c++) min = Math.min(min, prefix[c][b] - prefix[c][a]);
    }
    expect(min).toBeGreaterThanOrEqual(32);
    // And with the concrete attacker, for a birth on registration day.
    const reg = registeredOn('2026-01-03');
    const id = idFor('2026-01-03', '031');
    expect(parseResidentId(id, reg).ok).toBe(true);
    const found = candidates(maskResidentId(id), ...withheldRange(reg), null);
    expect(found).toContain(id);
    expect(found.length).toBeGreaterThanOrEqual(32);
  });

  it('without the withholding, a year-of-registration birth would be nearly unique (why it exists)', () => {
    const id = idFor('2026-01-02', '031');
    expect(candidates(maskResidentId(id), '2026-01-01', '2026-01-03', 2026).length).toBeLessThanOrEqual(1);
  });
});
