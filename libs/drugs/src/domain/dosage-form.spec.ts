import { compareForms, formLabel, parseDosageForm } from './dosage-form';

const form = (s: string) => {
  const f = parseDosageForm(s);
  if (!f) throw new Error(`not a form: ${s}`);
  return f;
};

describe('dosage-form taxonomy', () => {
  it('reads coatings as the plain form', () => {
    for (const f of ['片', '片剂', '素片', '薄膜衣片', '糖衣片', '包衣片'])
      expect(compareForms(form(f), form('片'))).toBe('SAME');
  });

  it('makes each release modifier its own form', () => {
    const plain = form('片');
    for (const f of [
      '缓释片',
      '控释片',
      '肠溶片',
      '分散片',
      '口崩片',
      '咀嚼片',
      '泡腾片',
      '含片',
      '舌下片',
    ]) {
      expect(compareForms(plain, form(f))).toBe('RELEASE');
    }
    expect(compareForms(form('缓释片'), form('控释片'))).toBe('RELEASE');
    expect(compareForms(form('肠溶缓释片'), form('缓释片'))).toBe('RELEASE');
    expect(compareForms(form('薄膜衣缓释片'), form('缓释片'))).toBe('SAME');
    expect(compareForms(form('胶囊'), form('肠溶胶囊'))).toBe('RELEASE');
  });

  it('tells routes apart where the name says one', () => {
    expect(compareForms(form('片'), form('阴道片'))).toBe('ROUTE');
    expect(compareForms(form('阴道片'), form('阴道泡腾片'))).toBe('RELEASE');
    expect(compareForms(form('栓剂'), form('阴道栓'))).toBe('COMPATIBLE');
    expect(compareForms(form('滴眼液'), form('滴耳液'))).toBe('ROUTE');
  });

  it('lets an open variant fit a specific one without making them the same', () => {
    expect(compareForms(form('注射剂'), form('注射液'))).toBe('COMPATIBLE');
    expect(compareForms(form('针剂'), form('粉针'))).toBe('COMPATIBLE');
    expect(compareForms(form('粉针'), form('冻干粉针剂'))).toBe('COMPATIBLE');
    expect(compareForms(form('注射液'), form('大输液'))).toBe('SAME');
    expect(compareForms(form('注射液'), form('粉针'))).toBe('VARIANT');
    expect(compareForms(form('胶囊'), form('软胶囊'))).toBe('VARIANT');
    expect(compareForms(form('丸剂'), form('大蜜丸'))).toBe('COMPATIBLE');
    expect(compareForms(form('大蜜丸'), form('水蜜丸'))).toBe('VARIANT');
    expect(compareForms(form('颗粒剂'), form('颗粒'))).toBe('SAME');
    expect(compareForms(form('颗粒'), form('胶囊'))).toBe('FAMILY');
  });

  it('does not take a name for a form', () => {
    expect(parseDosageForm('阿卡波糖')).toBeNull();
    expect(parseDosageForm('')).toBeNull();
    expect(parseDosageForm(null)).toBeNull();
  });

  it('labels forms in Chinese for reasons', () => {
    expect(formLabel(form('片剂'))).toBe('片');
    expect(formLabel(form('大输液'))).toBe('注射液');
    expect(formLabel(form('阴道泡腾片'))).toBe('阴道泡腾片');
    expect(formLabel(form('软胶囊'))).toBe('软胶囊');
  });
});
