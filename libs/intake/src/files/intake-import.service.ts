import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { advisoryXactLock, Clock, readStoredChunks } from '@yg/core';
import { AuditService } from '@yg/audit';
import { ImportFileError } from '@yg/drugs';
import { RealtimeEmitter, rooms } from '@yg/realtime';
import {
  ENCOUNTER_HEADERS,
  EncounterRow,
  OOC_HEADERS,
  OocRow,
  parseEncounter,
  parseOutOfCounty,
  Parsed,
  RawRecord,
} from '../domain/records';
import {
  copyEncounters,
  copyOoc,
  createEncounterStage,
  createOocStage,
  encounterLine,
  MergeCounts,
  mergeEncounters,
  mergeOoc,
  oocLine,
} from '../intake-merge.repository';
import { IntakeService, REJECTIONS_KEPT, RowRejection } from '../intake.service';
import { FileRecord, readRecords } from './intake-file-reader';
import type { IntakeFileFormat, IntakeKind } from './intake-upload.service';

/** Staged rows merged per statement: bounded work and a progress step each. */
export const MERGE_BATCH = 50_000;
const TERMINAL = new Set(['DONE', 'FAILED']);

export const INTAKE_PUSH = { IMPORT_PROGRESS: 'intake.import.progress' } as const;

interface Run {
  id: string;
  tenant_id: string;
  institution_id: string | null;
  kind: IntakeKind;
  source_system: string;
  status: string;
  format: IntakeFileFormat;
  requested_by: string;
}

interface Staged {
  /** The file could not be read: raised once COPY has ended cleanly. */
  fileError?: unknown;
  total: number;
  ok: number;
  rejected: RowRejection[];
  rejectedCount: number;
}

/**
 * Imports an uploaded visit-data file (worker side): the stored file is read as a stream,
 * checked row by row (bad rows kept by line with the reason, the first 1,000), good rows COPY'd
 * into staging, then merged in batches — each one statement that also moves the rollups — in
 * one transaction. Progress (rows done / total) is committed beside it and pushed to the
 * uploader and the institution. A crash leaves the data as it was and the job starts again;
 * a finished run is not run twice.
 */
@Injectable()
export class IntakeFileImporter {
  private readonly logger = new Logger(IntakeFileImporter.name);

  /** Staged rows merged per statement (tests make it small to cross batch boundaries). */
  batchRows = MERGE_BATCH;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly intake: IntakeService,
    private readonly audit: AuditService,
    private readonly emitter: RealtimeEmitter,
    private readonly clock: Clock,
  ) {}

  async run(runId: string, opts: { finalAttempt?: boolean } = {}): Promise<{ status: string } | null> {
    const claimed = await this.dataSource.transaction(async (em) => {
      const [run]: Run[] = await em.query(`SELECT * FROM intake_run WHERE id = $1 FOR UPDATE`, [runId]);
      if (!run || TERMINAL.has(run.status) || run.status === 'UPLOADING') return { run, go: false };
      await em.query(
        `UPDATE intake_run SET status = 'RUNNING', rows_done = 0, rows_total = NULL, updated_at = now() WHERE id = $1`,
        [runId],
      );
      return { run, go: true };
    });
    if (!claimed.run) return null;
    if (!claimed.go) return { status: claimed.run.status };
    const run = claimed.run;
    this.push(run, 'RUNNING', 0, null, 0);
    try {
      return await this.dataSource.transaction((em) => this.load(em, run));
    } catch (err) {
      if (!(err instanceof ImportFileError) && !opts.finalAttempt) throw err;
      const failure =
        err instanceof ImportFileError
          ? err.message
          : `导入失败,数据未改动 (import failed; nothing was changed): ${(err as Error).message}`;
      if (!(err instanceof ImportFileError))
        this.logger.error(`intake import ${runId} failed: ${(err as Error).stack}`);
      return this.fail(run, failure);
    }
  }

  private async load(em: EntityManager, run: Run): Promise<{ status: string }> {
    const encounters = run.kind === 'ENCOUNTERS';
    // Batches of one institution (or the consortium's settlements) take turns; a twin delivery waits here.
    await advisoryXactLock(em, encounters ? 'intake' : 'intake-ooc', run.institution_id ?? run.tenant_id);
    const [now]: { status: string }[] = await em.query(`SELECT status FROM intake_run WHERE id = $1`, [
      run.id,
    ]);
    if (TERMINAL.has(now.status)) return now;
    await em.query(`SET LOCAL statement_timeout = '30min'`);
    const today = await this.intake.today(run.tenant_id);
    const file = readStoredChunks(this.dataSource, 'intake_upload_chunk', 'run_id', run.id);
    const staged: Staged = { total: 0, ok: 0, rejected: [], rejectedCount: 0 };
    if (encounters) {
      await createEncounterStage(em);
      const records = readRecords(file, run.format, ENCOUNTER_HEADERS, [
        'sourceRecordId',
        'kind',
        'occurredOn',
        'totalCost',
      ]);
      await copyEncounters(
        em,
        this.stage(records, staged, (r) => parseEncounter(r, today, this.intake.hash), encounterLine, true),
      );
      if (staged.fileError) throw staged.fileError;
      await em.query(`CREATE INDEX ON encounter_stage (n)`);
    } else {
      await createOocStage(em);
      const records = readRecords(file, run.format, OOC_HEADERS, [
        'sourceRecordId',
        'settledOn',
        'totalCost',
      ]);
      await copyOoc(
        em,
        this.stage(records, staged, (r) => parseOutOfCounty(r, today, this.intake.hash), oocLine, false),
      );
      if (staged.fileError) throw staged.fileError;
      await em.query(`CREATE INDEX ON ooc_stage (n)`);
    }
    const counts: MergeCounts = { accepted: 0, replaced: 0, unchanged: 0 };
    await this.progress(run, staged.rejectedCount, staged.total, staged.rejectedCount);
    const at = this.clock.now();
    for (let lo = 0; lo < staged.ok; lo += this.batchRows) {
      const hi = Math.min(lo + this.batchRows, staged.ok);
      const c = encounters
        ? await mergeEncounters(
            em,
            {
              tenantId: run.tenant_id,
              institutionId: run.institution_id!,
              sourceSystem: run.source_system,
              runId: run.id,
              now: at,
            },
            { staged: { lo, hi } },
          )
        : await mergeOoc(
            em,
            { tenantId: run.tenant_id, sourceSystem: run.source_system, runId: run.id, now: at },
            lo,
            hi,
          );
      counts.accepted += c.accepted;
      counts.replaced += c.replaced;
      counts.unchanged += c.unchanged;
      await this.progress(run, staged.rejectedCount + hi, staged.total, staged.rejectedCount);
    }
    await em.query(
      `UPDATE intake_run SET status = 'DONE', rows_total = $2, rows_done = $2, accepted = $3, replaced = $4,
              unchanged = $5, rejected = $6, errors = $7, updated_at = $8, finished_at = $8
        WHERE id = $1`,
      [
        run.id,
        staged.total,
        counts.accepted,
        counts.replaced,
        counts.unchanged,
        staged.rejectedCount,
        JSON.stringify(staged.rejected),
        this.clock.now(),
      ],
    );
    await em.query(`DELETE FROM intake_upload_chunk WHERE run_id = $1`, [run.id]);
    await this.audit.record(em, {
      action: 'intake.file.import',
      entityType: 'DataImport',
      entityId: run.id,
      tenantId: run.tenant_id,
      actor: null,
      details: {
        institutionId: run.institution_id,
        requestedBy: run.requested_by,
        rows: staged.total,
        ...counts,
        rejected: staged.rejectedCount,
      },
    });
    // After commit would be exact; a client that misses it reads the run.
    this.push(run, 'DONE', staged.total, staged.total, staged.rejectedCount);
    return { status: 'DONE' };
  }

  /** Good rows as COPY text (n from 1); bad rows counted, the first ones kept with line and reason. */
  private async *stage<T extends EncounterRow | OocRow>(
    records: AsyncIterable<FileRecord[]>,
    staged: Staged,
    parse: (r: RawRecord) => Parsed<T>,
    line: (n: number, row: T) => string,
    partitioned: boolean,
  ): AsyncGenerator<string> {
    const seen = new Map<string, number>();
    const months = new Set<string>();
    const reject = (r: RowRejection) => {
      staged.rejectedCount++;
      if (staged.rejected.length < REJECTIONS_KEPT) staged.rejected.push(r);
    };
    const iterator = records[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<FileRecord[]>;
      try {
        next = await iterator.next();
      } catch (err) {
        staged.fileError = err;
        return;
      }
      if (next.done) return;
      const batch = next.value;
      let out = '';
      for (const rec of batch) {
        staged.total++;
        const id =
          typeof rec.record?.sourceRecordId === 'string' ? rec.record.sourceRecordId.slice(0, 64) : null;
        if (!rec.record) {
          reject({ line: rec.line, sourceRecordId: null, reason: rec.problem ?? '无法读取 (unreadable)' });
          continue;
        }
        const p = parse(rec.record);
        if (!p.ok) {
          reject({ line: rec.line, sourceRecordId: id, reason: p.reason });
          continue;
        }
        const first = seen.get(p.row.sourceRecordId);
        if (first !== undefined) {
          reject({
            line: rec.line,
            sourceRecordId: id,
            reason: `记录号重复,首次出现在第 ${first} 行 (duplicate sourceRecordId; first on line ${first})`,
          });
          continue;
        }
        seen.set(p.row.sourceRecordId, rec.line);
        if (partitioned) {
          const day = (p.row as EncounterRow).occurredOn;
          const month = day.slice(0, 7);
          if (!months.has(month)) {
            // Over the pool, committed at once: a partition made inside the import's transaction
            // would lock the whole table until the import ends.
            await this.intake.ensurePartitions([day]);
            months.add(month);
          }
        }
        out += line(++staged.ok, p.row);
      }
      if (out) yield out;
    }
  }

  private async fail(run: Run, failure: string): Promise<{ status: string }> {
    await this.dataSource.transaction(async (em) => {
      await em.query(
        `UPDATE intake_run SET status = 'FAILED', failure = $2, updated_at = now(), finished_at = now() WHERE id = $1`,
        [run.id, failure.slice(0, 2000)],
      );
      await em.query(`DELETE FROM intake_upload_chunk WHERE run_id = $1`, [run.id]);
      await this.audit.record(em, {
        action: 'intake.file.import',
        entityType: 'DataImport',
        entityId: run.id,
        tenantId: run.tenant_id,
        actor: null,
        outcome: 'FAILURE',
        details: {
          institutionId: run.institution_id,
          requestedBy: run.requested_by,
          failure: failure.slice(0, 500),
        },
      });
    });
    this.push(run, 'FAILED', 0, null, 0);
    return { status: 'FAILED' };
  }

  /** Committed beside the import's transaction, so `dataImport(id)` shows it while the import runs. */
  private async progress(run: Run, rowsDone: number, rowsTotal: number, rejected: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE intake_run SET rows_done = $2, rows_total = $3, rejected = $4, updated_at = now()
        WHERE id = $1 AND status = 'RUNNING'`,
      [run.id, rowsDone, rowsTotal, rejected],
    );
    this.push(run, 'RUNNING', rowsDone, rowsTotal, rejected);
  }

  /** Best effort: the run's row is the record. */
  private push(run: Run, status: string, rowsDone: number, rowsTotal: number | null, rejected: number): void {
    this.emitter.emit(
      [rooms.user(run.requested_by), ...(run.institution_id ? [rooms.institution(run.institution_id)] : [])],
      INTAKE_PUSH.IMPORT_PROGRESS,
      { id: run.id, status, rowsDone, rowsTotal, rejected, at: this.clock.now().toISOString() },
    );
  }
}
