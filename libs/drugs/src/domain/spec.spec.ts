import fc from 'fast-check';
import { compareSpecs, effectiveAmounts, formatSpec, parseSpec, specsEqual } from './spec';

const p = (s: string) => {
  const parts = parseSpec(s);
  if (!parts) throw new Error(`unreadable: ${s}`);
  return parts;
};

describe('reading strengths', () => {
  it.each([
    ['0.25g', [{ value: 250, unit: 'mg' }], null],
    ['250mg', [{ value: 250, unit: 'mg' }], null],
    ['250 μg', [{ value: 0.25, unit: 'mg' }], null],
    ['250ug', [{ value: 0.25, unit: 'mg' }], null],
    ['250mcg', [{ value: 0.25, unit: 'mg' }], null],
    ['1ml:10mg', [{ value: 10, unit: 'mg' }], { value: 1, unit: 'ml' }],
    ['10ml:0.5g', [{ value: 500, unit: 'mg' }], { value: 10, unit: 'ml' }],
    ['4100AXaIU/0.4ml', [{ value: 4100, unit: 'AXaIU' }], { value: 0.4, unit: 'ml' }],
    ['80万U', [{ value: 800_000, unit: 'U' }], null],
    ['50WIU', [{ value: 500_000, unit: 'IU' }], null],
    ['2ml:12500单位', [{ value: 12_500, unit: 'U' }], { value: 2, unit: 'ml' }],
    [
      '(5mg+12.5mg)',
      [
        { value: 5, unit: 'mg' },
        { value: 12.5, unit: 'mg' },
      ],
      null,
    ],
    [
      '5mg/12.5mg',
      [
        { value: 5, unit: 'mg' },
        { value: 12.5, unit: 'mg' },
      ],
      null,
    ],
    ['10g:2.5mg', [{ value: 2.5, unit: 'mg' }], { value: 10_000, unit: 'mg' }],
    ['0.5L', [], { value: 500, unit: 'ml' }],
  ])('%s', (input, amounts, preparation) => {
    const parts = p(input);
    expect(parts.amounts.map(({ value, unit }) => ({ value, unit }))).toEqual(amounts);
    expect(parts.preparation).toEqual(preparation);
  });

  it('separates pack counts from the strength', () => {
    expect(p('0.25g*24粒')).toMatchObject({
      amounts: [{ value: 250, unit: 'mg' }],
      packCount: 24,
      packUnit: '粒',
    });
    expect(p('0.25g×24片')).toMatchObject({
      amounts: [{ value: 250, unit: 'mg' }],
      packCount: 24,
      packUnit: '片',
    });
    expect(p('0.25gx24片')).toMatchObject({ packCount: 24 });
    expect(p('50mg*30s')).toMatchObject({ amounts: [{ value: 50, unit: 'mg' }], packCount: 30 });
    expect(p('10mg×7片×2板')).toMatchObject({ packCount: 14 });
    expect(p('0.15g*10片/盒')).toMatchObject({ amounts: [{ value: 150, unit: 'mg' }], packCount: 10 });
    expect(specsEqual(p('0.25g*24粒'), p('0.25g×12片'))).toBe(true);
  });

  it('reads concentrations, with and without a volume', () => {
    expect(p('5%:250ml')).toMatchObject({
      concentration: { value: 5, unit: '%' },
      preparation: { value: 250, unit: 'ml' },
    });
    expect(effectiveAmounts(p('5%:250ml'))).toEqual([{ value: 12_500, unit: 'mg' }]);
    expect(p('0.9%氯化钠')).toMatchObject({
      concentration: { value: 0.9, unit: '%' },
      amounts: [],
      notes: ['氯化钠'],
    });
    expect(p('100IU/ml 3ml')).toMatchObject({
      concentration: { value: 100, unit: 'IU/ml' },
      preparation: { value: 3, unit: 'ml' },
    });
    expect(effectiveAmounts(p('100IU/ml 3ml'))).toEqual([{ value: 300, unit: 'IU' }]);
    expect(p('10g:0.1g(1%)')).toMatchObject({
      concentration: { value: 1, unit: '%' },
      amounts: [{ value: 100, unit: 'mg' }],
    });
  });

  it('keeps the basis, equivalents and notes aside', () => {
    expect(p('1g(按C计)')).toMatchObject({ amounts: [{ value: 1000, unit: 'mg' }], basis: 'C' });
    expect(p('0.48g(80万单位)')).toMatchObject({
      amounts: [{ value: 480, unit: 'mg' }],
      equivalents: [{ value: 800_000, unit: 'U' }],
    });
    expect(p('10ml(无糖型)')).toMatchObject({
      preparation: { value: 10, unit: 'ml' },
      notes: ['无糖型'],
      qualifiers: ['无糖型'],
    });
    expect(p('500ml：4.5g(玻璃瓶)')).toMatchObject({
      amounts: [{ value: 4500, unit: 'mg' }],
      notes: ['玻璃瓶'],
      qualifiers: [],
    });
    expect(p('盐酸水苏碱15mg').amounts).toEqual([{ value: 15, unit: 'mg', label: '盐酸水苏碱' }]);
  });

  it('gives null rather than a guess when no strength can be read', () => {
    for (const s of ['复方', '/', '每8丸相当于原药材3g', '相当于原生药0.655g', '', '  ', '24粒/盒'])
      expect(parseSpec(s)).toBeNull();
    expect(parseSpec(null)).toBeNull();
    expect(parseSpec(undefined)).toBeNull();
  });

  it('reads full-width and CJK-punctuated strengths like the plain ones', () => {
    expect(specsEqual(p('１０ｍｌ：０．５ｇ'), p('10ml:0.5g'))).toBe(true);
    expect(specsEqual(p('500ml：25g：4.5g【塑瓶】'), p('500ml:25g:4.5g'))).toBe(true);
  });
});

describe('comparing strengths', () => {
  it.each([
    ['0.25g', '250mg'],
    ['1.0g', '1000mg'],
    ['5%:250ml', '250ml:12.5g'],
    ['100IU/ml 3ml', '3ml:300IU'],
    ['1ml:10mg', '10mg/1ml'],
    ['0.4ml:4000AXaIU', '4000AXaIU/0.4ml'],
    ['10g:0.1g', '10g:100mg(1%)'],
    ['80万U', '800000U'],
    ['50WIU', '50万IU'],
    ['0.5mg', '500μg'],
    ['0.5L', '500ml'],
    ['(5mg+12.5mg)', '12.5mg/5mg'],
  ])('%s = %s', (a, b) => {
    expect(compareSpecs(p(a), p(b)).verdict).toBe('EQUAL');
    expect(compareSpecs(p(b), p(a)).verdict).toBe('EQUAL');
  });

  it.each([
    ['0.25g', '0.5g', 'DIFFERENT'],
    ['1ml:10mg', '2ml:20mg', 'DIFFERENT'],
    ['2ml:0.1g', '5ml:0.1g', 'DIFFERENT'],
    ['10ml:0.5g', '0.5g', 'PARTIAL'],
    ['1g(按C计)', '1g', 'PARTIAL'],
    ['0.9%', '0.9%:100ml', 'PARTIAL'],
    ['10ml', '10ml:0.25g', 'PARTIAL'],
    ['10ml(无糖型)', '10ml', 'PARTIAL'],
    ['80万U', '0.48g(80万单位)', 'PARTIAL'],
  ])('%s vs %s: %s', (a, b, verdict) => {
    expect(compareSpecs(p(a), p(b)).verdict).toBe(verdict);
  });

  it('never equates activity with mass, nor IU with U', () => {
    for (const [a, b] of [
      ['1500IU', '1500mg'],
      ['80万U', '0.8g'],
      ['1500IU', '1500U'],
      ['2ml:12500IU', '2ml:12500单位'],
      ['4000AXaIU', '4000IU'],
    ]) {
      expect(compareSpecs(p(a), p(b)).verdict).toBe('UNKNOWN');
    }
  });

  it('is UNKNOWN, with a reason, when a side is missing', () => {
    expect(compareSpecs(null, p('1g'))).toEqual({
      verdict: 'UNKNOWN',
      reason: expect.stringContaining('strength missing'),
    });
  });

  it('treats mass units 1000 apart as the same amount, whatever the spelling (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), (ug) => {
        const mg = ug / 1000;
        const g = ug / 1_000_000;
        const forms = [`${ug}μg`, `${ug}ug`, `${ug}mcg`, `${mg}mg`, `${g}g`];
        return forms.every((x) => specsEqual(p(x), p(forms[0])));
      }),
    );
  });

  it('keeps different amounts apart (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (a, b) => {
        fc.pre(a !== b);
        return compareSpecs(p(`${a}mg`), p(`${b / 1000}g`)).verdict === 'DIFFERENT';
      }),
    );
  });

  it('formats a canonical strength for reasons', () => {
    expect(formatSpec(p('10ml:0.5g'))).toBe('500 mg / 10 ml');
    expect(formatSpec(p('5%:250ml'))).toBe('12.5 g / 250 ml');
    expect(formatSpec(p('0.5μg'))).toBe('0.5 μg');
  });
});
