import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthUser, BadInputError, ForbiddenError, hasRole, Role } from '@yg/core';
import { InstitutionEntity, InstitutionKind, NetworkService } from '@yg/network';

/**
 * Who may report data for which institution. An integration account reports its own
 * institution only; another institution of the consortium is FORBIDDEN, one of another
 * consortium (or none) NOT_FOUND.
 */
@Injectable()
export class IntakeAccess {
  constructor(private readonly network: NetworkService) {}

  async assertReport(user: AuthUser, institutionId: string, em?: EntityManager): Promise<InstitutionEntity> {
    const inst = await this.network.institution(user.tenantId, institutionId, em);
    if (inst.id !== user.institutionId || !hasRole(user, Role.DATA_INTEGRATION)) {
      throw new ForbiddenError(
        "数据对接账号只能上报本机构的诊疗数据 (an integration account reports its own institution's encounters only)",
      );
    }
    assertMember(inst);
    return inst;
  }

  /** Out-of-county settlements come from an integration account (the 医保 bureau's). */
  assertIntegration(user: AuthUser): void {
    if (!hasRole(user, Role.DATA_INTEGRATION)) {
      throw new ForbiddenError('数据由数据对接账号上报 (data is reported by integration accounts)');
    }
  }

  /** A consortium member of the caller's tenant (NOT_FOUND otherwise). */
  async member(user: AuthUser, institutionId: string, em?: EntityManager): Promise<InstitutionEntity> {
    const inst = await this.network.institution(user.tenantId, institutionId, em);
    assertMember(inst);
    return inst;
  }

  /** Consortium admins and auditors see every run; others the runs of their own institution. */
  seesAllRuns(user: AuthUser): boolean {
    return hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR);
  }
}

function assertMember(inst: InstitutionEntity): void {
  if (inst.kind === InstitutionKind.PARTNER_HOSPITAL || !inst.active) {
    throw new BadInputError(
      '只有在用的医共体成员机构上报诊疗数据 (only active member institutions report encounters)',
      { field: 'institutionId' },
    );
  }
}
