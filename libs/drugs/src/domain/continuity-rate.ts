/**
 * 用药衔接率 (medication continuity rate), per receiving institution and month:
 *
 *   items on the plans of DOWN referrals submitted in the month (the consortium's time zone)
 *   that were AVAILABLE or SUBSTITUTE at the receiving institution in the check made at
 *   submission — later re-checks do not change it — or that a supply request for the item
 *   brought in (RECEIVED) before the patient arrived (or, while the patient has not arrived
 *   yet, already)
 *   ÷ all items on those plans.
 *
 * Every submitted DOWN referral counts, whatever became of it: the question is whether the
 * clinic could continue the plan when it was sent.
 */
import { ContinuityOutcome } from './drug.enums';

export enum RateBasis {
  AVAILABLE = 'AVAILABLE',
  SUBSTITUTE = 'SUBSTITUTE',
  SUPPLIED = 'SUPPLIED',
  NOT_COUNTED = 'NOT_COUNTED',
}

export interface RateVerdict {
  counted: boolean;
  basis: RateBasis;
  /** zh + en. */
  reason: string;
}

const OUTCOME_LABEL: Record<ContinuityOutcome, string> = {
  AVAILABLE: '可供应',
  SUBSTITUTE: '可替代',
  OUT_OF_STOCK: '缺货',
  NOT_LISTED: '未列目录',
  UNKNOWN: '无法识别',
};

/** Whether one plan item counts towards the numerator, and why. */
export function rateVerdict(
  outcomeAtSubmission: ContinuityOutcome,
  suppliedAt: Date | null,
  arrivedAt: Date | null,
): RateVerdict {
  if (outcomeAtSubmission === ContinuityOutcome.AVAILABLE) {
    return { counted: true, basis: RateBasis.AVAILABLE, reason: '提交时可供应 (available when submitted)' };
  }
  if (outcomeAtSubmission === ContinuityOutcome.SUBSTITUTE) {
    return {
      counted: true,
      basis: RateBasis.SUBSTITUTE,
      reason: '提交时有可替代药品 (a substitute was in stock when submitted)',
    };
  }
  const label = `提交时${OUTCOME_LABEL[outcomeAtSubmission]} (${outcomeAtSubmission} when submitted)`;
  if (suppliedAt && (!arrivedAt || suppliedAt.getTime() <= arrivedAt.getTime())) {
    return {
      counted: true,
      basis: RateBasis.SUPPLIED,
      reason: arrivedAt
        ? `${label};患者到诊前已补货 (supplied before the patient arrived)`
        : `${label};已补货,患者尚未到诊 (supplied; the patient has not arrived yet)`,
    };
  }
  return {
    counted: false,
    basis: RateBasis.NOT_COUNTED,
    reason: suppliedAt
      ? `${label};补货晚于患者到诊 (supplied only after the patient arrived)`
      : `${label};到诊前未补货 (not supplied before arrival)`,
  };
}

/** numerator ÷ denominator, four decimals; null when there is nothing to count. */
export function rateOf(numerator: number, denominator: number): number | null {
  return denominator ? Math.round((numerator / denominator) * 10_000) / 10_000 : null;
}
