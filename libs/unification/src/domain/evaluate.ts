import {
  anywhere,
  anywhereOf,
  combine,
  consortiumOutcome,
  countOutcomes,
  Dimension,
  DIMENSIONS,
  dimensionOf,
  dimensionOutcome,
  EvidenceRecord,
  evidenceFrom,
  evidenceOutcome,
  ItemKind,
  ItemOutcome,
  ItemResult,
  dataOutcome,
  judgeData,
  judgeEvidence,
  LEVEL,
  MeasureLookup,
  Outcome,
  OutcomeCounts,
  QUALITATIVE,
  QUALITATIVE_KEYS,
  QualitativeResult,
  UnificationItem,
} from './scorecard';
import type { Tier } from '@yg/network/domain/institution-kind';

export interface MemberInstitution {
  id: string;
  name: string;
  tier: Tier;
}

export interface DimensionResult {
  dimension: Dimension;
  outcome: Outcome;
  reason: string | null;
  items: ItemResult[];
}

export interface InstitutionScorecard {
  institution: MemberInstitution;
  dimensions: DimensionResult[];
}

export interface DimensionRollup {
  dimension: Dimension;
  counts: OutcomeCounts;
  outcome: Outcome;
}

export interface Scorecard {
  institutions: InstitutionScorecard[];
  rollup: DimensionRollup[];
  qualitative: QualitativeResult[];
}

/** Every institution on the items of its tier, rolled up, and the qualitative indicators read from it. */
export function scorecard(
  items: readonly UnificationItem[],
  institutions: readonly MemberInstitution[],
  measures: MeasureLookup,
  evidence: readonly EvidenceRecord[],
  lastDay: string,
): Scorecard {
  const active = items.filter((i) => i.active);
  // A province's consortium has hundreds of members: each tier's items per dimension are
  // sorted once and each member's evidence found once, not again for every member and item.
  const ofTier = new Map<string, UnificationItem[]>();
  const itemsOf = (dimension: Dimension, tier: Tier) => {
    const key = `${dimension}|${tier}`;
    let list = ofTier.get(key);
    if (!list) {
      list = active
        .filter((i) => i.dimension === dimension && i.tiers.includes(tier))
        .sort((a, b) => a.position - b.position || a.code.localeCompare(b.code));
      ofTier.set(key, list);
    }
    return list;
  };
  const evidenceOf = evidenceByInstitution(evidence);
  const cards = institutions.map((inst) => ({
    institution: inst,
    dimensions: DIMENSIONS.map(({ dimension }) => {
      const results = itemsOf(dimension, inst.tier).map((i) =>
        i.kind === ItemKind.DATA
          ? judgeData(i, measures, inst.id)
          : judgeEvidence(i, evidenceOf.get(inst.id) ?? [], inst.id, lastDay),
      );
      return { dimension, ...dimensionOutcome(results), items: results };
    }),
  }));
  const rollup = DIMENSIONS.map(({ dimension }) => {
    const counts = countOutcomes(
      cards.map((c) => c.dimensions.find((d) => d.dimension === dimension)!.outcome),
    );
    return { dimension, counts, outcome: consortiumOutcome(counts) };
  });
  const resultsOf = new Map<string, ItemResult[]>();
  for (const c of cards) {
    for (const d of c.dimensions) {
      for (const r of d.items) {
        const list = resultsOf.get(r.item.code);
        if (list) list.push(r);
        else resultsOf.set(r.item.code, [r]);
      }
    }
  }
  const byItem = (code: string) => resultsOf.get(code) ?? [];
  const qualitative = QUALITATIVE_KEYS.map((key) => {
    const q = QUALITATIVE[key];
    const outcome = combine([
      ...q.dimensions.map((d) => rollup.find((r) => r.dimension === d)!.outcome),
      ...q.items.map((code) => anywhere(byItem(code))),
    ]);
    return { key, outcome, value: LEVEL[outcome] };
  });
  return { institutions: cards, rollup, qualitative };
}

/** Each member's evidence records, found once for every item judged. */
export function evidenceByInstitution(evidence: readonly EvidenceRecord[]): Map<string, EvidenceRecord[]> {
  const out = new Map<string, EvidenceRecord[]>();
  for (const r of evidence) {
    const list = out.get(r.institutionId);
    if (list) list.push(r);
    else out.set(r.institutionId, [r]);
  }
  return out;
}

/**
 * scorecard(…).qualitative without the scorecard: only the dimensions and items the three
 * qualitative indicators read are judged, by outcome alone (no reasons, no evidence lists, no
 * per-member cards), and an item taken "anywhere" stops at the first member that has it MET.
 */
export function qualitativeOutcomes(
  items: readonly UnificationItem[],
  institutions: readonly MemberInstitution[],
  measures: MeasureLookup,
  evidenceOf: ReadonlyMap<string, readonly EvidenceRecord[]>,
  lastDay: string,
): QualitativeResult[] {
  const active = items.filter((i) => i.active);
  // Each evidence item's window, found once rather than per member.
  const fromOf = new Map(
    active.filter((i) => i.kind !== ItemKind.DATA).map((i) => [i, evidenceFrom(i, lastDay)]),
  );
  const judge = (i: UnificationItem, inst: MemberInstitution): ItemOutcome =>
    i.kind === ItemKind.DATA
      ? dataOutcome(i, measures, inst.id)
      : evidenceOutcome(i, evidenceOf.get(inst.id) ?? [], inst.id, lastDay, fromOf.get(i)!);
  const dimensionRollup = new Map<Dimension, Outcome>();
  const rollupOf = (dimension: Dimension): Outcome => {
    let outcome = dimensionRollup.get(dimension);
    if (outcome === undefined) {
      const ofTier = new Map<string, UnificationItem[]>();
      const counts: OutcomeCounts = { met: 0, partial: 0, notMet: 0 };
      for (const inst of institutions) {
        let list = ofTier.get(inst.tier);
        if (!list) {
          list = active.filter((i) => i.dimension === dimension && i.tiers.includes(inst.tier));
          ofTier.set(inst.tier, list);
        }
        const o = dimensionOf(list.map((i) => judge(i, inst)));
        if (o === Outcome.MET) counts.met++;
        else if (o === Outcome.PARTIAL) counts.partial++;
        else counts.notMet++;
      }
      outcome = consortiumOutcome(counts);
      dimensionRollup.set(dimension, outcome);
    }
    return outcome;
  };
  const itemAnywhere = (code: string): Outcome => {
    // One version per code is in force; its results are those of the members of its tiers.
    const outcomes: ItemOutcome[] = [];
    for (const i of active) {
      if (i.code !== code) continue;
      for (const inst of institutions) {
        if (!i.tiers.includes(inst.tier)) continue;
        const o = judge(i, inst);
        if (o === ItemOutcome.MET) return Outcome.MET;
        outcomes.push(o);
      }
    }
    return anywhereOf(outcomes);
  };
  return QUALITATIVE_KEYS.map((key) => {
    const q = QUALITATIVE[key];
    const outcome = combine([...q.dimensions.map(rollupOf), ...q.items.map(itemAnywhere)]);
    return { key, outcome, value: LEVEL[outcome] };
  });
}
