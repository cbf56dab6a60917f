import { createHash } from 'node:crypto';
import { normaliseHeader } from './dictionary-columns';

/**
 * The columns of a member's own drug dictionary (HIS 药品字典), and the headers each is known by
 * (preferred first). The procurement dictionary in ../shared/data/drugs (his_ypxx_yycg.csv) is
 * the model: 流水号, 生产企业, 商品名称, 通用名, 剂型, 规格, 转换系数, 单位, 中标价, 交易状态.
 * `药品代码` is left out on purpose: a HIS means its own code by it, the national list the
 * insurance code.
 */
export const CATALOGUE_HEADERS = {
  localCode: [
    '流水号',
    '药品编码',
    '药品编号',
    '院内编码',
    '院内代码',
    '本院编码',
    '本地编码',
    'HIS编码',
    '药品ID',
    'localcode',
    'code',
  ],
  genericName: ['通用名', '通用名称', '药品通用名', '药品名称', 'genericname', 'name'],
  brandName: ['商品名称', '商品名', 'brandname', 'tradename', 'brand'],
  dosageForm: ['剂型', 'dosageform', 'form'],
  spec: ['规格', '药品规格', 'spec'],
  maker: ['生产企业', '生产厂家', '厂家', '生产单位', '企业名称', 'maker', 'manufacturer'],
  packFactor: ['转换系数', '包装系数', '包装数量', 'packfactor'],
  unit: ['单位', '包装单位', 'unit'],
  nationalCode: [
    '医保代码',
    '国家药品代码',
    '医保药品代码',
    '国家医保代码',
    '国家医保药品代码',
    '国标代码',
    '医保编码',
    'nationalcode',
  ],
  status: ['交易状态', '状态', '启用状态', '使用状态', 'status'],
  onHand: ['库存', '库存数量', '库存量', '现存量', '在库数量', '数量', 'onhand', 'stock'],
} as const;

export type CatalogueField = keyof typeof CATALOGUE_HEADERS;
export type CatalogueColumns = { [F in CatalogueField]?: number };

/** The column of each field by header name; null without a local-code or a generic-name column. */
export function mapCatalogueHeaders(headers: string[]): CatalogueColumns | null {
  const at = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = normaliseHeader(h);
    if (key && !at.has(key)) at.set(key, i);
  });
  const columns: CatalogueColumns = {};
  for (const field of Object.keys(CATALOGUE_HEADERS) as CatalogueField[]) {
    for (const name of CATALOGUE_HEADERS[field]) {
      const i = at.get(normaliseHeader(name));
      if (i !== undefined) {
        columns[field] = i;
        break;
      }
    }
  }
  return columns.localCode === undefined || columns.genericName === undefined ? null : columns;
}

export interface CatalogueRow {
  localCode: string;
  brandName: string | null;
  genericName: string;
  dosageForm: string | null;
  spec: string | null;
  maker: string | null;
  /** Decimal text, as stored (numeric). */
  packFactor: string | null;
  unit: string | null;
  /** As the institution wrote it (width-folded, upper case); the mapping judges it. */
  nationalCode: string | null;
  /** False when the file marks the item as not in use (交易状态 2 = 暂停交易). */
  active: boolean;
  /** On-hand quantity in the item's unit, when the file has a stock column and a value in it. */
  onHand: string | null;
  /** SHA-256 of the item's content (stock and the in-use flag apart): an unchanged row is skipped. */
  contentHash: string;
}

export type CatalogueRowVerdict =
  { ok: true; row: CatalogueRow } | { ok: false; code: string | null; reason: string };

const MAX_CODE = 64;
const MAX_TEXT = 200;
const MAX_PACK = 999_999_999;
const MAX_STOCK = 99_999_999_999;
const NUMBER = /^\d{1,12}(\.\d{1,6})?$/;
const ACTIVE = new Set(['1', '正常', '正常交易', '启用', '在用', '有效', '是', 'y', 'yes', 'true', 'active']);
const INACTIVE = new Set([
  '2',
  '0',
  '暂停',
  '暂停交易',
  '停用',
  '停止',
  '无效',
  '否',
  '禁用',
  'n',
  'no',
  'false',
  'inactive',
]);
/** Words a HIS writes where it has no brand name. */
const NO_VALUE = new Set(['无', '-', '—', '/', 'n/a', 'na', 'null']);
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

function text(cells: string[], i: number | undefined): string | null {
  if (i === undefined) return null;
  const v = (cells[i] ?? '').trim();
  return v === '' ? null : v;
}

/** A decimal as Postgres will store it, or undefined when it is no plain non-negative number. */
function decimal(v: string): string | undefined {
  const s = v.normalize('NFKC').replace(/,/g, '').trim();
  if (!NUMBER.test(s)) return undefined;
  return String(Number(s));
}

export function catalogueContentHash(r: Omit<CatalogueRow, 'contentHash' | 'active' | 'onHand'>): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        r.localCode,
        r.brandName,
        r.genericName,
        r.dosageForm,
        r.spec,
        r.maker,
        r.packFactor,
        r.unit,
        r.nationalCode,
      ]),
    )
    .digest('hex');
}

/** Validates and shapes one data row; a bad row says why, in Chinese and English. */
export function parseCatalogueRow(cells: string[], columns: CatalogueColumns): CatalogueRowVerdict {
  const localCode = text(cells, columns.localCode);
  if (localCode === null) return { ok: false, code: null, reason: '缺少药品编码 (no local drug code)' };
  const code = localCode.slice(0, 40);
  if (localCode.length > MAX_CODE) {
    return {
      ok: false,
      code,
      reason: `药品编码超过 ${MAX_CODE} 字 (the local code is longer than ${MAX_CODE} characters)`,
    };
  }
  const genericName = text(cells, columns.genericName);
  if (genericName === null) return { ok: false, code, reason: '缺少通用名 (no generic name)' };
  let brandName = text(cells, columns.brandName);
  if (brandName !== null && NO_VALUE.has(brandName.normalize('NFKC').toLowerCase())) brandName = null;
  const dosageForm = text(cells, columns.dosageForm);
  const spec = text(cells, columns.spec);
  const maker = text(cells, columns.maker);
  const unit = text(cells, columns.unit);
  for (const v of [localCode, genericName, brandName, dosageForm, spec, maker, unit]) {
    if (v === null) continue;
    if (v.length > MAX_TEXT) {
      return {
        ok: false,
        code,
        reason: `字段超过 ${MAX_TEXT} 字 (a field is longer than ${MAX_TEXT} characters)`,
      };
    }
    if (FORBIDDEN.test(v)) {
      return { ok: false, code, reason: '含有控制字符或无法识别的字符 (control or undecodable characters)' };
    }
  }

  let packFactor: string | null = null;
  const rawPack = text(cells, columns.packFactor);
  if (rawPack !== null) {
    const v = decimal(rawPack);
    if (v === undefined || Number(v) <= 0 || Number(v) > MAX_PACK) {
      return {
        ok: false,
        code,
        reason: `转换系数应为正数 (the pack factor must be a positive number): ${rawPack.slice(0, 20)}`,
      };
    }
    packFactor = v;
  }

  let nationalCode = text(cells, columns.nationalCode);
  if (nationalCode !== null) {
    nationalCode = nationalCode.normalize('NFKC').replace(/\s/g, '').toUpperCase();
    if (nationalCode.length > 40 || FORBIDDEN.test(nationalCode)) {
      return {
        ok: false,
        code,
        reason: '医保代码过长或含非法字符 (the national code is too long or malformed)',
      };
    }
    if (nationalCode === '') nationalCode = null;
  }

  let active = true;
  const rawStatus = text(cells, columns.status);
  if (rawStatus !== null) {
    const k = rawStatus.normalize('NFKC').toLowerCase();
    if (INACTIVE.has(k)) active = false;
    else if (!ACTIVE.has(k)) {
      return {
        ok: false,
        code,
        reason: `状态应为 1(正常)或 2(暂停) (status must be 1 = in use or 2 = paused): ${rawStatus.slice(0, 20)}`,
      };
    }
  }

  let onHand: string | null = null;
  const rawStock = text(cells, columns.onHand);
  if (rawStock !== null) {
    const v = decimal(rawStock);
    if (v === undefined || Number(v) > MAX_STOCK) {
      return {
        ok: false,
        code,
        reason: `库存应为非负数 (stock must be a number, zero or more): ${rawStock.slice(0, 20)}`,
      };
    }
    onHand = v;
  }

  const content = {
    localCode,
    brandName,
    genericName,
    dosageForm,
    spec,
    maker,
    packFactor,
    unit,
    nationalCode,
  };
  return { ok: true, row: { ...content, active, onHand, contentHash: catalogueContentHash(content) } };
}
