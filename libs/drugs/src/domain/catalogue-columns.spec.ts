import { mapCatalogueHeaders, parseCatalogueRow } from './catalogue-columns';

const HIS = [
  '流水号',
  '生产企业',
  '商品名称',
  '通用名',
  '剂型',
  '规格',
  '转换系数',
  '单位',
  '中标价',
  '交易状态',
  '拼音码',
];

describe('catalogue columns', () => {
  it('maps the hospital dictionary’s Chinese headers, optional codes and stock included', () => {
    expect(mapCatalogueHeaders(HIS)).toEqual({
      localCode: 0,
      maker: 1,
      brandName: 2,
      genericName: 3,
      dosageForm: 4,
      spec: 5,
      packFactor: 6,
      unit: 7,
      status: 9,
    });
    expect(mapCatalogueHeaders(['\uFEFF药品编码', '药品名称', '医保代码', '库存'])).toEqual({
      localCode: 0,
      genericName: 1,
      nationalCode: 2,
      onHand: 3,
    });
    expect(mapCatalogueHeaders(['Code', 'Generic_Name', 'On hand'])).toMatchObject({
      localCode: 0,
      genericName: 1,
      onHand: 2,
    });
  });

  it('needs a local code and a generic name column', () => {
    expect(mapCatalogueHeaders(['通用名', '规格'])).toBeNull();
    expect(mapCatalogueHeaders(['流水号', '规格'])).toBeNull();
    // The national list's own code header is not taken for a local code.
    expect(mapCatalogueHeaders(['药品代码', '通用名'])).toBeNull();
  });

  const cols = mapCatalogueHeaders([...HIS, '医保代码', '库存'])!;
  const row = (over: Partial<Record<string, string>> = {}) => {
    const base: Record<string, string> = {
      流水号: '200181',
      生产企业: '杭州中美华东制药有限公司',
      商品名称: '卡博平',
      通用名: '阿卡波糖片',
      剂型: '片剂',
      规格: '50mg',
      转换系数: '30',
      单位: '盒',
      中标价: '45.98',
      交易状态: '1',
      拼音码: 'akbtp',
      医保代码: '',
      库存: '',
      ...over,
    };
    return [...HIS, '医保代码', '库存'].map((h) => base[h]);
  };

  it('shapes a good row: 无 is no brand, 交易状态 2 is not in use, stock apart from the content', () => {
    const ok = parseCatalogueRow(row(), cols);
    expect(ok).toMatchObject({
      ok: true,
      row: {
        localCode: '200181',
        brandName: '卡博平',
        genericName: '阿卡波糖片',
        packFactor: '30',
        active: true,
        onHand: null,
        nationalCode: null,
      },
    });
    const none = parseCatalogueRow(row({ 商品名称: '无', 交易状态: '2', 库存: '１２.50' }), cols);
    expect(none).toMatchObject({ ok: true, row: { brandName: null, active: false, onHand: '12.5' } });
    // Neither stock nor the in-use flag changes the content hash; a spec does.
    const a = parseCatalogueRow(row(), cols) as { row: { contentHash: string } };
    const b = parseCatalogueRow(row({ 交易状态: '2', 库存: '5' }), cols) as { row: { contentHash: string } };
    const c = parseCatalogueRow(row({ 规格: '100mg' }), cols) as { row: { contentHash: string } };
    expect(b.row.contentHash).toBe(a.row.contentHash);
    expect(c.row.contentHash).not.toBe(a.row.contentHash);
    expect(parseCatalogueRow(row({ 医保代码: ' xa10bfa003a001010100001 ' }), cols)).toMatchObject({
      ok: true,
      row: { nationalCode: 'XA10BFA003A001010100001' },
    });
  });

  it.each([
    [{ 流水号: '' }, /no local drug code/],
    [{ 流水号: 'x'.repeat(65) }, /longer than 64/],
    [{ 通用名: '' }, /no generic name/],
    [{ 转换系数: '0' }, /pack factor/],
    [{ 转换系数: '三十' }, /pack factor/],
    [{ 交易状态: '9' }, /status must be/],
    [{ 库存: '-3' }, /stock must be/],
    [{ 库存: '1e9' }, /stock must be/],
    [{ 规格: '50mg\u0007' }, /control/],
    [{ 生产企业: '厂'.repeat(201) }, /longer than 200/],
  ])('refuses a bad row with the reason: %j', (over, reason) => {
    const v = parseCatalogueRow(row(over), cols);
    expect(v.ok).toBe(false);
    expect((v as { reason: string }).reason).toMatch(reason);
  });
});
