import { readReference } from './testdata/reference-data';
import {
  X_CODE,
  Z_CODE,
  nationalCodeProblem,
  parseNationalCode,
  parseProductKey,
  productKeyOf,
} from './national-code';

describe('national drug code', () => {
  it('splits an X code into its segments', () => {
    expect(parseNationalCode('XA01ABD075A002010100483')).toEqual({
      code: 'XA01ABD075A002010100483',
      kind: 'X',
      classCode: 'XA01AB',
      productKey: 'XA01ABD075A002',
      specNo: '01',
      packNo: '01',
      makerCode: '00483',
      genericCode: 'D075',
      formCode: 'A002',
    });
  });

  it('splits a Z code (the product segment includes the form)', () => {
    expect(parseNationalCode('ZA04CAE0023010100166')).toEqual({
      code: 'ZA04CAE0023010100166',
      kind: 'Z',
      classCode: 'ZA04CA',
      productKey: 'ZA04CAE0023',
      specNo: '01',
      packNo: '01',
      makerCode: '00166',
      genericCode: null,
      formCode: null,
    });
  });

  it('normalises surrounding spaces, full-width characters and case before matching', () => {
    expect(parseNationalCode('  ＸＡ０１ＡＢＤ０７５Ａ００２０１０１００４８３\t')?.code).toBe(
      'XA01ABD075A002010100483',
    );
    expect(parseNationalCode('xa01abd075a002010100483')?.code).toBe('XA01ABD075A002010100483');
    expect(productKeyOf(' ZA04CAE0023010100166 ')).toBe('ZA04CAE0023');
    expect(parseProductKey('ｘａ01abd075a002')).toBe('XA01ABD075A002');
  });

  it.each([
    ['', /为空/],
    ['YA01ABD075A002010100483', /X（西药）或 Z/],
    ['XA01ABD075A00201010048', /长度为 22/],
    ['ZA04CAE00230101001660', /长度为 21/],
    ['XA01ABD075A00201010048O', /各段格式/], // letter O for zero
    ['ZA04CA00023010100166', /各段格式/],
    ['XA01ABD075A002-10100483', /各段格式/],
  ])('rejects %p with a reason', (code, reason) => {
    expect(parseNationalCode(code)).toBeNull();
    expect(productKeyOf(code)).toBeNull();
    expect(nationalCodeProblem(code)).toMatch(reason);
  });

  it('accepts every code of the national rule-library batches and derives their product keys', () => {
    const rows = readReference('nhsa_rulebase_drug_codes.csv');
    expect(rows.length).toBeGreaterThan(13_000);
    const rejected: string[] = [];
    const wrongKey: string[] = [];
    for (const row of rows) {
      const parts = parseNationalCode(row['医保药品代码']);
      if (!parts) rejected.push(row['医保药品代码']);
      else if (parts.productKey !== row['分类前缀']) wrongKey.push(row['医保药品代码']);
      else if (!(parts.kind === 'X' ? X_CODE : Z_CODE).test(parts.code)) rejected.push(parts.code);
    }
    expect(rejected).toEqual([]);
    expect(wrongKey).toEqual([]);
    expect(new Set(rows.map((r) => r['医保药品代码'])).size).toBe(13_738);
  });
});
