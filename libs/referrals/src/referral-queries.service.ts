import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { Brackets, DataSource, EntityMetadata, In, SelectQueryBuilder } from 'typeorm';
import {
  AuthUser,
  Clock,
  columnsAs,
  columnsFor,
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

/**
 * What a worklist page reads, from what the client selected: the referral's fields (every
 * column when absent) and, for each related row read with the page's own statement, the
 * fields selected under it (absent: not read).
 */
export interface WorklistSelection {
  fields?: ReadonlySet<string>;
  patient?: boolean;
  fromInstitution?: ReadonlySet<string>;
  toInstitution?: ReadonlySet<string>;
  toDepartment?: ReadonlySet<string>;
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

/** The keyset columns of a page, always read: the cursor is built from them. */
const KEYSET = ['urgencyRank', 'dueAt'];

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
   * and the department from the network's published views. Only the columns the selection needs are
   * read (`columnsFor`): parsing and copying unasked columns was most of the page's cost.
   */
  list(
    user: AuthUser,
    args: ReferralsArgs,
    selection: WorklistSelection = {},
  ): Promise<Connection<WorklistRow>> {
    const referral = this.dataSource.getMetadata(ReferralEntity);
    const qb = this.scoped(user, args).select(
      columnsAs(referral, 'r', columnsFor(referral, selection.fields, KEYSET)),
    );
    if (args.states?.length) qb.andWhere('r.state IN (:...states)', { states: args.states });
    const institution = this.dataSource.getMetadata(InstitutionEntity);
    const department = this.dataSource.getMetadata(DepartmentEntity);
    const related = (
      name: 'fromInstitution' | 'toInstitution' | 'toDepartment',
      meta: EntityMetadata,
      sql: (json: string) => string,
    ) => {
      const wanted = selection[name];
      if (wanted)
        qb.addSelect(`(${sql(jsonObjectOf(meta, 'x', columnsFor(meta, wanted)))})`, `related_${name}`);
    };
    if (selection.patient) {
      qb.addSelect(
        `(SELECT to_json(ps) FROM patient_summary ps WHERE ps.id = r.patient_id AND ps.tenant_id = r.tenant_id)`,
        'related_patient',
      );
    }
    related(
      'fromInstitution',
      institution,
      (o) => `SELECT ${o} FROM network_institution x WHERE x.id = r.from_institution_id`,
    );
    related(
      'toInstitution',
      institution,
      (o) => `SELECT ${o} FROM network_institution x WHERE x.id = r.to_institution_id`,
    );
    related(
      'toDepartment',
      department,
      (o) => `SELECT ${o} FROM network_department x WHERE x.id = r.to_department_id`,
    );
    return paginateRaw<ReferralEntity, WorklistRow>(
      qb,
      [
        { expr: 'r.urgency_rank', value: (r) => r.urgencyRank, kind: 'number' },
        { expr: 'r.due_at', value: (r) => r.dueAt.toISOString(), kind: 'date' },
        { expr: 'r.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
      (raw) => {
        // The row itself becomes the node (no copy of its columns); the JSON columns move under
        // `related`, cleared rather than deleted, which would slow every later read of the row.
        const row = raw as unknown as WorklistRow & Partial<Record<`related_${string}`, unknown>>;
        const related: WorklistRow['related'] = {};
        if (selection.patient) {
          related.patient = (row.related_patient as PatientSummaryRow | null) ?? null;
          row.related_patient = undefined;
        }
        if (selection.fromInstitution) {
          related.fromInstitution = fromJsonObject<InstitutionEntity>(
            institution,
            row.related_fromInstitution,
          );
          row.related_fromInstitution = undefined;
        }
        if (selection.toInstitution) {
          related.toInstitution = fromJsonObject<InstitutionEntity>(institution, row.related_toInstitution);
          row.related_toInstitution = undefined;
        }
        if (selection.toDepartment) {
          related.toDepartment = fromJsonObject<DepartmentEntity>(department, row.related_toDepartment);
          row.related_toDepartment = undefined;
        }
        row.related = related;
        return row;
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
