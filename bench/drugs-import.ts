/**
 * The national dictionary import against a bare COPY of the same file.
 *
 *   npm run bench:drugs-import            (BENCH_RUNS=5, BENCH_ROWS=280000 by default)
 *
 * Files: the real 13,827-row list (`../shared/data/drugs/nhsa_rulebase_drug_codes.csv`) and a
 * ~280k-row file synthesised from it in a temporary folder (never kept): each real row again
 * under new, distinct, well-formed codes (same product key, other maker number), as large as
 * the full published list.
 *
 * For each file, BENCH_RUNS times, medians reported:
 * - bare COPY: the file streamed from this process through `COPY … FROM STDIN (FORMAT csv)`
 *   into an unlogged table of text columns (no parsing in Node, no validation, no WAL);
 * - first import: `DrugDictionaryImporter.run` into an empty dictionary (read, validate,
 *   COPY straight into drug_code with its key and checks set aside, then added back);
 * - new edition, same content: a second full edition over a loaded dictionary (staged, every
 *   code compared in one pass, nothing written: the codes keep standing for the current edition);
 * - same file again: recognised by its SHA-256 before it is parsed (SKIPPED).
 * Speed ratio = bare COPY time ÷ import time (goal ≥ 0.5 for the first import of the full list).
 * Beside the wall time, the CPU time each side spent (this process, plus the Postgres backends
 * of the benchmark's database, from /proc): on a shared machine the wall time follows the load
 * of others, the CPU time much less.
 *
 * Then, for the large file (BENCH_FLOOR=0 skips it), where the floor is, in the same run:
 * - Node alone: the importer's reading (the CSV scanned as bytes, validated, the COPY bytes of
 *   one line per code built from the input's bytes) with nothing sent anywhere;
 * - Postgres alone: those COPY lines (the columns a CSV lacks and the ones a first import
 *   leaves to defaults not sent), prepared beforehand, streamed into a copy of drug_code's
 *   columns: unlogged with no constraint, logged, logged with the primary key, logged with
 *   drug_code's primary key and checks (what a first import loaded into before), and logged with
 *   neither, the key and checks added after the load (what a first import does now).
 */
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '@yg/core';
import { dropDatabase, ensureDatabase, runMigrations } from '@yg/schema';
import {
  createDictionaryContext,
  DictionaryCopyWriter,
  DrugDictionaryImporter,
  emptyReadStats,
  scanCsvFile,
} from '@yg/drugs';
import { median, ROOT } from './common';

const REAL = resolve(ROOT, '../shared/data/drugs/nhsa_rulebase_drug_codes.csv');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 280_000);

/** CPU time (ms) a process has used, from /proc (Linux); 0 when it cannot be read. */
function procCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
  } catch {
    return 0;
  }
}

/** CPU time of this process and of every Postgres backend serving the benchmark's database. */
async function cpuMeter(client: Client): Promise<() => Promise<number>> {
  const backends = async (): Promise<number[]> =>
    (
      await client.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      )
    ).rows.map((r: { pid: number }) => r.pid);
  const self = (await client.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid as number;
  const pids = [self, ...(await backends())];
  const start = new Map(pids.map((p) => [p, procCpuMs(p)]));
  const node = process.cpuUsage();
  return async () => {
    const used = process.cpuUsage(node);
    let pg = 0;
    // A backend opened during the run counts from its start.
    // A backend that has gone by now reads 0: left out (its CPU time is lost) rather than negative.
    for (const p of new Set([...pids, ...(await backends())])) {
      const now = procCpuMs(p);
      if (now) pg += now - (start.get(p) ?? 0);
    }
    return (used.user + used.system) / 1000 + pg;
  };
}

/** Parses one CSV line of the real file (quotes only around fields that need them). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The real rows again and again under new codes (maker number changed), until `rows` rows. */
async function synthesise(dir: string, rows: number): Promise<string> {
  const [header, ...lines] = readFileSync(REAL, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter(Boolean);
  const codeAt = splitCsv(header).indexOf('医保药品代码');
  const seen = new Set<string>();
  const file = join(dir, `synthetic-${rows}.csv`);
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  let n = 0;
  for (let round = 0; n < rows; round++) {
    for (const line of lines) {
      if (n >= rows) break;
      const cells = splitCsv(line);
      const code = cells[codeAt];
      const maker = (Number(code.slice(-5)) + round * 7919) % 100_000;
      const next = `${code.slice(0, -5)}${String(maker).padStart(5, '0')}`;
      if (round > 0 && seen.has(next)) continue;
      seen.add(next);
      cells[codeAt] = next;
      if (!out.write(`${cells.map(csvField).join(',')}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
      n++;
    }
  }
  await new Promise<void>((r, j) => out.end((err?: Error) => (err ? j(err) : r())));
  return file;
}

async function bareCopy(client: Client, file: string, columns: number, cpu?: number[]): Promise<number> {
  await client.query(`DROP TABLE IF EXISTS bench_bare_copy`);
  await client.query(
    `CREATE UNLOGGED TABLE bench_bare_copy (${Array.from({ length: columns }, (_, i) => `c${i} text`).join(', ')})`,
  );
  const meter = await cpuMeter(client);
  const t0 = performance.now();
  await pipeline(
    createReadStream(file, { highWaterMark: 256 * 1024 }),
    client.query(copyFrom(`COPY bench_bare_copy FROM STDIN (FORMAT csv, HEADER true)`)),
  );
  const ms = performance.now() - t0;
  cpu?.push(await meter());
  await client.query(`DROP TABLE bench_bare_copy`);
  return ms;
}

/**
 * The importer's reading alone, as it does it before Postgres (rows read, validated, deduplicated,
 * written as COPY bytes of drug_code's columns); the bytes go to `out` when given.
 */
async function readOnly(file: string, out?: string, columns?: string[]): Promise<number> {
  const t0 = performance.now();
  const rules = { essentialEditions: new Set(['2018', '2026']), defaultEssentialEdition: null };
  const writer = new DictionaryCopyWriter(rules, emptyReadStats(), { stage: false, narrow: true });
  const reading = scanCsvFile(file, writer);
  const sink = out ? createWriteStream(out) : null;
  for await (const _ of reading.scan) {
    const bytes = writer.take();
    if (sink && bytes && !sink.write(bytes)) await new Promise<void>((r) => sink.once('drain', () => r()));
  }
  writer.finish();
  reading.sha256();
  columns?.push(...writer.copyColumns());
  if (sink) await new Promise<void>((r, j) => sink.end((err?: Error) => (err ? j(err) : r())));
  return performance.now() - t0;
}

const EDITION = '00000000-0000-4000-8000-000000000001';

/** Postgres alone: prepared COPY lines into a table shaped like drug_code, as `shape` builds it. */
async function loadOnly(
  client: Client,
  lines: string,
  columns: string[],
  shape: string,
  after?: string,
): Promise<number> {
  await client.query(`DROP TABLE IF EXISTS bench_floor`);
  await client.query(shape);
  // What the lines leave out, as a first import's bulk load sets it.
  await client.query(
    `ALTER TABLE bench_floor ALTER status SET DEFAULT 'ACTIVE', ALTER first_seen_edition_id SET DEFAULT '${EDITION}'`,
  );
  await client.query(`CHECKPOINT`);
  const t0 = performance.now();
  await pipeline(
    createReadStream(lines, { highWaterMark: 256 * 1024 }),
    client.query(copyFrom(`COPY bench_floor (${columns.join(', ')}) FROM STDIN`)),
  );
  if (after) await client.query(after);
  const ms = performance.now() - t0;
  await client.query(`DROP TABLE bench_floor`);
  return ms;
}

/** drug_code's checks, as one ALTER TABLE adds them back after a bulk load. */
const DRUG_CODE_CHECKS = `SELECT string_agg(format('ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)), ', ') AS sql
  FROM pg_constraint WHERE conrelid = 'drug_code'::regclass AND contype = 'c'`;

const FLOOR_SHAPES: [string, string, string?][] = [
  ['unlogged, no constraint', `CREATE UNLOGGED TABLE bench_floor (LIKE drug_code INCLUDING DEFAULTS)`],
  ['logged, no constraint', `CREATE TABLE bench_floor (LIKE drug_code INCLUDING DEFAULTS)`],
  [
    'logged, primary key',
    `CREATE TABLE bench_floor (LIKE drug_code INCLUDING DEFAULTS); ALTER TABLE bench_floor ADD PRIMARY KEY (code)`,
  ],
  ['logged, primary key and checks (drug_code)', `CREATE TABLE bench_floor (LIKE drug_code INCLUDING ALL)`],
  [
    'logged, no constraint; key and checks added after (first import now)',
    `CREATE TABLE bench_floor (LIKE drug_code INCLUDING DEFAULTS)`,
    'ADD PRIMARY KEY (code)',
  ],
];

async function floors(client: Client, dir: string, file: string, columns: number) {
  const lines = join(dir, 'lines.copy');
  const times: Record<string, number[]> = { 'bare COPY': [], 'Node alone': [] };
  for (const [label] of FLOOR_SHAPES) times[label] = [];
  const checks = (await client.query(DRUG_CODE_CHECKS)).rows[0].sql as string;
  const copyColumns: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    times['bare COPY'].push(await bareCopy(client, file, columns));
    times['Node alone'].push(
      await readOnly(file, run === 0 ? lines : undefined, run === 0 ? copyColumns : undefined),
    );
    for (const [label, shape, after] of FLOOR_SHAPES) {
      const alter =
        after && `ALTER TABLE bench_floor ${after}, ${checks.replace(/drug_code_/g, 'bench_floor_')}`;
      times[label].push(await loadOnly(client, lines, copyColumns, shape, alter));
    }
  }
  const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))]));
  console.log(JSON.stringify({ floor: medians }));
  return { medians, runs: times };
}

const pgOptions = (config: ReturnType<typeof loadConfig>) => ({
  host: config.db.host,
  port: config.db.port,
  user: config.db.user,
  password: config.db.password,
  database: config.db.name,
});

async function main() {
  const config = loadConfig({
    ...process.env,
    DB_NAME: process.env.BENCH_DB ?? 'yg_bench_drugs',
    LOG_LEVEL: 'warn',
  });
  await dropDatabase(config);
  await ensureDatabase(config);
  await runMigrations(config);
  const dir = mkdtempSync(join(tmpdir(), 'yg-drugs-bench-'));
  const client = new Client(pgOptions(config));
  await client.connect();
  const app = await createDictionaryContext(config);
  const importer = app.get(DrugDictionaryImporter);
  const report: Record<string, unknown>[] = [];
  let floor: unknown = null;
  try {
    const synthetic = await synthesise(dir, ROWS);
    const columns = splitCsv(readFileSync(REAL, 'utf8').split(/\r?\n/, 1)[0]).length;
    for (const [label, file] of [
      ['real file', REAL],
      ['synthetic full list', synthetic],
    ] as const) {
      const bytes = statSync(file).size;
      const times: Record<string, number[]> = { bare: [], first: [], edition: [], same: [] };
      const cpu: Record<string, number[]> = { bare: [], first: [], edition: [] };
      const load: number[] = [];
      let rows = 0;
      let codes = 0;
      for (let run = 0; run < RUNS; run++) {
        // The cascade reaches the (empty) append-only history tables: their triggers are off for this.
        await client.query(`SET session_replication_role = replica`);
        await client.query(
          `TRUNCATE drug_code, drug_product_name, drug_dictionary_import, drug_dictionary_edition CASCADE`,
        );
        await client.query(`SET session_replication_role = DEFAULT`);
        await client.query(`CHECKPOINT`);
        load.push(loadavg()[0]);
        times.bare.push(await bareCopy(client, file, columns, cpu.bare));
        const timed = async (edition: string, key: string) => {
          const req = await importer.request({ path: file, edition, full: true, requestedBy: 'bench' });
          const meter = await cpuMeter(client);
          const t0 = performance.now();
          const done = await importer.run(req.id, { finalAttempt: true });
          times[key].push(performance.now() - t0);
          cpu[key]?.push(await meter());
          if (done.status === 'FAILED') throw new Error(done.failure ?? 'failed');
          return done;
        };
        const first = await timed(`bench-${run}-a`, 'first');
        rows = first.rowsTotal;
        codes = first.codesDistinct;
        await timed(`bench-${run}-b`, 'edition');
        const same = await timed(`bench-${run}-b`, 'same');
        if (same.status !== 'SKIPPED') throw new Error(`expected SKIPPED, got ${same.status}`);
        load.push(loadavg()[0]);
      }
      const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
      const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
      const row = {
        file: label,
        rows,
        codes,
        megabytes: +(bytes / 1e6).toFixed(1),
        bareCopyMs: Math.round(m.bare),
        firstImportMs: Math.round(m.first),
        newEditionMs: Math.round(m.edition),
        sameFileMs: Math.round(m.same),
        ratioFirst: +(m.bare / m.first).toFixed(2),
        ratioNewEdition: +(m.bare / m.edition).toFixed(2),
        rowsPerSecondFirst: Math.round(rows / (m.first / 1000)),
        cpuMs: { bare: Math.round(c.bare), first: Math.round(c.first), edition: Math.round(c.edition) },
        cpuRatioFirst: +(c.bare / c.first).toFixed(2),
        cpuRatioNewEdition: +(c.bare / c.edition).toFixed(2),
        loadAverage: { min: Math.min(...load), max: Math.max(...load) },
        runs: times,
        cpuRuns: cpu,
      };
      report.push(row);
      console.log(JSON.stringify({ ...row, runs: undefined, cpuRuns: undefined }));
    }
    if (process.env.BENCH_FLOOR !== '0') floor = await floors(client, dir, synthetic, columns);
  } finally {
    await app.close();
    await client.end();
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(config);
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, `bench/results/drugs-import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ runs: RUNS, results: report, floor }, null, 2));
  console.log(`wrote ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
