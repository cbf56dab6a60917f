import { parseNationalCode } from './national-code';
import { InsuranceClass } from './drug.enums';

/** The fields of a national dictionary row, and the headers each is known by (preferred first). */
export const DICTIONARY_HEADERS = {
  code: [
    '国标代码',
    '医保药品代码',
    '药品代码',
    '国家医保药品代码',
    '医保代码',
    '药品编码',
    'code',
    'nationalcode',
  ],
  name: ['药品通用名', '通用名', '通用名称', '注册名称', '药品名称', 'genericname', 'name'],
  dosageForm: ['注册剂型', '剂型', '实际剂型', 'dosageform', 'form'],
  spec: ['注册规格', '规格', '实际规格', 'spec'],
  maker: ['药品企业', '生产企业', '生产厂家', '企业名称', '生产单位', 'maker', 'manufacturer'],
  tradeName: ['商品名称', '商品名', 'tradename', 'brand'],
  approvalNo: ['批准文号', 'approvalno'],
  insuranceClass: ['甲乙类', '医保类别', '甲乙分类', 'insuranceclass'],
  essential: ['基药', '国家基药', '基本药物', '是否基药', '国家基本药物', 'essential'],
  essentialEdition: ['基药版本', '基本药物目录版本', 'essentialedition'],
} as const;

export type DictionaryField = keyof typeof DICTIONARY_HEADERS;
export type DictionaryColumns = { [F in DictionaryField]?: number };

/** How a header is compared: full-width folded, no spaces, BOM, underscores or case. */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .replace(/[\s\uFEFF_-]/g, '')
    .toLowerCase();
}

/**
 * The column of each field, by header name. Null when the header lacks a code or a name
 * column (the caller says which headers it saw).
 */
export function mapDictionaryHeaders(headers: string[]): DictionaryColumns | null {
  const at = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = normaliseHeader(h);
    if (key && !at.has(key)) at.set(key, i);
  });
  const columns: DictionaryColumns = {};
  for (const field of Object.keys(DICTIONARY_HEADERS) as DictionaryField[]) {
    for (const name of DICTIONARY_HEADERS[field]) {
      const i = at.get(normaliseHeader(name));
      if (i !== undefined) {
        columns[field] = i;
        break;
      }
    }
  }
  return columns.code === undefined || columns.name === undefined ? null : columns;
}

export interface DictionaryRow {
  code: string;
  kind: 'X' | 'Z';
  classCode: string;
  productKey: string;
  specNo: string;
  packNo: string;
  makerCode: string;
  genericName: string;
  dosageForm: string | null;
  spec: string | null;
  maker: string | null;
  tradeName: string | null;
  approvalNo: string | null;
  insuranceClass: InsuranceClass | null;
  /** Null when the file has no essential-drug column: the stored flag is left as it is. */
  essential: boolean | null;
  essentialEdition: string | null;
}

export type RowVerdict =
  { ok: true; row: DictionaryRow } | { ok: false; code: string | null; reason: string };

export interface RowRules {
  /** Essential-list editions that exist (e.g. '2018', '2026'). */
  essentialEditions: ReadonlySet<string>;
  /** The edition a plain "是" refers to, when the file does not say. */
  defaultEssentialEdition: string | null;
}

/** Longest free text kept (characters). */
export const MAX_TEXT = 500;
const YES = new Set(['是', 'y', 'yes', 'true', '1', '√', '基药']);
const NO = new Set(['', '否', 'n', 'no', 'false', '0', '×', '非基药']);
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

function text(cells: string[], i: number | undefined): string | null {
  if (i === undefined) return null;
  const v = (cells[i] ?? '').trim();
  return v === '' ? null : v;
}

function insuranceClassOf(v: string | null): InsuranceClass | null | undefined {
  if (v === null) return null;
  const k = v.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (k === '甲' || k === '甲类' || k === 'A') return InsuranceClass.A;
  if (k === '乙' || k === '乙类' || k === 'B') return InsuranceClass.B;
  return undefined;
}

export interface RowFlags {
  insuranceClass: InsuranceClass | null;
  essential: boolean | null;
  essentialEdition: string | null;
}

/**
 * A row's insurance class and essential-drug flag (with its edition), or why they are wrong.
 * Only the cells of these columns are read: the byte-level import reads them this way too.
 */
export function rowFlags(
  cells: string[],
  columns: DictionaryColumns,
  rules: RowRules,
): RowFlags | { reason: string } {
  const insuranceClass = insuranceClassOf(text(cells, columns.insuranceClass));
  if (insuranceClass === undefined) {
    return { reason: '甲乙类应为"甲"或"乙" (insurance class must be 甲 or 乙)' };
  }
  let essential: boolean | null = null;
  let essentialEdition: string | null = null;
  if (columns.essential !== undefined) {
    const raw = (text(cells, columns.essential) ?? '').normalize('NFKC').toLowerCase();
    const named = text(cells, columns.essentialEdition)?.match(/(\d{4})/)?.[1] ?? null;
    const year = raw.match(/^(\d{4})(年版?)?$/)?.[1] ?? null;
    if (NO.has(raw)) essential = false;
    else if (YES.has(raw) || year) {
      essential = true;
      essentialEdition = year ?? named ?? rules.defaultEssentialEdition;
      if (!essentialEdition) {
        return {
          reason:
            '基药标记缺少目录版本 (essential flag without an edition: add a 基药版本 column or name the edition)',
        };
      }
      if (!rules.essentialEditions.has(essentialEdition)) {
        return {
          reason: `未知的基药目录版本 ${essentialEdition} (unknown essential-list edition)`,
        };
      }
    } else {
      return { reason: '基药应为"是"或"否" (essential flag must be 是 or 否)' };
    }
  }
  return { insuranceClass, essential, essentialEdition };
}

/** Validates and shapes one data row; a bad row says why, in Chinese and English. */
export function parseDictionaryRow(cells: string[], columns: DictionaryColumns, rules: RowRules): RowVerdict {
  const rawCode = text(cells, columns.code);
  if (rawCode === null) return { ok: false, code: null, reason: '缺少药品代码 (no drug code)' };
  const parts = parseNationalCode(rawCode);
  if (!parts) {
    return {
      ok: false,
      code: rawCode.slice(0, 40),
      reason:
        '药品代码格式错误:西药 X 开头 23 位、中成药 Z 开头 20 位 ' +
        '(malformed national code: X + 22 or Z + 19 characters as published)',
    };
  }
  const name = text(cells, columns.name);
  if (name === null) return { ok: false, code: parts.code, reason: '缺少药品名称 (no drug name)' };
  const values = [
    name,
    text(cells, columns.dosageForm),
    text(cells, columns.spec),
    text(cells, columns.maker),
    text(cells, columns.tradeName),
    text(cells, columns.approvalNo),
  ];
  for (const v of values) {
    if (v === null) continue;
    if (v.length > MAX_TEXT) {
      return {
        ok: false,
        code: parts.code,
        reason: `字段超过 ${MAX_TEXT} 字 (a field is longer than ${MAX_TEXT} characters)`,
      };
    }
    if (FORBIDDEN.test(v)) {
      return {
        ok: false,
        code: parts.code,
        reason: '含有控制字符或无法识别的字符 (control or undecodable characters)',
      };
    }
  }
  const flags = rowFlags(cells, columns, rules);
  if ('reason' in flags) return { ok: false, code: parts.code, reason: flags.reason };
  const { insuranceClass, essential, essentialEdition } = flags;
  return {
    ok: true,
    row: {
      code: parts.code,
      kind: parts.kind,
      classCode: parts.classCode,
      productKey: parts.productKey,
      specNo: parts.specNo,
      packNo: parts.packNo,
      makerCode: parts.makerCode,
      genericName: name,
      dosageForm: values[1],
      spec: values[2],
      maker: values[3],
      tradeName: values[4],
      approvalNo: values[5],
      insuranceClass,
      essential,
      essentialEdition,
    },
  };
}
