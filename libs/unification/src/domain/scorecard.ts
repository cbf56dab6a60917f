import { Tier } from '@yg/network/domain/institution-kind';

/**
 * The seven-unification scorecard as data and its rules, free of storage: items (data checks
 * and evidence items), how one item is judged, how a dimension follows from its items, how the
 * consortium's outcome follows from its institutions, and how the qualitative national
 * indicators read it.
 */

export enum Dimension {
  ADMINISTRATION = 'ADMINISTRATION',
  PERSONNEL = 'PERSONNEL',
  FINANCE = 'FINANCE',
  BUSINESS = 'BUSINESS',
  DRUGS = 'DRUGS',
  INFORMATION = 'INFORMATION',
  PERFORMANCE = 'PERFORMANCE',
}

/** In the order the consortium lists them: 行政 人员 财务 业务 药械 信息 绩效. */
export const DIMENSIONS: { dimension: Dimension; nameZh: string; nameEn: string }[] = [
  { dimension: Dimension.ADMINISTRATION, nameZh: '行政', nameEn: 'Administration' },
  { dimension: Dimension.PERSONNEL, nameZh: '人员', nameEn: 'Personnel' },
  { dimension: Dimension.FINANCE, nameZh: '财务', nameEn: 'Finance' },
  { dimension: Dimension.BUSINESS, nameZh: '业务', nameEn: 'Clinical business' },
  { dimension: Dimension.DRUGS, nameZh: '药械', nameEn: 'Drugs and devices' },
  { dimension: Dimension.INFORMATION, nameZh: '信息', nameEn: 'Information' },
  { dimension: Dimension.PERFORMANCE, nameZh: '绩效', nameEn: 'Performance' },
];

export enum ItemKind {
  /** Computed from measures over the period. */
  DATA = 'DATA',
  /** Proven by a recorded document a reviewer accepted. */
  EVIDENCE = 'EVIDENCE',
}

export enum Comparator {
  GTE = 'GTE',
  GT = 'GT',
  LTE = 'LTE',
  LT = 'LT',
}

export enum Outcome {
  MET = 'MET',
  PARTIAL = 'PARTIAL',
  NOT_MET = 'NOT_MET',
}

export enum ItemOutcome {
  MET = 'MET',
  PARTIAL = 'PARTIAL',
  NOT_MET = 'NOT_MET',
  /** A measure has no registered source: listed as a reason, counted as not met. */
  NO_DATA = 'NO_DATA',
  /** Nothing to measure in the period (a zero denominator): listed, left out of the dimension. */
  NOT_APPLICABLE = 'NOT_APPLICABLE',
}

/** The pseudo-measure for the number of days in the period's months. */
export const PERIOD_DAYS = 'period.days';

export interface DataCheck {
  /** Summed measure keys. */
  numerator: string[];
  /** Summed measure keys (PERIOD_DAYS allowed); null: the numerator itself is compared. */
  denominator: string[] | null;
  /** 100 for a percentage, 1 otherwise. */
  multiplier: number;
  comparator: Comparator;
  /** Reaching this (by the comparator) is MET. */
  met: number;
  /** Reaching this but not `met` is PARTIAL; null: no PARTIAL. */
  partial: number | null;
}

export interface EvidenceCheck {
  /** The document kind expected, e.g. POLICY_DOCUMENT. */
  evidenceKind: string;
  /** How many months an accepted document counts before the period's end; null: for good. */
  validMonths: number | null;
}

/** Members of the consortium: partner hospitals (EXTERNAL) are not judged. */
export const MEMBER_TIERS: readonly Tier[] = [Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE];

export interface UnificationItem {
  id: string;
  tenantId: string | null;
  code: string;
  version: number;
  dimension: Dimension;
  position: number;
  nameZh: string;
  nameEn: string;
  kind: ItemKind;
  /** Institutions of these tiers are judged on it. */
  tiers: Tier[];
  data: DataCheck | null;
  evidence: EvidenceCheck | null;
  active: boolean;
  changeNote: string | null;
  createdBy: string | null;
  createdAt: Date;
}

const KEY = /^[a-z]+\.[a-z0-9_]+(\.[A-Z0-9_]+)?$/;
export const EVIDENCE_KIND = /^[A-Z][A-Z0-9_]{1,39}$/;

/** What is wrong with an item's check, zh + en; empty when it is sound. */
export function itemProblems(
  kind: ItemKind,
  data: DataCheck | null,
  evidence: EvidenceCheck | null,
  tiers: string[],
) {
  const out: string[] = [];
  if (!tiers.length) out.push('至少适用一个层级 (at least one tier)');
  for (const t of tiers) if (!MEMBER_TIERS.includes(t as Tier)) out.push(`未知层级: ${t} (unknown tier)`);
  if (kind === ItemKind.EVIDENCE) {
    if (data) out.push('材料项没有数据核查 (an evidence item has no data check)');
    if (!evidence) return [...out, '材料项需指定材料类型 (an evidence item needs a document kind)'];
    if (!EVIDENCE_KIND.test(evidence.evidenceKind)) out.push('材料类型不合法 (bad document kind)');
    if (
      evidence.validMonths !== null &&
      (!Number.isInteger(evidence.validMonths) || evidence.validMonths < 1 || evidence.validMonths > 120)
    )
      out.push('有效月数为 1–120 (valid months: 1–120)');
    return out;
  }
  if (evidence) out.push('数据项没有材料类型 (a data item has no document kind)');
  if (!data) return [...out, '数据项需指定核查规则 (a data item needs a check)'];
  if (!data.numerator.length) out.push('分子至少一项 (the numerator needs a measure)');
  if (data.denominator && !data.denominator.length) out.push('分母为空 (empty denominator)');
  for (const k of [...data.numerator, ...(data.denominator ?? [])]) {
    if (!KEY.test(k)) out.push(`度量名不合法: ${k} (bad measure key)`);
    // uni.* measures are read from this scorecard: a check on them would go round in a circle.
    if (k.startsWith('uni.')) out.push(`不能引用七统一自身的度量: ${k} (the scorecard's own measures)`);
  }
  if (data.numerator.includes(PERIOD_DAYS)) out.push(`${PERIOD_DAYS} 只能用于分母 (denominator only)`);
  if (!Number.isFinite(data.multiplier) || data.multiplier <= 0)
    out.push('倍数必须为正数 (the multiplier must be positive)');
  if (!Number.isFinite(data.met)) out.push('达标值不合法 (bad threshold)');
  if (data.partial !== null) {
    if (!Number.isFinite(data.partial)) out.push('部分达标值不合法 (bad partial threshold)');
    else if (!reaches(data.met, data.partial, data.comparator) || data.met === data.partial)
      out.push('部分达标值须比达标值宽松 (the partial threshold must be easier than the met one)');
  }
  return out;
}

export function reaches(value: number, threshold: number, c: Comparator): boolean {
  switch (c) {
    case Comparator.GTE:
      return value >= threshold;
    case Comparator.GT:
      return value > threshold;
    case Comparator.LTE:
      return value <= threshold;
    case Comparator.LT:
      return value < threshold;
  }
}

const SYMBOL: Record<Comparator, string> = { GTE: '≥', GT: '>', LTE: '≤', LT: '<' };

export const OUTCOME_LABEL: Record<ItemOutcome, string> = {
  MET: '达标 met',
  PARTIAL: '部分达标 partly met',
  NOT_MET: '未达标 not met',
  NO_DATA: '缺少数据 no data',
  NOT_APPLICABLE: '本期无可计算记录 nothing to measure',
};

export interface QualitativeResult {
  key: QualitativeKey;
  outcome: Outcome;
  value: number;
}

export interface ItemResult {
  item: UnificationItem;
  outcome: ItemOutcome;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Evidence records considered (ids), for an evidence item. */
  evidenceIds: string[];
  reason: string;
}

/** Totals of the measures an institution has over the period (missing keys: no source). */
export interface MeasureLookup {
  /** Whether some registered source answers the key. */
  available(key: string): boolean;
  /** Σ over the period (levels averaged over its months unless `sum` is set). */
  total(key: string, institutionId: string, opts?: { sum?: boolean }): number;
  /** Days in the period. */
  days: number;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

interface DataFigures {
  outcome: ItemOutcome;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  missing: string[];
}

/** A data item's figures and outcome, without the reason text (judgeData adds it). */
function dataFigures(item: UnificationItem, m: MeasureLookup, institutionId: string): DataFigures {
  const c = item.data!;
  const missing: string[] = [];
  for (const k of c.numerator) if (k !== PERIOD_DAYS && !m.available(k)) missing.push(k);
  if (c.denominator) for (const k of c.denominator) if (k !== PERIOD_DAYS && !m.available(k)) missing.push(k);
  if (missing.length) {
    return { outcome: ItemOutcome.NO_DATA, value: null, numerator: null, denominator: null, missing };
  }
  // Against the period's days the numerator counts days in every month, so it is summed.
  const perDay = c.denominator?.includes(PERIOD_DAYS) ?? false;
  const sumOf = (list: string[]) =>
    list.reduce((s, k) => s + (k === PERIOD_DAYS ? m.days : m.total(k, institutionId, { sum: perDay })), 0);
  const num = round(sumOf(c.numerator));
  const den = c.denominator ? round(sumOf(c.denominator)) : null;
  if (den === 0) {
    return { outcome: ItemOutcome.NOT_APPLICABLE, value: null, numerator: num, denominator: 0, missing };
  }
  const value = round((den === null ? num : num / den) * c.multiplier);
  const outcome = reaches(value, c.met, c.comparator)
    ? ItemOutcome.MET
    : c.partial !== null && reaches(value, c.partial, c.comparator)
      ? ItemOutcome.PARTIAL
      : ItemOutcome.NOT_MET;
  return { outcome, value, numerator: num, denominator: den, missing };
}

/** judgeData's outcome alone: what the qualitative indicators need, with no text built. */
export function dataOutcome(item: UnificationItem, m: MeasureLookup, institutionId: string): ItemOutcome {
  return dataFigures(item, m, institutionId).outcome;
}

export function judgeData(item: UnificationItem, m: MeasureLookup, institutionId: string): ItemResult {
  const c = item.data!;
  const { missing, ...f } = dataFigures(item, m, institutionId);
  const base = { item, evidenceIds: [] as string[], ...f };
  if (f.outcome === ItemOutcome.NO_DATA) {
    return {
      ...base,
      reason: `缺少数据来源: ${missing.join(', ')} (no source reports ${missing.join(', ')})`,
    };
  }
  if (f.outcome === ItemOutcome.NOT_APPLICABLE) {
    return {
      ...base,
      reason: `分母为零,本期无可计算记录 (nothing to measure: ${c.denominator!.join(' + ')} is 0)`,
    };
  }
  const parts = f.denominator === null ? `${f.numerator}` : `${f.numerator} / ${f.denominator}`;
  const partial = c.partial !== null ? `; 部分达标 partial ${SYMBOL[c.comparator]} ${c.partial}` : '';
  return {
    ...base,
    reason: `${f.value} (${parts}); 达标 met ${SYMBOL[c.comparator]} ${c.met}${partial}: ${OUTCOME_LABEL[f.outcome]}`,
  };
}

export enum ReviewStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
}

export interface EvidenceRecord {
  id: string;
  institutionId: string;
  evidenceKind: string;
  title: string;
  /** 'YYYY-MM-DD' */
  documentDate: string;
  status: ReviewStatus;
}

/** The day `months` months before the day after `lastDay`: the first day still valid. */
export function validFrom(lastDay: string, months: number): string {
  const [y, m] = lastDay.split('-').map(Number);
  // The period ends at a month's end: count whole months back from the next month's first day.
  const idx = y * 12 + (m - 1) + 1 - months;
  return `${String(Math.floor(idx / 12)).padStart(4, '0')}-${String((idx % 12) + 1).padStart(2, '0')}-01`;
}

/** Whether a record counts for an evidence item judged up to `lastDay` (`from`: validFrom, or null). */
function inWindow(
  r: EvidenceRecord,
  e: EvidenceCheck,
  institutionId: string,
  lastDay: string,
  from: string | null,
): boolean {
  return (
    r.institutionId === institutionId &&
    r.evidenceKind === e.evidenceKind &&
    r.documentDate <= lastDay &&
    (from === null || r.documentDate >= from)
  );
}

/** The first day an evidence item's documents count for a period ending `lastDay` (null: any day). */
export function evidenceFrom(item: UnificationItem, lastDay: string): string | null {
  const months = item.evidence!.validMonths;
  return months === null ? null : validFrom(lastDay, months);
}

/** judgeEvidence's outcome alone, with no text or id lists built. */
export function evidenceOutcome(
  item: UnificationItem,
  records: readonly EvidenceRecord[],
  institutionId: string,
  lastDay: string,
  from: string | null = evidenceFrom(item, lastDay),
): ItemOutcome {
  const e = item.evidence!;
  let pending = false;
  for (const r of records) {
    if (!inWindow(r, e, institutionId, lastDay, from)) continue;
    if (r.status === ReviewStatus.ACCEPTED) return ItemOutcome.MET;
    if (r.status === ReviewStatus.PENDING) pending = true;
  }
  return pending ? ItemOutcome.PARTIAL : ItemOutcome.NOT_MET;
}

/**
 * An evidence item is MET with an accepted document of its kind dated within its validity
 * before the period's last day, PARTIAL when such a document awaits review, NOT_MET otherwise.
 */
export function judgeEvidence(
  item: UnificationItem,
  records: readonly EvidenceRecord[],
  institutionId: string,
  lastDay: string,
): ItemResult {
  const e = item.evidence!;
  const from = e.validMonths === null ? null : validFrom(lastDay, e.validMonths);
  const counted = records.filter((r) => inWindow(r, e, institutionId, lastDay, from));
  const accepted = counted.filter((r) => r.status === ReviewStatus.ACCEPTED);
  const pending = counted.filter((r) => r.status === ReviewStatus.PENDING);
  const rejected = counted.filter((r) => r.status === ReviewStatus.REJECTED);
  const window = from === null ? `截至 ${lastDay} (up to ${lastDay})` : `${from} – ${lastDay}`;
  const base = { item, value: null, numerator: null, denominator: null };
  if (accepted.length) {
    return {
      ...base,
      outcome: ItemOutcome.MET,
      evidenceIds: accepted.map((r) => r.id),
      reason: `已认可材料 ${accepted.length} 份: ${accepted.map((r) => `${r.title} (${r.documentDate})`).join('; ')} (accepted evidence, ${window})`,
    };
  }
  if (pending.length) {
    return {
      ...base,
      outcome: ItemOutcome.PARTIAL,
      evidenceIds: pending.map((r) => r.id),
      reason: `材料待审核 ${pending.length} 份 (${pending.length} awaiting review, ${window})`,
    };
  }
  return {
    ...base,
    outcome: ItemOutcome.NOT_MET,
    evidenceIds: rejected.map((r) => r.id),
    reason: rejected.length
      ? `材料均被退回 ${rejected.length} 份 (all ${rejected.length} rejected, ${window})`
      : `未录入 ${e.evidenceKind} 材料 (no ${e.evidenceKind} recorded, ${window})`,
  };
}

/**
 * A dimension from its items: items with nothing to measure are left out; MET when every
 * other item is MET, PARTIAL when at least one is MET or PARTIAL, NOT_MET otherwise (also
 * when no item could be judged). Missing data counts as not met.
 */
export function dimensionOutcome(items: readonly ItemResult[]): { outcome: Outcome; reason: string | null } {
  const outcome = dimensionOf(items.map((i) => i.outcome));
  const judged = items.some((i) => i.outcome !== ItemOutcome.NOT_APPLICABLE);
  return { outcome, reason: judged ? null : '没有可评价的项目 (no item could be judged)' };
}

/** dimensionOutcome's rule on the items' outcomes alone. */
export function dimensionOf(outcomes: readonly ItemOutcome[]): Outcome {
  let judged = 0;
  let met = 0;
  let some = false;
  for (const o of outcomes) {
    if (o === ItemOutcome.NOT_APPLICABLE) continue;
    judged++;
    if (o === ItemOutcome.MET) met++;
    if (o === ItemOutcome.MET || o === ItemOutcome.PARTIAL) some = true;
  }
  if (!judged) return Outcome.NOT_MET;
  if (met === judged) return Outcome.MET;
  return some ? Outcome.PARTIAL : Outcome.NOT_MET;
}

export interface OutcomeCounts {
  met: number;
  partial: number;
  notMet: number;
}

export function countOutcomes(outcomes: readonly Outcome[]): OutcomeCounts {
  return {
    met: outcomes.filter((o) => o === Outcome.MET).length,
    partial: outcomes.filter((o) => o === Outcome.PARTIAL).length,
    notMet: outcomes.filter((o) => o === Outcome.NOT_MET).length,
  };
}

export const CONSORTIUM_RULE =
  '全部机构达标为达标;过半机构未达标为未达标;其余为部分达标 (MET when every institution is MET; NOT_MET when more than half are NOT_MET; PARTIAL otherwise)';

/** The consortium's outcome for one dimension from its institutions' (see CONSORTIUM_RULE). */
export function consortiumOutcome(c: OutcomeCounts): Outcome {
  const n = c.met + c.partial + c.notMet;
  if (n === 0) return Outcome.NOT_MET;
  if (c.met === n) return Outcome.MET;
  if (c.notMet * 2 > n) return Outcome.NOT_MET;
  return Outcome.PARTIAL;
}

/** Several outcomes as one: all MET is MET, all NOT_MET is NOT_MET, anything else PARTIAL. */
export function combine(outcomes: readonly Outcome[]): Outcome {
  if (!outcomes.length) return Outcome.NOT_MET;
  if (outcomes.every((o) => o === Outcome.MET)) return Outcome.MET;
  if (outcomes.every((o) => o === Outcome.NOT_MET)) return Outcome.NOT_MET;
  return Outcome.PARTIAL;
}

/** One item across the consortium: MET when some institution has it MET, PARTIAL when some PARTIAL. */
export function anywhere(results: readonly ItemResult[]): Outcome {
  return anywhereOf(results.map((r) => r.outcome));
}

/** anywhere's rule on the outcomes alone. */
export function anywhereOf(outcomes: readonly ItemOutcome[]): Outcome {
  if (outcomes.includes(ItemOutcome.MET)) return Outcome.MET;
  if (outcomes.includes(ItemOutcome.PARTIAL)) return Outcome.PARTIAL;
  return Outcome.NOT_MET;
}

export const LEVEL: Record<Outcome, number> = { MET: 1, PARTIAL: 0.5, NOT_MET: 0 };

/**
 * The three qualitative national indicators, consortium level, 1 / 0.5 / 0 for MET / PARTIAL /
 * NOT_MET:
 * - uni.resource_unified (资源统一管理): the consortium outcomes of the 人员, 财务, 业务, 药械 and
 *   信息 dimensions combined (all MET → 1, all NOT_MET → 0, else 0.5);
 * - uni.democratic_decision (民主决策): the COMMITTEE_MINUTES evidence item anywhere in the
 *   consortium (accepted minutes → 1, minutes awaiting review → 0.5);
 * - uni.service_coordination (服务协同联动): the referral, remote-consultation and mutual-
 *   recognition items (REFERRALS_IN_SYSTEM, CONSULTATIONS_IN_SYSTEM, MUTUAL_RECOGNITION), each
 *   taken anywhere in the consortium, combined.
 */
export const QUALITATIVE = {
  'uni.resource_unified': {
    nameZh: '资源统一管理',
    dimensions: [
      Dimension.PERSONNEL,
      Dimension.FINANCE,
      Dimension.BUSINESS,
      Dimension.DRUGS,
      Dimension.INFORMATION,
    ],
    items: [] as string[],
  },
  'uni.democratic_decision': {
    nameZh: '医共体内部民主决策',
    dimensions: [] as Dimension[],
    items: ['COMMITTEE_MINUTES'],
  },
  'uni.service_coordination': {
    nameZh: '服务协同联动',
    dimensions: [] as Dimension[],
    items: ['REFERRALS_IN_SYSTEM', 'CONSULTATIONS_IN_SYSTEM', 'MUTUAL_RECOGNITION'],
  },
} as const;
export type QualitativeKey = keyof typeof QUALITATIVE;
export const QUALITATIVE_KEYS = Object.keys(QUALITATIVE) as QualitativeKey[];
