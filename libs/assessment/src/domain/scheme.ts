/** A comparable group: units ranked among themselves, chosen by institution kind and/or tier. */
export interface GroupRule {
  code: string;
  name: string;
  kinds: string[];
  tiers: string[];
}

/** The rules a month is scored by. Version 0 is the built-in default, until the consortium edits it. */
export interface Scheme {
  version: number;
  completionWeight: number;
  recognitionWeight: number;
  analysisWeight: number;
  creditBelowRequired: boolean;
  groups: GroupRule[];
}

export const DEFAULT_SCHEME: Scheme = {
  version: 0,
  completionWeight: 60,
  recognitionWeight: 20,
  analysisWeight: 20,
  creditBelowRequired: false,
  groups: [
    { code: 'COUNTY', name: '县级医院 County hospitals', kinds: [], tiers: ['COUNTY'] },
    { code: 'TOWNSHIP', name: '乡镇卫生院 Township health centres', kinds: [], tiers: ['TOWNSHIP'] },
    { code: 'VILLAGE', name: '村卫生室 Village clinics', kinds: [], tiers: ['VILLAGE'] },
  ],
};

/** The first group the institution matches (empty kinds/tiers match any), or null: not assessed. */
export function groupOf(scheme: Scheme, inst: { kind: string; tier: string }): GroupRule | null {
  return (
    scheme.groups.find(
      (g) =>
        (!g.kinds.length || g.kinds.includes(inst.kind)) && (!g.tiers.length || g.tiers.includes(inst.tier)),
    ) ?? null
  );
}

/**
 * The first group that can never take a unit: every kind × tier it names (empty: any) is taken
 * by a group before it, since a unit goes to the first group it matches. Such a group is a
 * mistake (a catch-all put first ranks every unit together), never a choice.
 */
export function shadowedGroup(
  groups: Pick<GroupRule, 'code' | 'kinds' | 'tiers'>[],
  allKinds: readonly string[],
  allTiers: readonly string[],
): Pick<GroupRule, 'code' | 'kinds' | 'tiers'> | null {
  const matches = (g: Pick<GroupRule, 'kinds' | 'tiers'>, kind: string, tier: string) =>
    (!g.kinds.length || g.kinds.includes(kind)) && (!g.tiers.length || g.tiers.includes(tier));
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const kinds = g.kinds.length ? g.kinds : allKinds;
    const tiers = g.tiers.length ? g.tiers : allTiers;
    const reachable = kinds.some((k) => tiers.some((t) => !groups.slice(0, i).some((e) => matches(e, k, t))));
    if (!reachable) return g;
  }
  return null;
}
