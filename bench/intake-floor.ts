/**
 * The floor under visit-data intake, and where the merge's time goes.
 *
 *   npm run bench:intake-floor        (BENCH_RUNS=5, BENCH_ROWS=100000 by default)
 *
 * The same synthetic 100,000 encounters as `bench:intake`, loaded in each run (on emptied
 * tables, as the schema owner, no Node parsing beyond writing the CSV once) by:
 * - bare COPY: the CSV into an unlogged table of 12 text columns (the reference);
 * - logged COPY: the same CSV into a logged table of 12 text columns;
 * - typed rows into `encounter` itself (logged, partitioned by month, its primary key and the
 *   discharge index, checks) by `INSERT … SELECT` from a staging table, once with every index,
 *   then with the discharge index dropped to show its own cost; and into `encounter_key` (its
 *   primary key);
 * - COPY of the same rows, typed and with every column, straight into `encounter` and into
 *   `encounter_key`: what writing them costs by COPY's multi-insert path;
 * - Node alone: the importer's reading of the same bytes (decode, CSV, validation and content
 *   hash, COPY lines), nothing sent.
 * The merge statement's plan on 100,000 staged rows was read with EXPLAIN (ANALYZE, BUFFERS) by
 * hand (bench/README.md).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig, ownerConfig } from '@yg/core';
import { dropDatabase } from '@yg/schema';
import { migrate } from '../apps/cli/src/migrate';
import { benchEnv, median } from './common';
import { csv, HEADER, records } from './intake-data';
import { ENCOUNTER_HEADERS, parseEncounter } from '../libs/intake/src/domain/records';
import { encounterLine } from '../libs/intake/src/intake-merge.repository';
import { readRecords } from '../libs/intake/src/files/intake-file-reader';

/** What the importer does in Node before a row reaches COPY; the rows carry no ID numbers. */
async function nodeAlone(bytes: Buffer): Promise<number> {
  let size = 0;
  let n = 0;
  const spec = ENCOUNTER_HEADERS;
  for await (const batch of readRecords(Readable.from([bytes]), 'CSV', spec, ['sourceRecordId'])) {
    let out = '';
    for (const rec of batch) {
      const p = parseEncounter(rec.record!, '2099-12-31', (v) => v);
      if (p.ok) out += encounterLine(++n, p.row);
    }
    size += out.length;
  }
  return size;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

async function main() {
  const checkpoints = mkdtempSync(join(tmpdir(), 'yg-intake-floor-'));
  const config = loadConfig({
    AUDIT_CHECKPOINT_DIR: checkpoints,
    ...benchEnv('yg_bench_intake_floor', 'ygbenchintakefloor'),
    LOG_LEVEL: 'warn',
  });
  await dropDatabase(config);
  await migrate(config);
  const owner = ownerConfig(config);
  const db = new Client({
    host: owner.db.host,
    port: owner.db.port,
    user: owner.db.user,
    password: owner.db.password,
    database: owner.db.name,
  });
  await db.connect();
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params);
  const copy = (sql: string, bytes: Buffer) => pipeline(Readable.from([bytes]), db.query(copyFrom(sql)));
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const loadStart = loadavg().map((x) => +x.toFixed(1));
  const bytes = Buffer.from(csv(records(ROWS)), 'utf8');
  const {
    rows: [{ id: tenantId }],
  } = await q(
    `INSERT INTO consortium (name, division_code, time_zone, framework) VALUES ('基准医共体', '500114', 'Asia/Shanghai', '1224') RETURNING id`,
  );
  const {
    rows: [{ id: institutionId }],
  } = await q(
    `INSERT INTO institution (tenant_id, name, kind, tier, division_code) VALUES ($1, '基准卫生院', 'TOWNSHIP_HEALTH_CENTER', 'TOWNSHIP', '500114') RETURNING id`,
    [tenantId],
  );
  await q(`SELECT intake_ensure_partitions('2024-11-01', '2026-11-30')`);
  // Typed rows as the merge sees them, kept across runs.
  const cols = HEADER.map((h) => `${h} text`).join(', ');
  await q(`CREATE UNLOGGED TABLE floor_src (${cols})`);
  await copy(`COPY floor_src FROM STDIN (FORMAT csv, HEADER true)`, bytes);
  const insertEncounters = `
    INSERT INTO encounter (tenant_id, institution_id, source_system, source_record_id, kind, occurred_on,
        discharged_on, department, tcm, diagnosis_code, insured, resident, chronic_managed, total_cost,
        fund_paid, content_hash, run_id)
    SELECT '${tenantId}', '${institutionId}', 'BENCH', sourceRecordId, kind, occurredOn::date,
           nullif(dischargedOn, '')::date, department, tcm::boolean, diagnosisCode, insured::boolean,
           resident::boolean, chronicManaged::boolean, totalCost::numeric, fundPaid::numeric,
           md5(sourceRecordId), gen_random_uuid()
      FROM floor_src`;
  const insertKeys = `
    INSERT INTO encounter_key (tenant_id, institution_id, source_system, source_record_id, occurred_on,
        content_hash)
    SELECT '${tenantId}', '${institutionId}', 'BENCH', sourceRecordId, occurredOn::date, md5(sourceRecordId)
      FROM floor_src`;
  // The same rows as COPY text with every column `encounter` needs: what COPY itself costs into
  // the final tables (its multi-insert path: a WAL record per page, not per row).
  const runId = '00000000-0000-4000-8000-000000000001';
  const recs = records(ROWS);
  const nul = (v: unknown) => (v === undefined || v === null ? '\\N' : String(v));
  const typedEncounters = Buffer.from(
    recs
      .map(
        (r) =>
          [
            tenantId,
            institutionId,
            'BENCH',
            r.sourceRecordId,
            r.kind,
            r.occurredOn,
            nul(r.dischargedOn),
            r.department,
            r.tcm,
            r.diagnosisCode,
            r.insured,
            r.resident,
            r.chronicManaged,
            r.totalCost,
            r.fundPaid,
            r.sourceRecordId,
            runId,
          ].join('\t') + '\n',
      )
      .join(''),
  );
  const typedKeys = Buffer.from(
    recs
      .map(
        (r) =>
          [tenantId, institutionId, 'BENCH', r.sourceRecordId, r.occurredOn, r.sourceRecordId].join('\t') +
          '\n',
      )
      .join(''),
  );
  const copyEncounters = `COPY encounter (tenant_id, institution_id, source_system, source_record_id, kind, occurred_on,
      discharged_on, department, tcm, diagnosis_code, insured, resident, chronic_managed, total_cost, fund_paid,
      content_hash, run_id) FROM STDIN`;
  const copyKeys = `COPY encounter_key (tenant_id, institution_id, source_system, source_record_id, occurred_on,
      content_hash) FROM STDIN`;
  const indexes: Record<string, string> = {
    encounter_discharge: `CREATE INDEX encounter_discharge ON encounter (tenant_id, institution_id, discharged_on DESC) WHERE discharged_on IS NOT NULL`,
  };
  const t: Record<string, number[]> = {};
  const note = (k: string, ms: number) => (t[k] ??= []).push(ms);
  for (let run = 0; run < RUNS; run++) {
    await q(`DROP TABLE IF EXISTS floor_bare, floor_logged`);
    await q(`CREATE UNLOGGED TABLE floor_bare (${cols})`);
    await q(`CREATE TABLE floor_logged (${cols})`);
    await q(`CHECKPOINT`);
    note('bareCopy', await time(() => copy(`COPY floor_bare FROM STDIN (FORMAT csv, HEADER true)`, bytes)));
    note('nodeAlone', await time(() => nodeAlone(bytes)));
    note(
      'loggedCopy',
      await time(() => copy(`COPY floor_logged FROM STDIN (FORMAT csv, HEADER true)`, bytes)),
    );
    await q(`TRUNCATE encounter, encounter_key`);
    note('encounterAllIndexes', await time(() => q(insertEncounters)));
    note('encounterKey', await time(() => q(insertKeys)));
    await q(`TRUNCATE encounter, encounter_key`);
    await q(`CHECKPOINT`);
    note('encounterCopyTyped', await time(() => copy(copyEncounters, typedEncounters)));
    note('encounterKeyCopyTyped', await time(() => copy(copyKeys, typedKeys)));
    await q(`TRUNCATE encounter, encounter_key`);
    for (const drop of Object.keys(indexes)) {
      await q(`TRUNCATE encounter`);
      await q(`DROP INDEX ${drop}`);
      note(`encounterWithout_${drop}`, await time(() => q(insertEncounters)));
      await q(indexes[drop]);
    }
    await q(`TRUNCATE encounter`);
    for (const drop of Object.keys(indexes)) await q(`DROP INDEX ${drop}`);
    note('encounterPrimaryKeyOnly', await time(() => q(insertEncounters)));
    for (const drop of Object.keys(indexes)) await q(indexes[drop]);
    console.log(
      JSON.stringify({
        run,
        ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v[run])])),
      }),
    );
  }
  await db.end();
  if (!process.env.FLOOR_KEEP) await dropDatabase(config);
  rmSync(checkpoints, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      medians: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(median(v))])),
      loadAverage: { start: loadStart, end: loadavg().map((x) => +x.toFixed(1)) },
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
