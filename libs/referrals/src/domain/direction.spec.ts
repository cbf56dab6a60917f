import { Tier } from '@yg/network/domain/institution-kind';
import { ReferralDirection as D } from './referral.enums';
import { directionProblem, expectedDirection } from './direction';

const { VILLAGE, TOWNSHIP, COUNTY, EXTERNAL } = Tier;

/** Every ordered tier pair and the one direction a referral between them may have. */
const EXPECTED: [Tier, Tier, D | null][] = [
  [VILLAGE, VILLAGE, D.LATERAL],
  [VILLAGE, TOWNSHIP, D.UP],
  [VILLAGE, COUNTY, D.UP],
  [VILLAGE, EXTERNAL, D.UP],
  [TOWNSHIP, VILLAGE, D.DOWN],
  [TOWNSHIP, TOWNSHIP, D.LATERAL],
  [TOWNSHIP, COUNTY, D.UP],
  [TOWNSHIP, EXTERNAL, D.UP],
  [COUNTY, VILLAGE, D.DOWN],
  [COUNTY, TOWNSHIP, D.DOWN],
  [COUNTY, COUNTY, D.LATERAL],
  [COUNTY, EXTERNAL, D.UP],
  [EXTERNAL, VILLAGE, D.DOWN],
  [EXTERNAL, TOWNSHIP, D.DOWN],
  [EXTERNAL, COUNTY, D.DOWN],
  [EXTERNAL, EXTERNAL, null],
];

describe('referral direction by tier', () => {
  it('covers every tier pair', () => {
    const tiers = Object.values(Tier);
    expect(EXPECTED).toHaveLength(tiers.length * tiers.length);
    for (const a of tiers)
      for (const b of tiers) expect(EXPECTED.some(([f, t]) => f === a && t === b)).toBe(true);
  });

  it.each(EXPECTED)('from %s to %s must be %s', (from, to, expected) => {
    expect(expectedDirection(from, to)).toBe(expected);
  });

  it.each(
    EXPECTED.flatMap(([from, to, expected]) => Object.values(D).map((d) => [from, to, d, expected] as const)),
  )('from %s to %s, %s is accepted only when it is %s', (from, to, direction, expected) => {
    const problem = directionProblem(direction, from, to);
    if (direction === expected) {
      expect(problem).toBeNull();
    } else {
      expect(problem).toEqual(expect.any(String));
      // Bilingual, and names what would be right.
      expect(problem).toMatch(/[\u4e00-\u9fff]/);
      expect(problem).toMatch(/[A-Za-z]{3,}/);
      if (expected) expect(problem).toContain(expected);
    }
  });

  it('refuses any referral between two partner hospitals, whatever the direction', () => {
    for (const d of Object.values(D)) expect(directionProblem(d, EXTERNAL, EXTERNAL)).toContain('partner');
  });
});
