import { ContinuityOutcome } from './drug.enums';
import { RateBasis, rateOf, rateVerdict } from './continuity-rate';

const at = (s: string) => new Date(s);

describe('用药衔接率: what counts', () => {
  it('counts AVAILABLE and SUBSTITUTE at submission whatever happened later', () => {
    expect(rateVerdict(ContinuityOutcome.AVAILABLE, null, null)).toMatchObject({
      counted: true,
      basis: RateBasis.AVAILABLE,
    });
    expect(rateVerdict(ContinuityOutcome.SUBSTITUTE, null, at('2026-11-02'))).toMatchObject({
      counted: true,
      basis: RateBasis.SUBSTITUTE,
    });
  });

  it('counts a missing item supplied before the patient arrived, or while awaited', () => {
    expect(rateVerdict(ContinuityOutcome.OUT_OF_STOCK, at('2026-11-02'), at('2026-11-03'))).toMatchObject({
      counted: true,
      basis: RateBasis.SUPPLIED,
    });
    expect(rateVerdict(ContinuityOutcome.NOT_LISTED, at('2026-11-02'), null).reason).toMatch(
      /not arrived yet/,
    );
  });

  it('does not count an item supplied after arrival, or never', () => {
    const late = rateVerdict(ContinuityOutcome.OUT_OF_STOCK, at('2026-11-04'), at('2026-11-03'));
    expect(late).toMatchObject({ counted: false, basis: RateBasis.NOT_COUNTED });
    expect(late.reason).toMatch(/after the patient arrived/);
    expect(rateVerdict(ContinuityOutcome.UNKNOWN, null, at('2026-11-03')).reason).toMatch(
      /UNKNOWN when submitted/,
    );
  });

  it('gives no rate for nothing', () => {
    expect(rateOf(0, 0)).toBeNull();
    expect(rateOf(2, 3)).toBe(0.6667);
  });
});
