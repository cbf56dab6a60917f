/**
 * National medical-insurance drug codes (医保药品分类与代码).
 *
 * Layout, checked against every code in the published rule-library batches:
 * - western drugs (西药) `X…`, 23 characters: X + class (5) + generic (4) + dosage form (4)
 *   + spec no. (2) + pack no. (2) + maker (5);
 * - Chinese patent medicines (中成药) `Z…`, 20 characters: Z + class (5) + product including its
 *   dosage form (5) + spec no. (2) + pack no. (2) + maker (5).
 * The product key (generic + dosage form) is the first 14 characters of an X code and the
 * first 11 of a Z code: codes sharing it are the same product from other makers, strengths or
 * packs.
 */

export type DrugCodeKind = 'X' | 'Z';

export interface NationalCodeParts {
  /** The normalised code (trimmed, half-width, upper case). */
  code: string;
  kind: DrugCodeKind;
  /** Kind letter + class, as in the class dictionary (`XL02BB`, `ZA04CA`). */
  classCode: string;
  productKey: string;
  specNo: string;
  packNo: string;
  makerCode: string;
  /** X only: generic segment (`A326`); null for Z, whose product segment includes the form. */
  genericCode: string | null;
  /** X only: dosage-form segment (`A001`); null for Z. */
  formCode: string | null;
}

export const X_CODE = /^X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{9}$/;
export const Z_CODE = /^Z[A-Z]\d{2}[A-Z]{2}[A-Z]\d{4}\d{9}$/;

export const X_CODE_LENGTH = 23;
export const Z_CODE_LENGTH = 20;
export const X_PRODUCT_KEY_LENGTH = 14;
export const Z_PRODUCT_KEY_LENGTH = 11;

/**
 * Codes arrive from spreadsheets: surrounding spaces, full-width letters and digits
 * (ＸＡ０１…), lower case. None of these change which code is meant.
 */
export function normalizeNationalCode(code: string): string {
  return code.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

export function parseNationalCode(code: string): NationalCodeParts | null {
  if (typeof code !== 'string') return null;
  // A code already in its published form needs no normalising (NFKC is most of the cost of
  // checking the 280k codes of a full list, and it leaves such a code as it is).
  const c = X_CODE.test(code) || Z_CODE.test(code) ? code : normalizeNationalCode(code);
  if (X_CODE.test(c)) {
    return {
      code: c,
      kind: 'X',
      classCode: c.slice(0, 6),
      productKey: c.slice(0, X_PRODUCT_KEY_LENGTH),
      specNo: c.slice(14, 16),
      packNo: c.slice(16, 18),
      makerCode: c.slice(18, 23),
      genericCode: c.slice(6, 10),
      formCode: c.slice(10, 14),
    };
  }
  if (Z_CODE.test(c)) {
    return {
      code: c,
      kind: 'Z',
      classCode: c.slice(0, 6),
      productKey: c.slice(0, Z_PRODUCT_KEY_LENGTH),
      specNo: c.slice(11, 13),
      packNo: c.slice(13, 15),
      makerCode: c.slice(15, 20),
      genericCode: null,
      formCode: null,
    };
  }
  return null;
}

export function productKeyOf(code: string): string | null {
  return parseNationalCode(code)?.productKey ?? null;
}

/** A product key as it appears on its own (14-character X or 11-character Z prefix), normalised. */
const X_KEY = /^X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}$/;
const Z_KEY = /^Z[A-Z]\d{2}[A-Z]{2}[A-Z]\d{4}$/;

export function parseProductKey(key: string): string | null {
  const k = normalizeNationalCode(key);
  return X_KEY.test(k) || Z_KEY.test(k) ? k : null;
}

/**
 * Why a code is not a national code, in words a pharmacist can act on (zh + en);
 * null when it is valid.
 */
export function nationalCodeProblem(code: string): string | null {
  const c = normalizeNationalCode(code);
  if (parseNationalCode(c)) return null;
  if (c.length === 0) return '医保药品代码为空 (the national drug code is empty)';
  if (c[0] !== 'X' && c[0] !== 'Z') {
    return `医保药品代码须以 X（西药）或 Z（中成药）开头：${c} (a national drug code starts with X or Z)`;
  }
  const want = c[0] === 'X' ? X_CODE_LENGTH : Z_CODE_LENGTH;
  if (c.length !== want) {
    return `医保药品代码 ${c} 长度为 ${c.length}，应为 ${want} 位 (a ${c[0]} code has ${want} characters, this one ${c.length})`;
  }
  return `医保药品代码 ${c} 各段格式不符 (the code's segments do not have the national layout)`;
}
