/**
 * Normalising drug names so that two catalogues' spellings of one product compare equal, and two
 * different products never do. Text folding is in text.ts, the dosage-form vocabulary and
 * taxonomy in dosage-form.ts; both are re-exported here.
 *
 * A name splits into:
 * - `core`: the active moiety as written, salts and dosage form removed. 复方 and 小儿 stay in
 *   it (复方甘草片 is not 甘草片; 小儿布洛芬栓 is not 布洛芬栓), as do internal brackets of
 *   mixtures (脂肪乳(10%)/氨基酸(15)/…);
 * - `salts`: acid prefixes (盐酸, 硫酸, 苯磺酸, … and esters named the same way: 醋酸, 丙酸, 糠酸)
 *   and cation suffixes (钠, 钾, 钙, 镁, 磷酸钠 …), plus a bracketed marker like （盐酸盐）. A salt
 *   that is the drug itself (氯化钠, 硫酸镁, 葡萄糖酸钙, 硝酸甘油, 乳酸菌素 …) is not split off;
 * - `form`: the dosage form named in the name (阿卡波糖片 → 片; 注射用X → powder for injection);
 * - `variants`: trailing bracket qualifiers, Roman numerals included ((Ⅱ), Ⅱ, (II) → II;
 *   (18AA-Ⅰ) → 18AA-I; (无糖型)); two names are the same product only when their variants are
 *   equal.
 */
import {
  DosageForm,
  narrower,
  parseDosageForm,
  peelFormSuffix,
  powderForInjection,
  withRoute,
} from './dosage-form';
import { normalizeName } from './text';

const byLengthDesc = (a: string, b: string) => b.length - a.length;

export * from './dosage-form';
export * from './text';

// ---------------------------------------------------------------------------------------------
// Salts

/** Acid (and ester) prefixes, longest first. */
const SALT_PREFIXES = [
  '对甲苯磺酸',
  '重酒石酸',
  '门冬氨酸',
  '二盐酸',
  '氢溴酸',
  '硫酸氢',
  '盐酸',
  '硫酸',
  '磷酸',
  '马来酸',
  '琥珀酸',
  '酒石酸',
  '苯磺酸',
  '甲磺酸',
  '乙磺酸',
  '枸橼酸',
  '富马酸',
  '醋酸',
  '乳酸',
  '硝酸',
  '苹果酸',
  '草酸',
  '丙酸',
  '糠酸',
  '戊酸',
  '丁酸',
  '精氨酸',
  '赖氨酸',
].sort(byLengthDesc);

/** Cation (and counter-ion) suffixes, longest first. */
const SALT_SUFFIXES = [
  '琥珀酸钠',
  '磷酸钠',
  '叔丁胺',
  '氨丁三醇',
  '葡甲胺',
  '二钠',
  '钠盐',
  '钾盐',
  '钠',
  '钾',
  '钙',
  '镁',
  '锌',
].sort(byLengthDesc);

/** Names whose "salt" is the drug itself. */
const SALT_IS_THE_DRUG = new Set([
  '硝酸甘油',
  '硝酸异山梨酯',
  '乳酸菌素',
  '醋酸钠',
  '乳酸钠',
  '乳酸钙',
  '硫酸镁',
  '硫酸亚铁',
  '硫酸锌',
  '硫酸钡',
  '磷酸钠盐',
  '精氨酸',
  '赖氨酸',
  '门冬氨酸',
]);

/** A suffix stays when what precedes it is itself an acid or an element (氯化钠, 枸橼酸钾, 门冬氨酸钾镁). */
const SUFFIX_KEEPS_AFTER = /[酸化氢碳亚氯碘溴钾钠钙镁铁锌]$/;
/** A prefix stays when what follows it is an element or a fragment (硫酸亚铁, 硝酸甘油, 乳酸菌素). */
const PREFIX_KEEPS_BEFORE = /^(亚|镁|锌|钡|铁|钙|钠|钾|铝|铜|甘油|异山梨酯|菌|氢|软骨素?$)/;

function canonicalSalt(word: string): string {
  if (word === '钠盐') return '钠';
  if (word === '钾盐') return '钾';
  if (word === '盐酸盐') return '盐酸';
  return word;
}

export interface SaltSplit {
  core: string;
  salts: string[];
}

export function splitSalts(name: string): SaltSplit {
  if (SALT_IS_THE_DRUG.has(name)) return { core: name, salts: [] };
  let core = name;
  const salts: string[] = [];
  const compound = core.startsWith('复方') ? '复方' : '';
  if (compound) core = core.slice(2);
  const prefix = SALT_PREFIXES.find((p) => core.startsWith(p));
  if (prefix) {
    const rest = core.slice(prefix.length);
    if (rest.length >= 2 && !PREFIX_KEEPS_BEFORE.test(rest) && !SALT_IS_THE_DRUG.has(rest)) {
      salts.push(canonicalSalt(prefix));
      core = rest;
    }
  }
  const suffix = SALT_SUFFIXES.find((p) => core.endsWith(p));
  if (suffix) {
    const rest = core.slice(0, core.length - suffix.length);
    if (rest.length >= 2 && !SUFFIX_KEEPS_AFTER.test(rest)) {
      salts.push(canonicalSalt(suffix));
      core = rest;
    }
  }
  return { core: compound + core, salts: salts.sort() };
}

// ---------------------------------------------------------------------------------------------
// Names

export interface ParsedDrugName {
  input: string;
  /** Normalised whole name. */
  text: string;
  /** Active moiety without salts, form or trailing qualifiers. */
  core: string;
  salts: string[];
  form: DosageForm | null;
  /** Trailing bracket qualifiers and Roman-numeral suffixes, normalised (`II`, `18AA-I`, `无糖型`). */
  variants: string[];
  /** The Roman numeral among the variants, if any (`I`, `II`, …). */
  roman: string | null;
  compound: boolean;
  /** A percentage written into the name (0.9%氯化钠 → `0.9%`). */
  concentration: string | null;
}

const ROMAN = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/;
const TRAILING_ROMAN = /([\u4e00-\u9fff)])-?((?:X{0,3})(?:IX|IV|V?I{1,3}|V|X))$/;
const SALT_MARKER = /^(.+?)盐$/;
const FORM_QUALIFIERS: Record<string, string> = { 冻干: '冻干粉针' };

function isRoman(s: string): boolean {
  return s.length > 0 && ROMAN.test(s);
}

function romanIn(variant: string): string | null {
  if (isRoman(variant)) return variant;
  const m = /(?:^|[-\s])((?:X{0,3})(?:IX|IV|V?I{0,3}))$/.exec(variant);
  return m && m[1] ? m[1] : null;
}

/** Trailing `(…)` groups, outermost last; internal brackets stay in the name. */
function takeTrailingBrackets(text: string): { rest: string; groups: string[] } {
  const groups: string[] = [];
  let rest = text;
  while (rest.endsWith(')')) {
    let depth = 0;
    let open = -1;
    for (let i = rest.length - 1; i >= 0; i--) {
      if (rest[i] === ')') depth++;
      else if (rest[i] === '(') {
        depth--;
        if (depth === 0) {
          open = i;
          break;
        }
      }
    }
    if (open <= 0) break;
    groups.unshift(rest.slice(open + 1, -1));
    rest = rest.slice(0, open);
  }
  return { rest, groups };
}

export function parseDrugName(input: string): ParsedDrugName {
  const text = normalizeName(input);
  let rest = text;
  const variants: string[] = [];
  const salts: string[] = [];
  let form: DosageForm | null = null;
  let concentration: string | null = null;

  const pct = /^(\d+(?:\.\d+)?%)/.exec(rest);
  if (pct && rest.length > pct[1].length) {
    concentration = pct[1];
    rest = rest.slice(pct[1].length);
  }

  const peelTrailing = () => {
    const { rest: r, groups } = takeTrailingBrackets(rest);
    rest = r;
    for (const g of groups) {
      const salt = SALT_MARKER.exec(g);
      if (salt && (SALT_PREFIXES.includes(salt[1]) || SALT_SUFFIXES.includes(salt[1]) || g === '盐酸盐')) {
        salts.push(canonicalSalt(g === '盐酸盐' ? g : salt[1]));
        continue;
      }
      const formWord = FORM_QUALIFIERS[g] ?? g;
      const asForm = parseDosageForm(formWord);
      if (asForm) {
        form = form ? (narrower(form, asForm) ?? form) : asForm;
        continue;
      }
      variants.push(g);
    }
    const roman = TRAILING_ROMAN.exec(rest);
    if (roman) {
      variants.push(roman[2]);
      rest = rest.slice(0, rest.length - roman[0].length + roman[1].length);
    }
  };

  peelTrailing();
  if (rest.startsWith('注射用') && rest.length > 3 && rest !== '注射用水') {
    form = form ?? powderForInjection();
    rest = rest.slice(3);
    peelTrailing();
  } else {
    const inhaled = /^(?:雾化)?吸入用/.exec(rest);
    const peeled = peelFormSuffix(rest);
    if (peeled && peeled.rest.length > 0) {
      let f = peeled.form;
      if (inhaled && f.route === null) f = withRoute(f, 'INHALED');
      form = form ? (narrower(peeled.form, form) ?? f) : f;
      rest = inhaled ? peeled.rest.slice(inhaled[0].length) : peeled.rest;
      peelTrailing();
    }
  }

  const split = splitSalts(rest);
  const allSalts = [...new Set([...split.salts, ...salts])].sort();
  const romans = variants.map(romanIn).filter((r): r is string => r !== null);
  return {
    input,
    text,
    core: split.core,
    salts: allSalts,
    form,
    variants: variants.sort(),
    roman: romans[0] ?? null,
    compound: split.core.includes('复方') || /[/]/.test(split.core),
    concentration,
  };
}

/** Character bigrams of a core name (a one-character name is its own gram). */
export function bigrams(s: string): string[] {
  if (s.length < 2) return s ? [s] : [];
  const out: string[] = [];
  for (let i = 0; i < s.length - 1; i++) out.push(s.slice(i, i + 2));
  return out;
}

/** Dice coefficient over distinct bigrams. */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const ga = new Set(bigrams(a));
  const gb = new Set(bigrams(b));
  if (ga.size === 0 || gb.size === 0) return 0;
  let common = 0;
  for (const g of ga) if (gb.has(g)) common++;
  return (2 * common) / (ga.size + gb.size);
}
