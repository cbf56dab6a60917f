import { compareForms, nameSimilarity, parseDosageForm, parseDrugName, splitSalts } from './normalize';

const form = (s: string) => {
  const f = parseDosageForm(s);
  if (!f) throw new Error(`not a form: ${s}`);
  return f;
};

describe('Roman numerals', () => {
  it.each([
    ['硝苯地平缓释片(Ⅱ)', 'II'],
    ['硝苯地平缓释片（Ⅱ）', 'II'],
    ['硝苯地平缓释片(II)', 'II'],
    ['硝苯地平缓释片(ii)', 'II'],
    ['硝苯地平缓释片Ⅱ', 'II'],
    ['硝苯地平缓释片【Ⅱ】', 'II'],
    ['口服补液盐Ⅱ散', 'II'],
  ])('%s → one spelling, %s', (name, roman) => {
    const p = parseDrugName(name);
    expect(p.roman).toBe(roman);
    expect(p.core).not.toMatch(/I/);
  });

  it('keeps Ⅰ, Ⅱ and none apart', () => {
    const one = parseDrugName('布地奈德福莫特罗吸入粉雾剂(Ⅰ)');
    const two = parseDrugName('布地奈德福莫特罗吸入粉雾剂(Ⅱ)');
    const none = parseDrugName('布地奈德福莫特罗吸入粉雾剂');
    expect(one.core).toBe(two.core);
    expect(new Set([one.variants.join(), two.variants.join(), none.variants.join()]).size).toBe(3);
    expect(parseDrugName('复方氨基酸注射液(18AA-Ⅱ)').variants).toEqual(['18AA-II']);
    expect(parseDrugName('复方氨基酸注射液(18AA-II)').variants).toEqual(['18AA-II']);
  });
});

describe('names: generic, form, salt, qualifiers', () => {
  it('separates the dosage form from a generic name that includes it', () => {
    const p = parseDrugName('阿卡波糖片');
    expect(p.core).toBe('阿卡波糖');
    expect(p.form?.key).toBe(form('片剂').key);
    expect(parseDrugName('布洛芬缓释胶囊').form?.key).toBe(form('缓释胶囊').key);
    expect(parseDrugName('克霉唑阴道膨胀栓').form?.route).toBe('VAGINAL');
    expect(parseDrugName('阿卡波糖').form).toBeNull();
  });

  it('reads 注射用X as X in a powder for injection, and X注射液 as a solution', () => {
    const powder = parseDrugName('注射用头孢曲松钠');
    const solution = parseDrugName('头孢曲松钠注射液');
    expect(powder.core).toBe('头孢曲松');
    expect(solution.core).toBe('头孢曲松');
    expect(powder.form?.variant).toBe('POWDER');
    expect(solution.form?.variant).toBe('SOLUTION');
    expect(compareForms(powder.form!, solution.form!)).toBe('VARIANT');
    expect(parseDrugName('注射用血塞通(冻干)').form?.variant).toBe('POWDER/LYOPHILISED');
    expect(parseDrugName('灭菌注射用水').core).toBe('灭菌注射用水');
  });

  it('extracts acid prefixes and cation suffixes as salts, bracketed salt markers included', () => {
    expect(parseDrugName('盐酸二甲双胍缓释片')).toMatchObject({ core: '二甲双胍', salts: ['盐酸'] });
    expect(parseDrugName('琥珀酸美托洛尔缓释片')).toMatchObject({ core: '美托洛尔', salts: ['琥珀酸'] });
    expect(parseDrugName('酒石酸美托洛尔片')).toMatchObject({ core: '美托洛尔', salts: ['酒石酸'] });
    expect(parseDrugName('苯磺酸氨氯地平片')).toMatchObject({ core: '氨氯地平', salts: ['苯磺酸'] });
    expect(parseDrugName('马来酸依那普利片')).toMatchObject({ core: '依那普利', salts: ['马来酸'] });
    expect(parseDrugName('甲磺酸多沙唑嗪片')).toMatchObject({ core: '多沙唑嗪', salts: ['甲磺酸'] });
    expect(parseDrugName('硫酸氢氯吡格雷片')).toMatchObject({ core: '氯吡格雷', salts: ['硫酸氢'] });
    expect(parseDrugName('阿托伐他汀钙片')).toMatchObject({ core: '阿托伐他汀', salts: ['钙'] });
    expect(parseDrugName('地塞米松磷酸钠注射液')).toMatchObject({ core: '地塞米松', salts: ['磷酸钠'] });
    expect(parseDrugName('奥美拉唑镁肠溶片')).toMatchObject({ core: '奥美拉唑', salts: ['镁'] });
    expect(parseDrugName('多西环素(盐酸盐)片')).toMatchObject({ core: '多西环素', salts: ['盐酸'] });
    expect(parseDrugName('复方盐酸伪麻黄碱缓释胶囊')).toMatchObject({
      core: '复方伪麻黄碱',
      salts: ['盐酸'],
      compound: true,
    });
  });

  it('leaves salts that are the drug itself in the name', () => {
    for (const drug of [
      '氯化钠',
      '氯化钾',
      '碳酸氢钠',
      '葡萄糖酸钙',
      '硫酸镁',
      '硫酸亚铁',
      '硝酸甘油',
      '枸橼酸钾',
      '门冬氨酸钾镁',
      '乳酸钠',
    ]) {
      expect(splitSalts(drug)).toEqual({ core: drug, salts: [] });
    }
    expect(parseDrugName('乳酸菌素片').core).toBe('乳酸菌素');
    expect(parseDrugName('红霉素片').core).toBe('红霉素');
    expect(parseDrugName('硝酸异山梨酯缓释片').core).toBe('硝酸异山梨酯');
  });

  it('keeps 复方, 小儿 and qualifiers in what identifies a product', () => {
    expect(parseDrugName('复方丹参片').core).toBe('复方丹参');
    expect(parseDrugName('小儿布洛芬栓').core).toBe('小儿布洛芬');
    expect(parseDrugName('益母草颗粒(无糖型)').variants).toEqual(['无糖型']);
    expect(parseDrugName('0.9%氯化钠').concentration).toBe('0.9%');
    expect(parseDrugName('脂肪乳注射液(C14～24)').variants).toEqual(['C14-24']);
  });
});

describe('name similarity', () => {
  it('is the Dice coefficient of bigrams', () => {
    expect(nameSimilarity('氨氯地平', '氨氯地平')).toBe(1);
    expect(nameSimilarity('氨氯地平', '左氨氯地平')).toBeCloseTo(6 / 7);
    expect(nameSimilarity('阿卡波糖', '他达拉非')).toBe(0);
  });
});
