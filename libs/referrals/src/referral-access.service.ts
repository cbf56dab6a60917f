import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isUUID } from 'class-validator';
import { AuthUser, ForbiddenError, hasRole, NotFoundError, Role } from '@yg/core';
import { NetworkService } from '@yg/network';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralState } from './domain/referral.enums';

/** Roles that see every referral of the consortium. */
export const TENANT_WIDE_ROLES = [Role.CONSORTIUM_ADMIN, Role.AUDITOR];

/**
 * Who may see and act on a referral. Both institutions see it; consortium admins and
 * auditors see all; anyone else gets NOT_FOUND, never a hint that it exists.
 */
@Injectable()
export class ReferralAccess {
  constructor(private readonly network: NetworkService) {}

  /** Referral `id` if the user may see it (locked for update when asked), else NOT_FOUND. */
  async visible(em: EntityManager, user: AuthUser, id: string, lock = false): Promise<ReferralEntity> {
    // `referral(id:)` takes any ID string; one that is no UUID would fail the uuid cast in
    // Postgres (an internal error), yet it simply names no referral.
    if (!isUUID(id)) throw new NotFoundError('Referral', '转诊单', id);
    const r = await em.getRepository(ReferralEntity).findOne({
      where: { id, tenantId: user.tenantId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!r || !this.canSee(user, r)) throw new NotFoundError('Referral', '转诊单', id);
    return r;
  }

  /** A draft stays private to its sender until it is submitted. */
  canSee(user: AuthUser, r: ReferralEntity): boolean {
    if (r.tenantId !== user.tenantId) return false;
    if (r.fromInstitutionId === user.institutionId) return true;
    if (r.state === ReferralState.DRAFT) return false;
    return r.toInstitutionId === user.institutionId || hasRole(user, ...TENANT_WIDE_ROLES);
  }

  /** The sending institution's clinicians and coordinators create, submit and cancel. */
  assertSender(user: AuthUser, r: ReferralEntity): void {
    if (
      r.fromInstitutionId === user.institutionId &&
      hasRole(user, Role.CLINICIAN, Role.REFERRAL_COORDINATOR)
    )
      return;
    throw new ForbiddenError('只有转出机构的医生或协调员可以操作 (only the sending institution may do this)');
  }

  /**
   * The receiving institution's coordinators, and clinicians of the target department,
   * accept, reject, record arrival and complete.
   */
  async assertReceiver(user: AuthUser, r: ReferralEntity, em?: EntityManager): Promise<void> {
    if (r.toInstitutionId === user.institutionId) {
      if (hasRole(user, Role.REFERRAL_COORDINATOR)) return;
      if (hasRole(user, Role.CLINICIAN) && r.toDepartmentId && user.practitionerId) {
        const p = await this.network.practitioner(user.tenantId, user.practitionerId, em);
        if (p.departmentId === r.toDepartmentId) return;
      }
    }
    throw new ForbiddenError(
      '只有接收机构的转诊协调员或目标科室医生可以处理 (only the receiving coordinators or the target department may do this)',
    );
  }
}
