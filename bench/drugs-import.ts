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
 *   COPY to a staging table, merge: insert every code);
 * - new edition, same content: a second full edition over a loaded dictionary (every code
 *   compared, last-seen edition moved on, nothing retired);
 * - same file again: found by its SHA-256 after staging, nothing merged (SKIPPED).
 * Speed ratio = bare COPY time ÷ import time (goal ≥ 0.5 for the first import of the full list).
 * BENCH_NO_NAME_INDEX=1 drops the trigram index on names first, to show what it costs.
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
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '@yg/core';
import { dropDatabase, ensureDatabase, runMigrations } from '@yg/schema';
import { createDictionaryContext, DrugDictionaryImporter } from '@yg/drugs';
import { median, ROOT } from './common';

const REAL = resolve(ROOT, '../shared/data/drugs/nhsa_rulebase_drug_codes.csv');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 280_000);

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

async function bareCopy(client: Client, file: string, columns: number): Promise<number> {
  await client.query(`DROP TABLE IF EXISTS bench_bare_copy`);
  await client.query(
    `CREATE UNLOGGED TABLE bench_bare_copy (${Array.from({ length: columns }, (_, i) => `c${i} text`).join(', ')})`,
  );
  const t0 = performance.now();
  await pipeline(
    createReadStream(file, { highWaterMark: 256 * 1024 }),
    client.query(copyFrom(`COPY bench_bare_copy FROM STDIN (FORMAT csv, HEADER true)`)),
  );
  const ms = performance.now() - t0;
  await client.query(`DROP TABLE bench_bare_copy`);
  return ms;
}

const pgOptions = (config: ReturnType<typeof loadConfig>) => ({
  host: config.db.host,
  port: config.db.port,
  user: config.db.user,
  password: config.db.password,
  database: config.db.name,
});

async function main() {
  const config = loadConfig({ ...process.env, DB_NAME: 'yg_bench_drugs', LOG_LEVEL: 'warn' });
  await dropDatabase(config);
  await ensureDatabase(config);
  await runMigrations(config);
  if (process.env.BENCH_NO_NAME_INDEX === '1') {
    // What the trigram index on names costs a load (searches then scan the table).
    const admin = new Client({ ...pgOptions(config) });
    await admin.connect();
    await admin.query(`DROP INDEX drug_code_name_trgm`);
    await admin.end();
  }
  const dir = mkdtempSync(join(tmpdir(), 'yg-drugs-bench-'));
  const client = new Client(pgOptions(config));
  await client.connect();
  const app = await createDictionaryContext(config);
  const importer = app.get(DrugDictionaryImporter);
  const report: Record<string, unknown>[] = [];
  try {
    const synthetic = await synthesise(dir, ROWS);
    const columns = splitCsv(readFileSync(REAL, 'utf8').split(/\r?\n/, 1)[0]).length;
    for (const [label, file] of [
      ['real file', REAL],
      ['synthetic full list', synthetic],
    ] as const) {
      const bytes = statSync(file).size;
      const times: Record<string, number[]> = { bare: [], first: [], edition: [], same: [] };
      let rows = 0;
      let codes = 0;
      for (let run = 0; run < RUNS; run++) {
        // The cascade reaches the (empty) append-only history tables: their triggers are off for this.
        await client.query(`SET session_replication_role = replica`);
        await client.query(`TRUNCATE drug_code, drug_dictionary_import, drug_dictionary_edition CASCADE`);
        await client.query(`SET session_replication_role = DEFAULT`);
        await client.query(`CHECKPOINT`);
        times.bare.push(await bareCopy(client, file, columns));
        const timed = async (edition: string, key: string) => {
          const req = await importer.request({ path: file, edition, full: true, requestedBy: 'bench' });
          const t0 = performance.now();
          const done = await importer.run(req.id, { finalAttempt: true });
          times[key].push(performance.now() - t0);
          if (done.status === 'FAILED') throw new Error(done.failure ?? 'failed');
          return done;
        };
        const first = await timed(`bench-${run}-a`, 'first');
        rows = first.rowsTotal;
        codes = first.codesDistinct;
        await timed(`bench-${run}-b`, 'edition');
        const same = await timed(`bench-${run}-b`, 'same');
        if (same.status !== 'SKIPPED') throw new Error(`expected SKIPPED, got ${same.status}`);
      }
      const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
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
        runs: times,
      };
      report.push(row);
      console.log(JSON.stringify({ ...row, runs: undefined }));
    }
  } finally {
    await app.close();
    await client.end();
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(config);
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, `bench/results/drugs-import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ runs: RUNS, results: report }, null, 2));
  console.log(`wrote ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
