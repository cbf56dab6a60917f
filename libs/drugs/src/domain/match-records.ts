/**
 * A list item or a local item read once into what matching compares: parsed name, salts, forms
 * (name and form field merged; both kept when they disagree), strength, code, product key,
 * maker and name bigrams. Internal to the matcher.
 */
import { NationalCodeParts, parseNationalCode, parseProductKey } from './national-code';
import {
  DosageForm,
  FormComparison,
  ParsedDrugName,
  bigrams,
  narrower,
  normalizeName,
  parseDosageForm,
  parseDrugName,
} from './normalize';
import { SpecJudgement, SpecParts, parseSpec } from './spec';
import type { FormularyTarget } from './match-types';

export interface Prepared {
  name: ParsedDrugName;
  salts: string[];
  /** All forms the record states (name, form field); more than one when they disagree. */
  forms: DosageForm[];
  formConflict: boolean;
  spec: SpecParts | null;
  code: NationalCodeParts | null;
  productKey: string | null;
  maker: string | null;
  identity: string;
  /** Distinct bigrams of the core name. */
  grams: Set<string>;
}

export interface PreparedTarget extends Prepared {
  index: number;
  target: FormularyTarget;
}

/** One reading of the local item: its own generic name, or a generic its brand stands for. */
export interface Reading extends Prepared {
  viaAlias: string | null;
  /** How many distinct products the brand names. */
  aliasProducts: number;
  /** Salt taken from the product-name column (商品名称 often holds the full registered name). */
  saltFromBrand: boolean;
}

export type NameKind = 'SAME' | 'VARIANTS' | 'COMPOUND' | 'SUBSTRING' | 'SIMILAR' | 'OTHER';
export type SaltKind = 'SAME' | 'KEY' | 'ONE_SIDE' | 'DIFFERENT';

export interface Scored {
  target: PreparedTarget;
  reading: Reading;
  score: number;
  exact: boolean;
  codeExact: boolean;
  codeConflict: boolean;
  sameKey: boolean;
  keysDiffer: boolean;
  sameMaker: boolean;
  makerDiffers: boolean;
  nameKind: NameKind;
  saltKind: SaltKind;
  formCmp: FormComparison | null;
  formPair: [DosageForm, DosageForm] | null;
  spec: SpecJudgement;
}

const MAKER_NOISE =
  /(股份有限公司|有限责任公司|有限公司|集团|公司|制药厂|制药|药业|医药|药厂|生物制品|生物|科技|实业|总厂|分公司|厂|\(.*?\))/g;

export function makerKey(maker: string | null | undefined): string | null {
  if (!maker) return null;
  const m = normalizeName(maker).replace(MAKER_NOISE, '');
  return m.length >= 2 ? m : normalizeName(maker) || null;
}

export function sameMaker(a: string | null, b: string | null): boolean | null {
  if (!a || !b) return null;
  return a === b || a.includes(b) || b.includes(a);
}

export function identityOf(name: ParsedDrugName): string {
  return `${name.core}|${name.variants.join(',')}`;
}

export function mergeForms(
  nameForm: DosageForm | null,
  fieldForm: DosageForm | null,
): { forms: DosageForm[]; conflict: boolean } {
  if (nameForm && fieldForm) {
    const merged = narrower(nameForm, fieldForm);
    if (merged) return { forms: [merged], conflict: false };
    return { forms: [nameForm, fieldForm], conflict: true };
  }
  const one = nameForm ?? fieldForm;
  return { forms: one ? [one] : [], conflict: false };
}

export function withNameConcentration(spec: SpecParts | null, name: ParsedDrugName): SpecParts | null {
  if (!name.concentration) return spec;
  const pct = Number(name.concentration.replace('%', ''));
  if (!spec) return parseSpec(name.concentration);
  if (spec.concentration || spec.amounts.length > 0) return spec;
  return { ...spec, concentration: { value: pct, unit: '%' } };
}

export function prepareRecord(
  genericName: string,
  dosageForm: string | null | undefined,
  spec: string | null | undefined,
  nationalCode: string | null | undefined,
  productKey: string | null | undefined,
  maker: string | null | undefined,
): Prepared {
  const name = parseDrugName(genericName);
  const { forms, conflict } = mergeForms(name.form, parseDosageForm(dosageForm));
  const code = nationalCode ? parseNationalCode(nationalCode) : null;
  return {
    name,
    salts: name.salts,
    forms,
    formConflict: conflict,
    spec: withNameConcentration(parseSpec(spec), name),
    code,
    productKey: code?.productKey ?? (productKey ? parseProductKey(productKey) : null),
    maker: makerKey(maker),
    identity: identityOf(name),
    grams: new Set(bigrams(name.core)),
  };
}
