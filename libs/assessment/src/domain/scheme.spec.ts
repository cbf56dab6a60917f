import { shadowedGroup } from './scheme';

const KINDS = ['GENERAL_HOSPITAL', 'TOWNSHIP_HEALTH_CENTER', 'VILLAGE_CLINIC'];
const TIERS = ['COUNTY', 'TOWNSHIP', 'VILLAGE'];
const g = (code: string, kinds: string[] = [], tiers: string[] = []) => ({ code, kinds, tiers });

describe('shadowedGroup', () => {
  it('finds none in groups that each take something', () => {
    expect(
      shadowedGroup(
        [g('C', [], ['COUNTY']), g('T', [], ['TOWNSHIP']), g('V', [], ['VILLAGE'])],
        KINDS,
        TIERS,
      ),
    ).toBeNull();
    // A catch-all last takes what the others leave.
    expect(shadowedGroup([g('C', [], ['COUNTY']), g('REST')], KINDS, TIERS)).toBeNull();
    // Overlapping, but the later one still takes one kind × tier of its own.
    expect(
      shadowedGroup(
        [g('A', ['GENERAL_HOSPITAL'], ['COUNTY']), g('B', ['GENERAL_HOSPITAL'], ['COUNTY', 'TOWNSHIP'])],
        KINDS,
        TIERS,
      ),
    ).toBeNull();
  });

  it('names a group after a catch-all, and one whose kinds and tiers are all taken before it', () => {
    expect(shadowedGroup([g('ALL'), g('T', [], ['TOWNSHIP'])], KINDS, TIERS)?.code).toBe('T');
    expect(
      shadowedGroup(
        [
          g('C', [], ['COUNTY']),
          g('T', [], ['TOWNSHIP']),
          g('HOSP', ['GENERAL_HOSPITAL'], ['COUNTY', 'TOWNSHIP']),
        ],
        KINDS,
        TIERS,
      )?.code,
    ).toBe('HOSP');
    // The same group twice: the second takes nothing.
    expect(shadowedGroup([g('V1', [], ['VILLAGE']), g('V2', [], ['VILLAGE'])], KINDS, TIERS)?.code).toBe(
      'V2',
    );
  });
});
