import { consortiumOnly, decidingTarget, evaluate, isMet, MeasureTable, REASONS } from './evaluate';
import { Direction, Formula, formulaProblems, IndicatorKind, TargetSource } from './formula';

const inst = new Map([
  ['g', { tier: 'COUNTY', kind: 'GENERAL_HOSPITAL' }],
  ['t', { tier: 'TOWNSHIP', kind: 'TOWNSHIP_HEALTH_CENTER' }],
]);
const v = (key: string, month: string, institutionId: string | null, value: number) => ({
  key,
  month,
  institutionId,
  value,
});
const table = (scope: Set<string> | null = null) =>
  new MeasureTable(
    [
      v('flow', '2026-01', 'g', 10),
      v('flow', '2026-02', 't', 30),
      v('level', '2026-01', null, 100),
      v('level', '2026-02', null, 300),
      v('flow', '2025-01', 'g', 5),
    ],
    inst,
    scope,
    new Set(['level']),
    new Set(['flow', 'level']),
  );
const ratio = (num: Formula['numerator'], den: Formula['denominator'], multiplier = 100): Formula => ({
  numerator: num,
  denominator: den,
  multiplier,
});
const Q = { from: '2026-01', to: '2026-02' };

describe('indicator evaluation', () => {
  it('sums flows and averages levels over the months', () => {
    const f = ratio({ terms: [{ key: 'flow' }] }, { terms: [{ key: 'level', consortiumLevel: true }] });
    // 40 ÷ ((100 + 300) ÷ 2) × 100
    expect(evaluate(table(), IndicatorKind.RATIO, f, Q)).toEqual({
      value: 20,
      numerator: 40,
      denominator: 200,
      reason: null,
    });
  });

  it('filters terms by tier and by the scope', () => {
    const f = ratio({ terms: [{ key: 'flow', tiers: ['TOWNSHIP'] }] }, { terms: [{ key: 'flow' }] });
    expect(evaluate(table(), IndicatorKind.RATIO, f, Q).value).toBe(75);
    // The same selection above and below the line narrows with the scope: g's own 10 of 10.
    const own = ratio({ terms: [{ key: 'flow' }] }, { terms: [{ key: 'flow', coefficient: 2 }] });
    expect(evaluate(table(new Set(['g'])), IndicatorKind.RATIO, own, Q)).toMatchObject({
      value: 50,
      numerator: 10,
      denominator: 20,
    });
  });

  it('computes a consortium-wide indicator for the whole consortium only', () => {
    // A tier's share of all members: 0 % or 100 % by construction for one member.
    const share = ratio({ terms: [{ key: 'flow', tiers: ['TOWNSHIP'] }] }, { terms: [{ key: 'flow' }] });
    // A member's flow against the county's level.
    const mixed = ratio({ terms: [{ key: 'flow' }] }, { terms: [{ key: 'level', consortiumLevel: true }] });
    // The county's level alone (averaged over the two months).
    const county = ratio({ terms: [{ key: 'level', consortiumLevel: true }] }, null, 1);
    for (const f of [share, mixed]) {
      expect(consortiumOnly(f)).toBe(true);
      expect(evaluate(table(), IndicatorKind.RATIO, f, Q).value).not.toBeNull();
      expect(evaluate(table(new Set(['t'])), IndicatorKind.RATIO, f, Q)).toEqual({
        value: null,
        numerator: null,
        denominator: null,
        reason: REASONS.consortiumOnly,
      });
    }
    // The county's own figure stays the county's, whatever the scope.
    expect(consortiumOnly(county)).toBe(false);
    expect(evaluate(table(new Set(['t'])), IndicatorKind.VALUE, county, Q)).toMatchObject({
      value: 200,
      reason: null,
    });
    expect(
      consortiumOnly(
        ratio(
          { terms: [{ key: 'flow', tiers: ['TOWNSHIP'] }] },
          { terms: [{ key: 'flow', tiers: ['TOWNSHIP'] }] },
        ),
      ),
    ).toBe(false);
  });

  it('answers a zero denominator, a missing source and a qualitative indicator with reasons', () => {
    const f = ratio({ terms: [{ key: 'flow' }] }, { terms: [{ key: 'flow' }] });
    expect(evaluate(table(), IndicatorKind.RATIO, f, { from: '2024-01', to: '2024-01' })).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
      reason: REASONS.zeroDenominator,
    });
    const missing = ratio({ terms: [{ key: 'enc.visits' }] }, { terms: [{ key: 'flow' }] });
    expect(evaluate(table(), IndicatorKind.RATIO, missing, Q).reason).toBe(REASONS.missing(['enc.visits']));
    expect(evaluate(table(), IndicatorKind.QUALITATIVE, ratio({ terms: [] }, null), Q).reason).toBe(
      REASONS.qualitative,
    );
  });

  it('computes growth and change against the same months a year earlier', () => {
    const f = ratio({ terms: [{ key: 'flow' }] }, { terms: [{ key: 'level', consortiumLevel: true }] }, 1);
    const jan = { from: '2026-01', to: '2026-01' };
    // no level a year earlier: no base to grow from
    expect(evaluate(table(), IndicatorKind.GROWTH, f, jan).reason).toBe(REASONS.zeroBase);
    const flows = ratio({ terms: [{ key: 'flow' }] }, { terms: [{ key: 'flow' }] }, 1);
    const t = new MeasureTable(
      [
        v('flow', '2026-01', 'g', 12),
        v('flow', '2025-01', 'g', 10),
        v('cost', '2026-01', 'g', 1200),
        v('cost', '2025-01', 'g', 1000),
      ],
      inst,
      null,
      new Set(),
      new Set(['flow', 'cost']),
    );
    const perCase = ratio({ terms: [{ key: 'cost' }] }, { terms: [{ key: 'flow' }] }, 1);
    // 100 per case both years: 0 % growth
    expect(evaluate(t, IndicatorKind.GROWTH, perCase, jan)).toEqual({
      value: 0,
      numerator: 100,
      denominator: 100,
      reason: null,
    });
    expect(evaluate(t, IndicatorKind.CHANGE, flows, jan).value).toBe(0);
  });

  it('decides "met" by the most local target and the direction', () => {
    const targets = [
      { source: TargetSource.NATIONAL, value: 65 },
      { source: TargetSource.CONSORTIUM, value: 91 },
    ];
    expect(decidingTarget(targets)).toEqual(targets[1]);
    expect(isMet(91, targets[1], Direction.HIGHER_BETTER)).toBe(true);
    expect(isMet(92, targets[1], Direction.LOWER_BETTER)).toBe(false);
    expect(isMet(92, targets[1], Direction.NEUTRAL)).toBeNull();
    expect(isMet(null, targets[1], Direction.HIGHER_BETTER)).toBeNull();
  });

  it('refuses formulas that do not fit their kind', () => {
    const kinds = ['GENERAL_HOSPITAL'];
    expect(
      formulaProblems(IndicatorKind.RATIO, ratio({ terms: [{ key: 'a.b' }] }, null), kinds),
    ).toHaveLength(1);
    expect(
      formulaProblems(
        IndicatorKind.VALUE,
        ratio({ terms: [{ key: 'a.b', tiers: ['MOON'] }] }, null, 1),
        kinds,
      ),
    ).toEqual(['未知层级: MOON (unknown tier)']);
    expect(
      formulaProblems(
        IndicatorKind.RATIO,
        ratio({ terms: [{ key: 'a.b' }] }, { terms: [{ key: 'x.y', kinds: ['X'] }] }),
        kinds,
      ),
    ).toEqual(['未知机构类型: X (unknown kind)']);
  });
});
