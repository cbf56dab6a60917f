import { ENCOUNTER_HEADERS, EncounterKind, mapHeaders, parseEncounter, parseOutOfCounty } from './records';
import { check } from '../intake.service';

const TODAY = '2026-11-27';
const hash = (v: string) => `h:${v}`;
const base = {
  sourceRecordId: 'R1',
  kind: 'OUTPATIENT',
  occurredOn: '2026-09-03',
  tcm: false,
  insured: true,
  resident: true,
  chronicManaged: false,
  totalCost: 100,
  fundPaid: 60,
};
const reason = (r: Record<string, unknown>) => {
  const p = parseEncounter({ ...base, ...r } as never, TODAY, hash);
  return p.ok ? null : p.reason;
};

describe('encounter records', () => {
  it('normalises a good record from typed or file values alike', () => {
    const typed = parseEncounter(base, TODAY, hash);
    const text = parseEncounter(
      {
        sourceRecordId: ' R1 ',
        kind: '门诊',
        occurredOn: '2026/9/3',
        tcm: '否',
        insured: '是',
        resident: '1',
        chronicManaged: '',
        totalCost: '100.00',
        fundPaid: '60',
      },
      TODAY,
      hash,
    );
    expect(typed).toEqual(text);
    expect(typed.ok && typed.row).toMatchObject({ kind: EncounterKind.OUTPATIENT, occurredOn: '2026-09-03' });
  });

  it('changes its content hash with any field, not with the spelling of a value', () => {
    const a = parseEncounter(base, TODAY, hash);
    const b = parseEncounter({ ...base, totalCost: 100.01 }, TODAY, hash);
    const c = parseEncounter({ ...base, tcm: 'false' }, TODAY, hash);
    if (!a.ok || !b.ok || !c.ok) throw new Error('parse');
    expect(a.row.contentHash).not.toBe(b.row.contentHash);
    expect(a.row.contentHash).toBe(c.row.contentHash);
  });

  it('hashes a valid ID number and never echoes a bad one', () => {
    const ok = parseEncounter({ ...base, idNumber: '11010519491231002x' }, TODAY, hash);
    expect(ok.ok && ok.row.idNumberHash).toBe('h:11010519491231002X');
    const bad = reason({ idNumber: '110105194912310021' });
    expect(bad).toMatch(/ID number is not valid/);
    expect(bad).not.toContain('110105194912310021');
  });

  it.each([
    [{ sourceRecordId: '' }, /sourceRecordId is missing/],
    [{ kind: 'HOME' }, /kind must be/],
    [{ occurredOn: '2026-02-30' }, /not a calendar day/],
    [{ occurredOn: '1999-12-31' }, /before 2000-01-01/],
    [{ occurredOn: '2026-11-28' }, /future/],
    [{ dischargedOn: '2026-09-04' }, /only inpatient/],
    [{ kind: 'INPATIENT', dischargedOn: '2026-09-01' }, /before the admission/],
    [{ totalCost: -1 }, /not a valid amount/],
    [{ totalCost: 1.005 }, /two decimals/],
    [{ fundPaid: 101 }, /exceeds totalCost/],
    [{ insured: false }, /uninsured/],
    [{ tcm: 'maybe' }, /tcm must be true or false/],
    [{ diagnosisCode: 'I1' }, /ICD-10/],
    [{ department: 'x'.repeat(61) }, /department is longer/],
  ])('refuses %j', (r, why) => {
    expect(reason(r)).toMatch(why);
  });

  it('checks out-of-county settlements', () => {
    const p = parseOutOfCounty(
      {
        sourceRecordId: 'S1',
        settledOn: '2026-09-01',
        inpatient: '住院' as never,
        hospitalName: 'X',
        totalCost: 1,
      },
      TODAY,
      hash,
    );
    expect(p.ok ? null : p.reason).toMatch(/inpatient must be true or false/);
    const ok = parseOutOfCounty(
      { sourceRecordId: 'S1', settledOn: '2026-09-01', inpatient: '是', hospitalName: 'X', totalCost: 1 },
      TODAY,
      hash,
    );
    expect(ok.ok && ok.row).toMatchObject({ inpatient: true, fundPaid: 0 });
  });

  it('maps Chinese and English headers, ignoring case, spaces and brackets', () => {
    const map = mapHeaders(['记录号', ' KIND ', '就诊(入院)日期', '总费用', '备注'], ENCOUNTER_HEADERS, [
      'sourceRecordId',
      'kind',
      'occurredOn',
      'totalCost',
    ]);
    expect(map).toEqual({ sourceRecordId: 0, kind: 1, occurredOn: 2, totalCost: 3 });
    expect(mapHeaders(['记录号', '总费用'], ENCOUNTER_HEADERS, ['sourceRecordId', 'kind'])).toBeNull();
  });

  it('rejects a record id repeated in one batch, pointing at the first', () => {
    const out = check(
      [base, { ...base, sourceRecordId: 'R2' }, { ...base, totalCost: 500 }],
      (r) => parseEncounter(r, TODAY, hash),
      (r) => r.sourceRecordId,
    );
    expect(out.rows.map((r) => r.sourceRecordId)).toEqual(['R1', 'R2']);
    expect(out.rejected).toEqual([
      { line: 3, sourceRecordId: 'R1', reason: expect.stringMatching(/first at 1/) },
    ]);
  });
});
