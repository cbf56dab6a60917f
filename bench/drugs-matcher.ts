/**
 * The drug matcher: how right it is, and how fast.
 *
 *   npm run bench:matcher
 *   BENCH_RUNS=9 BENCH_NAIVE_ITEMS=5000 npm run bench:matcher
 *
 * Quality: the committed labelled set (libs/drugs/src/domain/testdata) against the unified list
 * it is labelled for, per category: automatic confirmations and how many were right, the right
 * item within the first three proposals, NONE rows left unconfirmed. Then a 5,000-item catalogue
 * built from the real hospital dictionary (../shared/data/drugs/his_ypxx_yycg.csv): every row as
 * written, then its rewritten spellings (full-width strength, spaces in the name, pack counts,
 * other form words, other mass units, CJK punctuation), each labelled with the list item built
 * from its row, matched against a larger list (the unified list plus every brand-list generic
 * as a product-level item).
 *
 * Speed: the same 5,000 items against the larger list, indexed (`match`) — median of BENCH_RUNS
 * runs after a warm-up — and the all-pairs baseline (`matchAllPairs`: the same scoring for every
 * list item) on the first BENCH_NAIVE_ITEMS items, scaled to 5,000. No I/O inside the timings.
 * Results: printed, and bench/results/drugs-matcher-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DrugMatcher, FormularyTarget, LocalDrug } from '../libs/drugs/src/domain/matcher';
import { buildHospitalFixtures, rewrittenItem } from '../libs/drugs/src/domain/testdata/build-fixtures';
import {
  CategoryStats,
  evaluate,
  loadAliases,
  loadFormulary,
  loadLabelledSet,
  precision,
  recallTop3,
} from '../libs/drugs/src/domain/testdata/fixtures';
import { readReference } from '../libs/drugs/src/domain/testdata/reference-data';
import { median, ROOT } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CATALOGUE = Number(process.env.BENCH_CATALOGUE ?? 5000);
const NAIVE_ITEMS = Number(process.env.BENCH_NAIVE_ITEMS ?? 1000);

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function row(name: string, s: CategoryStats): string {
  const autoShare = s.rows ? s.auto / s.rows : 0;
  return [
    name,
    s.rows,
    `${s.auto} (${pct(autoShare)})`,
    s.auto ? pct(precision(s)) : '—',
    s.labelled ? `${s.top3}/${s.labelled} (${pct(recallTop3(s))})` : '—',
    s.noneRows ? `${s.noneKept}/${s.noneRows}` : '—',
  ].join(' | ');
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function main(): void {
  const list = loadFormulary();
  const aliases = loadAliases();

  // Quality on the labelled set.
  const labelled = loadLabelledSet();
  const evaluation = evaluate(new DrugMatcher(list, { aliases }), labelled);
  const header =
    '| category | rows | automatic | auto precision | right item in top 3 | NONE rows unconfirmed |\n|---|---:|---:|---:|---:|---:|';
  const lines = [...evaluation.byCategory.entries()].map(([c, s]) => `| ${row(c, s)} |`);
  lines.push(`| ${row('**all**', evaluation.total)} |`);
  process.stdout.write(
    `\nLabelled set: ${labelled.length} rows against ${list.length} list items\n\n${header}\n${lines.join('\n')}\n`,
  );
  for (const w of evaluation.wrongAutos)
    process.stdout.write(`WRONG ${w.row.case} → ${w.result.auto?.targetId}\n`);
  for (const w of evaluation.misses) process.stdout.write(`MISS ${w.row.case} (${w.row.category})\n`);

  // The larger list: every brand-list generic as a product-level item as well.
  const seen = new Set(list.map((t) => t.genericName));
  const extra: FormularyTarget[] = [];
  for (const r of readReference('trade_generic_original_drugs.csv')) {
    const name = r['药品通用名'];
    if (!name || seen.has(name)) continue;
    seen.add(name);
    extra.push({
      id: `B${extra.length + 1}`,
      nationalCode: null,
      productKey: null,
      genericName: name,
      dosageForm: '',
      spec: null,
      maker: null,
    });
  }
  const big = [...list, ...extra];

  // The catalogue: each hospital row as written, then its rewritten spellings, to 5,000 items.
  const { rows, idOfRow } = buildHospitalFixtures();
  const catalogue: { item: LocalDrug; expected: string }[] = [];
  for (let n = 0; catalogue.length < CATALOGUE; n++) {
    for (const r of rows) {
      if (catalogue.length >= CATALOGUE) break;
      catalogue.push({ item: rewrittenItem(r, n % 7), expected: idOfRow.get(r['流水号']) as string });
    }
  }

  // Independently labelled: every national product name (label: its product key's list item,
  // from the national dictionary) and every brand (label: its generic's list item, from the brand
  // list), matched by name alone.
  const independent = new DrugMatcher(big, { aliases });
  const keyIds = new Map<string, Set<string>>();
  for (const t of list)
    if (t.productKey) keyIds.set(t.productKey, (keyIds.get(t.productKey) ?? new Set()).add(t.id));
  const byName = new Map<string, Set<string>>();
  for (const r of readReference('nhsa_rulebase_drug_codes.csv')) {
    const ids = keyIds.get(r['分类前缀']);
    if (!ids) continue;
    const set = byName.get(r['药品通用名']) ?? new Set<string>();
    ids.forEach((id) => set.add(id));
    byName.set(r['药品通用名'], set);
  }
  const nameIds = new Map<string, string[]>();
  for (const t of big) nameIds.set(t.genericName, [...(nameIds.get(t.genericName) ?? []), t.id]);
  const brandIds = new Map<string, Set<string>>();
  for (const a of aliases) {
    const set = brandIds.get(a.brand) ?? new Set<string>();
    (nameIds.get(a.generic) ?? []).forEach((id) => set.add(id));
    brandIds.set(a.brand, set);
  }
  const independentSets = {
    'national product names': [...byName.entries()].map(([name, ids]) => ({
      item: { genericName: name },
      ids,
    })),
    'brand names': [...brandIds.entries()].map(([brand, ids]) => ({ item: { genericName: brand }, ids })),
  };
  const independentResults: Record<string, { items: number; auto: number; autoRight: number; top3: number }> =
    {};
  for (const [label, items] of Object.entries(independentSets)) {
    const res = { items: items.length, auto: 0, autoRight: 0, top3: 0 };
    for (const { item, ids } of items) {
      const r = independent.match(item);
      if (r.auto) {
        res.auto++;
        if (ids.has(r.auto.targetId)) res.autoRight++;
      }
      if (r.proposals.slice(0, 3).some((p) => ids.has(p.targetId))) res.top3++;
    }
    independentResults[label] = res;
    process.stdout.write(
      `${label}: ${res.items} items, automatic ${res.auto} (right ${res.autoRight}), right item in top 3: ${res.top3} (${pct(res.top3 / res.items)})\n`,
    );
  }

  let matcher!: DrugMatcher;
  const buildMs = median(
    Array.from({ length: RUNS }, () => time(() => (matcher = new DrugMatcher(big, { aliases })))),
  );
  // Quality on the catalogue (and the warm-up run).
  let auto = 0;
  let autoRight = 0;
  let top3 = 0;
  for (const c of catalogue) {
    const r = matcher.match(c.item);
    if (r.auto) {
      auto++;
      if (r.auto.targetId === c.expected) autoRight++;
    }
    if (r.proposals.slice(0, 3).some((p) => p.targetId === c.expected)) top3++;
  }
  process.stdout.write(
    `\nCatalogue: ${catalogue.length} items against ${big.length} list items: automatic ${auto} (${pct(auto / catalogue.length)}), ` +
      `right ${autoRight} (precision ${pct(autoRight / Math.max(auto, 1))}), right item in top 3: ${top3} (${pct(top3 / catalogue.length)})\n`,
  );

  const indexedRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const m = new DrugMatcher(big, { aliases });
    indexedRuns.push(time(() => catalogue.forEach((c) => m.match(c.item))));
  }
  const scoredPerItem = (() => {
    const m = new DrugMatcher(big, { aliases });
    catalogue.forEach((c) => m.match(c.item));
    return m.work.scored / m.work.matched;
  })();

  const naiveItems = catalogue.slice(0, NAIVE_ITEMS);
  const naiveRuns: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const m = new DrugMatcher(big, { aliases });
    naiveRuns.push(time(() => naiveItems.forEach((c) => m.matchAllPairs(c.item))));
  }
  const naiveScaled = (median(naiveRuns) * catalogue.length) / naiveItems.length;

  process.stdout.write(
    `\nSpeed (${catalogue.length} items, ${big.length} list items, ${RUNS} runs):\n` +
      `  build the indexes: median ${buildMs.toFixed(0)} ms\n` +
      `  indexed: median ${median(indexedRuns).toFixed(0)} ms (runs ${indexedRuns.map((x) => x.toFixed(0)).join(' / ')}), ` +
      `${((median(indexedRuns) * 1000) / catalogue.length).toFixed(0)} µs per item, ${scoredPerItem.toFixed(1)} pairs scored per item\n` +
      `  all pairs: ${naiveItems.length} items median ${median(naiveRuns).toFixed(0)} ms (runs ${naiveRuns.map((x) => x.toFixed(0)).join(' / ')}), ` +
      `scaled to ${catalogue.length}: ${(naiveScaled / 1000).toFixed(1)} s, ${big.length} pairs scored per item\n`,
  );

  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `drugs-matcher-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        node: process.version,
        labelled: {
          rows: labelled.length,
          list: list.length,
          total: evaluation.total,
          byCategory: Object.fromEntries(evaluation.byCategory),
        },
        catalogue: { items: catalogue.length, list: big.length, auto, autoRight, top3 },
        independent: independentResults,
        speed: {
          buildMs,
          indexedRuns,
          scoredPerItem,
          naiveItems: naiveItems.length,
          naiveRuns,
          naiveScaledMs: naiveScaled,
        },
      },
      null,
      2,
    ),
  );
  process.stdout.write(`\n${file}\n`);
}

main();
