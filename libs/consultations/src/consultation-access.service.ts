import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuthUser, ForbiddenError, hasRole, NotFoundError, Role } from '@yg/core';
import { ConsultationEntity, ConsultationExpertEntity } from './entities/consultation.entity';

const TENANT_WIDE = [Role.CONSORTIUM_ADMIN, Role.AUDITOR];
const REQUESTING_SIDE = [Role.CLINICIAN, Role.REFERRAL_COORDINATOR];

interface VisibleParams {
  tenant: string;
  inst: string;
  pid: string | null;
}

/** What a user who may not see consultation `id` (or asks for one that does not exist) is told. */
export function consultationNotFound(id: string): NotFoundError {
  return new NotFoundError('Consultation', '会诊', id);
}

/**
 * Who sees and does what. Experts see only consultations they are named on or booked for;
 * the requesting institution sees its own; an expert's institution admin sees those of its
 * experts; consortium admins and auditors see all. Anyone else: NOT_FOUND.
 */
@Injectable()
export class ConsultationAccess {
  /**
   * The rule, once: the condition on `c` (consultation) for what the user may see, or null when
   * the user may see none. `param` writes a value's placeholder in the caller's dialect.
   */
  private visibleWhere(user: AuthUser, param: (name: keyof VisibleParams) => string): string | null {
    if (hasRole(user, ...TENANT_WIDE)) return `c.tenant_id = ${param('tenant')}`;
    const clauses: string[] = [];
    if (hasRole(user, ...REQUESTING_SIDE, Role.INSTITUTION_ADMIN))
      clauses.push(`c.requesting_institution_id = ${param('inst')}`);
    if (hasRole(user, Role.EXPERT) && user.practitionerId) {
      clauses.push(
        `EXISTS (SELECT 1 FROM consultation_expert ce WHERE ce.consultation_id = c.id AND ce.practitioner_id = ${param('pid')})`,
      );
    }
    if (hasRole(user, Role.INSTITUTION_ADMIN)) {
      clauses.push(
        `EXISTS (SELECT 1 FROM consultation_expert ce JOIN network_practitioner p ON p.id = ce.practitioner_id
                  WHERE ce.consultation_id = c.id AND p.institution_id = ${param('inst')})`,
      );
    }
    return clauses.length ? `c.tenant_id = ${param('tenant')} AND (${clauses.join(' OR ')})` : null;
  }

  private visibleParams(user: AuthUser): VisibleParams {
    return { tenant: user.tenantId, inst: user.institutionId, pid: user.practitionerId };
  }

  /** Restricts a query on `c` (consultation) to what the user may see. */
  scope(qb: SelectQueryBuilder<ConsultationEntity>, user: AuthUser): SelectQueryBuilder<ConsultationEntity> {
    const where = this.visibleWhere(user, (name) => `:${name}`);
    return qb.andWhere(where ?? 'false', this.visibleParams(user));
  }

  /**
   * The same restriction for a plain statement: the condition on `c`, its values appended to
   * `params` as positional parameters.
   */
  scopeSql(user: AuthUser, params: unknown[]): string {
    const values = this.visibleParams(user);
    return this.visibleWhere(user, (name) => `$${params.push(values[name])}`) ?? 'false';
  }

  /** NOT_FOUND at once for an id that is not a uuid (no statement is sent for it). */
  assertId(id: string): void {
    if (!isUUID(id)) throw consultationNotFound(id);
  }

  /** Consultation `id` if the user may see it (locked for update when asked), else NOT_FOUND. */
  async visible(em: EntityManager, user: AuthUser, id: string, lock = false): Promise<ConsultationEntity> {
    this.assertId(id);
    const qb = this.scope(
      em.getRepository(ConsultationEntity).createQueryBuilder('c').where('c.id = :id', { id }),
      user,
    );
    if (lock) qb.setLock('pessimistic_write', undefined, ['c']);
    const c = await qb.getOne();
    if (!c) throw consultationNotFound(id);
    return c;
  }

  /** The requesting institution's clinicians and coordinators book, reschedule, cancel and complete. */
  assertRequestingSide(user: AuthUser, c: ConsultationEntity): void {
    if (c.requestingInstitutionId === user.institutionId && hasRole(user, ...REQUESTING_SIDE)) return;
    throw new ForbiddenError('只有申请方可以操作 (only the requesting side may do this)');
  }

  /** Named or booked experts, or their institution's administrator, may decline. */
  async assertPartnerSide(em: EntityManager, user: AuthUser, c: ConsultationEntity): Promise<void> {
    const experts = await this.experts(em, c.id);
    if (hasRole(user, Role.EXPERT) && experts.some((e) => e.practitionerId === user.practitionerId)) return;
    if (hasRole(user, Role.INSTITUTION_ADMIN)) {
      const [row] = await em.query(
        `SELECT 1 FROM network_practitioner WHERE id = ANY($1::uuid[]) AND institution_id = $2 LIMIT 1`,
        [experts.map((e) => e.practitionerId), user.institutionId],
      );
      if (row) return;
    }
    throw new ForbiddenError(
      '只有受邀专家或其机构可以谢绝 (only the invited experts or their institution may decline)',
    );
  }

  /** Booked experts write reports. */
  async assertAssignedExpert(em: EntityManager, user: AuthUser, c: ConsultationEntity): Promise<void> {
    if (hasRole(user, Role.EXPERT) && user.practitionerId) {
      const experts = await this.experts(em, c.id);
      if (experts.some((e) => e.assigned && e.practitionerId === user.practitionerId)) return;
    }
    throw new ForbiddenError('只有预约的专家可以出具报告 (only a booked expert may report)');
  }

  /** Who may be in the session: the requesting side, booked experts, consortium admins. */
  async isParticipant(em: EntityManager, user: AuthUser, c: ConsultationEntity): Promise<boolean> {
    if (c.tenantId !== user.tenantId) return false;
    if (hasRole(user, Role.CONSORTIUM_ADMIN)) return true;
    if (c.requestingInstitutionId === user.institutionId && hasRole(user, ...REQUESTING_SIDE)) return true;
    if (hasRole(user, Role.EXPERT) && user.practitionerId) {
      const experts = await this.experts(em, c.id);
      return experts.some((e) => e.assigned && e.practitionerId === user.practitionerId);
    }
    return false;
  }

  experts(em: EntityManager, consultationId: string): Promise<ConsultationExpertEntity[]> {
    return em.getRepository(ConsultationExpertEntity).findBy({ consultationId });
  }
}
