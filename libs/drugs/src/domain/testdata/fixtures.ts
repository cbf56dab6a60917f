/**
 * The matcher's labelled set and the unified list it is labelled against, for the unit test
 * and the benchmark.
 *
 * Unified list = items built from the real hospital dictionary (build-fixtures.ts, at run time)
 * + `formulary-traps.csv` (hand-written look-alikes) + one item per national product key of the
 * rule-library batches (read from ../shared/data/drugs at run time: id and code = the key's
 * lowest code, no strength — the file has none). The reference files are read where they are,
 * never copied here.
 *
 * Labelled set = `labelled-hospital.csv` + `labelled-traps.csv`. `expected` is a list item id,
 * several ids separated by `|` when each is right, or NONE.
 */
import { join } from 'node:path';
import type { BrandAlias, DrugMatcher, FormularyTarget, LocalDrug, MatchResult } from '../matcher';
import { buildHospitalFixtures } from './build-fixtures';
import { readCsvRecords, readReference } from './reference-data';

export interface LabelledRow {
  case: string;
  category: string;
  item: LocalDrug;
  expected: string[];
  note: string;
}

const here = (name: string) => join(__dirname, name);
const orNull = (s: string | undefined) => (s && s.trim() ? s : null);

export function loadNationalItems(): FormularyTarget[] {
  const byKey = new Map<string, { code: string; name: string }>();
  for (const r of readReference('nhsa_rulebase_drug_codes.csv')) {
    const code = r['医保药品代码'];
    const key = r['分类前缀'];
    const prev = byKey.get(key);
    if (!prev || code < prev.code) byKey.set(key, { code, name: r['药品通用名'] });
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, { code, name }]) => ({
      id: code,
      nationalCode: code,
      productKey: key,
      genericName: name,
      dosageForm: '',
      spec: null,
      maker: null,
    }));
}

function readTargets(file: string): FormularyTarget[] {
  return readCsvRecords(here(file)).map((r) => ({
    id: r.id,
    nationalCode: orNull(r.nationalCode),
    productKey: orNull(r.productKey),
    genericName: r.genericName,
    dosageForm: r.dosageForm,
    spec: orNull(r.spec),
    maker: orNull(r.maker),
  }));
}

export function loadFormulary(): FormularyTarget[] {
  return [...buildHospitalFixtures().items, ...readTargets('formulary-traps.csv'), ...loadNationalItems()];
}

/** Brand → generic pairs of the original-drug list. */
export function loadAliases(): BrandAlias[] {
  return readReference('trade_generic_original_drugs.csv')
    .filter((r) => r['商品名'] && r['药品通用名'])
    .map((r) => ({ brand: r['商品名'], generic: r['药品通用名'], maker: orNull(r['生产厂家全称']) }));
}

function readLabelled(file: string): LabelledRow[] {
  return readCsvRecords(here(file)).map((r) => ({
    case: r.case,
    category: r.category,
    item: {
      nationalCode: orNull(r.nationalCode),
      brandName: orNull(r.brandName),
      genericName: r.genericName,
      dosageForm: orNull(r.dosageForm),
      spec: orNull(r.spec),
      maker: orNull(r.maker),
      packFactor: r.packFactor ? Number(r.packFactor) : null,
    },
    expected: r.expected === 'NONE' ? [] : r.expected.split('|'),
    note: r.note ?? '',
  }));
}

export function loadLabelledSet(): LabelledRow[] {
  return [...readLabelled('labelled-hospital.csv'), ...readLabelled('labelled-traps.csv')];
}

/** Categories whose rows must never be confirmed automatically, whatever they are labelled. */
export const TRAP_CATEGORIES = new Set([
  'salt-trap',
  'form-trap',
  'substring-trap',
  'compound-trap',
  'roman-trap',
  'ambiguous-brand',
  'brand',
  'spec-trap',
  'code-conflict',
  'invalid-code',
]);

export interface CategoryStats {
  rows: number;
  /** Rows with a right answer. */
  labelled: number;
  auto: number;
  autoRight: number;
  /** Right answer within the first three proposals. */
  top3: number;
  /** NONE rows left without an automatic match. */
  noneKept: number;
  noneRows: number;
}

export interface Evaluation {
  total: CategoryStats;
  byCategory: Map<string, CategoryStats>;
  wrongAutos: { row: LabelledRow; result: MatchResult }[];
  trapAutos: { row: LabelledRow; result: MatchResult }[];
  misses: { row: LabelledRow; result: MatchResult }[];
}

const empty = (): CategoryStats => ({
  rows: 0,
  labelled: 0,
  auto: 0,
  autoRight: 0,
  top3: 0,
  noneKept: 0,
  noneRows: 0,
});

export function evaluate(matcher: DrugMatcher, rows: LabelledRow[]): Evaluation {
  const total = empty();
  const byCategory = new Map<string, CategoryStats>();
  const wrongAutos: Evaluation['wrongAutos'] = [];
  const trapAutos: Evaluation['trapAutos'] = [];
  const misses: Evaluation['misses'] = [];
  for (const row of rows) {
    const result = matcher.match(row.item);
    const cat = byCategory.get(row.category) ?? empty();
    byCategory.set(row.category, cat);
    for (const s of [cat, total]) {
      s.rows++;
      if (row.expected.length > 0) s.labelled++;
      else s.noneRows++;
    }
    const right = (id: string | undefined) => id !== undefined && row.expected.includes(id);
    if (result.auto) {
      for (const s of [cat, total]) s.auto++;
      if (right(result.auto.targetId)) for (const s of [cat, total]) s.autoRight++;
      else wrongAutos.push({ row, result });
      if (TRAP_CATEGORIES.has(row.category)) trapAutos.push({ row, result });
    } else if (row.expected.length === 0) {
      for (const s of [cat, total]) s.noneKept++;
    }
    if (row.expected.length > 0) {
      if (result.proposals.slice(0, 3).some((p) => right(p.targetId))) for (const s of [cat, total]) s.top3++;
      else misses.push({ row, result });
    }
  }
  return { total, byCategory, wrongAutos, trapAutos, misses };
}

export function precision(s: CategoryStats): number {
  return s.auto === 0 ? 1 : s.autoRight / s.auto;
}

export function recallTop3(s: CategoryStats): number {
  return s.labelled === 0 ? 1 : s.top3 / s.labelled;
}
