import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isUUID } from 'class-validator';
import { AuthUser, BadInputError, ForbiddenError, hasRole, NotFoundError, Role } from '@yg/core';
import { InstitutionEntity, InstitutionKind, NetworkService } from '@yg/network';

/**
 * Who may see and change an institution's own drug catalogue. One place, so the upload
 * endpoint, the queries, the mapping decisions and stock follow the same rules:
 *
 * - read: the institution's own staff, consortium admins, and the lead hospital's pharmacists
 *   (the consortium's 总药师 reviews every member's mappings); anyone else gets NOT_FOUND, as if
 *   the catalogue did not exist. Coverage figures are also open to auditors.
 * - upload and stock: the institution's INSTITUTION_ADMIN or PHARMACIST, consortium admins for
 *   any member.
 * - mapping decisions: a PHARMACIST of the institution or of the lead hospital, consortium admins.
 */
@Injectable()
export class CatalogueAccess {
  constructor(private readonly network: NetworkService) {}

  /** A pharmacist of the lead hospital (总医院, home of the central pharmacy). */
  async isLeadPharmacist(user: AuthUser, em?: EntityManager): Promise<boolean> {
    if (!hasRole(user, Role.PHARMACIST)) return false;
    const own = await this.network.institution(user.tenantId, user.institutionId, em);
    return own.kind === InstitutionKind.GENERAL_HOSPITAL && own.active;
  }

  /** Sees every member's catalogue. */
  async seesAll(user: AuthUser, em?: EntityManager): Promise<boolean> {
    return hasRole(user, Role.CONSORTIUM_ADMIN) || (await this.isLeadPharmacist(user, em));
  }

  async assertRead(
    user: AuthUser,
    institutionId: string,
    em?: EntityManager,
    opts: { auditors?: boolean } = {},
  ): Promise<InstitutionEntity> {
    const inst = await this.institution(user, institutionId, em);
    if (inst.id === user.institutionId) return inst;
    if (opts.auditors && hasRole(user, Role.AUDITOR)) return inst;
    if (await this.seesAll(user, em)) return inst;
    throw notFound(institutionId);
  }

  /** Upload a catalogue or set stock for this member. */
  async assertKeep(user: AuthUser, institutionId: string, em?: EntityManager): Promise<InstitutionEntity> {
    const inst = await this.assertRead(user, institutionId, em);
    const own = inst.id === user.institutionId && hasRole(user, Role.INSTITUTION_ADMIN, Role.PHARMACIST);
    if (!own && !hasRole(user, Role.CONSORTIUM_ADMIN)) {
      throw new ForbiddenError(
        '机构药品目录和库存由本机构管理员、药师或医共体管理员维护 ' +
          "(an institution's catalogue and stock are kept by its admins and pharmacists, or consortium admins)",
      );
    }
    assertMember(inst);
    return inst;
  }

  /** Confirm, reject or re-map this member's mappings. */
  async assertDecide(user: AuthUser, institutionId: string, em?: EntityManager): Promise<InstitutionEntity> {
    const inst = await this.assertRead(user, institutionId, em);
    if (hasRole(user, Role.CONSORTIUM_ADMIN)) return inst;
    if (hasRole(user, Role.PHARMACIST) && inst.id === user.institutionId) return inst;
    if (await this.isLeadPharmacist(user, em)) return inst;
    throw new ForbiddenError(
      '对照由本机构药师、牵头医院药师或医共体管理员确认 ' +
        "(mappings are decided by the institution's pharmacists, the lead hospital's pharmacists or consortium admins)",
    );
  }

  private async institution(user: AuthUser, id: string, em?: EntityManager): Promise<InstitutionEntity> {
    if (!isUUID(id)) throw notFound(id);
    try {
      return await this.network.institution(user.tenantId, id, em);
    } catch (err) {
      if (err instanceof NotFoundError) throw notFound(id);
      throw err;
    }
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError('DrugCatalogue', '机构药品目录', id);
}

function assertMember(inst: InstitutionEntity): void {
  if (inst.kind === InstitutionKind.PARTNER_HOSPITAL || !inst.active) {
    throw new BadInputError(
      '只有在用的医共体成员机构才有药品目录 (only active member institutions keep a catalogue here)',
      { field: 'institutionId' },
    );
  }
}
