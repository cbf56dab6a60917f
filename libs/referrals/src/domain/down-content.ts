import { BadInputError } from '@yg/core';
import type { ReferralEntity } from '../entities/referral.entity';
import { ReferralDirection } from './referral.enums';

/** A DOWN referral is submitted with its discharge summary, rehab plan and medication plan. */
export function assertDownContent(r: ReferralEntity): void {
  if (r.direction !== ReferralDirection.DOWN) return;
  const missing = [
    !r.dischargeSummary && 'dischargeSummary',
    !r.rehabPlan && 'rehabPlan',
    !r.medicationPlan.length && 'medicationPlan',
  ].filter(Boolean);
  if (missing.length) {
    throw new BadInputError(
      `下转须填写出院小结、康复/随访计划和用药计划 (a DOWN referral needs: ${missing.join(', ')})`,
      { fields: missing },
    );
  }
}
