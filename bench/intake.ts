/**
 * Visit-data intake against a bare COPY of the same rows.
 *
 *   npm run bench:intake            (BENCH_RUNS=5, BENCH_ROWS=100000 by default)
 *
 * Synthetic encounters of one township institution over 24 months (1 in 10 an inpatient stay
 * with a discharge, the rest outpatient; TCM, insured, resident and chronic flags mixed), as a
 * CSV with English headers. For each of BENCH_RUNS runs, on emptied intake tables, medians
 * reported:
 * - bare COPY: the CSV streamed from this process through `COPY … FROM STDIN (FORMAT csv)` into
 *   an unlogged table of text columns (no parsing in Node, no validation, no WAL, no index);
 * - upload (accepted): the same file stored as the upload service stores it (`storeInChunks`
 *   into `intake_upload_chunk`, the run QUEUED) — from then on it survives a crash and its
 *   import will run; nothing of it is visible to indicators yet;
 * - file path (settled): `IntakeFileImporter.run` on that upload (read back from Postgres,
 *   decoded, validated, COPY'd to staging, merged 50,000 rows a statement with the rollups,
 *   partitions and keys, in one transaction; BENCH_BATCH changes the batch) — what the worker's
 *   job does, without the queue;
 * - push path: `IntakeService.reportEncounters` called with the same rows in batches of 1,000,
 *   one after another — the mutation's work without GraphQL parsing and HTTP.
 * Ratio = bare COPY time ÷ path time (goal ≥ 0.5).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { AuthUser, dataSourceOptions, loadConfig, ownerConfig, Role, storeInChunks } from '@yg/core';
import { dropDatabase } from '@yg/schema';
import { IntakeFileImporter, IntakeService } from '@yg/intake';
import { migrate } from '../apps/cli/src/migrate';
import { createWorker } from '../apps/worker/src/bootstrap';
import { benchEnv, median, ROOT } from './common';
import { csv, HEADER, records } from './intake-data';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PUSH = 1000;

async function main() {
  const checkpoints = mkdtempSync(join(tmpdir(), 'yg-intake-bench-'));
  const env = {
    AUDIT_CHECKPOINT_DIR: checkpoints,
    ...benchEnv('yg_bench_intake', 'ygbenchintake'),
    LOG_LEVEL: 'warn',
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
  };
  const config = loadConfig(env);
  await dropDatabase(config);
  await migrate(config);
  const owner = ownerConfig(config);
  const ds = new DataSource(dataSourceOptions(owner, { entities: [], migrations: [] }));
  await ds.initialize();
  const [{ id: tenantId }] = await ds.query(
    `INSERT INTO consortium (name, division_code, time_zone, framework) VALUES ('基准医共体', '500114', 'Asia/Shanghai', '1224') RETURNING id`,
  );
  const [{ id: institutionId }] = await ds.query(
    `INSERT INTO institution (tenant_id, name, kind, tier, division_code) VALUES ($1, '基准卫生院', 'TOWNSHIP_HEALTH_CENTER', 'TOWNSHIP', '500114') RETURNING id`,
    [tenantId],
  );
  const [{ id: userId }] = await ds.query(
    `INSERT INTO app_user (tenant_id, institution_id, username, display_name, password_hash, roles)
     VALUES ($1, $2, 'bench-his', 'bench-his', 'x', '{DATA_INTEGRATION}') RETURNING id`,
    [tenantId, institutionId],
  );
  const user: AuthUser = {
    id: userId,
    tenantId,
    institutionId,
    roles: [Role.DATA_INTEGRATION],
    practitionerId: null,
  };
  const loadStart = loadavg().map((x) => +x.toFixed(1));
  const recs = records(ROWS);
  const text = csv(recs);
  const bytes = Buffer.from(text, 'utf8');
  const client = new Client({
    host: owner.db.host,
    port: owner.db.port,
    user: owner.db.user,
    password: owner.db.password,
    database: owner.db.name,
  });
  await client.connect();
  const worker = await createWorker(config);
  await worker.init();
  const intake = worker.get(IntakeService);
  const importer = worker.get(IntakeFileImporter);
  if (process.env.BENCH_BATCH) importer.batchRows = Number(process.env.BENCH_BATCH);
  const empty = async () => {
    await ds.query(`TRUNCATE encounter, encounter_key, encounter_rollup, intake_run CASCADE`);
    await ds.query(`CHECKPOINT`);
  };
  const times: Record<'bare' | 'upload' | 'file' | 'push', number[]> = {
    bare: [],
    upload: [],
    file: [],
    push: [],
  };
  try {
    for (let run = 0; run < RUNS; run++) {
      await empty();
      await client.query(`DROP TABLE IF EXISTS bench_bare_copy`);
      await client.query(
        `CREATE UNLOGGED TABLE bench_bare_copy (${HEADER.map((h) => `${h} text`).join(', ')})`,
      );
      let t0 = performance.now();
      await pipeline(
        Readable.from([bytes]),
        client.query(copyFrom(`COPY bench_bare_copy FROM STDIN (FORMAT csv, HEADER true)`)),
      );
      times.bare.push(performance.now() - t0);
      await client.query(`DROP TABLE bench_bare_copy`);

      // Accepted: the file stored as the upload service stores it (run opened, bytes hashed and
      // written in chunks by storeInChunks, run QUEUED) — durable from here, nothing visible to
      // indicators until the import commits. Multipart parsing, the outbox row and the audit
      // event of the upload are not included.
      t0 = performance.now();
      const [{ id: runId }] = await ds.query(
        `INSERT INTO intake_run (tenant_id, institution_id, kind, channel, source_system, status, file_name, format, requested_by)
         VALUES ($1, $2, 'ENCOUNTERS', 'FILE', 'BENCH', 'UPLOADING', 'bench.csv', 'CSV', $3) RETURNING id`,
        [tenantId, institutionId, userId],
      );
      const stored = await storeInChunks(
        Readable.from(
          (function* () {
            for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
          })(),
        ),
        bytes.length,
        (seq, data) =>
          ds
            .query(`INSERT INTO intake_upload_chunk (run_id, seq, tenant_id, data) VALUES ($1, $2, $3, $4)`, [
              runId,
              seq,
              tenantId,
              data,
            ])
            .then(() => undefined),
      );
      await ds.query(
        `UPDATE intake_run SET status = 'QUEUED', file_sha256 = $2, size_bytes = $3, updated_at = now() WHERE id = $1`,
        [runId, stored.sha256, stored.size],
      );
      times.upload.push(performance.now() - t0);
      t0 = performance.now();
      const done = await importer.run(runId, { finalAttempt: true });
      times.file.push(performance.now() - t0);
      const [check] = await ds.query(`SELECT status, accepted, failure FROM intake_run WHERE id = $1`, [
        runId,
      ]);
      if (done?.status !== 'DONE' || check.accepted !== ROWS)
        throw new Error(`file import: ${JSON.stringify(check)}`);

      await empty();
      t0 = performance.now();
      let accepted = 0;
      for (let lo = 0; lo < recs.length; lo += PUSH) {
        const r = await intake.reportEncounters(user, {
          sourceSystem: 'BENCH',
          records: recs.slice(lo, lo + PUSH),
        });
        accepted += r.accepted;
      }
      times.push.push(performance.now() - t0);
      if (accepted !== ROWS) throw new Error(`push accepted ${accepted} of ${ROWS}`);
      console.log(
        JSON.stringify({
          run,
          bareMs: Math.round(times.bare[run]),
          uploadMs: Math.round(times.upload[run]),
          fileMs: Math.round(times.file[run]),
          pushMs: Math.round(times.push[run]),
        }),
      );
    }
  } finally {
    await worker.close();
    await client.end();
    await ds.destroy();
    await dropDatabase(config);
    rmSync(checkpoints, { recursive: true, force: true });
  }
  const m = {
    bare: median(times.bare),
    upload: median(times.upload),
    file: median(times.file),
    push: median(times.push),
  };
  const result = {
    rows: ROWS,
    megabytes: +(bytes.length / 1e6).toFixed(1),
    runs: RUNS,
    bareCopyMs: Math.round(m.bare),
    uploadAcceptedMs: Math.round(m.upload),
    ratioUploadAccepted: +(m.bare / m.upload).toFixed(2),
    fileImportMs: Math.round(m.file),
    pushMs: Math.round(m.push),
    ratioFile: +(m.bare / m.file).toFixed(2),
    ratioPush: +(m.bare / m.push).toFixed(2),
    rowsPerSecondFile: Math.round(ROWS / (m.file / 1000)),
    rowsPerSecondPush: Math.round(ROWS / (m.push / 1000)),
    pushCallsPerSecond: +(Math.ceil(ROWS / PUSH) / (m.push / 1000)).toFixed(1),
    loadAverage: { start: loadStart, end: loadavg().map((x) => +x.toFixed(1)) },
    times,
  };
  console.log(JSON.stringify({ ...result, times: undefined }));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, `bench/results/intake-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`wrote ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
