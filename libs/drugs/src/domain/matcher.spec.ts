import { readReference } from './testdata/reference-data';
import { DrugMatcher, FormularyTarget, LocalDrug } from './matcher';
import {
  TRAP_CATEGORIES,
  evaluate,
  loadAliases,
  loadFormulary,
  loadLabelledSet,
  precision,
  recallTop3,
} from './testdata/fixtures';

let seq = 0;
const target = (
  genericName: string,
  dosageForm: string,
  spec: string | null,
  extra: Partial<FormularyTarget> = {},
): FormularyTarget => ({
  id: extra.id ?? `T${++seq}`,
  nationalCode: null,
  productKey: null,
  genericName,
  dosageForm,
  spec,
  maker: null,
  ...extra,
});

/** A small list where every trap sits next to the item it resembles, all else equal. */
const LIST: FormularyTarget[] = [
  target('苯磺酸氨氯地平片', '片', '5mg', { id: 'AML-BES' }),
  target('苯磺酸左氨氯地平片', '片', '2.5mg', { id: 'LAML' }),
  target('肝素钠注射液', '注射液', '2ml:12500IU', { id: 'HEP' }),
  target('注射用曲妥珠单抗', '注射用无菌粉末', '440mg', { id: 'TRA' }),
  target('硝苯地平片', '片', '10mg', { id: 'NIF' }),
  target('盐酸二甲双胍片', '片', '0.5g', { id: 'MF', maker: '中美上海施贵宝制药有限公司' }),
  target('复方丹参片', '片', '0.32g', { id: 'DS-CO' }),
  target('多种微量元素注射液(Ⅱ)', '注射液', '10ml', { id: 'MTE-2' }),
  target('酒石酸美托洛尔片', '片', '25mg', { id: 'MET-T' }),
  target('琥珀酸美托洛尔缓释片', '缓释片', '47.5mg', { id: 'MET-S' }),
  target('阿卡波糖片', '片', '50mg', { id: 'ACA', maker: '杭州中美华东制药有限公司' }),
  target('阿卡波糖片', '片', '50mg', { id: 'ACA-2', maker: '拜耳医药保健有限公司' }),
  target('他达拉非片', '', null, { id: 'TAD', nationalCode: 'XG04BET001A001010100299' }),
  target('磷酸川芎嗪注射液', '注射液', '2ml:50mg', { id: 'CXQ', nationalCode: 'XC02CAC046B002010100202' }),
  target('0.9%氯化钠注射液', '注射液', '500ml', { id: 'NS' }),
];

const ALIASES = [
  { brand: '倍他乐克', generic: '酒石酸美托洛尔片' },
  { brand: '倍他乐克', generic: '琥珀酸美托洛尔缓释片' },
  { brand: '络活喜', generic: '苯磺酸氨氯地平片' },
];

const matcher = new DrugMatcher(LIST, { aliases: ALIASES });
const m = (item: LocalDrug) => matcher.match(item);
const ids = (item: LocalDrug) => m(item).proposals.map((p) => p.targetId);

describe('tier 1: national code', () => {
  it('confirms a valid code present in the list, however it is spelled', () => {
    for (const code of [
      'XG04BET001A001010100299',
      ' ＸＧ０４ＢＥＴ００１Ａ００１０１０１００２９９ ',
      'xg04bet001a001010100299',
    ]) {
      const r = m({ genericName: '他达拉非片', nationalCode: code });
      expect(r.status).toBe('AUTO_CONFIRMED');
      expect(r.auto).toMatchObject({ targetId: 'TAD', tier: 'NATIONAL_CODE', score: 1 });
      expect(r.auto?.reasons[0]).toMatch(/医保药品代码一致/);
    }
  });

  it('marks a malformed code INVALID with the reason, proposes by name, confirms nothing', () => {
    const r = m({
      genericName: '阿卡波糖片',
      dosageForm: '片',
      spec: '50mg',
      nationalCode: 'XG04BET001A00101010029',
    });
    expect(r.status).toBe('INVALID');
    expect(r.auto).toBeNull();
    expect(r.problems[0]).toMatch(/长度为 22.*应为 23/);
    expect(r.proposals.map((p) => p.targetId)).toContain('ACA');
  });

  it('confirms nothing when the code points at another drug than the name', () => {
    const r = m({
      genericName: '阿卡波糖片',
      dosageForm: '片',
      spec: '50mg',
      maker: '杭州中美华东制药有限公司',
      nationalCode: 'XG04BET001A001010100299',
    });
    expect(r.status).toBe('PROPOSED');
    expect(r.auto).toBeNull();
    expect(r.proposals.find((p) => p.targetId === 'TAD')?.warnings[0]).toMatch(/医保代码与名称/);
    expect(r.proposals.find((p) => p.targetId === 'ACA')?.warnings[0]).toMatch(/指向另一目录项/);
  });

  it('accepts another salt when the national product key groups them', () => {
    const withKey = m({
      genericName: '盐酸川芎嗪注射液',
      spec: '2ml:50mg',
      nationalCode: 'XC02CAC046B002010100137',
    });
    expect(withKey.auto).toMatchObject({ targetId: 'CXQ', tier: 'EXACT' });
    const without = m({ genericName: '盐酸川芎嗪注射液', spec: '2ml:50mg' });
    expect(without.auto).toBeNull();
    expect(without.proposals[0].warnings.join()).toMatch(/盐型不同/);
  });
});

describe('tier 2: normalised generic + form + strength', () => {
  it('confirms one exact item, with reasons', () => {
    const r = m({ genericName: '硝苯地平', dosageForm: '片剂', spec: '0.01g*100片' });
    expect(r.status).toBe('AUTO_CONFIRMED');
    expect(r.auto).toMatchObject({ targetId: 'NIF', tier: 'EXACT', score: 1 });
    expect(r.auto?.reasons[0]).toBe('通用名、剂型、规格一致 (same generic, form and strength)');
  });

  it('does not let a maker difference block it, but notes it', () => {
    const r = m({
      genericName: '盐酸二甲双胍片',
      dosageForm: '薄膜衣片',
      spec: '500mg',
      maker: '某制药有限公司',
    });
    expect(r.auto?.targetId).toBe('MF');
    expect(r.auto?.reasons.join()).toMatch(/生产企业不同/);
    expect(r.auto?.score).toBeLessThan(1);
  });

  it('takes the same maker among equal items, and confirms nothing when no maker decides', () => {
    expect(
      m({ genericName: '阿卡波糖', dosageForm: '片剂', spec: '50mg', maker: '拜耳医药保健有限公司' }).auto
        ?.targetId,
    ).toBe('ACA-2');
    const r = m({ genericName: '阿卡波糖', dosageForm: '片剂', spec: '50mg' });
    expect(r.status).toBe('PROPOSED');
    expect(
      r.proposals
        .slice(0, 2)
        .map((p) => p.targetId)
        .sort(),
    ).toEqual(['ACA', 'ACA-2']);
    expect(r.proposals[0].warnings[0]).toMatch(/同样一致/);
  });

  it("reads the name's concentration into the strength (0.9%氯化钠 500ml = 500ml:4.5g)", () => {
    expect(m({ genericName: '氯化钠注射液', spec: '500ml:4.5g' }).auto?.targetId).toBe('NS');
  });

  it('takes a salt from the product-name column (利多卡因 + 盐酸利多卡因注射液)', () => {
    const r = m({ genericName: '二甲双胍', brandName: '盐酸二甲双胍片', dosageForm: '片剂', spec: '0.5g' });
    expect(r.auto?.targetId).toBe('MF');
    expect(m({ genericName: '二甲双胍', dosageForm: '片剂', spec: '0.5g' }).auto).toBeNull();
  });

  it('does not confirm when a strength is missing, partial or in other units', () => {
    expect(m({ genericName: '硝苯地平片' }).auto).toBeNull();
    expect(m({ genericName: '肝素钠注射液', spec: '2ml:12500单位' }).auto).toBeNull();
    expect(m({ genericName: '肝素钠注射液', spec: '2ml:12500IU' }).auto?.targetId).toBe('HEP');
  });
});

describe('traps never confirmed automatically', () => {
  it.each<[string, LocalDrug, string | null]>([
    ['another salt', { genericName: '马来酸氨氯地平片', spec: '5mg' }, 'AML-BES'],
    ['a salt on one side only', { genericName: '氨氯地平片', spec: '5mg' }, 'AML-BES'],
    ['sustained vs plain', { genericName: '硝苯地平缓释片', spec: '10mg' }, 'NIF'],
    ['controlled vs plain', { genericName: '硝苯地平控释片', spec: '10mg' }, 'NIF'],
    ['enteric vs plain', { genericName: '盐酸二甲双胍肠溶片', spec: '0.5g' }, 'MF'],
    ['dispersible vs plain', { genericName: '盐酸二甲双胍分散片', spec: '0.5g' }, 'MF'],
    ['substring: 低分子量肝素 vs 肝素', { genericName: '低分子量肝素钠注射液', spec: '2ml:12500IU' }, 'HEP'],
    ['substring: 氨氯地平 vs 左氨氯地平', { genericName: '氨氯地平片', spec: '2.5mg' }, 'LAML'],
    ['substring: 德曲妥珠单抗 vs 曲妥珠单抗', { genericName: '注射用德曲妥珠单抗', spec: '440mg' }, 'TRA'],
    ['compound vs single', { genericName: '丹参片', spec: '0.32g' }, 'DS-CO'],
    ['Roman numeral Ⅰ vs Ⅱ', { genericName: '多种微量元素注射液(Ⅰ)', spec: '10ml' }, 'MTE-2'],
    ['no Roman numeral vs Ⅱ', { genericName: '多种微量元素注射液', spec: '10ml' }, 'MTE-2'],
    ['a brand naming two products', { genericName: '倍他乐克', spec: '25mg' }, 'MET-T'],
    ['a brand naming one product', { genericName: '络活喜', dosageForm: '片剂', spec: '5mg' }, 'AML-BES'],
  ])('%s', (_label, item, lookalike) => {
    const r = m(item);
    expect(r.auto).toBeNull();
    expect(r.status).not.toBe('AUTO_CONFIRMED');
    if (lookalike) {
      const p = r.proposals.find((x) => x.targetId === lookalike);
      if (p) {
        expect(p.tier).toBe('CANDIDATE');
        expect(p.score).toBeLessThan(1);
      }
    }
  });

  it('says why: each trap carries its warning', () => {
    const warn = (item: LocalDrug, id: string) =>
      m(item)
        .proposals.find((p) => p.targetId === id)
        ?.warnings.join(' ') ?? '';
    expect(warn({ genericName: '马来酸氨氯地平片', spec: '5mg' }, 'AML-BES')).toMatch(
      /盐型不同 \(different salt\): 马来酸 ↔ 苯磺酸/,
    );
    expect(warn({ genericName: '硝苯地平缓释片', spec: '10mg' }, 'NIF')).toMatch(/释放类型不同/);
    expect(warn({ genericName: '氨氯地平片', spec: '2.5mg' }, 'LAML')).toMatch(/通用名仅部分相同/);
    expect(warn({ genericName: '丹参片', spec: '0.32g' }, 'DS-CO')).toMatch(/复方制剂与单方不同/);
    expect(warn({ genericName: '多种微量元素注射液(Ⅰ)', spec: '10ml' }, 'MTE-2')).toMatch(/罗马数字.*I ↔ II/);
    expect(warn({ genericName: '倍他乐克' }, 'MET-T')).toMatch(/对应 2 个产品/);
  });

  it("keeps look-alikes below an exact item and proposes the brand's product that fits the form", () => {
    expect(ids({ genericName: '倍他乐克', dosageForm: '缓释片', spec: '47.5mg' })[0]).toBe('MET-S');
    expect(ids({ genericName: '倍他乐克', dosageForm: '片剂', spec: '25mg' })[0]).toBe('MET-T');
    expect(ids({ genericName: '苯磺酸左氨氯地平片', spec: '2.5mg' })[0]).toBe('LAML');
  });
});

describe('tier 3: candidates', () => {
  it('takes aliases as pairs or as a map from brand to one or several generics', () => {
    const asMap = new DrugMatcher(LIST, {
      aliases: new Map<string, string | string[]>([
        ['倍他乐克', ['酒石酸美托洛尔片', '琥珀酸美托洛尔缓释片']],
        ['络活喜', '苯磺酸氨氯地平片'],
      ]),
    });
    for (const item of [{ genericName: '倍他乐克' }, { genericName: '络活喜', spec: '5mg' }]) {
      expect(asMap.match(item)).toEqual(matcher.match(item));
    }
  });

  it('proposes nothing below the threshold', () => {
    const r = m({ genericName: '利伐沙班片', spec: '10mg' });
    expect(r).toEqual({ status: 'UNMATCHED', auto: null, proposals: [], problems: [] });
  });

  it('orders proposals best first, at most maxProposals, scores within 0..1', () => {
    const few = new DrugMatcher(LIST, { maxProposals: 2, proposeThreshold: 0.1 });
    const r = few.match({ genericName: '美托洛尔', spec: '30mg' });
    expect(r.proposals.length).toBeLessThanOrEqual(2);
    const scores = r.proposals.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0.1);
    for (const s of scores) expect(s).toBeLessThanOrEqual(1);
  });

  it('rejects an empty generic name as INVALID', () => {
    expect(m({ genericName: '  ' })).toMatchObject({
      status: 'INVALID',
      problems: [expect.stringMatching(/通用名为空/)],
    });
  });
});

describe('the labelled set (real hospital dictionary, national codes and brands; traps built in)', () => {
  const list = loadFormulary();
  const labelled = loadLabelledSet();
  const real = new DrugMatcher(list, { aliases: loadAliases() });
  const result = evaluate(real, labelled);

  it('has at least 300 rows and every trap category', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(300);
    for (const c of [
      'salt-trap',
      'form-trap',
      'substring-trap',
      'compound-trap',
      'roman-trap',
      'ambiguous-brand',
      'spec-unit',
    ]) {
      expect(result.byCategory.get(c)?.rows ?? 0).toBeGreaterThanOrEqual(8);
    }
    expect(new Set(labelled.map((r) => r.case)).size).toBe(labelled.length);
    const ids = new Set(list.map((t) => t.id));
    expect(labelled.flatMap((r) => r.expected).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('confirms automatically only what is right (precision ≥ 99 %, goal 100 %)', () => {
    expect(result.wrongAutos.map((w) => `${w.row.case} → ${w.result.auto?.targetId}`)).toEqual([]);
    expect(precision(result.total)).toBeGreaterThanOrEqual(0.99);
  });

  it('has the right item within the first three proposals for ≥ 90 % of labelled rows', () => {
    expect(recallTop3(result.total)).toBeGreaterThanOrEqual(0.9);
  });

  it('confirms no trap row automatically', () => {
    expect(
      result.trapAutos.map((w) => `${w.row.case} [${w.row.category}] → ${w.result.auto?.targetId}`),
    ).toEqual([]);
    for (const c of TRAP_CATEGORIES) expect(result.byCategory.get(c)?.auto ?? 0).toBe(0);
  });

  it('still confirms most clean rows automatically (the matcher is not just refusing)', () => {
    const exact = result.byCategory.get('exact')!;
    expect(exact.auto / exact.rows).toBeGreaterThan(0.8);
    expect(result.byCategory.get('national-code')!.auto).toBe(result.byCategory.get('national-code')!.rows);
  });

  it('gives the indexed matcher the same answers as scoring every pair, scoring a fraction of the pairs', () => {
    const indexed = new DrugMatcher(list, { aliases: loadAliases() });
    const allPairs = new DrugMatcher(list, { aliases: loadAliases() });
    for (const row of labelled.filter((_r, i) => i % 5 === 0)) {
      const fast = indexed.match(row.item);
      const slow = allPairs.matchAllPairs(row.item);
      expect([row.case, fast.status, fast.auto?.targetId, fast.proposals[0]?.targetId]).toEqual([
        row.case,
        slow.status,
        slow.auto?.targetId,
        slow.proposals[0]?.targetId,
      ]);
    }
    // Count work instead of timing it.
    expect(allPairs.work.scored).toBeGreaterThanOrEqual(allPairs.work.matched * list.length);
    expect(indexed.work.scored / indexed.work.matched).toBeLessThan(list.length / 20);
  });
});

describe("labels the matcher's author did not write: the national dictionary's own names", () => {
  it('finds each national product by its name alone (right item in the top three for ≥ 98 %), confirming none without a strength', () => {
    const list = loadFormulary();
    const real = new DrugMatcher(list, { aliases: loadAliases() });
    const idsOfKey = new Map<string, Set<string>>();
    for (const t of list)
      if (t.productKey) idsOfKey.set(t.productKey, (idsOfKey.get(t.productKey) ?? new Set()).add(t.id));
    const right = new Map<string, Set<string>>();
    for (const r of readReference('nhsa_rulebase_drug_codes.csv')) {
      const set = right.get(r['药品通用名']) ?? new Set<string>();
      idsOfKey.get(r['分类前缀'])?.forEach((id) => set.add(id));
      right.set(r['药品通用名'], set);
    }
    let found = 0;
    for (const [name, ids] of right) {
      const r = real.match({ genericName: name });
      expect([name, r.auto?.targetId ?? null]).toEqual([name, null]);
      if (r.proposals.slice(0, 3).some((p) => ids.has(p.targetId))) found++;
    }
    expect(right.size).toBe(889);
    expect(found / right.size).toBeGreaterThanOrEqual(0.98);
  });
});
