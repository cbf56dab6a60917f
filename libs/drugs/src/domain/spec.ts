/**
 * Drug specifications (规格) read into quantities.
 *
 * Strings as catalogues write them: `0.25g`, `250mg`, `1ml:10mg`, `10ml:0.5g`, `0.25g*24粒`,
 * `0.25g×24片`, `50mg*30s`, `5%:250ml`, `0.9%氯化钠`, `100IU/ml 3ml`, `80万U`, `50WIU`,
 * `1g(按C计)`, `(5mg+12.5mg)`, `10g:0.1g(1%)`, `0.4ml:4100AXaIU`.
 *
 * - Mass is kept in mg (kg/g/mg/μg/ug/mcg/ng and 克/毫克/微克, steps of 1000), volume in ml
 *   (L/ml/μl, 升/毫升), activity as IU, U (单位), anti-Xa IU and 万 (= 10,000) multiples of them,
 *   mmol, and % concentration. Activity and mass are never converted into each other, nor IU
 *   into U: such specs compare as UNKNOWN.
 * - `a:b` with a volume (or a leading mass, for creams) is the preparation the strength comes
 *   in: 10 ml holding 0.5 g. A % with a preparation gives an amount (w/v for ml, w/w for g), so
 *   `5%:250ml` equals `250ml:12.5g`; `X/ml` with a volume likewise (`100IU/ml 3ml` = 300 IU).
 * - Pack counts (`*24粒`, `×24片`, `*30s`, `24粒/盒`) are separated from the strength and never
 *   make two specs different.
 * - `(按C计)` / `(以…计)` is the basis; other bracketed quantities are equivalents (a % beside an
 *   amount becomes the concentration); any other bracket text is a note.
 * - Nothing recognisable (`复方`, `每8丸相当于原药材3g`) gives null: never a guess.
 */
import { normalizeText } from './normalize';

export type SpecUnit = 'mg' | 'ml' | 'IU' | 'U' | 'AXaIU' | 'mmol' | '%';
export type ConcentrationUnit = '%' | 'mg/ml' | 'IU/ml' | 'U/ml' | 'AXaIU/ml' | 'mmol/ml';

export interface Quantity {
  value: number;
  unit: SpecUnit;
  /** Text written before it (`大黄0.15g`, `盐酸水苏碱15mg`). */
  label?: string;
}

export interface Concentration {
  value: number;
  unit: ConcentrationUnit;
}

export interface SpecParts {
  input: string;
  /** Active content per unit of use (tablet, vial, ampoule…); several for combinations. */
  amounts: Quantity[];
  /** The volume (or mass, for creams) the amounts come in: the 10 ml of `10ml:0.5g`. */
  preparation: Quantity | null;
  concentration: Concentration | null;
  /** The same content in other units, as written in brackets (`0.48g(80万U)`). */
  equivalents: Quantity[];
  /** `按C计` → `C`. */
  basis: string | null;
  packCount: number | null;
  packUnit: string | null;
  notes: string[];
  /** Notes that make another product: 无糖型 (sugar-free) and the like. */
  qualifiers: string[];
}

/** Words in a strength's notes that name a different preparation, not packaging. */
const QUALIFIER_WORDS = /无糖|无蔗糖|低糖|含糖|儿童|小儿|成人/;

export type SpecVerdict = 'EQUAL' | 'PARTIAL' | 'DIFFERENT' | 'UNKNOWN';

export interface SpecComparison {
  verdict: SpecVerdict;
  /** zh + en, for pharmacists. */
  reason: string;
}

interface UnitDef {
  unit: SpecUnit;
  factor: number;
}

const UNITS: Record<string, UnitDef> = {
  kg: { unit: 'mg', factor: 1e6 },
  g: { unit: 'mg', factor: 1000 },
  克: { unit: 'mg', factor: 1000 },
  mg: { unit: 'mg', factor: 1 },
  毫克: { unit: 'mg', factor: 1 },
  μg: { unit: 'mg', factor: 1e-3 },
  ug: { unit: 'mg', factor: 1e-3 },
  mcg: { unit: 'mg', factor: 1e-3 },
  微克: { unit: 'mg', factor: 1e-3 },
  ng: { unit: 'mg', factor: 1e-6 },
  l: { unit: 'ml', factor: 1000 },
  升: { unit: 'ml', factor: 1000 },
  ml: { unit: 'ml', factor: 1 },
  毫升: { unit: 'ml', factor: 1 },
  μl: { unit: 'ml', factor: 1e-3 },
  ul: { unit: 'ml', factor: 1e-3 },
  iu: { unit: 'IU', factor: 1 },
  国际单位: { unit: 'IU', factor: 1 },
  axaiu: { unit: 'AXaIU', factor: 1 },
  u: { unit: 'U', factor: 1 },
  单位: { unit: 'U', factor: 1 },
  mmol: { unit: 'mmol', factor: 1 },
  '%': { unit: '%', factor: 1 },
};

const UNIT_PATTERN = Object.keys(UNITS)
  .sort((a, b) => b.length - a.length)
  .map((u) => u.replace('%', '%'))
  .join('|');
/** number, optional 万/w multiplier, unit; a Latin unit must not run on into more letters. */
const QTY = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(万|w)?\\s*(${UNIT_PATTERN})(?![a-z])`, 'giy');
const NUMBER_START = /\d/;
const PACK_WORDS = '粒|片|支|袋|瓶|盒|丸|贴|板|包|枚|揿|喷|吸|泡|帖|张|s|pcs|套|只|管|盒装';
const PACK_STAR = new RegExp(`\\*\\s*(\\d+)\\s*(${PACK_WORDS})?`, 'gi');
const PACK_PER = new RegExp(`(\\d+)\\s*(${PACK_WORDS})\\s*/\\s*(盒|瓶|板|袋|包|支)`, 'gi');
const PER_COUNT = new RegExp(`^/\\s*(?:\\d+\\s*)?(?:${PACK_WORDS})`, 'i');
const PER_VOLUME = /^\/\s*(\d+(?:\.\d+)?)?\s*(ml|l|毫升)(?![a-z])/i;
const BASIS = /^(?:按|以)(.+?)计(?:算)?$/;

interface Found {
  q: Quantity;
  /** `X/ml`: a concentration. */
  perMl: boolean;
  /** `X/0.4ml`: an amount in a volume. */
  inVolume: Quantity | null;
  /** Followed by `:` (a ratio: preparation : content). */
  ratio: boolean;
  equivalent: boolean;
}

function toQuantity(num: string, wan: string | undefined, unitText: string): Quantity {
  const def = UNITS[unitText.toLowerCase().replace(/\s+/g, '')];
  const value = Number(num) * def.factor * (wan ? 10_000 : 1);
  return { value: round(value), unit: def.unit };
}

function round(v: number): number {
  return Number(v.toPrecision(12));
}

/** Quantities in `text` in order, with the text around them. */
function scan(text: string): { found: Found[]; leftovers: string[] } {
  const found: Found[] = [];
  const leftovers: string[] = [];
  let i = 0;
  let pending = '';
  let equivalentMode = false;
  const flushLabel = () => {
    const label = pending.replace(/^[\s,;:+/*]+|[\s,;:+/*]+$/g, '');
    pending = '';
    return label;
  };
  while (i < text.length) {
    QTY.lastIndex = i;
    const m = NUMBER_START.test(text[i]) ? QTY.exec(text) : null;
    if (!m) {
      pending += text[i];
      i++;
      continue;
    }
    const label = flushLabel();
    if (/相当/.test(label)) equivalentMode = true;
    const q = toQuantity(m[1], m[2], m[3].replace(/\s+/g, ''));
    if (label && !/相当/.test(label)) {
      if (/^[\u4e00-\u9fffA-Za-z]+$/.test(label) && !/^每/.test(label)) q.label = label;
      else leftovers.push(label);
    } else if (label) leftovers.push(label);
    i = QTY.lastIndex;
    let perMl = false;
    let inVolume: Quantity | null = null;
    const tail = text.slice(i);
    const vol = PER_VOLUME.exec(tail);
    if (vol && q.unit !== 'ml') {
      if (vol[1])
        inVolume = { value: round(Number(vol[1]) * UNITS[vol[2].toLowerCase()].factor), unit: 'ml' };
      else perMl = true;
      i += vol[0].length;
    } else {
      const per = PER_COUNT.exec(tail);
      if (per) i += per[0].length;
    }
    const after = /^\s*:/.test(text.slice(i));
    found.push({ q, perMl, inVolume, ratio: after, equivalent: equivalentMode });
  }
  const rest = flushLabel();
  if (rest) leftovers.push(rest);
  return { found, leftovers: leftovers.filter((l) => l.length > 0) };
}

/** Top-level bracket groups and the text outside them. */
function splitBrackets(text: string): { outside: string; groups: string[] } {
  const groups: string[] = [];
  let outside = '';
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') {
      if (depth > 0) cur += ch;
      depth++;
    } else if (ch === ')' && depth > 0) {
      depth--;
      if (depth === 0) {
        groups.push(cur);
        cur = '';
        outside += ' ';
      } else cur += ch;
    } else if (depth > 0) cur += ch;
    else outside += ch;
  }
  if (cur) outside += cur;
  return { outside, groups };
}

function concentrationOf(q: Quantity): Concentration | null {
  switch (q.unit) {
    case '%':
      return { value: q.value, unit: '%' };
    case 'mg':
      return { value: q.value, unit: 'mg/ml' };
    case 'IU':
      return { value: q.value, unit: 'IU/ml' };
    case 'U':
      return { value: q.value, unit: 'U/ml' };
    case 'AXaIU':
      return { value: q.value, unit: 'AXaIU/ml' };
    case 'mmol':
      return { value: q.value, unit: 'mmol/ml' };
    default:
      return null;
  }
}

export function parseSpec(input: string | null | undefined): SpecParts | null {
  if (input == null) return null;
  let text = normalizeText(input).replace(/(\d|[a-z%)\u4e00-\u9fff])\s*[xX]\s*(?=\d)/g, '$1*');
  if (!text) return null;

  const notes: string[] = [];
  let basis: string | null = null;
  const bracketEquivalents: Quantity[] = [];
  let bracketConcentration: Concentration | null = null;

  const { outside, groups } = splitBrackets(text);
  const outsideHasQuantity = scan(outside).found.length > 0;
  if (!outsideHasQuantity && groups.length > 0) {
    // The whole strength in brackets: `(5mg+12.5mg)`.
    text = [outside, ...groups].join(' ');
  } else {
    text = outside;
    for (const g of groups) {
      const b = BASIS.exec(g.trim());
      if (b) {
        basis = b[1].trim();
        continue;
      }
      const inner = scan(g);
      if (inner.found.length > 0 && inner.leftovers.length === 0) {
        for (const f of inner.found) {
          if (f.q.unit === '%' && !bracketConcentration)
            bracketConcentration = { value: f.q.value, unit: '%' };
          else bracketEquivalents.push(f.q);
        }
      } else notes.push(g.trim());
    }
  }

  let packCount: number | null = null;
  let packUnit: string | null = null;
  const takePack = (count: string, unit: string | undefined) => {
    packCount = (packCount ?? 1) * Number(count);
    if (!packUnit && unit) packUnit = unit.toLowerCase() === 's' ? '片' : unit;
  };
  text = text.replace(PACK_PER, (_m, count: string, unit: string) => {
    takePack(count, unit);
    return ' ';
  });
  text = text.replace(PACK_STAR, (_m, count: string, unit: string | undefined) => {
    takePack(count, unit);
    return ' ';
  });
  text = text.replace(/\/\s*(盒|瓶|板|袋|包|支|片|粒|丸)\s*$/, '');

  const { found, leftovers } = scan(text);
  notes.push(...leftovers);

  const amounts: Quantity[] = [];
  const equivalents: Quantity[] = [...bracketEquivalents];
  let preparation: Quantity | null = null;
  let concentration: Concentration | null = null;

  found.forEach((f, index) => {
    const q = f.q;
    if (f.equivalent) {
      equivalents.push(q);
      return;
    }
    if (f.perMl) {
      if (!concentration) concentration = concentrationOf(q);
      else equivalents.push(q);
      return;
    }
    if (f.inVolume) {
      amounts.push(q);
      if (!preparation) preparation = f.inVolume;
      return;
    }
    if (q.unit === '%') {
      if (!concentration) concentration = { value: q.value, unit: '%' };
      else equivalents.push(q);
      return;
    }
    if (q.unit === 'ml' && !q.label) {
      if (!preparation) preparation = q;
      else amounts.push(q);
      return;
    }
    // `10g:2.5mg`: a leading mass before a ratio is the preparation the content comes in.
    const leadsRatio = index === firstNonConcentration(found) && f.ratio && q.unit === 'mg' && !q.label;
    if (leadsRatio && !preparation && found.slice(index + 1).some((n) => !n.equivalent && n.q.unit !== '%')) {
      preparation = q;
      return;
    }
    amounts.push(q);
  });

  if (!concentration && bracketConcentration) concentration = bracketConcentration;
  if (amounts.length === 0 && !preparation && !concentration) return null;
  return {
    input,
    amounts,
    preparation,
    concentration,
    equivalents,
    basis,
    packCount,
    packUnit,
    notes,
    qualifiers: notes
      .filter((n) => QUALIFIER_WORDS.test(n))
      .map((n) => n.replace(/\s+/g, ''))
      .sort(),
  };
}

function firstNonConcentration(found: Found[]): number {
  return found.findIndex((f) => f.q.unit !== '%' && !f.perMl);
}

// ---------------------------------------------------------------------------------------------
// Comparing

const EPS = 1e-9;

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= EPS * Math.max(1, Math.abs(a), Math.abs(b));
}

function sameQuantity(a: Quantity, b: Quantity): boolean {
  return a.unit === b.unit && close(a.value, b.value);
}

/** The amounts, or those a concentration and a preparation imply. */
export function effectiveAmounts(p: SpecParts): Quantity[] {
  if (p.amounts.length > 0) return p.amounts;
  const c = p.concentration;
  const prep = p.preparation;
  if (!c || !prep) return [];
  if (c.unit === '%') {
    // % w/v for solutions (1 % = 10 mg/ml), w/w for a preparation weighed in mg.
    const mg =
      prep.unit === 'ml'
        ? c.value * 10 * prep.value
        : prep.unit === 'mg'
          ? (c.value / 100) * prep.value
          : null;
    return mg === null ? [] : [{ value: round(mg), unit: 'mg' }];
  }
  if (prep.unit !== 'ml') return [];
  const unit = c.unit.replace('/ml', '') as SpecUnit;
  return [{ value: round(c.value * prep.value), unit }];
}

function effectiveConcentration(p: SpecParts): Concentration | null {
  if (p.concentration) return p.concentration;
  const amounts = p.amounts;
  const prep = p.preparation;
  if (amounts.length !== 1 || !prep || prep.unit !== 'ml' || prep.value === 0) return null;
  const a = amounts[0];
  if (a.unit === 'mg') return { value: round(a.value / prep.value / 10), unit: '%' };
  const c = concentrationOf({ value: round(a.value / prep.value), unit: a.unit });
  return c;
}

function sameMultiset(a: Quantity[], b: Quantity[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...b];
  for (const q of a) {
    const i = left.findIndex((r) => sameQuantity(q, r));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

function dims(qs: Quantity[]): string {
  return [...new Set(qs.map((q) => q.unit))].sort().join('+');
}

/** A short canonical rendering: `500 mg / 10 ml`, `300 IU / 3 ml`, `0.9 %`. */
export function formatSpec(p: SpecParts | null): string {
  if (!p) return '—';
  const amounts = effectiveAmounts(p).map(formatQuantity).join(' + ');
  const prep = p.preparation ? formatQuantity(p.preparation) : '';
  const conc =
    p.concentration && p.amounts.length === 0 ? `${trim(p.concentration.value)} ${p.concentration.unit}` : '';
  return [amounts || conc, prep].filter(Boolean).join(' / ') || conc || '—';
}

export function formatQuantity(q: Quantity): string {
  if (q.unit === 'mg') {
    if (q.value >= 1000) return `${trim(q.value / 1000)} g`;
    if (q.value < 1) return `${trim(q.value * 1000)} μg`;
  }
  if (q.unit === 'ml' && q.value >= 1000) return `${trim(q.value / 1000)} L`;
  return `${trim(q.value)} ${q.unit}`;
}

function trim(v: number): string {
  return String(round(v));
}

/** A verdict whose reason is written only when asked for (matching compares many pairs). */
export interface SpecJudgement {
  verdict: SpecVerdict;
  reason: () => string;
}

const j = (verdict: SpecVerdict, reason: () => string): SpecJudgement => ({ verdict, reason });

export function judgeSpecs(a: SpecParts | null, b: SpecParts | null): SpecJudgement {
  if (!a || !b) return j('UNKNOWN', () => '规格缺失或无法解析 (strength missing or unreadable)');
  const c = compareQuantities(a, b);
  const qa = a.qualifiers.join(',');
  const qb = b.qualifiers.join(',');
  if (c.verdict === 'EQUAL' && qa !== qb) {
    return j('PARTIAL', () => `规格附注不同 (the strengths' qualifiers differ): ${qa || '—'} ↔ ${qb || '—'}`);
  }
  return c;
}

export function compareSpecs(a: SpecParts | null, b: SpecParts | null): SpecComparison {
  const judged = judgeSpecs(a, b);
  return { verdict: judged.verdict, reason: judged.reason() };
}

function compareQuantities(a: SpecParts, b: SpecParts): SpecJudgement {
  const A = effectiveAmounts(a);
  const B = effectiveAmounts(b);
  const show = () => `${formatSpec(a)} ↔ ${formatSpec(b)}`;

  if (A.length > 0 && B.length > 0) {
    if (dims(A) !== dims(B)) {
      const viaEquivalent =
        a.equivalents.some((e) => B.some((q) => sameQuantity(e, q))) ||
        b.equivalents.some((e) => A.some((q) => sameQuantity(e, q)));
      if (viaEquivalent) {
        return j(
          'PARTIAL',
          () => `含量以不同单位标示，换算标注一致 (same content stated in other units): ${show()}`,
        );
      }
      return j('UNKNOWN', () => `规格单位不可换算 (units cannot be converted): ${show()}`);
    }
    if (!sameMultiset(A, B)) return j('DIFFERENT', () => `规格不同 (different strength): ${show()}`);
    const prep = comparePreparation(a, b, show);
    if (prep) return prep;
    if (a.basis !== b.basis) {
      if (a.basis && b.basis)
        return j('DIFFERENT', () => `计量基准不同 (different basis): ${a.basis} ↔ ${b.basis}`);
      return j('PARTIAL', () => `一方注明计量基准 (only one side states the basis): ${show()}`);
    }
    return j('EQUAL', () => `规格一致 (same strength): ${formatSpec(a)}`);
  }

  if (A.length === 0 && B.length === 0) {
    if (a.preparation && b.preparation) {
      if (!sameQuantity(a.preparation, b.preparation)) {
        return j('DIFFERENT', () => `装量不同 (different volume): ${show()}`);
      }
      const ca = a.concentration;
      const cb = b.concentration;
      if (ca && cb && !(ca.unit === cb.unit && close(ca.value, cb.value))) {
        return j('DIFFERENT', () => `浓度不同 (different concentration): ${show()}`);
      }
      if (!!ca !== !!cb)
        return j('PARTIAL', () => `一方未注明浓度 (only one side states a concentration): ${show()}`);
      return j('EQUAL', () => `规格一致 (same strength): ${formatSpec(a)}`);
    }
  }

  const ca = effectiveConcentration(a);
  const cb = effectiveConcentration(b);
  if (ca && cb) {
    if (ca.unit !== cb.unit)
      return j('UNKNOWN', () => `规格单位不可换算 (units cannot be converted): ${show()}`);
    if (!close(ca.value, cb.value))
      return j('DIFFERENT', () => `浓度不同 (different concentration): ${show()}`);
    return j(
      'PARTIAL',
      () => `浓度一致，装量或含量一方未注明 (same concentration, one side lacks the volume): ${show()}`,
    );
  }
  if (a.preparation && b.preparation && a.preparation.unit === b.preparation.unit) {
    if (!sameQuantity(a.preparation, b.preparation)) {
      return j('DIFFERENT', () => `装量不同 (different volume): ${show()}`);
    }
    return j(
      'PARTIAL',
      () => `装量一致，一方未注明含量 (same volume, one side lacks the content): ${show()}`,
    );
  }
  return j('UNKNOWN', () => `规格无法比较 (strengths cannot be compared): ${show()}`);
}

function comparePreparation(a: SpecParts, b: SpecParts, show: () => string): SpecJudgement | null {
  const pa = a.preparation;
  const pb = b.preparation;
  if (pa && pb) {
    if (pa.unit !== pb.unit) return j('UNKNOWN', () => `装量单位不同 (volume vs weight): ${show()}`);
    if (!close(pa.value, pb.value)) return j('DIFFERENT', () => `装量不同 (different volume): ${show()}`);
    return null;
  }
  if (pa || pb) return j('PARTIAL', () => `一方未注明装量 (only one side gives the volume): ${show()}`);
  return null;
}

export function specsEqual(a: SpecParts | null, b: SpecParts | null): boolean {
  return compareSpecs(a, b).verdict === 'EQUAL';
}
