import { ReferralState as S } from './referral.enums';

export type ReferralAction = 'submit' | 'accept' | 'reject' | 'cancel' | 'arrive' | 'complete' | 'noShow';

/** The only legal moves. Anything else is an INVALID_TRANSITION. */
export const TRANSITIONS: Record<ReferralAction, { from: S[]; to: S }> = {
  submit: { from: [S.DRAFT], to: S.SUBMITTED },
  accept: { from: [S.SUBMITTED], to: S.ACCEPTED },
  reject: { from: [S.SUBMITTED], to: S.REJECTED },
  cancel: { from: [S.SUBMITTED, S.ACCEPTED], to: S.CANCELLED },
  arrive: { from: [S.ACCEPTED], to: S.ARRIVED },
  complete: { from: [S.ARRIVED], to: S.COMPLETED },
  noShow: { from: [S.ACCEPTED], to: S.NO_SHOW },
};

export function canTransition(action: ReferralAction, from: S): boolean {
  return TRANSITIONS[action].from.includes(from);
}

/** States in which nothing more happens. */
export const FINAL_STATES: S[] = [S.REJECTED, S.COMPLETED, S.CANCELLED, S.NO_SHOW];

/**
 * Answering a referral someone already answered is a lost race, not a misuse: it is
 * reported as CONFLICT so the loser knows to reload.
 */
export function isLostRace(action: ReferralAction, current: S): boolean {
  return (action === 'accept' || action === 'reject') && (current === S.ACCEPTED || current === S.REJECTED);
}
