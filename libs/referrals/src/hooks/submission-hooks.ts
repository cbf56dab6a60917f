import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '@yg/core';
import type { MedicationItem, ReferralEntity } from '../entities/referral.entity';

/**
 * Work another capability does when a referral is written, inside the referral's own
 * transaction: refusing its content throws a domain error and nothing is stored; what a hook
 * writes commits or rolls back with the referral. Referrals define this contract and know
 * nothing of who implements it (a capability built on referrals registers itself here).
 */
export interface ReferralSubmissionHook {
  /** Unique; names the hook in errors. */
  readonly name: string;
  /**
   * Checks the medication plan of a referral being created (draft or submitted at once),
   * before anything is stored. Throws a DomainError (BAD_USER_INPUT…) to refuse it.
   */
  validatePlan?(em: EntityManager, user: AuthUser, plan: readonly MedicationItem[]): Promise<void>;
  /**
   * Whether `onSubmitted` has work for this referral; the service opens a transaction for a
   * referral created and submitted at once only when some hook says so. Absent: always.
   */
  concerns?(referral: ReferralEntity): boolean;
  /** Runs once, in the transaction that moves the referral to SUBMITTED, after its own rows are written. */
  onSubmitted(em: EntityManager, referral: ReferralEntity, ctx: SubmissionContext): Promise<void>;
}

export interface SubmissionContext {
  actor: AuthUser;
  at: Date;
}

/**
 * The registry of submission hooks (the extension point's injection token). Hooks register at
 * module start-up; with none registered, referrals behave exactly as they do alone.
 */
@Injectable()
export class ReferralSubmissionHooks {
  private readonly hooks: ReferralSubmissionHook[] = [];

  register(hook: ReferralSubmissionHook): void {
    if (this.hooks.some((h) => h.name === hook.name)) {
      throw new Error(`referral submission hook ${hook.name} registered twice`);
    }
    this.hooks.push(hook);
  }

  get size(): number {
    return this.hooks.length;
  }

  async validatePlan(em: EntityManager, user: AuthUser, plan: readonly MedicationItem[]): Promise<void> {
    for (const h of this.hooks) await h.validatePlan?.(em, user, plan);
  }

  /** Whether any hook has work when this referral is submitted. */
  concern(referral: ReferralEntity): boolean {
    return this.hooks.some((h) => !h.concerns || h.concerns(referral));
  }

  async submitted(em: EntityManager, referral: ReferralEntity, ctx: SubmissionContext): Promise<void> {
    for (const h of this.hooks) await h.onSubmitted(em, referral, ctx);
  }
}
