import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { advisoryXactLock, Clock, readStoredChunks } from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { RealtimeEmitter } from '@yg/realtime';
import { DrugCatalogueImportEntity } from '../entities/catalogue.entities';
import type { ImportRowError } from '../entities/dictionary.entities';
import { ImportStatus } from '../domain/drug.enums';
import { CatalogueColumns, mapCatalogueHeaders, parseCatalogueRow } from '../domain/catalogue-columns';
import type { DrugMatcher } from '../domain/matcher';
import { ImportFileError, readTable, TableRow } from '../files/tabular';
import { copyIn, copyLine } from '../files/copy';
import { IMPORT_ERRORS_KEPT } from '../dictionary/dictionary-import.service';
import {
  CatalogueMatching,
  MATCH_BATCH,
  MATCH_ITEM_COLUMNS,
  MatchCounts,
  MatchItem,
} from './catalogue-matching.service';
import {
  CATALOGUE_PUSH,
  importFinishedEvent,
  mappingChangedEvent,
  progressOf,
  progressRooms,
  stockChangedEvent,
} from './catalogue-events';

/** Rows above the header searched for it (a title line or two is common in exports). */
const HEADER_SEARCH_ROWS = 10;
const TERMINAL = new Set([ImportStatus.DONE, ImportStatus.SKIPPED, ImportStatus.FAILED]);

const STAGE_COLUMNS = [
  'n',
  'line',
  'local_code',
  'brand_name',
  'generic_name',
  'dosage_form',
  'spec',
  'maker',
  'pack_factor',
  'unit',
  'national_code',
  'active',
  'on_hand',
  'content_hash',
];

/** A catalogue item's version snapshot (alias `i`). */
const SNAPSHOT = `jsonb_build_object('localCode', i.local_code, 'brandName', i.brand_name,
  'genericName', i.generic_name, 'dosageForm', i.dosage_form, 'spec', i.spec, 'maker', i.maker,
  'packFactor', i.pack_factor, 'unit', i.unit, 'nationalCode', i.national_code, 'active', i.active)`;

interface ReadStats {
  rowsTotal: number;
  rowsOk: number;
  rowsBad: number;
  errors: ImportRowError[];
  headerFound: boolean;
  firstRow: string[] | null;
}

interface Tally {
  inserted: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  reactivated: number;
  stockUpdated: number;
  matchCounts: MatchCounts;
  mappingsChanged: number;
}

type Change = 'UPDATE' | 'DEACTIVATE' | 'REACTIVATE';

export interface CatalogueImportOptions {
  /** An unexpected failure marks the run FAILED instead of leaving it to a retry. */
  finalAttempt?: boolean;
}

/**
 * Imports an uploaded member catalogue (worker side): the stored file is read as a stream,
 * validated row by row (bad rows kept by line, the first 1,000), COPY'd into a temporary table,
 * then merged in batches of 500 in one transaction — new items, changed items as new versions,
 * items the file marks as not in use or (for a full import) no longer lists deactivated, never
 * deleted — and every new or changed item matched to the unified list in the same batch. Stock
 * columns update stock. Progress (rows done / total) is committed beside the transaction and
 * pushed to the uploader and the institution. A crash leaves the catalogue as it was, and the
 * job starts again; the same file as the last finished import is SKIPPED.
 */
@Injectable()
export class CatalogueImporter {
  private readonly logger = new Logger(CatalogueImporter.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly matching: CatalogueMatching,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly emitter: RealtimeEmitter,
    private readonly clock: Clock,
  ) {}

  /** Idempotent on the import's row: a finished import is returned as it is. Null when there is none. */
  async run(importId: string, opts: CatalogueImportOptions = {}): Promise<DrugCatalogueImportEntity | null> {
    const claimed = await this.dataSource.transaction(async (em) => {
      const run = await em
        .getRepository(DrugCatalogueImportEntity)
        .findOne({ where: { id: importId }, lock: { mode: 'pessimistic_write' } });
      if (!run || TERMINAL.has(run.status) || run.status === ImportStatus.UPLOADING)
        return { run, go: false };
      await em.update(
        DrugCatalogueImportEntity,
        { id: importId },
        {
          status: ImportStatus.RUNNING,
          attempts: run.attempts + 1,
          startedAt: this.clock.now(),
          rowsDone: 0,
          rowsTotal: null,
        },
      );
      return {
        run: await em.getRepository(DrugCatalogueImportEntity).findOneByOrFail({ id: importId }),
        go: true,
      };
    });
    if (!claimed.go) return claimed.run;
    this.push(claimed.run!);
    try {
      return await this.dataSource.transaction((em) => this.load(em, importId));
    } catch (err) {
      if (!(err instanceof ImportFileError) && !opts.finalAttempt) throw err;
      const failure =
        err instanceof ImportFileError
          ? err.message
          : `导入失败,目录未改动 (import failed; the catalogue was not changed): ${(err as Error).message}`;
      if (!(err instanceof ImportFileError))
        this.logger.error(`catalogue import ${importId} failed: ${(err as Error).stack}`);
      return this.fail(importId, failure);
    }
  }

  private async load(em: EntityManager, importId: string): Promise<DrugCatalogueImportEntity> {
    const repo = em.getRepository(DrugCatalogueImportEntity);
    const first = await repo.findOneByOrFail({ id: importId });
    // Imports and re-matches of one institution take turns; a twin delivery of this job waits here.
    await advisoryXactLock(em, 'drug-catalogue', first.institutionId);
    await em.query(`SET LOCAL statement_timeout = '10min'`);
    const run = await repo.findOneByOrFail({ id: importId });
    if (TERMINAL.has(run.status)) return run;

    const [last]: { id: string; file_sha256: string; full_import: boolean }[] = await em.query(
      `SELECT id, file_sha256, full_import FROM drug_catalogue_import
        WHERE institution_id = $1 AND status = 'DONE' ORDER BY finished_at DESC, id DESC LIMIT 1`,
      [run.institutionId],
    );
    if (last && last.file_sha256 === run.fileSha256 && last.full_import === run.fullImport) {
      return this.finish(em, run, { status: ImportStatus.SKIPPED, duplicateOf: last.id }, null);
    }

    await em.query(`CREATE TEMP TABLE catalogue_stage (
        n int NOT NULL, line int NOT NULL, local_code text NOT NULL, brand_name text,
        generic_name text NOT NULL, dosage_form text, spec text, maker text, pack_factor numeric(12,3),
        unit text, national_code text, active boolean NOT NULL, on_hand numeric(14,3), content_hash text NOT NULL
      ) ON COMMIT DROP`);
    const stats: ReadStats = {
      rowsTotal: 0,
      rowsOk: 0,
      rowsBad: 0,
      errors: [],
      headerFound: false,
      firstRow: null,
    };
    const reading = readTable(this.storedFile(run.id), run.format);
    await copyIn(
      em,
      `COPY catalogue_stage (${STAGE_COLUMNS.join(', ')}) FROM STDIN`,
      this.stage(reading.rows, stats),
    );
    const sha256 = await reading.sha256();
    if (sha256 !== run.fileSha256) {
      throw new ImportFileError(
        '文件与上传时不一致,请重新上传 (the stored file differs from the upload; upload it again)',
      );
    }
    if (!stats.headerFound) {
      throw new ImportFileError(
        `找不到表头:需要药品编码列(流水号/药品编码)和通用名列(通用名/药品名称) ` +
          `(no header with a local-code and a generic-name column); 第一行 (first row): ` +
          `${(stats.firstRow ?? []).slice(0, 12).join(', ').slice(0, 300)}`,
      );
    }
    if (run.fullImport && stats.rowsOk === 0) {
      throw new ImportFileError(
        '文件中没有有效行:完整目录不能为空,否则会停用全部药品 (no valid rows: an empty full catalogue would deactivate every item)',
      );
    }
    await em.query(`CREATE INDEX ON catalogue_stage (n)`);
    await em.query(`CREATE INDEX ON catalogue_stage (local_code)`);
    await em.query(`ANALYZE catalogue_stage`);
    const counts = {
      rowsTotal: stats.rowsTotal,
      rowsOk: stats.rowsOk,
      rowsBad: stats.rowsBad,
      errors: stats.errors,
    };
    await this.progress(run, stats.rowsBad, stats.rowsTotal, stats.rowsBad);

    const matcher = await this.matching.matcherFor(em, run.tenantId);
    const tally: Tally = {
      inserted: 0,
      updated: 0,
      unchanged: 0,
      deactivated: 0,
      reactivated: 0,
      stockUpdated: 0,
      matchCounts: {},
      mappingsChanged: 0,
    };
    for (let lo = 0; lo < stats.rowsOk; lo += MATCH_BATCH) {
      const hi = Math.min(lo + MATCH_BATCH, stats.rowsOk);
      await this.mergeBatch(em, run, lo, hi, matcher, tally);
      await this.progress(run, stats.rowsBad + hi, stats.rowsTotal, stats.rowsBad);
    }
    if (run.fullImport) await this.deactivateMissing(em, run, tally);
    return this.finish(
      em,
      run,
      {
        ...counts,
        status: ImportStatus.DONE,
        rowsDone: stats.rowsTotal,
        inserted: tally.inserted,
        updated: tally.updated,
        unchanged: tally.unchanged,
        deactivated: tally.deactivated,
        reactivated: tally.reactivated,
        stockUpdated: tally.stockUpdated,
        matchCounts: tally.matchCounts,
      },
      tally,
    );
  }

  /** The uploaded bytes, read back in order over the pool (the transaction's connection is busy with COPY). */
  private storedFile(importId: string): Readable {
    return readStoredChunks(this.dataSource, 'drug_catalogue_upload_chunk', 'import_id', importId);
  }

  /** The file's good rows as COPY text; bad rows counted and the first ones kept with line and reason. */
  private async *stage(rows: AsyncIterable<TableRow[]>, stats: ReadStats): AsyncGenerator<string> {
    let sheet = 0;
    let columns: CatalogueColumns | null = null;
    const seen = new Map<string, number>();
    const bad = (line: number, sheetNo: number, code: string | null, reason: string) => {
      stats.rowsBad++;
      if (stats.errors.length < IMPORT_ERRORS_KEPT) {
        stats.errors.push({ line, ...(sheetNo > 1 ? { sheet: sheetNo } : {}), code, reason });
      }
    };
    for await (const batch of rows) {
      let out = '';
      for (const { sheet: s, line, cells } of batch) {
        if (s !== sheet) [sheet, columns] = [s, null];
        if (!cells.some((c) => c.trim() !== '')) continue;
        if (!columns) {
          stats.firstRow ??= cells;
          if (line > HEADER_SEARCH_ROWS) continue;
          columns = mapCatalogueHeaders(cells);
          if (columns) stats.headerFound = true;
          continue;
        }
        stats.rowsTotal++;
        const v = parseCatalogueRow(cells, columns);
        if (!v.ok) {
          bad(line, sheet, v.code, v.reason);
          continue;
        }
        const firstLine = seen.get(v.row.localCode);
        if (firstLine !== undefined) {
          bad(
            line,
            sheet,
            v.row.localCode.slice(0, 40),
            `药品编码重复,首次出现在第 ${firstLine} 行 (duplicate local code; first on line ${firstLine})`,
          );
          continue;
        }
        seen.set(v.row.localCode, line);
        stats.rowsOk++;
        const r = v.row;
        out += copyLine([
          stats.rowsOk,
          line,
          r.localCode,
          r.brandName,
          r.genericName,
          r.dosageForm,
          r.spec,
          r.maker,
          r.packFactor,
          r.unit,
          r.nationalCode,
          r.active,
          r.onHand,
          r.contentHash,
        ]);
      }
      if (out) yield out;
    }
  }

  /** Rows n in (lo, hi]: new items, changed items, flags, stock; then the new and changed ones matched. */
  private async mergeBatch(
    em: EntityManager,
    run: DrugCatalogueImportEntity,
    lo: number,
    hi: number,
    matcher: DrugMatcher,
    tally: Tally,
  ): Promise<void> {
    const now = this.clock.now();
    const staged: { n: number; local_code: string; content_hash: string; active: boolean }[] = await em.query(
      `SELECT n, local_code, content_hash, active FROM catalogue_stage WHERE n > $1 AND n <= $2 ORDER BY n`,
      [lo, hi],
    );
    const existing: { id: string; local_code: string; content_hash: string; active: boolean }[] =
      await em.query(
        `SELECT id, local_code, content_hash, active FROM drug_catalogue_item
        WHERE institution_id = $1 AND local_code = ANY($2::text[]) ORDER BY id FOR UPDATE`,
        [run.institutionId, staged.map((s) => s.local_code)],
      );
    const byCode = new Map(existing.map((e) => [e.local_code, e]));
    const insertNs: number[] = [];
    const updateNs: number[] = [];
    const changes: { id: string; change: Change }[] = [];
    const toMatch: string[] = [];
    for (const s of staged) {
      const e = byCode.get(s.local_code);
      if (!e) {
        insertNs.push(s.n);
        continue;
      }
      const contentChanged = e.content_hash !== s.content_hash;
      if (!contentChanged && e.active === s.active) {
        tally.unchanged++;
        continue;
      }
      updateNs.push(s.n);
      const change: Change = e.active === s.active ? 'UPDATE' : s.active ? 'REACTIVATE' : 'DEACTIVATE';
      changes.push({ id: e.id, change });
      if (contentChanged) {
        tally.updated++;
        toMatch.push(e.id);
      }
      if (change === 'REACTIVATE') tally.reactivated++;
      if (change === 'DEACTIVATE') tally.deactivated++;
    }

    if (insertNs.length) {
      const inserted: { id: string }[] = await em.query(
        `INSERT INTO drug_catalogue_item (tenant_id, institution_id, local_code, brand_name, generic_name,
            dosage_form, spec, maker, pack_factor, unit, national_code, active, version, content_hash,
            last_import_id, created_at, updated_at, deactivated_at)
         SELECT $1, $2, s.local_code, s.brand_name, s.generic_name, s.dosage_form, s.spec, s.maker, s.pack_factor,
                s.unit, s.national_code, s.active, 1, s.content_hash, $3, $4::timestamptz, $4::timestamptz,
                CASE WHEN s.active THEN NULL ELSE $4::timestamptz END
           FROM catalogue_stage s WHERE s.n = ANY($5::int[]) ORDER BY s.n
         RETURNING id`,
        [run.tenantId, run.institutionId, run.id, now, insertNs],
      );
      const ids = inserted.map((r) => r.id);
      await em.query(
        `INSERT INTO drug_catalogue_item_version (tenant_id, catalogue_item_id, version, change, snapshot, import_id, at)
         SELECT i.tenant_id, i.id, i.version, 'CREATE', ${SNAPSHOT}, $2, $3
           FROM drug_catalogue_item i WHERE i.id = ANY($1::uuid[])`,
        [ids, run.id, now],
      );
      tally.inserted += ids.length;
      toMatch.push(...ids);
    }

    if (updateNs.length) {
      await em.query(
        `UPDATE drug_catalogue_item i SET
           brand_name = s.brand_name, generic_name = s.generic_name, dosage_form = s.dosage_form, spec = s.spec,
           maker = s.maker, pack_factor = s.pack_factor, unit = s.unit, national_code = s.national_code,
           content_hash = s.content_hash, active = s.active,
           deactivated_at = CASE WHEN s.active THEN NULL ELSE coalesce(i.deactivated_at, $3::timestamptz) END,
           version = i.version + 1, last_import_id = $2, updated_at = $3::timestamptz
          FROM catalogue_stage s
         WHERE s.n = ANY($1::int[]) AND i.institution_id = $4 AND i.local_code = s.local_code`,
        [updateNs, run.id, now, run.institutionId],
      );
      await this.recordVersions(em, changes, run.id, now);
    }

    const stock: { catalogue_item_id: string }[] = await em.query(
      `INSERT INTO drug_stock (catalogue_item_id, tenant_id, institution_id, on_hand, source, updated_by, version, updated_at)
       SELECT i.id, i.tenant_id, i.institution_id, s.on_hand, 'IMPORT', $4, 1, $5
         FROM catalogue_stage s JOIN drug_catalogue_item i ON i.institution_id = $1 AND i.local_code = s.local_code
        WHERE s.n > $2 AND s.n <= $3 AND s.on_hand IS NOT NULL
       ON CONFLICT (catalogue_item_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, source = 'IMPORT',
         updated_by = EXCLUDED.updated_by, version = drug_stock.version + 1, updated_at = EXCLUDED.updated_at
        WHERE drug_stock.on_hand IS DISTINCT FROM EXCLUDED.on_hand
       RETURNING catalogue_item_id`,
      [run.institutionId, lo, hi, run.requestedBy, now],
    );
    tally.stockUpdated += stock.length;

    if (toMatch.length) {
      const items: MatchItem[] = await em.query(
        `SELECT ${MATCH_ITEM_COLUMNS} FROM drug_catalogue_item i WHERE i.id = ANY($1::uuid[]) ORDER BY i.id`,
        [toMatch],
      );
      const res = await this.matching.apply(
        em,
        {
          tenantId: run.tenantId,
          institutionId: run.institutionId,
          action: 'MATCH',
          note: `import ${run.id}`,
        },
        matcher,
        items,
        'wait',
      );
      for (const [k, v] of Object.entries(res.counts) as [keyof MatchCounts, number][]) {
        tally.matchCounts[k] = (tally.matchCounts[k] ?? 0) + v;
      }
      tally.mappingsChanged += res.changed.length;
    }
  }

  /** A full import: active items the file no longer lists are deactivated (kept, with a version). */
  private async deactivateMissing(
    em: EntityManager,
    run: DrugCatalogueImportEntity,
    tally: Tally,
  ): Promise<void> {
    const now = this.clock.now();
    const [rows]: [{ id: string }[], number] = await em.query(
      `UPDATE drug_catalogue_item i SET active = false, deactivated_at = $3, version = i.version + 1,
              last_import_id = $2, updated_at = $3
        WHERE i.institution_id = $1 AND i.active
          AND NOT EXISTS (SELECT 1 FROM catalogue_stage s WHERE s.local_code = i.local_code)
       RETURNING i.id`,
      [run.institutionId, run.id, now],
    );
    await this.recordVersions(
      em,
      rows.map((r) => ({ id: r.id, change: 'DEACTIVATE' as const })),
      run.id,
      now,
    );
    tally.deactivated += rows.length;
  }

  private async recordVersions(
    em: EntityManager,
    changes: { id: string; change: Change }[],
    importId: string,
    now: Date,
  ): Promise<void> {
    if (!changes.length) return;
    await em.query(
      `INSERT INTO drug_catalogue_item_version (tenant_id, catalogue_item_id, version, change, snapshot, import_id, at)
       SELECT i.tenant_id, i.id, i.version, c.change, ${SNAPSHOT}, $3, $4
         FROM drug_catalogue_item i
         JOIN unnest($1::uuid[], $2::text[]) AS c(id, change) ON c.id = i.id`,
      [changes.map((c) => c.id), changes.map((c) => c.change), importId, now],
    );
  }

  private async finish(
    em: EntityManager,
    run: DrugCatalogueImportEntity,
    result: Partial<DrugCatalogueImportEntity> & { status: ImportStatus },
    tally: Tally | null,
  ): Promise<DrugCatalogueImportEntity> {
    const now = this.clock.now();
    await em.update(DrugCatalogueImportEntity, { id: run.id }, { ...result, finishedAt: now });
    await em.query(`DELETE FROM drug_catalogue_upload_chunk WHERE import_id = $1`, [run.id]);
    const done = await em.getRepository(DrugCatalogueImportEntity).findOneByOrFail({ id: run.id });
    await this.audit.record(em, {
      action: 'drug.catalogue.import',
      entityType: 'DrugCatalogueImport',
      entityId: run.id,
      tenantId: run.tenantId,
      actor: null,
      details: {
        institutionId: run.institutionId,
        requestedBy: run.requestedBy,
        status: done.status,
        fileSha256: done.fileSha256,
        duplicateOf: done.duplicateOf,
        rowsTotal: done.rowsTotal,
        rowsOk: done.rowsOk,
        rowsBad: done.rowsBad,
        inserted: done.inserted,
        updated: done.updated,
        unchanged: done.unchanged,
        deactivated: done.deactivated,
        reactivated: done.reactivated,
        stockUpdated: done.stockUpdated,
        matchCounts: done.matchCounts,
      },
    });
    const events = [importFinishedEvent(done, now)];
    if (
      tally &&
      (tally.inserted || tally.updated || tally.deactivated || tally.reactivated || tally.mappingsChanged)
    ) {
      events.push(mappingChangedEvent(run.tenantId, run.institutionId, null, 'IMPORT', null, now));
    }
    if (tally?.stockUpdated) {
      events.push(stockChangedEvent(run.tenantId, run.institutionId, null, 'IMPORT', null, now));
    }
    await this.outbox.publish(em, ...events);
    return done;
  }

  private fail(importId: string, failure: string): Promise<DrugCatalogueImportEntity> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      await em.update(
        DrugCatalogueImportEntity,
        { id: importId },
        { status: ImportStatus.FAILED, failure: failure.slice(0, 2000), finishedAt: now },
      );
      await em.query(`DELETE FROM drug_catalogue_upload_chunk WHERE import_id = $1`, [importId]);
      const run = await em.getRepository(DrugCatalogueImportEntity).findOneByOrFail({ id: importId });
      await this.audit.record(em, {
        action: 'drug.catalogue.import',
        entityType: 'DrugCatalogueImport',
        entityId: importId,
        tenantId: run.tenantId,
        actor: null,
        outcome: 'FAILURE',
        details: {
          institutionId: run.institutionId,
          requestedBy: run.requestedBy,
          failure: failure.slice(0, 500),
        },
      });
      await this.outbox.publish(em, importFinishedEvent(run, now));
      return run;
    });
  }

  /** Committed beside the import's transaction, so `catalogueImport(id)` shows it while the import runs. */
  private async progress(
    run: DrugCatalogueImportEntity,
    rowsDone: number,
    rowsTotal: number,
    rowsBad: number,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE drug_catalogue_import SET rows_done = $2, rows_total = $3, rows_bad = $4, updated_at = now()
        WHERE id = $1 AND status = 'RUNNING'`,
      [run.id, rowsDone, rowsTotal, rowsBad],
    );
    this.push({
      ...run,
      status: ImportStatus.RUNNING,
      rowsDone,
      rowsTotal,
      rowsBad,
    } as DrugCatalogueImportEntity);
  }

  /** Best effort: the row is the record, a client that missed a push reads it. */
  private push(run: DrugCatalogueImportEntity): void {
    this.emitter.emit(progressRooms(run), CATALOGUE_PUSH.IMPORT_PROGRESS, progressOf(run, this.clock.now()));
  }
}
