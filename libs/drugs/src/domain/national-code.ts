/**
 * The national medical-insurance drug code (医保药品分类与代码), as the published data has it:
 * 西药 `X` + class(5) + generic(4) + dosage form(4) + spec(2) + pack(2) + maker(5) = 23 characters;
 * 中成药 `Z` + class(5) + product incl. form(5) + spec(2) + pack(2) + maker(5) = 20 characters.
 * The product key (generic + dosage form) is the first 14 characters of an X code, 11 of a Z code.
 */
export type DrugCodeKind = 'X' | 'Z';

export interface NationalCodeParts {
  code: string;
  kind: DrugCodeKind;
  classCode: string;
  productKey: string;
  specNo: string;
  packNo: string;
  makerCode: string;
}

export const X_CODE = /^X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{9}$/;
export const Z_CODE = /^Z[A-Z]\d{2}[A-Z]{2}[A-Z]\d{4}\d{9}$/;

/** The parts of a well-formed code; null when it is malformed (no trimming or case folding). */
export function parseNationalCode(code: string): NationalCodeParts | null {
  let kind: DrugCodeKind;
  let keyLength: number;
  if (X_CODE.test(code)) [kind, keyLength] = ['X', 14];
  else if (Z_CODE.test(code)) [kind, keyLength] = ['Z', 11];
  else return null;
  return {
    code,
    kind,
    classCode: code.slice(1, 6),
    productKey: code.slice(0, keyLength),
    specNo: code.slice(keyLength, keyLength + 2),
    packNo: code.slice(keyLength + 2, keyLength + 4),
    makerCode: code.slice(keyLength + 4),
  };
}

/** Generic + dosage form: the first 14 characters of an X code, 11 of a Z code. */
export function productKeyOf(code: string): string | null {
  return parseNationalCode(code)?.productKey ?? null;
}
