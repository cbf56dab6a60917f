import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import {
  AuthUser,
  Clock,
  columnsAs,
  Connection,
  fromJsonObject,
  hasRole,
  jsonObjectOf,
  LoaderFactory,
  paginateRaw,
} from '@yg/core';
import { DepartmentEntity, InstitutionEntity } from '@yg/network';
import type { PatientSummaryRow } from '@yg/patients';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralStepEntity } from './entities/referral-step.entity';
import { ReferralBox, ReferralState } from './domain/referral.enums';
import { ReferralFilterArgs, ReferralsArgs } from './dto/referral.inputs';
import { ReferralAccess, TENANT_WIDE_ROLES } from './referral-access.service';
import { ReferralCountsModel } from './models/referral.models';

/** Which related rows a worklist page reads with its own statement. */
export interface WorklistRelated {
  patient?: boolean;
  fromInstitution?: boolean;
  toInstitution?: boolean;
  toDepartment?: boolean;
}

/** A worklist row: the referral's columns and the related rows read with it. */
export type WorklistRow = ReferralEntity & {
  related: {
    patient?: PatientSummaryRow | null;
    fromInstitution?: InstitutionEntity | null;
    toInstitution?: InstitutionEntity | null;
    toDepartment?: DepartmentEntity | null;
  };
};

/** Reads: one referral, worklists and their counts, timelines. */
@Injectable()
export class ReferralQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ReferralAccess,
    private readonly clock: Clock,
  ) {}

  get(user: AuthUser, id: string): Promise<ReferralEntity> {
    return this.access.visible(this.dataSource.manager, user, id);
  }

  /**
   * A worklist page, most urgent first, then by deadline, with the related rows asked for: one
   * SQL statement, its rows read as plain objects (no entity hydration). Related rows come as
   * JSON columns: the patient from the patients' `patient_summary` read model, institutions
   * and the department from the network's published views.
   */
  list(user: AuthUser, args: ReferralsArgs, related: WorklistRelated = {}): Promise<Connection<WorklistRow>> {
    const qb = this.scoped(user, args).select(columnsAs(this.dataSource.getMetadata(ReferralEntity), 'r'));
    if (args.states?.length) qb.andWhere('r.state IN (:...states)', { states: args.states });
    const institution = this.dataSource.getMetadata(InstitutionEntity);
    const department = this.dataSource.getMetadata(DepartmentEntity);
    if (related.patient) {
      qb.addSelect(
        `(SELECT to_json(ps) FROM patient_summary ps WHERE ps.id = r.patient_id AND ps.tenant_id = r.tenant_id)`,
        'patient',
      );
    }
    if (related.fromInstitution) {
      qb.addSelect(
        `(SELECT ${jsonObjectOf(institution, 'fi')} FROM network_institution fi WHERE fi.id = r.from_institution_id)`,
        'fromInstitution',
      );
    }
    if (related.toInstitution) {
      qb.addSelect(
        `(SELECT ${jsonObjectOf(institution, 'ti')} FROM network_institution ti WHERE ti.id = r.to_institution_id)`,
        'toInstitution',
      );
    }
    if (related.toDepartment) {
      qb.addSelect(
        `(SELECT ${jsonObjectOf(department, 'td')} FROM network_department td WHERE td.id = r.to_department_id)`,
        'toDepartment',
      );
    }
    return paginateRaw<ReferralEntity, WorklistRow>(
      qb,
      [
        { expr: 'r.urgency_rank', value: (r) => r.urgencyRank, kind: 'number' },
        { expr: 'r.due_at', value: (r) => r.dueAt.toISOString(), kind: 'date' },
        { expr: 'r.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
      (raw) => {
        const { patient, fromInstitution, toInstitution, toDepartment, ...row } = raw;
        return Object.assign(row as unknown as ReferralEntity, {
          related: {
            ...(related.patient ? { patient: (patient as PatientSummaryRow | null) ?? null } : {}),
            ...(related.fromInstitution
              ? { fromInstitution: fromJsonObject<InstitutionEntity>(institution, fromInstitution) }
              : {}),
            ...(related.toInstitution
              ? { toInstitution: fromJsonObject<InstitutionEntity>(institution, toInstitution) }
              : {}),
            ...(related.toDepartment
              ? { toDepartment: fromJsonObject<DepartmentEntity>(department, toDepartment) }
              : {}),
          },
        });
      },
    );
  }

  /** Counts per state for the same box and filters (every state listed, zeros included). */
  async counts(user: AuthUser, args: ReferralFilterArgs): Promise<ReferralCountsModel> {
    const rows: { state: ReferralState; n: number; overdue: number; escalated: number }[] = await this.scoped(
      user,
      args,
    )
      .select('r.state', 'state')
      .addSelect('count(*)::int', 'n')
      .addSelect(
        `(count(*) FILTER (WHERE r.state = 'SUBMITTED' AND r.response_due_at < :now))::int`,
        'overdue',
      )
      .addSelect(
        `(count(*) FILTER (WHERE r.escalation_level > 0 AND r.state = 'SUBMITTED'))::int`,
        'escalated',
      )
      .setParameter('now', this.clock.now())
      .groupBy('r.state')
      .getRawMany();
    const byState = new Map(rows.map((r) => [r.state, r.n]));
    return {
      total: rows.reduce((a, r) => a + r.n, 0),
      byState: Object.values(ReferralState).map((state) => ({ state, count: byState.get(state) ?? 0 })),
      overdue: rows.reduce((a, r) => a + r.overdue, 0),
      escalated: rows.reduce((a, r) => a + r.escalated, 0),
    };
  }

  private scoped(user: AuthUser, f: ReferralFilterArgs): SelectQueryBuilder<ReferralEntity> {
    const qb = this.dataSource
      .getRepository(ReferralEntity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenant', { tenant: user.tenantId });
    const mine = { inst: user.institutionId };
    if (f.box === ReferralBox.INCOMING) {
      qb.andWhere('r.to_institution_id = :inst', mine).andWhere(`r.state <> 'DRAFT'`);
    } else if (f.box === ReferralBox.OUTGOING) {
      qb.andWhere('r.from_institution_id = :inst', mine);
    } else if (!hasRole(user, ...TENANT_WIDE_ROLES)) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('r.from_institution_id = :inst', mine)
            .orWhere(`r.to_institution_id = :inst AND r.state <> 'DRAFT'`, mine),
        ),
      );
    } else {
      // The consortium sees what was sent, not senders' drafts.
      qb.andWhere(`r.state <> 'DRAFT'`);
    }
    if (f.urgency) qb.andWhere('r.urgency = :urgency', { urgency: f.urgency });
    if (f.direction) qb.andWhere('r.direction = :direction', { direction: f.direction });
    if (f.from) qb.andWhere('r.created_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('r.created_at < :to', { to: f.to });
    return qb;
  }

  readonly timelineLoader: LoaderFactory<string, ReferralStepEntity[]> = () =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(ReferralStepEntity).find({
        where: { referralId: In([...ids]) },
        order: { id: 'ASC' },
      });
      return ids.map((id) => rows.filter((s) => s.referralId === id));
    });
}
