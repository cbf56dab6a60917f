import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { Brackets, DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { isUUID } from 'class-validator';
import { AuthUser, Connection, hasRole, LoaderFactory, NotFoundError, paginate, Role } from '@yg/core';
import { SupplyRequestEntity, SupplyRequestStepEntity } from '../entities/supply.entities';
import { SupplyBox, SupplyRequestsArgs } from '../dto/supply.inputs';

/** Roles that see every supply request of the consortium. */
const TENANT_WIDE = [Role.CONSORTIUM_ADMIN, Role.AUDITOR];

/**
 * Who sees a supply request: its requesting institution's staff and the user who raised it,
 * the central pharmacy's pharmacists, consortium admins and auditors. Anyone else, another
 * tenant included, gets NOT_FOUND. One rule, in SQL, for single reads and lists alike.
 */
@Injectable()
export class SupplyQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  scoped(em: EntityManager, user: AuthUser): SelectQueryBuilder<SupplyRequestEntity> {
    const qb = em
      .getRepository(SupplyRequestEntity)
      .createQueryBuilder('s')
      .where('s.tenant_id = :tenant', { tenant: user.tenantId });
    if (hasRole(user, ...TENANT_WIDE)) return qb;
    return qb.andWhere(
      new Brackets((w) => {
        w.where('s.requesting_institution_id = :inst', { inst: user.institutionId }).orWhere(
          's.requested_by = :me',
          {
            me: user.id,
          },
        );
        if (hasRole(user, Role.PHARMACIST)) w.orWhere('s.supplying_institution_id = :inst');
      }),
    );
  }

  async get(user: AuthUser, id: string, em: EntityManager = this.dataSource.manager, lock = false) {
    if (!isUUID(id)) throw new NotFoundError('SupplyRequest', '缺药登记', id);
    const qb = this.scoped(em, user).andWhere('s.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const s = await qb.getOne();
    if (!s) throw new NotFoundError('SupplyRequest', '缺药登记', id);
    return s;
  }

  /** Newest first: one statement. */
  list(user: AuthUser, args: SupplyRequestsArgs): Promise<Connection<SupplyRequestEntity>> {
    const qb = this.scoped(this.dataSource.manager, user);
    if (args.box === SupplyBox.INCOMING)
      qb.andWhere('s.supplying_institution_id = :mine', { mine: user.institutionId });
    if (args.box === SupplyBox.OUTGOING)
      qb.andWhere('s.requesting_institution_id = :mine', { mine: user.institutionId });
    if (args.states?.length) qb.andWhere('s.state IN (:...states)', { states: args.states });
    if (args.institutionId) qb.andWhere('s.requesting_institution_id = :rq', { rq: args.institutionId });
    if (args.referralId) qb.andWhere('s.referral_id = :ref', { ref: args.referralId });
    return paginate(
      qb,
      [
        { expr: 's.created_at', value: (r) => r.createdAt.toISOString(), kind: 'date' },
        { expr: 's.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
      'DESC',
    );
  }

  readonly stepsLoader: LoaderFactory<string, SupplyRequestStepEntity[]> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(SupplyRequestStepEntity).find({
        where: { supplyRequestId: In([...ids]), tenantId: caller?.tenantId ?? '' },
        order: { id: 'ASC' },
      });
      return ids.map((id) => rows.filter((s) => s.supplyRequestId === id));
    });
}
