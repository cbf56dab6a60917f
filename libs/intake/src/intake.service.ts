import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';
import { advisoryXactLock, AuthUser, Clock, NotFoundError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { NetworkService } from '@yg/network';
import { FieldCipher } from '@yg/patients';
import {
  EncounterRow,
  Hasher,
  OocRow,
  parseEncounter,
  parseOutOfCounty,
  Parsed,
  RawRecord,
} from './domain/records';
import {
  copyOoc,
  createOocStage,
  ensureEncounterPartitions,
  MergeCounts,
  mergeEncounters,
  mergeOoc,
  oocLine,
} from './intake-merge.repository';
import { IntakeAccess } from './intake-access.service';
import { ReportEncountersInput, ReportOutOfCountySettlementsInput } from './dto/intake.inputs';
import { DataImportModel, DataImportStatus } from './models/intake.models';

/** Rejected rows kept on a run: enough to fix a file, bounded for a broken one. */
export const REJECTIONS_KEPT = 1000;
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface RowRejection {
  line: number;
  sourceRecordId: string | null;
  reason: string;
}

export interface IntakeReport extends MergeCounts {
  runId: string;
  rejected: RowRejection[];
}

interface Checked<T> {
  rows: T[];
  rejected: RowRejection[];
}

/**
 * The push path (诊疗数据上报): a member system's batch of up to 1,000 records is checked row by
 * row (bad rows rejected with their number and reason, the rest kept), COPY'd into staging and
 * merged in one statement with the rollups, the run and its audit event, in one transaction.
 * A batch of one institution waits for the previous one (an advisory lock), so two deliveries
 * of the same records cannot both insert them.
 */
@Injectable()
export class IntakeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: IntakeAccess,
    private readonly network: NetworkService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Months whose partition this process has seen made: partitions are never dropped, and a push
   * of 1,000 records otherwise pays a transaction of its own just to learn they exist.
   */
  private readonly partitions = new Set<string>();

  /** Makes the month partitions the days need (own short transaction), once per process. */
  async ensurePartitions(days: Iterable<string>): Promise<void> {
    const missing = [...new Set([...days].map((d) => d.slice(0, 7)))].filter((m) => !this.partitions.has(m));
    if (!missing.length) return;
    missing.sort();
    await ensureEncounterPartitions(this.dataSource, `${missing[0]}-01`, `${missing[missing.length - 1]}-01`);
    for (const m of missing) this.partitions.add(m);
  }

  /** The keyed hash the patient index uses for ID numbers. */
  readonly hash: Hasher = (v) => this.cipher.lookupHash(v);

  /** Today on the consortium's calendar: records dated later are refused. */
  async today(tenantId: string): Promise<string> {
    const { timeZone } = await this.network.consortium(tenantId);
    return DateTime.fromJSDate(this.clock.now(), { zone: timeZone || DEFAULT_TIME_ZONE }).toISODate()!;
  }

  async reportEncounters(user: AuthUser, input: ReportEncountersInput): Promise<IntakeReport> {
    const institutionId = input.institutionId ?? user.institutionId;
    await this.access.assertReport(user, institutionId);
    const today = await this.today(user.tenantId);
    const checked = check(
      input.records as unknown as RawRecord[],
      (r) => parseEncounter(r, today, this.hash),
      (r) => r.sourceRecordId,
    );
    await this.ensurePartitions(checked.rows.map((r) => r.occurredOn));
    return this.dataSource.transaction(async (em) => {
      const inst = await this.access.assertReport(user, institutionId, em);
      await advisoryXactLock(em, 'intake', inst.id);
      const runId = await this.openRun(em, user, 'ENCOUNTERS', inst.id, input.sourceSystem);
      let counts: MergeCounts = { accepted: 0, replaced: 0, unchanged: 0 };
      if (checked.rows.length) {
        counts = await mergeEncounters(
          em,
          {
            tenantId: user.tenantId,
            institutionId: inst.id,
            sourceSystem: input.sourceSystem,
            runId,
            now: this.clock.now(),
          },
          { rows: checked.rows },
        );
      }
      return this.closeRun(
        em,
        user,
        runId,
        'intake.encounters.report',
        input.records.length,
        counts,
        checked,
      );
    });
  }

  async reportOutOfCounty(user: AuthUser, input: ReportOutOfCountySettlementsInput): Promise<IntakeReport> {
    const today = await this.today(user.tenantId);
    const checked = check(
      input.records as unknown as RawRecord[],
      (r) => parseOutOfCounty(r, today, this.hash),
      (r) => r.sourceRecordId,
    );
    return this.dataSource.transaction(async (em) => {
      await advisoryXactLock(em, 'intake-ooc', user.tenantId);
      const runId = await this.openRun(em, user, 'OUT_OF_COUNTY', null, input.sourceSystem);
      let counts: MergeCounts = { accepted: 0, replaced: 0, unchanged: 0 };
      if (checked.rows.length) {
        await createOocStage(em);
        await copyOoc(em, once(checked.rows.map((r: OocRow, i) => oocLine(i + 1, r)).join('')));
        counts = await mergeOoc(
          em,
          { tenantId: user.tenantId, sourceSystem: input.sourceSystem, runId, now: this.clock.now() },
          0,
          checked.rows.length,
        );
      }
      return this.closeRun(em, user, runId, 'intake.ooc.report', input.records.length, counts, checked);
    });
  }

  /**
   * A run the caller may see: consortium admins and auditors all, others their institution's and
   * their own; anything else (another tenant's included) is NOT_FOUND.
   */
  async run(user: AuthUser, id: string): Promise<DataImportModel> {
    const [r]: RunRow[] = await this.dataSource.query(
      `SELECT ${RUN_COLUMNS} FROM intake_run WHERE id = $1 AND tenant_id = $2`,
      [id, user.tenantId],
    );
    const visible =
      r &&
      (this.access.seesAllRuns(user) ||
        r.institution_id === user.institutionId ||
        r.requested_by === user.id);
    if (!visible) {
      throw new NotFoundError('DataImport', '数据导入', id);
    }
    return toModel(r);
  }

  private async openRun(
    em: EntityManager,
    user: AuthUser,
    kind: 'ENCOUNTERS' | 'OUT_OF_COUNTY',
    institutionId: string | null,
    sourceSystem: string,
  ): Promise<string> {
    const [row]: { id: string }[] = await em.query(
      `INSERT INTO intake_run (tenant_id, institution_id, kind, channel, source_system, status, requested_by, created_at, updated_at)
       VALUES ($1, $2, $3, 'PUSH', $4, 'RUNNING', $5, $6, $6) RETURNING id`,
      [user.tenantId, institutionId, kind, sourceSystem, user.id, this.clock.now()],
    );
    return row.id;
  }

  private async closeRun<T>(
    em: EntityManager,
    user: AuthUser,
    runId: string,
    action: string,
    total: number,
    counts: MergeCounts,
    checked: Checked<T>,
  ): Promise<IntakeReport> {
    const now = this.clock.now();
    await em.query(
      `UPDATE intake_run SET status = 'DONE', rows_total = $2, rows_done = $2, accepted = $3, replaced = $4,
              unchanged = $5, rejected = $6, errors = $7, updated_at = $8, finished_at = $8
        WHERE id = $1`,
      [
        runId,
        total,
        counts.accepted,
        counts.replaced,
        counts.unchanged,
        checked.rejected.length,
        JSON.stringify(checked.rejected.slice(0, REJECTIONS_KEPT)),
        now,
      ],
    );
    await this.audit.record(em, {
      action,
      entityType: 'DataImport',
      entityId: runId,
      actor: user,
      tenantId: user.tenantId,
      details: { records: total, ...counts, rejected: checked.rejected.length },
    });
    return { runId, ...counts, rejected: checked.rejected };
  }
}

/** Rows parsed in order; a source record id seen earlier in the same batch is rejected. */
export function check<T>(
  records: RawRecord[],
  parse: (r: RawRecord) => Parsed<T>,
  keyOf: (row: T) => string,
  firstLine = 1,
): Checked<T> {
  const rows: T[] = [];
  const rejected: RowRejection[] = [];
  const seen = new Map<string, number>();
  records.forEach((rec, i) => {
    const line = firstLine + i;
    const sourceRecordId = typeof rec.sourceRecordId === 'string' ? rec.sourceRecordId.slice(0, 64) : null;
    const p = parse(rec);
    if (!p.ok) {
      rejected.push({ line, sourceRecordId, reason: p.reason });
      return;
    }
    const key = keyOf(p.row);
    const first = seen.get(key);
    if (first !== undefined) {
      rejected.push({
        line,
        sourceRecordId,
        reason: `记录号重复,首次出现在第 ${first} 条 (duplicate sourceRecordId; first at ${first})`,
      });
      return;
    }
    seen.set(key, line);
    rows.push(p.row);
  });
  return { rows, rejected };
}

async function* once(text: string): AsyncGenerator<string> {
  if (text) yield text;
}

const RUN_COLUMNS = `id, institution_id, kind, channel, source_system, status, file_name, rows_total, rows_done,
  accepted, replaced, unchanged, rejected, errors, failure, requested_by, created_at, finished_at`;

interface RunRow {
  id: string;
  institution_id: string | null;
  kind: string;
  channel: string;
  source_system: string;
  status: DataImportStatus;
  file_name: string | null;
  rows_total: number | null;
  rows_done: number;
  accepted: number;
  replaced: number;
  unchanged: number;
  rejected: number;
  errors: RowRejection[];
  failure: string | null;
  requested_by: string;
  created_at: Date;
  finished_at: Date | null;
}

function toModel(r: RunRow): DataImportModel {
  return {
    id: r.id,
    institutionId: r.institution_id,
    kind: r.kind,
    channel: r.channel,
    sourceSystem: r.source_system,
    status: r.status,
    fileName: r.file_name,
    rowsTotal: r.rows_total,
    rowsDone: r.rows_done,
    accepted: r.accepted,
    replaced: r.replaced,
    unchanged: r.unchanged,
    rejectedCount: r.rejected,
    rejected: r.errors,
    failure: r.failure,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export type { EncounterRow };
