/**
 * Indicator formulas as data. A value is built from named monthly measures (see
 * measures/measure-source.ts): each side of a ratio is a sum of terms, optionally divided by
 * another sum (a per-capita figure, for ratios of ratios such as 基层与牵头医院人均收入比).
 */

export enum IndicatorKind {
  /** numerator ÷ denominator × multiplier */
  RATIO = 'RATIO',
  /** numerator × multiplier (a count or an amount) */
  VALUE = 'VALUE',
  /** (ratio now − ratio a year earlier) ÷ ratio a year earlier × 100: 增长率 */
  GROWTH = 'GROWTH',
  /** (ratio now − ratio a year earlier) × multiplier: a change in points, e.g. +2 个百分点 */
  CHANGE = 'CHANGE',
  /** judged from evidence, not computed: no value until that evidence is recorded */
  QUALITATIVE = 'QUALITATIVE',
}

export enum Direction {
  HIGHER_BETTER = 'HIGHER_BETTER',
  LOWER_BETTER = 'LOWER_BETTER',
  /** a volume to watch, neither good nor bad in itself (e.g. up-referral counts) */
  NEUTRAL = 'NEUTRAL',
}

export enum TargetSource {
  NATIONAL = 'NATIONAL',
  PROVINCIAL = 'PROVINCIAL',
  CONSORTIUM = 'CONSORTIUM',
}

/** Which target decides "met" when several are set: the most local one. */
export const TARGET_PRECEDENCE: TargetSource[] = [
  TargetSource.CONSORTIUM,
  TargetSource.PROVINCIAL,
  TargetSource.NATIONAL,
];

export interface Target {
  source: TargetSource;
  value: number;
  note?: string | null;
}

export interface Term {
  key: string;
  /** Default 1; -1 subtracts. */
  coefficient?: number;
  /** Only institutions of these tiers (COUNTY, TOWNSHIP, VILLAGE, EXTERNAL). */
  tiers?: string[];
  /** Only institutions of these kinds (GENERAL_HOSPITAL = 牵头医院 …). */
  kinds?: string[];
  /**
   * A consortium-level measure (no institution: out-of-county settlements, population):
   * taken for the whole consortium whatever the report's scope.
   */
  consortiumLevel?: boolean;
}

/** Σ terms, or Σ terms ÷ Σ per when `per` is given. */
export interface Expr {
  terms: Term[];
  per?: Term[];
}

export interface Formula {
  numerator: Expr;
  /** null for VALUE and QUALITATIVE. */
  denominator: Expr | null;
  /** 100 for %, 10 000 per 10k residents, 1 otherwise. */
  multiplier: number;
}

export function termsOf(f: Formula): Term[] {
  const all: Term[] = [...f.numerator.terms, ...(f.numerator.per ?? [])];
  if (f.denominator) all.push(...f.denominator.terms, ...(f.denominator.per ?? []));
  return all;
}

export function keysOf(f: Formula): string[] {
  return [...new Set(termsOf(f).map((t) => t.key))];
}

const KEY = /^[a-z]+\.[a-z0-9_]+(\.[A-Z0-9_]+)?$/;
const TIERS = ['COUNTY', 'TOWNSHIP', 'VILLAGE', 'EXTERNAL'];

/** Problems with a formula for its kind, zh + en; empty when it is sound. */
export function formulaProblems(kind: IndicatorKind, f: Formula, knownKinds: readonly string[]): string[] {
  const out: string[] = [];
  if (kind === IndicatorKind.QUALITATIVE) {
    if (f.numerator.terms.length || f.denominator)
      out.push('定性指标不能有公式 (a qualitative indicator has no formula)');
    return out;
  }
  if (!f.numerator.terms.length) out.push('分子至少一项 (the numerator needs at least one term)');
  const needsDen = kind !== IndicatorKind.VALUE;
  if (needsDen && !f.denominator?.terms.length) out.push('此类指标需要分母 (this kind needs a denominator)');
  if (!needsDen && f.denominator) out.push('数值类指标没有分母 (a VALUE indicator has no denominator)');
  if (!Number.isFinite(f.multiplier) || f.multiplier <= 0)
    out.push('倍数必须为正数 (the multiplier must be positive)');
  for (const t of termsOf(f)) {
    if (!KEY.test(t.key)) out.push(`度量名不合法: ${t.key} (bad measure key)`);
    if (t.coefficient !== undefined && !Number.isFinite(t.coefficient)) {
      out.push(`系数不合法: ${t.key} (bad coefficient)`);
    }
    for (const tier of t.tiers ?? []) if (!TIERS.includes(tier)) out.push(`未知层级: ${tier} (unknown tier)`);
    for (const k of t.kinds ?? []) if (!knownKinds.includes(k)) out.push(`未知机构类型: ${k} (unknown kind)`);
    if (t.consortiumLevel && (t.tiers?.length || t.kinds?.length)) {
      out.push(`医共体级度量不能按机构筛选: ${t.key} (a consortium-level term has no institution filter)`);
    }
  }
  return out;
}
