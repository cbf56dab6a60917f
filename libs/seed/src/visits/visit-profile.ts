import { DateTime } from 'luxon';
import type { SeedInstitution } from '../qianjiang.data';

/**
 * The yearly statistics forms of the demo county (about 480,000 residents): consortium-wide
 * items per year. Figures move a little each year, the way a county's do.
 */
export function yearlyForms(year: number): [string, number][] {
  const k = year - 2024;
  return [
    ['POPULATION', 479_200 + 800 * k],
    ['POPULATION_30_70', 262_400 + 1_200 * k],
    ['CHRONIC_MANAGED', 72_000 + 2_500 * k],
    ['CHRONIC_PREMATURE_DEATHS', 905 - 25 * k],
    ['VILLAGE_CLINICS', 218],
    ['VILLAGE_CLINICS_ECG', 164 + 16 * k],
  ];
}

const STAFF: Record<string, [count: number, incomePerHead: number]> = {
  GENERAL_HOSPITAL: [1450, 158_000],
  SPECIALTY_HOSPITAL: [500, 142_000],
  COMMUNITY_HOSPITAL_GROUP: [160, 118_000],
  REGIONAL_SUBCENTER: [120, 120_000],
  COMMUNITY_HEALTH_CENTER: [45, 112_000],
  TOWNSHIP_HEALTH_CENTER: [38, 108_000],
  VILLAGE_CLINIC: [2, 52_000],
};

/** Staff count and the year's total staff income of one institution; primary care's pay rises faster. */
export function staffOf(inst: SeedInstitution, year: number): { count: number; income: number } {
  const [count, perHead] = STAFF[inst.kind] ?? [0, 0];
  const k = year - 2024;
  const primary = inst.tier === 'TOWNSHIP' || inst.tier === 'VILLAGE';
  const growth = (primary ? 1.06 : 1.03) ** k;
  const n = count + (inst.key === 'qj-mch' ? -120 : 0);
  return { count: n, income: Math.round(n * perHead * growth) };
}

/** Township centres that had only one dispatched doctor per term (short of the usual two). */
const SHORT = new Set(['thc-pengdong', 'thc-wuli', 'chc-zhoubai', 'thc-taiji']);
const FROM = ['qj-central', 'qj-central', 'qj-tcm', 'qj-mch'];

/**
 * Doctors dispatched (派驻) from the county hospitals to every township-tier centre in
 * half-year terms, from the window's first term to the one running now (its planned end ahead).
 */
export function dispatchRecords(
  members: SeedInstitution[],
  start: DateTime,
  today: DateTime,
): { reference: string; fromKey: string; toKey: string; starts_on: string; ends_on: string }[] {
  const out: { reference: string; fromKey: string; toKey: string; starts_on: string; ends_on: string }[] = [];
  const township = members.filter((i) => i.tier === 'TOWNSHIP');
  for (let term = start.startOf('year'); term <= today; term = term.plus({ months: 6 })) {
    const ends = term.plus({ months: 6 }).minus({ days: 1 });
    if (ends < start) continue;
    township.forEach((inst, n) => {
      const doctors = SHORT.has(inst.key) ? 1 : 2;
      for (let d = 0; d < doctors; d++) {
        out.push({
          reference: `PZ${term.toFormat('yyyy')}H${term.month <= 6 ? 1 : 2}-${String(n + 1).padStart(2, '0')}-${d + 1}`,
          fromKey: FROM[(n + d) % FROM.length],
          toKey: inst.key,
          starts_on: term.toISODate()!,
          ends_on: ends.toISODate()!,
        });
      }
    });
  }
  return out;
}
