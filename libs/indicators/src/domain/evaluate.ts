import type { MeasureValue, MonthRange } from '../measures/measure-source';
import {
  Direction,
  Expr,
  Formula,
  IndicatorKind,
  keysOf,
  Target,
  TARGET_PRECEDENCE,
  Term,
  termsOf,
} from './formula';
import { monthsIn, shiftRange } from './period';

export interface InstitutionFacts {
  tier: string;
  kind: string;
}

/**
 * Monthly measure values loaded once for a report or a trend, evaluated in memory for any
 * range inside what was loaded.
 */
export class MeasureTable {
  private readonly byKey = new Map<string, Map<string, MeasureValue[]>>();
  /** A range's months, listed once: every term of every definition asks for the same few ranges. */
  private readonly monthsOf = new Map<string, string[]>();

  constructor(
    values: readonly MeasureValue[],
    /** Institutions of the consortium (tier and kind, for term filters). */
    private readonly institutions: ReadonlyMap<string, InstitutionFacts>,
    /** The report's institutions; null: the whole consortium. */
    private readonly scope: ReadonlySet<string> | null,
    private readonly levelKeys: ReadonlySet<string>,
    /** Keys some registered source answers. */
    readonly availableKeys: ReadonlySet<string>,
  ) {
    for (const v of values) {
      let months = this.byKey.get(v.key);
      if (!months) this.byKey.set(v.key, (months = new Map()));
      const list = months.get(v.month);
      if (list) list.push(v);
      else months.set(v.month, [v]);
    }
  }

  /** Whether the report covers part of the consortium (a tier, an institution), not all of it. */
  get partial(): boolean {
    return this.scope !== null;
  }

  /** Whether one row counts for a term in this scope. */
  private counts(t: Term, v: MeasureValue): boolean {
    if (t.consortiumLevel) return v.institutionId === null;
    if (v.institutionId === null) return false;
    if (this.scope && !this.scope.has(v.institutionId)) return false;
    if (!t.tiers?.length && !t.kinds?.length) return true;
    const inst = this.institutions.get(v.institutionId);
    if (!inst) return false;
    return (
      (!t.tiers?.length || t.tiers.includes(inst.tier)) && (!t.kinds?.length || t.kinds.includes(inst.kind))
    );
  }

  /** Flows are summed over the months; levels (a population, staff) averaged over them. */
  term(t: Term, range: MonthRange): number {
    const rangeKey = `${range.from}|${range.to}`;
    let months = this.monthsOf.get(rangeKey);
    if (!months) this.monthsOf.set(rangeKey, (months = monthsIn(range)));
    const byMonth = this.byKey.get(t.key);
    let total = 0;
    if (byMonth) {
      for (const m of months) for (const v of byMonth.get(m) ?? []) if (this.counts(t, v)) total += v.value;
    }
    if (this.levelKeys.has(t.key)) total /= months.length;
    return total * (t.coefficient ?? 1);
  }

  sum(terms: readonly Term[], range: MonthRange): number {
    return terms.reduce((s, t) => s + this.term(t, range), 0);
  }
}

export interface Evaluation {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Why there is no value (zh + en); null when there is one. */
  reason: string | null;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

const none = (
  reason: string,
  numerator: number | null = null,
  denominator: number | null = null,
): Evaluation => ({
  value: null,
  numerator,
  denominator,
  reason,
});

export const REASONS = {
  qualitative:
    '定性指标,待七统一评估材料录入 (qualitative: judged from the seven-unification evidence, not yet recorded)',
  zeroDenominator: '分母为零,无法计算 (the denominator is zero)',
  zeroPer: '人均口径的人数为零,无法计算 (the per-capita base is zero)',
  zeroBase: '上年同期为零或无数据,无法计算增长 (last year’s figure is zero or missing)',
  noPeriod: '该期间尚未开始 (the period has not begun)',
  consortiumOnly:
    '全医共体口径指标,不按机构或层级计算 (a consortium-wide indicator: not computed for a tier or an institution)',
  missing: (keys: string[]) => `缺少数据来源: ${keys.join(', ')} (no source reports ${keys.join(', ')})`,
};

function expr(t: MeasureTable, e: Expr, range: MonthRange): { value: number | null; reason: string | null } {
  const total = t.sum(e.terms, range);
  if (!e.per) return { value: total, reason: null };
  const per = t.sum(e.per, range);
  return per === 0 ? { value: null, reason: REASONS.zeroPer } : { value: total / per, reason: null };
}

/**
 * Whether an indicator only means something for the whole consortium: it sets members' figures
 * against a consortium-level measure (out-of-county settlements, population: the county's,
 * whatever the scope), or its numerator and denominator count different institutions (the primary tier's share of all
 * visits; primary staff income against the lead hospital's). For one township such a formula
 * would set its own visits against the whole county's settlements, or come out 100 % by
 * construction.
 */
export function consortiumOnly(f: Formula): boolean {
  const terms = termsOf(f);
  const county = terms.filter((t) => t.consortiumLevel).length;
  // All of it the consortium's own figures (the seven unifications, ECG coverage): the same
  // value whatever the scope, as a consortium-level measure always is.
  if (county === terms.length) return false;
  if (county) return true;
  if (!f.denominator) return false;
  const selects = (e: Expr) =>
    new Set(
      [...e.terms, ...(e.per ?? [])].map(
        (t) => `${[...(t.tiers ?? [])].sort().join()}|${[...(t.kinds ?? [])].sort().join()}`,
      ),
    );
  const num = selects(f.numerator);
  const den = selects(f.denominator);
  return num.size !== den.size || [...num].some((k) => !den.has(k));
}

/** `consortiumOnly` once per formula: a member comparison evaluates each one per member and range. */
const consortiumOnlyCache = new WeakMap<Formula, boolean>();
function consortiumOnlyOf(f: Formula): boolean {
  let only = consortiumOnlyCache.get(f);
  if (only === undefined) consortiumOnlyCache.set(f, (only = consortiumOnly(f)));
  return only;
}

/** numerator ÷ denominator (no multiplier), with its parts. */
function ratio(t: MeasureTable, f: Formula, range: MonthRange) {
  const num = expr(t, f.numerator, range);
  const den = expr(t, f.denominator!, range);
  if (num.value === null || den.value === null) {
    return { value: null, num: num.value, den: den.value, reason: num.reason ?? den.reason };
  }
  if (den.value === 0) return { value: null, num: num.value, den: 0, reason: REASONS.zeroDenominator };
  return { value: num.value / den.value, num: num.value, den: den.value, reason: null };
}

/**
 * One indicator over one range. GROWTH and CHANGE compare with the same range a year
 * earlier; their numerator and denominator are this period's and last year's base figures.
 */
export function evaluate(
  t: MeasureTable,
  kind: IndicatorKind,
  f: Formula,
  range: MonthRange | null,
): Evaluation {
  if (kind === IndicatorKind.QUALITATIVE) return none(REASONS.qualitative);
  if (!range) return none(REASONS.noPeriod);
  const missing = keysOf(f).filter((k) => !t.availableKeys.has(k));
  if (missing.length) return none(REASONS.missing(missing));
  if (t.partial && consortiumOnlyOf(f)) return none(REASONS.consortiumOnly);
  switch (kind) {
    case IndicatorKind.VALUE: {
      const num = expr(t, f.numerator, range);
      if (num.value === null) return none(num.reason!);
      return {
        value: round(num.value * f.multiplier),
        numerator: round(num.value),
        denominator: null,
        reason: null,
      };
    }
    case IndicatorKind.RATIO: {
      const r = ratio(t, f, range);
      const parts = [r.num === null ? null : round(r.num), r.den === null ? null : round(r.den)] as const;
      if (r.value === null) return none(r.reason!, ...parts);
      return {
        value: round(r.value * f.multiplier),
        numerator: parts[0],
        denominator: parts[1],
        reason: null,
      };
    }
    case IndicatorKind.GROWTH:
    case IndicatorKind.CHANGE: {
      const now = ratio(t, f, range);
      const before = ratio(t, f, shiftRange(range, -12));
      if (now.value === null) return none(now.reason!);
      const base = now.value;
      if (before.value === null || (kind === IndicatorKind.GROWTH && before.value === 0)) {
        return none(
          before.reason && before.reason !== REASONS.zeroDenominator ? before.reason : REASONS.zeroBase,
        );
      }
      const shown = (n: number) => round(kind === IndicatorKind.CHANGE ? n * f.multiplier : n);
      const value =
        kind === IndicatorKind.GROWTH
          ? ((base - before.value) / before.value) * 100
          : (base - before.value) * f.multiplier;
      return { value: round(value), numerator: shown(base), denominator: shown(before.value), reason: null };
    }
  }
}

/** The target that decides "met": the consortium's own, else the province's, else the national one. */
export function decidingTarget(targets: readonly Target[]): Target | null {
  for (const source of TARGET_PRECEDENCE) {
    const t = targets.find((x) => x.source === source);
    if (t) return t;
  }
  return null;
}

export function isMet(value: number | null, target: Target | null, direction: Direction): boolean | null {
  if (value === null || !target || direction === Direction.NEUTRAL) return null;
  return direction === Direction.HIGHER_BETTER ? value >= target.value : value <= target.value;
}

export function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : round(a - b);
}
