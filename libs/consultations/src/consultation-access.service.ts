import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuthUser, ForbiddenError, hasRole, NotFoundError, Role } from '@yg/core';
import { ConsultationEntity, ConsultationExpertEntity } from './entities/consultation.entity';

const TENANT_WIDE = [Role.CONSORTIUM_ADMIN, Role.AUDITOR];
const REQUESTING_SIDE = [Role.CLINICIAN, Role.REFERRAL_COORDINATOR];

/**
 * Who sees and does what. Experts see only consultations they are named on or booked for;
 * the requesting institution sees its own; an expert's institution admin sees those of its
 * experts; consortium admins and auditors see all. Anyone else: NOT_FOUND.
 */
@Injectable()
export class ConsultationAccess {
  /** Restricts a query on `c` (consultation) to what the user may see. */
  scope(qb: SelectQueryBuilder<ConsultationEntity>, user: AuthUser): SelectQueryBuilder<ConsultationEntity> {
    qb.andWhere('c.tenant_id = :tenant', { tenant: user.tenantId });
    if (hasRole(user, ...TENANT_WIDE)) return qb;
    const clauses: string[] = [];
    if (hasRole(user, ...REQUESTING_SIDE, Role.INSTITUTION_ADMIN))
      clauses.push('c.requesting_institution_id = :inst');
    if (hasRole(user, Role.EXPERT) && user.practitionerId) {
      clauses.push(
        'EXISTS (SELECT 1 FROM consultation_expert ce WHERE ce.consultation_id = c.id AND ce.practitioner_id = :pid)',
      );
    }
    if (hasRole(user, Role.INSTITUTION_ADMIN)) {
      clauses.push(
        `EXISTS (SELECT 1 FROM consultation_expert ce JOIN network_practitioner p ON p.id = ce.practitioner_id
                  WHERE ce.consultation_id = c.id AND p.institution_id = :inst)`,
      );
    }
    if (!clauses.length) return qb.andWhere('false');
    return qb.andWhere(`(${clauses.join(' OR ')})`, { inst: user.institutionId, pid: user.practitionerId });
  }

  async visible(em: EntityManager, user: AuthUser, id: string, lock = false): Promise<ConsultationEntity> {
    const qb = this.query(em, user, id);
    if (lock) qb.setLock('pessimistic_write', undefined, ['c']);
    return (await this.found(qb, id)).entity;
  }

  /**
   * A query of consultation `id` as `c`, restricted to what the user may see; callers add what
   * they read beside it and run it with `found`. NOT_FOUND at once for what is not a uuid.
   */
  query(em: EntityManager, user: AuthUser, id: string): SelectQueryBuilder<ConsultationEntity> {
    if (!isUUID(id)) throw new NotFoundError('Consultation', '会诊', id);
    return this.scope(
      em.getRepository(ConsultationEntity).createQueryBuilder('c').where('c.id = :id', { id }),
      user,
    );
  }

  /** Runs a `query`: the consultation and its raw row (for what was selected beside it), or NOT_FOUND. */
  async found(
    qb: SelectQueryBuilder<ConsultationEntity>,
    id: string,
  ): Promise<{ entity: ConsultationEntity; raw: Record<string, unknown> }> {
    const { entities, raw } = await qb.getRawAndEntities();
    if (!entities.length) throw new NotFoundError('Consultation', '会诊', id);
    return { entity: entities[0], raw: raw[0] };
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
