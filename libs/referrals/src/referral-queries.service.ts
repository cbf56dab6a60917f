import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, EntityMetadata, In } from 'typeorm';
import {
  AuthUser,
  Clock,
  columnsAs,
  columnsFor,
  Connection,
  fromJsonObject,
  hasRole,
  jsonObjectOf,
  KeysetColumn,
  keysetSql,
  LoaderFactory,
  pageOf,
} from '@yg/core';
import { DepartmentEntity, InstitutionEntity } from '@yg/network';
import { PatientSummary, PatientSummaryLoader, type PatientSummaryRow } from '@yg/patients';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralStepEntity } from './entities/referral-step.entity';
import { ReferralBox, ReferralOrder, ReferralState } from './domain/referral.enums';
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
    /** Masked, as a list may show it. */
    patient?: PatientSummary | null;
    fromInstitution?: InstitutionEntity | null;
    toInstitution?: InstitutionEntity | null;
    toDepartment?: DepartmentEntity | null;
  };
};

/** The keyset columns of a page, always read: the cursor is built from them. */
const KEYSET = ['urgencyRank', 'dueAt'];

/** Most urgent first, then by deadline: the order of every worklist, and its cursor. */
const WORKLIST_ORDER: KeysetColumn<WorklistRow>[] = [
  { expr: 'r.urgency_rank', value: (r) => r.urgencyRank, kind: 'number' },
  { expr: 'r.due_at', value: (r) => r.dueAt.toISOString(), kind: 'date' },
  { expr: 'r.id', value: (r) => r.id, kind: 'uuid' },
];

/**
 * Most recently changed first, for closed lists. The change time is cut to milliseconds in SQL,
 * so the cursor (a JavaScript date) holds exactly the value compared: Postgres keeps microseconds.
 */
const RECENT_AT = `date_trunc('milliseconds', r.updated_at)`;
const RECENT_ORDER: KeysetColumn<WorklistRow & { recentAt: Date }>[] = [
  { expr: RECENT_AT, value: (r) => r.recentAt.toISOString(), kind: 'date' },
  { expr: 'r.id', value: (r) => r.id, kind: 'uuid' },
];

/** 超时未接收: still waiting for an answer past its response deadline (`now` a parameter). */
const OVERDUE = (now: string) => `r.state = 'SUBMITTED' AND r.response_due_at < ${now}`;
/** 已升级: still waiting and escalated by the deadline checks. */
const ESCALATED = `r.state = 'SUBMITTED' AND r.escalation_level > 0`;

/** Positional parameters of a plain statement: `p(value)` adds one and returns its `$n`. */
function placeholders(): { params: unknown[]; p: (value: unknown) => string } {
  const params: unknown[] = [];
  return { params, p: (value) => `$${params.push(value)}` };
}

/** Reads: one referral, worklists and their counts, timelines. */
@Injectable()
export class ReferralQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ReferralAccess,
    private readonly clock: Clock,
    private readonly patients: PatientSummaryLoader,
  ) {}

  get(user: AuthUser, id: string): Promise<ReferralEntity> {
    return this.access.visible(this.dataSource.manager, user, id);
  }

  /**
   * A worklist page, most urgent first, then by deadline (or most recently changed first), with the related rows asked for: one
   * plain SQL statement with positional parameters (no query builder: building the statement
   * cost about as much CPU as Postgres spends running it), its rows read as plain objects (no
   * entity hydration). Related rows come as JSON columns: the patient from the patients'
   * `patient_summary` read model, institutions and the department from the network's published
   * views. Only the columns the selection needs are read (`columnsFor`): parsing and copying
   * unasked columns was most of the page's cost.
   */
  async list(
    user: AuthUser,
    args: ReferralsArgs,
    selection: WorklistSelection = {},
  ): Promise<Connection<WorklistRow>> {
    const referral = this.dataSource.getMetadata(ReferralEntity);
    const institution = this.dataSource.getMetadata(InstitutionEntity);
    const department = this.dataSource.getMetadata(DepartmentEntity);
    const { params, p } = placeholders();
    const where = this.scope(user, args, p);
    if (args.states?.length) where.push(`r.state = ANY(${p(args.states)}::text[])`);
    if (args.overdue) where.push(OVERDUE(p(this.clock.now())));
    if (args.escalated) where.push(ESCALATED);
    const select = columnsAs(referral, 'r', columnsFor(referral, selection.fields, KEYSET));
    if (selection.patient) {
      select.push(
        `(SELECT to_json(ps) FROM patient_summary ps WHERE ps.id = r.patient_id AND ps.tenant_id = r.tenant_id) AS "related_patient"`,
      );
    }
    const related = (
      name: 'fromInstitution' | 'toInstitution' | 'toDepartment',
      meta: EntityMetadata,
      from: string,
    ) => {
      const wanted = selection[name];
      if (wanted)
        select.push(
          `(SELECT ${jsonObjectOf(meta, 'x', columnsFor(meta, wanted))} ${from}) AS "related_${name}"`,
        );
    };
    related('fromInstitution', institution, 'FROM network_institution x WHERE x.id = r.from_institution_id');
    related('toInstitution', institution, 'FROM network_institution x WHERE x.id = r.to_institution_id');
    related('toDepartment', department, 'FROM network_department x WHERE x.id = r.to_department_id');
    const recent = args.order === ReferralOrder.RECENT;
    if (recent) select.push(`${RECENT_AT} AS "recentAt"`);
    const order = (recent ? RECENT_ORDER : WORKLIST_ORDER) as KeysetColumn<WorklistRow>[];
    const { after, orderBy, first } = keysetSql(order, args, p, recent ? 'DESC' : 'ASC');
    if (after) where.push(after);
    const columns = select.join(', ');
    const rest = `FROM referral r WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${first + 1}`;
    // Showing patients is a read with its audit event, written by the page's own statement.
    const shown = selection.patient
      ? this.patients.shownInStatement(
          p,
          `(SELECT "patientId" AS patient_id, "pageRow" AS n FROM page WHERE "related_patient" IS NOT NULL) shown`,
          first,
        )
      : null;
    const sql = shown
      ? `WITH page AS (SELECT ${columns}, row_number() OVER (ORDER BY ${orderBy}) AS "pageRow" ${rest}),
              event AS (${shown.sql})
         SELECT page.*, (SELECT id FROM event) AS "shownEventId" FROM page ORDER BY "pageRow"`
      : `SELECT ${columns} ${rest}`;
    const raw: Record<string, unknown>[] = await this.dataSource.query(sql, params);
    if (shown) this.patients.noteShown({ row: shown.row, id: (raw[0]?.shownEventId as string) ?? null });
    const rows = raw.map((r) => {
      // The row itself becomes the node (no copy of its columns); the JSON columns move under
      // `related`, cleared rather than deleted, which would slow every later read of the row.
      const row = r as unknown as WorklistRow &
        Partial<Record<`related_${string}` | 'pageRow' | 'shownEventId', unknown>>;
      const rel: WorklistRow['related'] = {};
      if (selection.patient) {
        const patient = row.related_patient as PatientSummaryRow | null;
        rel.patient = patient ? this.patients.mask(patient) : null;
        row.related_patient = undefined;
        row.pageRow = undefined;
        row.shownEventId = undefined;
      }
      if (selection.fromInstitution) {
        rel.fromInstitution = fromJsonObject<InstitutionEntity>(institution, row.related_fromInstitution);
        row.related_fromInstitution = undefined;
      }
      if (selection.toInstitution) {
        rel.toInstitution = fromJsonObject<InstitutionEntity>(institution, row.related_toInstitution);
        row.related_toInstitution = undefined;
      }
      if (selection.toDepartment) {
        rel.toDepartment = fromJsonObject<DepartmentEntity>(department, row.related_toDepartment);
        row.related_toDepartment = undefined;
      }
      row.related = rel;
      return row;
    });
    return pageOf(rows, order, first);
  }

  /** Counts per state for the same box and filters (every state listed, zeros included). */
  async counts(user: AuthUser, args: ReferralFilterArgs): Promise<ReferralCountsModel> {
    const { params, p } = placeholders();
    const where = this.scope(user, args, p);
    const rows: { state: ReferralState; n: number; overdue: number; escalated: number }[] =
      await this.dataSource.query(
        `SELECT r.state AS state, count(*)::int AS n,
                (count(*) FILTER (WHERE ${OVERDUE(p(this.clock.now()))}))::int AS overdue,
                (count(*) FILTER (WHERE ${ESCALATED}))::int AS escalated
           FROM referral r WHERE ${where.join(' AND ')}
          GROUP BY r.state`,
        params,
      );
    const byState = new Map(rows.map((r) => [r.state, r.n]));
    return {
      total: rows.reduce((a, r) => a + r.n, 0),
      byState: Object.values(ReferralState).map((state) => ({ state, count: byState.get(state) ?? 0 })),
      overdue: rows.reduce((a, r) => a + r.overdue, 0),
      escalated: rows.reduce((a, r) => a + r.escalated, 0),
    };
  }

  /** Which referrals a list may hold: the box, who may see what, and the filters, over `r`. */
  private scope(user: AuthUser, f: ReferralFilterArgs, p: (value: unknown) => string): string[] {
    const where = [`r.tenant_id = ${p(user.tenantId)}`];
    if (f.box === ReferralBox.INCOMING) {
      where.push(`r.to_institution_id = ${p(user.institutionId)}`, `r.state <> 'DRAFT'`);
    } else if (f.box === ReferralBox.OUTGOING) {
      where.push(`r.from_institution_id = ${p(user.institutionId)}`);
    } else if (!hasRole(user, ...TENANT_WIDE_ROLES)) {
      const inst = p(user.institutionId);
      where.push(
        `(r.from_institution_id = ${inst} OR (r.to_institution_id = ${inst} AND r.state <> 'DRAFT'))`,
      );
    } else {
      // The consortium sees what was sent, not senders' drafts.
      where.push(`r.state <> 'DRAFT'`);
    }
    if (f.urgency) where.push(`r.urgency = ${p(f.urgency)}`);
    if (f.direction) where.push(`r.direction = ${p(f.direction)}`);
    if (f.from) where.push(`r.created_at >= ${p(f.from)}`);
    if (f.to) where.push(`r.created_at < ${p(f.to)}`);
    return where;
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
