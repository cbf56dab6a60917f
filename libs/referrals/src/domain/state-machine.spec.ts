import { ReferralState as S } from './referral.enums';
import { canTransition, FINAL_STATES, isLostRace, ReferralAction, TRANSITIONS } from './state-machine';

const ALL_STATES = Object.values(S);
const ALL_ACTIONS: ReferralAction[] = [
  'submit',
  'accept',
  'reject',
  'cancel',
  'arrive',
  'complete',
  'noShow',
];

/** The state diagram, written out independently of TRANSITIONS: action → (from → to). */
const LEGAL: Record<ReferralAction, Partial<Record<S, S>>> = {
  submit: { DRAFT: S.SUBMITTED },
  accept: { SUBMITTED: S.ACCEPTED },
  reject: { SUBMITTED: S.REJECTED },
  cancel: { SUBMITTED: S.CANCELLED, ACCEPTED: S.CANCELLED },
  arrive: { ACCEPTED: S.ARRIVED },
  complete: { ARRIVED: S.COMPLETED },
  noShow: { ACCEPTED: S.NO_SHOW },
};

describe('referral state machine', () => {
  it('knows every action of the issue and no other', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL_ACTIONS].sort());
  });

  const table = ALL_ACTIONS.flatMap((action) =>
    ALL_STATES.map((from) => [action, from, LEGAL[action][from] ?? null] as const),
  );

  it.each(table)('%s from %s: allowed only if the diagram has the move (→ %s)', (action, from, to) => {
    expect(canTransition(action, from)).toBe(to !== null);
    if (to !== null) expect(TRANSITIONS[action].to).toBe(to);
  });

  it('lets nothing happen in a final state', () => {
    expect([...FINAL_STATES].sort()).toEqual([S.CANCELLED, S.COMPLETED, S.NO_SHOW, S.REJECTED].sort());
    for (const state of FINAL_STATES) {
      for (const action of ALL_ACTIONS) expect(canTransition(action, state)).toBe(false);
    }
  });

  it('keeps non-final states reachable out of: every non-final state has at least one legal action', () => {
    for (const state of ALL_STATES.filter((s) => !FINAL_STATES.includes(s))) {
      expect(ALL_ACTIONS.some((a) => canTransition(a, state))).toBe(true);
    }
  });

  it('never moves a referral back to DRAFT', () => {
    for (const action of ALL_ACTIONS) expect(TRANSITIONS[action].to).not.toBe(S.DRAFT);
  });

  describe('isLostRace', () => {
    const answers: ReferralAction[] = ['accept', 'reject'];
    const answered = [S.ACCEPTED, S.REJECTED];

    it.each(ALL_ACTIONS.flatMap((action) => ALL_STATES.map((state) => [action, state] as const)))(
      '%s on %s',
      (action, state) => {
        const expected = answers.includes(action) && answered.includes(state);
        expect(isLostRace(action, state)).toBe(expected);
      },
    );

    it('is never a lost race when the move is legal (a legal move must not answer CONFLICT)', () => {
      for (const action of ALL_ACTIONS) {
        for (const state of ALL_STATES) {
          if (canTransition(action, state)) expect(isLostRace(action, state)).toBe(false);
        }
      }
    });
  });
});
