import {
  anywhere,
  combine,
  consortiumOutcome,
  countOutcomes,
  Dimension,
  DIMENSIONS,
  dimensionOutcome,
  EvidenceRecord,
  ItemKind,
  ItemResult,
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
  const evidenceOf = new Map<string, EvidenceRecord[]>();
  for (const r of evidence) {
    const list = evidenceOf.get(r.institutionId);
    if (list) list.push(r);
    else evidenceOf.set(r.institutionId, [r]);
  }
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
