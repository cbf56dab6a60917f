/**
 * The visit-data merge's plans, for reading where its time goes.
 *
 *   npm run bench:intake-explain      (BENCH_ROWS=100000 by default)
 *
 * Its own database (dropped afterwards), as the schema owner: one institution's BENCH_ROWS
 * synthetic encounters (`bench/intake-data.ts`) merged as a file would be (staged, one
 * statement), then with EXPLAIN (ANALYZE, BUFFERS), each inside a transaction rolled back:
 * - a push of 1,000 new records into the loaded institution;
 * - a push of 1,000 of its records unchanged (a repeat);
 * - a push of 1,000 corrected records, half of them moved to another month;
 * - a file of BENCH_ROWS records of a second institution (staged, one statement).
 * The plans are printed as text; the totals go into bench/README.md by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions, loadConfig, ownerConfig } from '@yg/core';
import { dropDatabase } from '@yg/schema';
import { parseEncounter, type EncounterRow, type RawRecord } from '../libs/intake/src/domain/records';
import {
  copyEncounters,
  createEncounterStage,
  EncounterSource,
  encounterLine,
  ensureEncounterPartitions,
  mergeEncounters,
} from '../libs/intake/src/intake-merge.repository';
import { migrate } from '../apps/cli/src/migrate';
import { benchEnv } from './common';
import { records } from './intake-data';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

const typed = (recs: RawRecord[]): EncounterRow[] =>
  recs.map((r) => {
    const p = parseEncounter(r, '2099-12-31', (v) => v);
    if (!p.ok) throw new Error(p.reason);
    return p.row;
  });

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

async function main() {
  const checkpoints = mkdtempSync(join(tmpdir(), 'yg-intake-explain-'));
  const config = loadConfig({
    AUDIT_CHECKPOINT_DIR: checkpoints,
    ...benchEnv('yg_bench_intake_explain', 'ygbenchintakeexplain'),
    LOG_LEVEL: 'warn',
  });
  await dropDatabase(config);
  await migrate(config);
  const ds = new DataSource(dataSourceOptions(ownerConfig(config), { entities: [], migrations: [] }));
  await ds.initialize();
  try {
    const [{ id: tenantId }] = await ds.query(
      `INSERT INTO consortium (name, division_code, time_zone, framework) VALUES ('基准医共体', '500114', 'Asia/Shanghai', '1224') RETURNING id`,
    );
    const inst = async (name: string): Promise<string> =>
      (
        await ds.query(
          `INSERT INTO institution (tenant_id, name, kind, tier, division_code) VALUES ($1, $2, 'TOWNSHIP_HEALTH_CENTER', 'TOWNSHIP', '500114') RETURNING id`,
          [tenantId, name],
        )
      )[0].id;
    const a = await inst('基准卫生院甲');
    const b = await inst('基准卫生院乙');
    await ensureEncounterPartitions(ds, '2024-11-01', '2026-12-31');
    const rows = typed(records(ROWS) as unknown as RawRecord[]);
    const params = (institutionId: string) => ({
      tenantId,
      institutionId,
      sourceSystem: 'BENCH',
      runId: '00000000-0000-4000-8000-000000000001',
      now: new Date(),
    });
    const staged = async (em: EntityManager, institutionId: string, explain: boolean) => {
      await createEncounterStage(em);
      await copyEncounters(em, once(rows.map((r, i) => encounterLine(i + 1, r)).join('')));
      return merge(em, institutionId, { staged: { lo: 0, hi: rows.length } }, explain);
    };
    const merge = async (
      em: EntityManager,
      institutionId: string,
      source: EncounterSource,
      explain: boolean,
    ) => {
      const t0 = performance.now();
      const plan: string[] = [];
      const spy = {
        query: async (sql: string, ps: unknown[]) => {
          if (!explain || !sql.startsWith('WITH')) return em.query(sql, ps);
          const out: { 'QUERY PLAN': string }[] = await em.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ps);
          plan.push(...out.map((r) => r['QUERY PLAN']));
          return [{}];
        },
      } as unknown as EntityManager;
      await mergeEncounters(spy, params(institutionId), source);
      return { ms: Math.round(performance.now() - t0), plan: plan.join('\n') };
    };
    const load = await ds.transaction((em) => staged(em, a, false));
    console.log(`loaded ${ROWS} records of institution A in ${load.ms} ms`);
    await ds.query(`ANALYZE`);
    const fresh = typed(
      records(1000).map((r) => ({ ...r, sourceRecordId: `N${r.sourceRecordId}` })) as unknown as RawRecord[],
    );
    const repeat = rows.slice(5000, 6000);
    const corrected = typed(
      records(1000).map((r, i) => ({
        ...r,
        sourceRecordId: `R${i * 7}`,
        totalCost: r.totalCost + 1,
        fundPaid: 0,
        insured: false,
        ...(i % 2
          ? { occurredOn: '2026-10-25', dischargedOn: r.dischargedOn ? '2026-10-28' : undefined }
          : {}),
      })) as unknown as RawRecord[],
    );
    const cases: [string, (em: EntityManager) => Promise<{ ms: number; plan: string }>][] = [
      ['push of 1,000 new records', (em) => merge(em, a, { rows: fresh }, true)],
      ['push of 1,000 repeated records', (em) => merge(em, a, { rows: repeat }, true)],
      ['push of 1,000 corrected records (half moved month)', (em) => merge(em, a, { rows: corrected }, true)],
      [`file of ${ROWS} records, new institution`, (em) => staged(em, b, true)],
    ];
    for (const [name, run] of cases) {
      const qr = ds.createQueryRunner();
      await qr.startTransaction();
      try {
        const r = await run(qr.manager);
        console.log(`\n=== ${name}: ${r.ms} ms\n${r.plan}`);
      } finally {
        await qr.rollbackTransaction();
        await qr.release();
      }
    }
  } finally {
    await ds.destroy();
    await dropDatabase(config);
    rmSync(checkpoints, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
