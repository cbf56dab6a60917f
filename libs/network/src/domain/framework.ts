import { InstitutionKind, KIND_LABELS } from './institution-kind';

/** Declared consortium frameworks: how many institutions of each kind the model requires. */
export const FRAMEWORKS: Record<
  string,
  { description: string; expected: Partial<Record<InstitutionKind, number>> }
> = {
  '1224': {
    description:
      '1个总医院、2个专科医院、2个社区医院集团、4个区域医疗卫生次中心 (1 general hospital, 2 specialty hospitals, 2 community hospital groups, 4 regional sub-centres)',
    expected: {
      GENERAL_HOSPITAL: 1,
      SPECIALTY_HOSPITAL: 2,
      COMMUNITY_HOSPITAL_GROUP: 2,
      REGIONAL_SUBCENTER: 4,
    },
  },
};

export interface KindCount {
  kind: InstitutionKind;
  expected: number | null;
  actual: number;
  holds: boolean;
}

export interface StructureCheck {
  framework: string;
  known: boolean;
  holds: boolean;
  counts: KindCount[];
  differences: string[];
}

/** Compares actual counts by kind with what the declared framework requires. */
export function checkStructure(
  framework: string,
  actual: Partial<Record<InstitutionKind, number>>,
): StructureCheck {
  const spec = FRAMEWORKS[framework];
  const counts: KindCount[] = Object.values(InstitutionKind).map((kind) => {
    const expected = spec?.expected[kind] ?? null;
    const n = actual[kind] ?? 0;
    return { kind, expected, actual: n, holds: expected === null || expected === n };
  });
  const differences = counts
    .filter((c) => !c.holds)
    .map(
      (c) =>
        `${KIND_LABELS[c.kind]}应为 ${c.expected} 个,实际 ${c.actual} 个 (${c.kind}: expected ${c.expected}, found ${c.actual})`,
    );
  if (!spec) {
    differences.push(`未知的医共体框架「${framework}」(unknown framework ${framework})`);
  }
  return { framework, known: !!spec, holds: !!spec && differences.length === 0, counts, differences };
}
