import { createHash } from 'node:crypto';

export type TaskDirection = 'HIGHER_BETTER' | 'LOWER_BETTER';

/** A key task's three target levels: 考核 (required), 努力 (effort), 挑战 (challenge). */
export interface TargetLevels {
  required: number;
  effort: number;
  challenge: number;
}

/** Shares of a task's points at each level; linear in between, capped at 100 %. */
export const SHARE_AT_REQUIRED = 0.6;
export const SHARE_AT_EFFORT = 0.8;
export const SHARE_AT_CHALLENGE = 1;

/** Levels must be ordered in the task's direction (challenge the hardest). */
export function levelsOrdered(l: TargetLevels, direction: TaskDirection): boolean {
  return direction === 'HIGHER_BETTER'
    ? l.required < l.effort && l.effort < l.challenge
    : l.required > l.effort && l.effort > l.challenge;
}

/**
 * The share (0–1) of a task's completion points a value earns. Lower-is-better tasks are
 * mirrored (distances measured downwards), so the same rule serves both. Below 考核 a task
 * earns nothing, unless the scheme gives proportional credit: 60 % × value / 考核 (higher is
 * better) or 60 % × 考核 / value (lower is better).
 */
export function completionShare(
  value: number | null,
  l: TargetLevels,
  direction: TaskDirection,
  creditBelowRequired: boolean,
): number {
  if (value === null || !Number.isFinite(value)) return 0;
  const s = direction === 'HIGHER_BETTER' ? 1 : -1;
  // Progress past a level, in the direction that counts.
  const past = (level: number) => s * (value - level);
  if (past(l.challenge) >= 0) return SHARE_AT_CHALLENGE;
  if (past(l.effort) >= 0) {
    return (
      SHARE_AT_EFFORT +
      ((SHARE_AT_CHALLENGE - SHARE_AT_EFFORT) * past(l.effort)) / (s * (l.challenge - l.effort))
    );
  }
  if (past(l.required) >= 0) {
    return (
      SHARE_AT_REQUIRED +
      ((SHARE_AT_EFFORT - SHARE_AT_REQUIRED) * past(l.required)) / (s * (l.effort - l.required))
    );
  }
  if (!creditBelowRequired) return 0;
  if (s > 0) return l.required > 0 && value > 0 ? (SHARE_AT_REQUIRED * value) / l.required : 0;
  return value > 0 ? Math.min(SHARE_AT_REQUIRED, (SHARE_AT_REQUIRED * l.required) / value) : 0;
}

export interface TaskShare {
  points: number;
  share: number;
}

/** A unit's completion score: the weight × earned points / the points of its tasks (0 without tasks). */
export function completionScore(tasks: readonly TaskShare[], weight: number): number {
  const total = tasks.reduce((a, t) => a + t.points, 0);
  if (total <= 0) return 0;
  const earned = tasks.reduce((a, t) => a + t.points * Math.min(1, Math.max(0, t.share)), 0);
  return round2((weight * earned) / total);
}

export function round2(x: number): number {
  return Math.round(x * 100 + Number.EPSILON * Math.sign(x)) / 100;
}

/** Recognition: ratings are given 0–100; the month's figure is their mean scaled to the weight. */
export function recognitionScore(ratings: readonly number[], weight: number): number | null {
  if (!ratings.length) return null;
  return round2((ratings.reduce((a, r) => a + r, 0) / ratings.length) * (weight / 100));
}

export interface RankInput {
  institutionId: string;
  /** Tie-break of last resort: the division code, then the id. */
  divisionCode: string;
  completion: number;
  recognition: number | null;
  analysis: number | null;
}

export interface Ranked extends RankInput {
  total: number;
  rank: number;
  top: boolean;
  bottom: boolean;
}

/**
 * Ranking within one comparable group. The tie rule is fixed: higher total, then higher
 * completion, then higher recognition, then higher analysis, then the lower division code,
 * then the lower id — so every unit has its own rank. Top 3 are ranks 1–3; bottom 3 are the
 * last three not already top (a group of 4 has 3 top and 1 bottom).
 */
export function rankGroup(units: readonly RankInput[]): Ranked[] {
  const withTotal = units.map((u) => ({
    ...u,
    total: round2(u.completion + (u.recognition ?? 0) + (u.analysis ?? 0)),
  }));
  withTotal.sort(
    (a, b) =>
      b.total - a.total ||
      b.completion - a.completion ||
      (b.recognition ?? 0) - (a.recognition ?? 0) ||
      (b.analysis ?? 0) - (a.analysis ?? 0) ||
      cmp(a.divisionCode, b.divisionCode) ||
      cmp(a.institutionId, b.institutionId),
  );
  const n = withTotal.length;
  return withTotal.map((u, i) => ({ ...u, rank: i + 1, top: i < 3, bottom: i >= 3 && i >= n - 3 }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A reproducible draw: `count` units from `units` (taken in the order given, which the month
 * records), by a Fisher–Yates shuffle driven by SHA-256 of `${seed}:${i}` — the first 6 bytes
 * of each digest as an integer, modulo the remaining length. Anyone with the seed and the list
 * gets the same units.
 */
export function drawUnits(seed: string, units: readonly string[], count: number): string[] {
  const pool = [...units];
  const out: string[] = [];
  for (let i = 0; i < count && pool.length; i++) {
    const digest = createHash('sha256').update(`${seed}:${i}`).digest();
    const j = digest.readUIntBE(0, 6) % pool.length;
    out.push(pool[j]);
    pool.splice(j, 1);
  }
  return out;
}

export interface Distribution {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** Quartiles by linear interpolation between order statistics (the spreadsheet QUARTILE.INC rule). */
export function distribution(values: readonly number[]): Distribution | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (v.length - 1) * p;
    const lo = Math.floor(h);
    return round2(v[lo] + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] ?? v[lo]) - v[lo]));
  };
  return { count: v.length, min: v[0], q1: q(0.25), median: q(0.5), q3: q(0.75), max: v[v.length - 1] };
}
