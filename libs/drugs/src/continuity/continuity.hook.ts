import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser } from '@yg/core';
import {
  MedicationItem,
  ReferralEntity,
  ReferralSubmissionHook,
  ReferralSubmissionHooks,
  SubmissionContext,
} from '@yg/referrals';
import { ContinuityService } from './continuity.service';

/** Plugs continuity into referral submission: referrals call it, without knowing drugs exist. */
@Injectable()
export class ContinuityHook implements ReferralSubmissionHook, OnModuleInit {
  readonly name = 'drugs.medication-continuity';

  constructor(
    private readonly hooks: ReferralSubmissionHooks,
    private readonly continuity: ContinuityService,
  ) {}

  onModuleInit() {
    this.hooks.register(this);
  }

  validatePlan(em: EntityManager, user: AuthUser, plan: readonly MedicationItem[]): Promise<void> {
    return this.continuity.validatePlan(em, user, plan);
  }

  concerns(referral: ReferralEntity): boolean {
    return this.continuity.hasPlanToCheck(referral);
  }

  onSubmitted(em: EntityManager, referral: ReferralEntity, ctx: SubmissionContext): Promise<void> {
    return this.continuity.checkAtSubmission(em, referral, ctx.actor, ctx.at);
  }
}
