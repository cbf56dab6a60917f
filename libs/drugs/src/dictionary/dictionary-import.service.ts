import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { advisoryXactLock, BadInputError, Clock, JOBS, NotFoundError, QUEUES } from '@yg/core';
import { AuditService, PLATFORM_TENANT } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { DrugDictionaryEditionEntity, DrugDictionaryImportEntity } from '../entities/dictionary.entities';
import { ImportFormat, ImportStatus } from '../domain/drug.enums';
import { RowRules } from '../domain/dictionary-columns';
import { fileSha256, formatOf, ImportFileError, readTable, scanCsvFile } from '../files/tabular';
import { copyIn } from '../files/copy';
import { DictionaryCopyWriter, emptyReadStats } from './dictionary-copy';

export { IMPORT_ERRORS_KEPT } from './dictionary-copy';

export interface DictionaryImportRequest {
  /** A file the process can read (the worker, for a queued import). */
  path: string;
  edition: string;
  /** A full edition: codes absent from it are retired (when it is the newest edition). */
  full: boolean;
  /** The essential-list edition a plain "是" in a 基药 column refers to. */
  essentialEdition?: string | null;
  /** Who asked: `cli:<user>` for the command line. */
  requestedBy: string;
}

export interface DictionaryImportPayload {
  importId: string;
}

const TERMINAL = new Set([ImportStatus.DONE, ImportStatus.SKIPPED, ImportStatus.FAILED]);

/**
 * `source` with its first item already read: whatever reading it decides on the way (here, the
 * COPY's columns, from the header) is known before the consumer starts. Closing the result
 * closes the source.
 */
async function primed<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  return (async function* () {
    try {
      if (first.done) return;
      yield first.value;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    } finally {
      await it.return?.();
    }
  })();
}

/** The current edition (see `current` on drug_dictionary_edition) as an import found it. */
interface Current {
  id: string;
  seq: number;
}

/**
 * Loads the national code list (医保药品分类与代码) from CSV or XLSX: streamed, validated row by
 * row, COPY'd into a temporary table and merged in a few set-based statements, all in one
 * transaction. A crash leaves the dictionary as it was; the same file twice changes nothing.
 */
@Injectable()
export class DrugDictionaryImporter {
  private readonly logger = new Logger(DrugDictionaryImporter.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** Records a queued run (and, with `enqueue`, the job that will run it, in the same transaction). */
  async request(
    req: DictionaryImportRequest,
    opts: { enqueue?: boolean } = {},
  ): Promise<DrugDictionaryImportEntity> {
    const edition = req.edition.trim();
    if (edition.length < 1 || edition.length > 100) {
      throw new BadInputError('版本名称应为 1–100 字 (edition name: 1–100 characters)', { field: 'edition' });
    }
    const format = formatOf(req.path);
    try {
      await access(req.path, constants.R_OK);
      if (!(await stat(req.path)).isFile()) throw new Error('not a file');
    } catch {
      throw new ImportFileError(`无法读取文件 ${req.path} (cannot read the file)`);
    }
    return this.dataSource.transaction(async (em) => {
      if (req.essentialEdition) await this.assertEssentialEdition(em, req.essentialEdition);
      await em.query(`INSERT INTO drug_dictionary_edition (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [
        edition,
      ]);
      const ed = await em.getRepository(DrugDictionaryEditionEntity).findOneByOrFail({ name: edition });
      const run = em.create(DrugDictionaryImportEntity, {
        editionId: ed.id,
        fullEdition: req.full,
        essentialEdition: req.essentialEdition ?? null,
        fileName: basename(req.path),
        sourcePath: req.path,
        format,
        status: ImportStatus.QUEUED,
        requestedBy: req.requestedBy,
      });
      await em.insert(DrugDictionaryImportEntity, run);
      if (opts.enqueue) {
        await this.outbox.enqueue(em, {
          queue: QUEUES.DRUG_IMPORTS,
          jobName: JOBS.DRUG_DICTIONARY_IMPORT,
          payload: { importId: run.id } satisfies DictionaryImportPayload as unknown as Record<
            string,
            unknown
          >,
        });
      }
      await this.audit.record(em, {
        action: 'drug.dictionary.import.request',
        entityType: 'DrugDictionaryImport',
        entityId: run.id,
        tenantId: PLATFORM_TENANT,
        details: {
          edition,
          full: req.full,
          essentialEdition: req.essentialEdition ?? null,
          fileName: run.fileName,
          queued: !!opts.enqueue,
        },
      });
      return em.getRepository(DrugDictionaryImportEntity).findOneByOrFail({ id: run.id });
    });
  }

  /**
   * Runs a requested import. Idempotent: a finished run is returned as it is, and a run whose
   * worker died is done again from the start (its transaction left nothing behind).
   * `finalAttempt`: an unexpected failure marks the run FAILED instead of leaving it to a retry.
   */
  async run(importId: string, opts: { finalAttempt?: boolean } = {}): Promise<DrugDictionaryImportEntity> {
    const claimed = await this.dataSource.transaction(async (em) => {
      const run = await em
        .getRepository(DrugDictionaryImportEntity)
        .findOne({ where: { id: importId }, lock: { mode: 'pessimistic_write' } });
      if (!run) throw new NotFoundError('DrugDictionaryImport', '药品目录导入', importId);
      if (TERMINAL.has(run.status)) return run;
      await em.update(
        DrugDictionaryImportEntity,
        { id: importId },
        { status: ImportStatus.RUNNING, attempts: run.attempts + 1, startedAt: this.clock.now() },
      );
      return null;
    });
    if (claimed) return claimed;
    try {
      return await this.dataSource.transaction((em) => this.load(em, importId));
    } catch (err) {
      if (!(err instanceof ImportFileError) && !opts.finalAttempt) throw err;
      const failure =
        err instanceof ImportFileError
          ? err.message
          : `导入失败,目录未改动 (import failed; the dictionary was not changed): ${(err as Error).message}`;
      if (!(err instanceof ImportFileError))
        this.logger.error(`dictionary import ${importId} failed: ${(err as Error).stack}`);
      return this.dataSource.transaction(async (em) => {
        await em.update(
          DrugDictionaryImportEntity,
          { id: importId },
          { status: ImportStatus.FAILED, failure: failure.slice(0, 2000), finishedAt: this.clock.now() },
        );
        await this.audit.record(em, {
          action: 'drug.dictionary.import',
          entityType: 'DrugDictionaryImport',
          entityId: importId,
          tenantId: PLATFORM_TENANT,
          outcome: 'FAILURE',
          details: { failure: failure.slice(0, 500) },
        });
        return em.getRepository(DrugDictionaryImportEntity).findOneByOrFail({ id: importId });
      });
    }
  }

  private async load(em: EntityManager, importId: string): Promise<DrugDictionaryImportEntity> {
    // Imports merge into one shared table: one at a time, and the COPY may outlast the default timeout.
    await advisoryXactLock(em, 'drug-dictionary', 'import');
    await em.query(`SET LOCAL statement_timeout = '15min'`);
    const repo = em.getRepository(DrugDictionaryImportEntity);
    const run = await repo.findOneByOrFail({ id: importId });
    if (TERMINAL.has(run.status)) return run;
    if (!run.sourcePath) throw new ImportFileError('导入记录没有文件路径 (the import names no file)');
    const edition = await em
      .getRepository(DrugDictionaryEditionEntity)
      .findOneByOrFail({ id: run.editionId });
    const rules = await this.rowRules(em, run.essentialEdition);

    // The same file loaded before for the same edition, as the same kind, changes nothing.
    // When such a run exists, the file's hash (read at disk speed) settles it before any parsing.
    const [similar]: unknown[] = await em.query(
      `SELECT 1 FROM drug_dictionary_import
        WHERE status = 'DONE' AND edition_id = $1 AND full_edition = $2
          AND essential_edition IS NOT DISTINCT FROM $3
        LIMIT 1`,
      [run.editionId, run.fullEdition, run.essentialEdition],
    );
    if (similar) {
      const sha256 = await fileSha256(run.sourcePath);
      const dup = await repo.findOne({
        where: {
          status: ImportStatus.DONE,
          fileSha256: sha256,
          editionId: run.editionId,
          fullEdition: run.fullEdition,
          essentialEdition: run.essentialEdition ?? IsNull(),
        },
        order: { finishedAt: 'ASC' },
      });
      if (dup) {
        return this.finish(em, run, edition, {
          rowsTotal: dup.rowsTotal,
          rowsOk: dup.rowsOk,
          rowsBad: dup.rowsBad,
          codesDistinct: dup.codesDistinct,
          errors: dup.errors,
          fileSha256: sha256,
          status: ImportStatus.SKIPPED,
          duplicateOf: dup.id,
        });
      }
    }

    // Into an empty dictionary the merge would insert every row: the rows go straight into
    // drug_code (COPY writes rows in batches, INSERT … SELECT one by one), its key and checks
    // set aside and added back after the load (see the bulk-load migration). The cheap look
    // first: the bulk load locks drug_code until the import commits.
    const direct =
      !(await em.query(`SELECT 1 FROM drug_code LIMIT 1`)).length &&
      ((await em.query(`SELECT drug_code_bulk_load_begin() AS empty`)) as { empty: boolean }[])[0].empty;
    // The newest full edition becomes the current one: the codes it lists unchanged are not
    // written (their empty last-seen edition means "the current one").
    const [cur]: { id: string; seq: string }[] = await em.query(
      `SELECT id, seq FROM drug_dictionary_edition WHERE current`,
    );
    const current: Current | null = cur ? { id: cur.id, seq: Number(cur.seq) } : null;
    const becomesCurrent = run.fullEdition && (await this.isNewest(em, Number(edition.seq)));
    const stats = emptyReadStats();
    // A CSV has one header: the columns it lacks are left out of the COPY (see CopyTarget).
    const writer = new DictionaryCopyWriter(rules, stats, {
      stage: !direct,
      narrow: run.format === ImportFormat.CSV,
    });
    if (direct) {
      // Status and editions are the same on every row: the columns' defaults for this load.
      await em.query(`SELECT drug_code_bulk_load_defaults($1, $2)`, [
        edition.id,
        becomesCurrent ? null : edition.id,
      ]);
    } else {
      await em.query(`CREATE TEMP TABLE drug_code_stage (
          code text NOT NULL, kind text NOT NULL, class_code text NOT NULL,
          product_key text NOT NULL, spec_no text NOT NULL, pack_no text NOT NULL, maker_code text NOT NULL,
          generic_name text NOT NULL, dosage_form text, spec text, maker text, trade_name text,
          approval_no text, insurance_class text, essential boolean, essential_edition text
        ) ON COMMIT DROP`);
    }
    // Read up to the first COPY bytes (past the header) before the COPY names its columns.
    const reading = this.read(run.sourcePath, run.format, writer);
    const chunks = await primed(reading.chunks);
    await copyIn(
      em,
      `COPY ${direct ? 'drug_code' : 'drug_code_stage'} (${writer.copyColumns().join(', ')}) FROM STDIN`,
      chunks,
    );
    const sha256 = await reading.sha256();
    if (!stats.headerFound) {
      throw new ImportFileError(
        `找不到表头:需要药品代码列(国标代码/医保药品代码/药品代码)和药品名称列(药品通用名/注册名称/药品名称) ` +
          `(no header with a code and a name column); 第一行 (first row): ${(stats.firstRow ?? []).slice(0, 12).join(', ').slice(0, 300)}`,
      );
    }
    if (run.fullEdition && stats.rowsOk === 0) {
      throw new ImportFileError(
        '文件中没有有效行:完整版目录不能为空,否则会停用全部代码 (no valid rows: an empty full edition would retire every code)',
      );
    }
    // The key built in one sort, the checks in one scan; the references to it come back.
    if (direct) await em.query(`SELECT drug_code_bulk_load_end()`);
    const counts = {
      rowsTotal: stats.rowsTotal,
      rowsOk: stats.rowsOk,
      rowsBad: stats.rowsBad,
      codesDistinct: stats.codesDistinct,
      errors: stats.errors,
      fileSha256: sha256,
    };

    const merged = direct
      ? { inserted: stats.codesDistinct, updated: 0, retired: 0, reactivated: 0 }
      : await this.merge(em, edition, current, becomesCurrent);
    await this.keepNames(em, stats.names);
    if (becomesCurrent && current?.id !== edition.id) {
      await em.query(`UPDATE drug_dictionary_edition SET current = false WHERE current`);
      await em.query(`UPDATE drug_dictionary_edition SET current = true WHERE id = $1`, [edition.id]);
    }
    return this.finish(em, run, edition, { ...counts, ...merged, status: ImportStatus.DONE });
  }

  /**
   * The file's rows as COPY text, in large chunks: a CSV read as bytes (see
   * DictionaryCopyWriter), an XLSX row by row. While Postgres takes one chunk the next is built
   * (COPY is streamed with back-pressure).
   */
  private read(
    path: string,
    format: ImportFormat,
    writer: DictionaryCopyWriter,
  ): { chunks: AsyncIterable<Buffer>; sha256(): Promise<string> } {
    if (format === ImportFormat.CSV) {
      const file = scanCsvFile(path, writer);
      return {
        chunks: (async function* () {
          for await (const _ of file.scan) {
            const out = writer.take();
            if (out) yield out;
          }
          writer.finish();
        })(),
        sha256: async () => file.sha256(),
      };
    }
    const reading = readTable(path, format);
    return {
      chunks: (async function* () {
        for await (const batch of reading.rows) {
          for (const { sheet, line, cells } of batch) writer.row(sheet, line, cells);
          const out = writer.take();
          if (out) yield out;
        }
        writer.finish();
      })(),
      sha256: () => reading.sha256(),
    };
  }

  /**
   * Set-based merge of the staged rows (one row per code): changed codes updated (only by an
   * edition at least as new as the one that last saw them), new ones inserted, and, for the
   * edition that becomes the current one, codes it no longer lists retired. A value the file
   * leaves empty never erases a stored one. Codes the current edition lists unchanged are not
   * written at all: that was most of a new edition's time (a new version of every row).
   */
  private async merge(
    em: EntityManager,
    edition: DrugDictionaryEditionEntity,
    current: Current | null,
    becomesCurrent: boolean,
  ): Promise<{ inserted: number; updated: number; retired: number; reactivated: number }> {
    // The staging table has no statistics (ANALYZE of 280k rows costs a quarter of a second), so
    // the planner would guess a handful of rows and loop over the dictionary: hash joins always.
    await em.query(`SET LOCAL enable_nestloop = off`);
    const seq = Number(edition.seq);
    // Which codes this edition may overwrite: those last seen by an edition not newer than it
    // (an empty last-seen edition stands for the current one). Editions are few: listed here.
    const notNewer: string[] = (
      await em.query(`SELECT id FROM drug_dictionary_edition WHERE seq <= $1`, [seq])
    ).map((r: { id: string }) => r.id);
    const currentNotNewer = !!current && current.seq <= seq;
    const mayWrite = `(c.last_seen_edition_id = ANY($1::uuid[]) OR (c.last_seen_edition_id IS NULL AND $2::boolean))`;
    // The last-seen edition this import writes: empty for the current edition.
    const lastSeen = becomesCurrent ? null : edition.id;
    const differs = `(
        s.generic_name IS DISTINCT FROM c.generic_name
        OR coalesce(s.dosage_form, c.dosage_form) IS DISTINCT FROM c.dosage_form
        OR coalesce(s.spec, c.spec) IS DISTINCT FROM c.spec
        OR coalesce(s.maker, c.maker) IS DISTINCT FROM c.maker
        OR coalesce(s.trade_name, c.trade_name) IS DISTINCT FROM c.trade_name
        OR coalesce(s.approval_no, c.approval_no) IS DISTINCT FROM c.approval_no
        OR coalesce(s.insurance_class, c.insurance_class) IS DISTINCT FROM c.insurance_class
        OR (s.essential IS NOT NULL AND (s.essential, s.essential_edition) IS DISTINCT FROM (c.essential, c.essential_edition)))`;
    // One pass over both sides (a hash full join) sorts out what this edition changes: codes
    // new to the dictionary, codes it lists that must be written, and, for the edition that
    // becomes the current one, active codes it no longer lists. The rest (for a new edition of
    // the full list, nearly every code) is left alone; the writes then go by primary key.
    await em.query(
      `CREATE TEMP TABLE drug_code_change ON COMMIT DROP AS
       SELECT s.*, coalesce(s.code, c.code) AS target,
              CASE WHEN c.code IS NULL THEN 'NEW' WHEN s.code IS NULL THEN 'GONE' ELSE 'LISTED' END AS action,
              c.status = 'RETIRED' AS was_retired,
              c.last_seen_edition_id AS old_last_seen,
              s.code IS NOT NULL AND c.code IS NOT NULL AND ${differs} AS differs
         FROM drug_code_stage s
         FULL JOIN drug_code c ON c.code = s.code
        WHERE c.code IS NULL
           OR (s.code IS NULL AND $4::boolean AND c.status = 'ACTIVE')
           OR (s.code IS NOT NULL AND ${mayWrite}
               AND (c.last_seen_edition_id IS DISTINCT FROM $3::uuid OR c.status = 'RETIRED' OR ${differs}))`,
      [notNewer, currentNotNewer, lastSeen, becomesCurrent],
    );
    await em.query(`SET LOCAL enable_nestloop = on`);
    const [counts]: { inserted: number; updated: number; reactivated: number }[] = await em.query(
      `SELECT count(*) FILTER (WHERE action = 'NEW')::int AS inserted,
              count(*) FILTER (WHERE action = 'LISTED' AND differs)::int AS updated,
              count(*) FILTER (WHERE action = 'LISTED' AND was_retired)::int AS reactivated
         FROM drug_code_change`,
    );
    // Codes this edition lists: their data, and the last edition that listed them.
    await em.query(
      `UPDATE drug_code c SET
         generic_name = s.generic_name,
         dosage_form = coalesce(s.dosage_form, c.dosage_form),
         spec = coalesce(s.spec, c.spec),
         maker = coalesce(s.maker, c.maker),
         trade_name = coalesce(s.trade_name, c.trade_name),
         approval_no = coalesce(s.approval_no, c.approval_no),
         insurance_class = coalesce(s.insurance_class, c.insurance_class),
         essential = coalesce(s.essential, c.essential),
         essential_edition = CASE WHEN s.essential IS NULL THEN c.essential_edition WHEN s.essential THEN s.essential_edition END,
         status = 'ACTIVE',
         retired_in_edition_id = NULL,
         last_seen_edition_id = $1::uuid,
         updated_at = now()
       FROM drug_code_change s
       WHERE s.action = 'LISTED' AND c.code = s.target`,
      [lastSeen],
    );
    await em.query(
      `INSERT INTO drug_code (code, kind, class_code, product_key, spec_no, pack_no, maker_code, generic_name,
         dosage_form, spec, maker, trade_name, approval_no, insurance_class, essential, essential_edition,
         status, first_seen_edition_id, last_seen_edition_id)
       SELECT code, kind, class_code, product_key, spec_no, pack_no, maker_code, generic_name,
              dosage_form, spec, maker, trade_name, approval_no, insurance_class, coalesce(essential, false),
              CASE WHEN essential THEN essential_edition END, 'ACTIVE', $1, $2::uuid
         FROM drug_code_change
        WHERE action = 'NEW'
        ORDER BY code`,
      [edition.id, lastSeen],
    );
    // Active codes it does not list go, their last-seen edition written out (an empty one was
    // the current edition until now). A second file of the current edition retires what the
    // first listed and it does not, as well.
    const res: [unknown, number] = await em.query(
      `UPDATE drug_code c SET status = 'RETIRED', retired_in_edition_id = $1,
         last_seen_edition_id = coalesce(g.old_last_seen, $2::uuid), updated_at = now()
        FROM drug_code_change g
       WHERE g.action = 'GONE' AND c.code = g.target`,
      [edition.id, current?.id ?? null],
    );
    const retired = res[1];
    return { inserted: counts.inserted, updated: counts.updated, reactivated: counts.reactivated, retired };
  }

  /**
   * Every code's (product key, name) pair, for name search (drug_product_name): a few thousand
   * pairs for a full list. Pairs no code has any more stay; a search also compares the code's
   * own name, so they find nothing.
   */
  private async keepNames(em: EntityManager, names: Set<string>): Promise<void> {
    const keys: string[] = [];
    const values: string[] = [];
    for (const pair of names) {
      const at = pair.indexOf('\0');
      keys.push(pair.slice(0, at));
      values.push(pair.slice(at + 1));
    }
    await em.query(
      `INSERT INTO drug_product_name (product_key, generic_name)
       SELECT * FROM unnest($1::text[], $2::text[]) ORDER BY 1, 2
       ON CONFLICT DO NOTHING`,
      [keys, values],
    );
  }

  /** Newest among the editions that have been loaded (an edition merely requested does not count). */
  private async isNewest(em: EntityManager, seq: number): Promise<boolean> {
    const [row]: { newest: string | null }[] = await em.query(
      `SELECT max(e.seq) AS newest FROM drug_dictionary_edition e
        WHERE EXISTS (SELECT 1 FROM drug_dictionary_import i WHERE i.edition_id = e.id AND i.status = 'DONE')`,
    );
    return row.newest === null || Number(row.newest) <= seq;
  }

  private async finish(
    em: EntityManager,
    run: DrugDictionaryImportEntity,
    edition: DrugDictionaryEditionEntity,
    result: Partial<DrugDictionaryImportEntity> & { status: ImportStatus },
  ): Promise<DrugDictionaryImportEntity> {
    await em.update(DrugDictionaryImportEntity, { id: run.id }, { ...result, finishedAt: this.clock.now() });
    const done = await em.getRepository(DrugDictionaryImportEntity).findOneByOrFail({ id: run.id });
    await this.audit.record(em, {
      action: 'drug.dictionary.import',
      entityType: 'DrugDictionaryImport',
      entityId: run.id,
      tenantId: PLATFORM_TENANT,
      details: {
        edition: edition.name,
        status: done.status,
        fileSha256: done.fileSha256,
        duplicateOf: done.duplicateOf,
        rowsTotal: done.rowsTotal,
        rowsOk: done.rowsOk,
        rowsBad: done.rowsBad,
        codesDistinct: done.codesDistinct,
        inserted: done.inserted,
        updated: done.updated,
        retired: done.retired,
        reactivated: done.reactivated,
      },
    });
    return done;
  }

  private async rowRules(em: EntityManager, defaultEdition: string | null): Promise<RowRules> {
    const rows: { code: string }[] = await em.query(`SELECT code FROM essential_drug_edition`);
    return { essentialEditions: new Set(rows.map((r) => r.code)), defaultEssentialEdition: defaultEdition };
  }

  private async assertEssentialEdition(em: EntityManager, code: string): Promise<void> {
    const rows: { code: string }[] = await em.query(`SELECT code FROM essential_drug_edition ORDER BY code`);
    if (!rows.some((r) => r.code === code)) {
      throw new BadInputError(
        `未知的基药目录版本 ${code},可选 ${rows.map((r) => r.code).join('/')} (unknown essential-list edition)`,
        { field: 'essentialEdition' },
      );
    }
  }
}

export { ImportFileError, ImportFormat };
