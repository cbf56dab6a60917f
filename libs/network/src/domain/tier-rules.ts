import { InstitutionKind, Tier, KIND_LABELS, TIER_LABELS } from './institution-kind';

/** Higher number = higher level of care. EXTERNAL partners sit outside the tree. */
export const TIER_RANK: Record<Tier, number> = {
  VILLAGE: 1,
  TOWNSHIP: 2,
  COUNTY: 3,
  EXTERNAL: 4,
};

/** Which tiers each kind of institution may have. */
export const KIND_TIERS: Record<InstitutionKind, Tier[]> = {
  GENERAL_HOSPITAL: [Tier.COUNTY],
  SPECIALTY_HOSPITAL: [Tier.COUNTY],
  COMMUNITY_HOSPITAL_GROUP: [Tier.COUNTY, Tier.TOWNSHIP],
  REGIONAL_SUBCENTER: [Tier.TOWNSHIP, Tier.COUNTY],
  TOWNSHIP_HEALTH_CENTER: [Tier.TOWNSHIP],
  COMMUNITY_HEALTH_CENTER: [Tier.TOWNSHIP],
  VILLAGE_CLINIC: [Tier.VILLAGE],
  PARTNER_HOSPITAL: [Tier.EXTERNAL],
};

export interface TreeNode {
  id: string;
  name: string;
  tier: Tier;
}

/** Returns a bilingual reason when the kind/tier pair is not allowed, else null. */
export function kindTierProblem(kind: InstitutionKind, tier: Tier): string | null {
  if (KIND_TIERS[kind].includes(tier)) return null;
  const allowed = KIND_TIERS[kind].map((t) => `${TIER_LABELS[t]} ${t}`).join(' / ');
  return `${KIND_LABELS[kind]}的层级只能是 ${allowed} (a ${kind} must have tier ${KIND_TIERS[kind].join(' or ')})`;
}

/** A child may sit under a parent of the same or a higher tier; partners stay outside. */
export function parentProblem(child: TreeNode, parent: TreeNode): string | null {
  if (child.tier === Tier.EXTERNAL || parent.tier === Tier.EXTERNAL) {
    return `域外合作医院不属于医共体树 (partner hospitals cannot have or be a parent inside the consortium tree)`;
  }
  if (TIER_RANK[parent.tier] < TIER_RANK[child.tier]) {
    return (
      `上级机构「${parent.name}」(${TIER_LABELS[parent.tier]}) 的层级低于「${child.name}」(${TIER_LABELS[child.tier]}) ` +
      `(parent tier ${parent.tier} is lower than child tier ${child.tier})`
    );
  }
  return null;
}
