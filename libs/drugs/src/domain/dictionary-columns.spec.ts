import { mapDictionaryHeaders, normaliseHeader, parseDictionaryRow } from './dictionary-columns';

const rules = { essentialEditions: new Set(['2018', '2026']), defaultEssentialEdition: '2018' };

describe('dictionary columns', () => {
  it('maps the published list’s Chinese headers, preferring the registered name and form', () => {
    const cols = mapDictionaryHeaders([
      '药品代码',
      '注册名称',
      '商品名称',
      '注册剂型',
      '注册规格',
      '药品企业',
      '批准文号',
      '甲乙类',
      '药品名称',
      '剂型',
    ]);
    expect(cols).toEqual({
      code: 0,
      name: 1,
      tradeName: 2,
      dosageForm: 3,
      spec: 4,
      maker: 5,
      approvalNo: 6,
      insuranceClass: 7,
    });
  });

  it('maps the rule-library file (one row per rule) and folds width, spaces and BOM', () => {
    expect(mapDictionaryHeaders(['\uFEFF药品通用名', '医保药品代码', '代码长度', '类别'])).toMatchObject({
      code: 1,
      name: 0,
    });
    expect(normaliseHeader(' 甲乙类 ')).toBe(normaliseHeader('甲乙类'));
    expect(mapDictionaryHeaders(['Code', 'Generic_Name'])).toMatchObject({ code: 0, name: 1 });
  });

  it('refuses a header without a code or a name column', () => {
    expect(mapDictionaryHeaders(['药品名称', '规格'])).toBeNull();
    expect(mapDictionaryHeaders(['国标代码', '规格'])).toBeNull();
  });

  const cols = { code: 0, name: 1, insuranceClass: 2, essential: 3 };

  it('shapes a good row from the code’s parts', () => {
    const v = parseDictionaryRow([' XA01ABD075A002010100483 ', '地喹氯铵含片', '甲类', '是'], cols, rules);
    expect(v).toEqual({
      ok: true,
      row: expect.objectContaining({
        code: 'XA01ABD075A002010100483',
        productKey: 'XA01ABD075A002',
        classCode: 'XA01AB',
        insuranceClass: 'A',
        essential: true,
        essentialEdition: '2018',
      }),
    });
  });

  it.each([
    [['XA01', '某药', '甲', '否'], /malformed national code/],
    [['', '某药', '甲', '否'], /no drug code/],
    [['XA01ABD075A002010100483', ' ', '甲', '否'], /no drug name/],
    [['XA01ABD075A002010100483', '某药', '丙', '否'], /insurance class/],
    [['XA01ABD075A002010100483', '某药', '甲', '可能'], /essential flag must be/],
    [['XA01ABD075A002010100483', '某药', '甲', '2012'], /unknown essential-list edition/],
    [['XA01ABD075A002010100483', '某\u0000药', '甲', '否'], /control/],
  ])('refuses %p with its reason', (cells, reason) => {
    const v = parseDictionaryRow(cells, cols, rules);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(reason);
  });

  it('asks for an edition when a plain 是 has none to refer to', () => {
    const v = parseDictionaryRow(['XA01ABD075A002010100483', '某药', '甲', '是'], cols, {
      ...rules,
      defaultEssentialEdition: null,
    });
    expect(!v.ok && v.reason).toMatch(/without an edition/);
  });

  it('leaves the essential flag alone when the file has no such column', () => {
    const v = parseDictionaryRow(['ZA04CAE0023010100166', '儿童清肺口服液'], { code: 0, name: 1 }, rules);
    expect(v.ok && v.row).toMatchObject({
      essential: null,
      insuranceClass: null,
      kind: 'Z',
      productKey: 'ZA04CAE0023',
    });
  });
});
