import { normalizeName, normalizeText } from './text';
import { parseDrugName } from './normalize';

describe('text', () => {
  it('folds full-width letters, digits and punctuation, and the CJK brackets NFKC leaves alone', () => {
    expect(normalizeText('０．２５ｇ＊２４粒')).toBe('0.25g*24粒');
    expect(normalizeText('【注射用】头孢曲松钠〔1g〕')).toBe('(注射用)头孢曲松钠(1g)');
    expect(normalizeText('10ml：0.5g × 10支')).toBe('10ml:0.5g * 10支');
    expect(normalizeText('C14～24')).toBe('C14-24');
    expect(normalizeText('  a \t b  ')).toBe('a b');
  });

  it('drops spaces and upper-cases Latin letters in names', () => {
    expect(normalizeName(' 维 生 素 b1 ')).toBe('维生素B1');
    expect(normalizeName('辅酶ｑ１０')).toBe('辅酶Q10');
  });

  it('reads one substance spelled two ways as one (䓬/卓, 噁/恶, 左旋/左, 低分子/低分子量)', () => {
    expect(normalizeName('地尔硫䓬')).toBe(normalizeName('地尔硫卓'));
    expect(normalizeName('磺胺甲噁唑')).toBe(normalizeName('磺胺甲恶唑'));
    expect(parseDrugName('苯磺酸左旋氨氯地平片').core).toBe(parseDrugName('苯磺酸左氨氯地平片').core);
    expect(parseDrugName('左旋多巴片').core).toBe('左旋多巴');
    expect(parseDrugName('低分子肝素钙注射液').core).toBe('低分子量肝素');
  });
});
