import {
  completionScore,
  completionShare,
  distribution,
  drawUnits,
  levelsOrdered,
  rankGroup,
  recognitionScore,
} from './scoring';

describe('completion share', () => {
  const up = { required: 80, effort: 90, challenge: 100 };
  const down = { required: 20, effort: 15, challenge: 10 };

  it('earns 60 / 80 / 100 % at the levels and is linear in between (higher is better)', () => {
    expect(completionShare(80, up, 'HIGHER_BETTER', false)).toBeCloseTo(0.6, 10);
    expect(completionShare(85, up, 'HIGHER_BETTER', false)).toBeCloseTo(0.7, 10); // halfway 60→80
    expect(completionShare(90, up, 'HIGHER_BETTER', false)).toBeCloseTo(0.8, 10);
    expect(completionShare(95, up, 'HIGHER_BETTER', false)).toBeCloseTo(0.9, 10); // halfway 80→100
    expect(completionShare(100, up, 'HIGHER_BETTER', false)).toBe(1);
    expect(completionShare(120, up, 'HIGHER_BETTER', false)).toBe(1); // capped
  });

  it('earns nothing below 考核 unless the scheme gives proportional credit', () => {
    expect(completionShare(79.9, up, 'HIGHER_BETTER', false)).toBe(0);
    expect(completionShare(70, up, 'HIGHER_BETTER', true)).toBeCloseTo(0.525, 10); // 0.6 × 70 / 80
    expect(completionShare(null, up, 'HIGHER_BETTER', true)).toBe(0);
  });

  it('mirrors the rule for lower-is-better tasks', () => {
    expect(completionShare(20, down, 'LOWER_BETTER', false)).toBeCloseTo(0.6, 10);
    expect(completionShare(17.5, down, 'LOWER_BETTER', false)).toBeCloseTo(0.7, 10);
    expect(completionShare(15, down, 'LOWER_BETTER', false)).toBeCloseTo(0.8, 10);
    expect(completionShare(12, down, 'LOWER_BETTER', false)).toBeCloseTo(0.92, 10); // 0.8 + 0.2 × 3 / 5
    expect(completionShare(10, down, 'LOWER_BETTER', false)).toBe(1);
    expect(completionShare(4, down, 'LOWER_BETTER', false)).toBe(1);
    expect(completionShare(25, down, 'LOWER_BETTER', false)).toBe(0);
    expect(completionShare(25, down, 'LOWER_BETTER', true)).toBeCloseTo(0.48, 10); // 0.6 × 20 / 25
  });

  it('checks the levels are ordered in the task direction', () => {
    expect(levelsOrdered(up, 'HIGHER_BETTER')).toBe(true);
    expect(levelsOrdered(up, 'LOWER_BETTER')).toBe(false);
    expect(levelsOrdered(down, 'LOWER_BETTER')).toBe(true);
  });
});

describe('scores', () => {
  it('weights completion by task points', () => {
    // 10 points fully earned, 20 points at 70 %: (10 + 14) / 30 × 60 = 48
    expect(
      completionScore(
        [
          { points: 10, share: 1 },
          { points: 20, share: 0.7 },
        ],
        60,
      ),
    ).toBe(48);
    expect(completionScore([], 60)).toBe(0);
  });

  it('takes the mean rating on 0–100 scaled to the weight; no ratings is no figure', () => {
    expect(recognitionScore([80, 90], 20)).toBe(17);
    expect(recognitionScore([], 20)).toBeNull();
  });
});

describe('ranking', () => {
  const u = (
    id: string,
    completion: number,
    recognition: number | null,
    analysis: number | null,
    code = '330000',
  ) => ({
    institutionId: id,
    divisionCode: code,
    completion,
    recognition,
    analysis,
  });

  it('breaks ties by completion, recognition, analysis, then division code', () => {
    const r = rankGroup([
      u('a', 50, 15, 15), // 80
      u('b', 48, 17, 15), // 80, less completion
      u('c', 48, 16, 16), // 80, less recognition than b
      u('d', 48, 16, 16, '320000'), // same as c, lower code
      u('e', 40, null, null), // 40
      u('f', 60, 20, 19), // 99
      u('g', 10, 10, 10), // 30
    ]);
    expect(r.map((x) => [x.institutionId, x.total, x.rank])).toEqual([
      ['f', 99, 1],
      ['a', 80, 2],
      ['b', 80, 3],
      ['d', 80, 4],
      ['c', 80, 5],
      ['e', 40, 6],
      ['g', 30, 7],
    ]);
    expect(r.filter((x) => x.top).map((x) => x.institutionId)).toEqual(['f', 'a', 'b']);
    expect(r.filter((x) => x.bottom).map((x) => x.institutionId)).toEqual(['c', 'e', 'g']);
  });

  it('never marks a unit both top and bottom', () => {
    const r = rankGroup([u('a', 1, 1, 1), u('b', 2, 2, 2), u('c', 3, 3, 3), u('d', 4, 4, 4)]);
    expect(r.map((x) => [x.institutionId, x.top, x.bottom])).toEqual([
      ['d', true, false],
      ['c', true, false],
      ['b', true, false],
      ['a', false, true],
    ]);
  });
});

describe('the draw', () => {
  const units = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
  it('gives the same units for the same seed and list, distinct units, others for other seeds', () => {
    const a = drawUnits('seed-2026-10', units, 2);
    expect(drawUnits('seed-2026-10', units, 2)).toEqual(a);
    expect(new Set(a).size).toBe(2);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(drawUnits(`s${i}`, units, 2).join());
    expect(seen.size).toBeGreaterThan(5);
    expect(drawUnits('x', ['only'], 2)).toEqual(['only']);
  });
});

describe('distribution', () => {
  it('gives min, quartiles and max', () => {
    expect(distribution([10, 20, 30, 40, 50])).toEqual({
      count: 5,
      min: 10,
      q1: 20,
      median: 30,
      q3: 40,
      max: 50,
    });
    expect(distribution([1, 2, 3, 4])).toEqual({ count: 4, min: 1, q1: 1.75, median: 2.5, q3: 3.25, max: 4 });
    expect(distribution([])).toBeNull();
  });
});
