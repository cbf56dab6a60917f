/** The synthetic encounters both intake benchmarks load. */
import { EncounterKind } from '@yg/intake';

export const HEADER = [
  'sourceRecordId',
  'kind',
  'occurredOn',
  'dischargedOn',
  'department',
  'tcm',
  'diagnosisCode',
  'insured',
  'resident',
  'chronicManaged',
  'totalCost',
  'fundPaid',
];

export interface Rec {
  sourceRecordId: string;
  kind: EncounterKind;
  occurredOn: string;
  dischargedOn?: string;
  department: string;
  tcm: boolean;
  diagnosisCode: string;
  insured: boolean;
  resident: boolean;
  chronicManaged: boolean;
  totalCost: number;
  fundPaid: number;
}

export function records(n: number): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const month = i % 24;
    const y = 2024 + Math.floor((10 + month) / 12);
    const m = ((10 + month) % 12) + 1;
    const d = 1 + (i % 20);
    const day = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const inpatient = i % 10 === 0;
    const insured = i % 5 !== 0;
    const cost = inpatient ? 3000 + (i % 5000) : 50 + (i % 200);
    out.push({
      sourceRecordId: `R${i}`,
      kind: inpatient ? EncounterKind.INPATIENT : EncounterKind.OUTPATIENT,
      occurredOn: day,
      ...(inpatient
        ? { dischargedOn: `${y}-${String(m).padStart(2, '0')}-${String(d + 5).padStart(2, '0')}` }
        : {}),
      department: inpatient ? '内科病区' : '全科门诊',
      tcm: i % 7 === 0,
      diagnosisCode: i % 3 === 0 ? 'E11.9' : 'I10',
      insured,
      resident: i % 11 !== 0,
      chronicManaged: i % 13 === 0,
      totalCost: cost,
      fundPaid: insured ? Math.round(cost * 0.6) : 0,
    });
  }
  return out;
}

export function csv(recs: Rec[]): string {
  const lines = [HEADER.join(',')];
  for (const r of recs) lines.push(HEADER.map((h) => String(r[h as keyof Rec] ?? '')).join(','));
  return lines.join('\n') + '\n';
}
