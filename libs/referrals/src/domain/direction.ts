import { Tier } from '@yg/network/domain/institution-kind';
import { TIER_RANK } from '@yg/network/domain/tier-rules';
import { ReferralDirection } from './referral.enums';

/**
 * The direction a referral must have between two tiers: UP to a higher tier or a partner
 * hospital, DOWN to a lower tier, LATERAL within a tier.
 */
export function expectedDirection(from: Tier, to: Tier): ReferralDirection | null {
  if (from === Tier.EXTERNAL && to === Tier.EXTERNAL) return null;
  if (to === Tier.EXTERNAL) return ReferralDirection.UP;
  if (from === Tier.EXTERNAL) return ReferralDirection.DOWN;
  const diff = TIER_RANK[to] - TIER_RANK[from];
  return diff > 0 ? ReferralDirection.UP : diff < 0 ? ReferralDirection.DOWN : ReferralDirection.LATERAL;
}

export function directionProblem(direction: ReferralDirection, from: Tier, to: Tier): string | null {
  const expected = expectedDirection(from, to);
  if (expected === direction) return null;
  if (!expected)
    return '合作医院之间不能互相转诊 (referrals between two partner hospitals are not handled here)';
  return `从${from}级到${to}级机构应为 ${expected} 转诊,而非 ${direction} (from tier ${from} to ${to} the direction must be ${expected}, not ${direction})`;
}
