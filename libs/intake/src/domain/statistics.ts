import { registerEnumType } from '@nestjs/graphql';
import { EncounterKind } from './records';

/**
 * Yearly statistics forms (年度统计报表). Each value is reported once a year and seen by every
 * month of that year:
 * - levels (a population, a staff count and its yearly income, clinics with ECG) hold the same
 *   value in each month,
 *   and the indicator engine averages levels over a period, so a year shows the reported value;
 * - yearly counts of events (premature deaths) are spread evenly, 1/12 per month, so twelve
 *   months add up to the reported total and a quarter or year to date shows its share.
 */
export enum StatisticKey {
  POPULATION = 'POPULATION',
  POPULATION_30_70 = 'POPULATION_30_70',
  CHRONIC_PREMATURE_DEATHS = 'CHRONIC_PREMATURE_DEATHS',
  CHRONIC_MANAGED = 'CHRONIC_MANAGED',
  VILLAGE_CLINICS = 'VILLAGE_CLINICS',
  VILLAGE_CLINICS_ECG = 'VILLAGE_CLINICS_ECG',
  STAFF_COUNT = 'STAFF_COUNT',
  STAFF_INCOME_TOTAL = 'STAFF_INCOME_TOTAL',
}

export interface StatisticSpec {
  measure: string;
  perInstitution: boolean;
  level: boolean;
  integer: boolean;
  label: string;
}

export const STATISTICS: Record<StatisticKey, StatisticSpec> = {
  POPULATION: {
    measure: 'stat.population',
    perInstitution: false,
    level: true,
    integer: true,
    label: '常住人口 Resident population',
  },
  POPULATION_30_70: {
    measure: 'stat.population_30_70',
    perInstitution: false,
    level: true,
    integer: true,
    label: '30–70 岁常住人口 Residents aged 30–70',
  },
  CHRONIC_PREMATURE_DEATHS: {
    measure: 'stat.chronic_premature_deaths',
    perInstitution: false,
    level: false,
    integer: true,
    label: '四类慢病过早死亡人数(30–70 岁) Premature deaths of the four chronic diseases, ages 30–70',
  },
  CHRONIC_MANAGED: {
    measure: 'stat.chronic_managed',
    perInstitution: false,
    level: true,
    integer: true,
    label: '慢病管理人数 Population under chronic-disease management',
  },
  VILLAGE_CLINICS: {
    measure: 'stat.village_clinics',
    perInstitution: false,
    level: true,
    integer: true,
    label: '村卫生室数 Village clinics',
  },
  VILLAGE_CLINICS_ECG: {
    measure: 'stat.village_clinics_ecg',
    perInstitution: false,
    level: true,
    integer: true,
    label: '配备心电设备的村卫生室数 Village clinics with an ECG device',
  },
  STAFF_COUNT: {
    measure: 'stat.staff_count',
    perInstitution: true,
    level: true,
    integer: true,
    label: '在岗职工数 Staff',
  },
  STAFF_INCOME_TOTAL: {
    measure: 'stat.staff_income_total',
    perInstitution: true,
    // A level, like the staff count it is divided by: every month (and every period) shows the
    // year's total, so income per head reads as a yearly figure whatever the period.
    level: true,
    integer: false,
    label: '职工年度收入总额(元) Total staff income of the year, yuan',
  },
};

registerEnumType(StatisticKey, {
  name: 'StatisticKey',
  valuesMap: Object.fromEntries(Object.entries(STATISTICS).map(([k, v]) => [k, { description: v.label }])),
});

registerEnumType(EncounterKind, {
  name: 'EncounterKind',
  valuesMap: {
    OUTPATIENT: { description: '门诊 Outpatient visit' },
    EMERGENCY: { description: '急诊 Emergency visit' },
    INPATIENT: { description: '住院 Inpatient stay' },
  },
});
