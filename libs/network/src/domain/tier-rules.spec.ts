import { InstitutionKind, Tier } from './institution-kind';
import { kindTierProblem, parentProblem } from './tier-rules';
import { checkStructure } from './framework';

const node = (tier: Tier, name: string = tier) => ({ id: name, name, tier });

describe('tier rules', () => {
  it('lets a child sit under the same or a higher tier', () => {
    expect(parentProblem(node(Tier.VILLAGE), node(Tier.TOWNSHIP))).toBeNull();
    expect(parentProblem(node(Tier.TOWNSHIP), node(Tier.TOWNSHIP))).toBeNull();
    expect(parentProblem(node(Tier.TOWNSHIP), node(Tier.COUNTY))).toBeNull();
  });

  it('refuses a parent of a lower tier, naming both', () => {
    const msg = parentProblem(node(Tier.COUNTY, '县医院'), node(Tier.VILLAGE, '村卫生室'));
    expect(msg).toContain('县医院');
    expect(msg).toContain('村卫生室');
    expect(msg).toMatch(/parent tier VILLAGE is lower than child tier COUNTY/);
  });

  it('keeps partner hospitals out of the tree', () => {
    expect(parentProblem(node(Tier.EXTERNAL), node(Tier.COUNTY))).not.toBeNull();
    expect(parentProblem(node(Tier.COUNTY), node(Tier.EXTERNAL))).not.toBeNull();
  });

  it('checks that kind and tier agree', () => {
    expect(kindTierProblem(InstitutionKind.VILLAGE_CLINIC, Tier.VILLAGE)).toBeNull();
    expect(kindTierProblem(InstitutionKind.VILLAGE_CLINIC, Tier.COUNTY)).toMatch(
      /VILLAGE_CLINIC must have tier VILLAGE/,
    );
    expect(kindTierProblem(InstitutionKind.PARTNER_HOSPITAL, Tier.COUNTY)).not.toBeNull();
  });
});

describe('framework check', () => {
  const holding = {
    GENERAL_HOSPITAL: 1,
    SPECIALTY_HOSPITAL: 2,
    COMMUNITY_HOSPITAL_GROUP: 2,
    REGIONAL_SUBCENTER: 4,
    VILLAGE_CLINIC: 30,
  };

  it('holds for 1/2/2/4 whatever sits below', () => {
    const r = checkStructure('1224', holding);
    expect(r).toMatchObject({ known: true, holds: true, differences: [] });
  });

  it('names the part that differs', () => {
    const r = checkStructure('1224', { ...holding, REGIONAL_SUBCENTER: 3 });
    expect(r.holds).toBe(false);
    expect(r.differences).toHaveLength(1);
    expect(r.differences[0]).toContain('REGIONAL_SUBCENTER: expected 4, found 3');
    expect(r.counts.find((c) => c.kind === 'REGIONAL_SUBCENTER')).toMatchObject({
      expected: 4,
      actual: 3,
      holds: false,
    });
  });

  it('does not claim an unknown framework holds', () => {
    const r = checkStructure('9999', holding);
    expect(r).toMatchObject({ known: false, holds: false });
    expect(r.differences.join()).toContain('unknown framework 9999');
  });
});
