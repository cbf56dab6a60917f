/**
 * The hospital half of the matcher's fixtures, built from the real hospital drug dictionary
 * (../shared/data/drugs/his_ypxx_yycg.csv), deterministically:
 *
 * - unified-list items (built at run time by `buildHospitalFixtures`, not committed: they are
 *   the dictionary's content), one per distinct (generic, form, strength), written the way a
 *   unified list writes them: the registered generic name with its form (阿卡波糖 + 片剂 →
 *   阿卡波糖片, 头孢他啶 + 粉针 → 注射用头孢他啶), the salt where the dictionary's own product-name
 *   column or a national / brand-list name states it, a standard form word, and the strength in
 *   other units where that is the same amount (0.25g → 250mg); id `H` + the first row's 流水号;
 * - `labelled-hospital.csv` (committed, written by running this file): a quarter of the
 *   dictionary's rows as the hospital wrote them, labelled with the item built from them, plus
 *   rewritten copies of some rows (full-width digits, spaces, other bracket and pack spellings,
 *   other form words) labelled the same.
 *
 * The rules here are written independently of the matcher (plain string tables, no call into
 * normalize.ts or spec.ts) so that the labels do not inherit its mistakes. The hand-written
 * halves (`formulary-traps.csv`, `labelled-traps.csv`) hold the traps.
 *
 *   node -r @swc-node/register libs/drugs/src/domain/testdata/build-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormularyTarget, LocalDrug } from '../matcher';
import { csvField, readReference } from './reference-data';

interface FormRule {
  /** Word appended to the generic to make the registered name ('' = the name already has it). */
  suffix: string;
  /** `注射用` names put the form first. */
  prefix?: string;
  /** The unified list's form column. */
  form: string;
}

const FORM_RULES: Record<string, FormRule> = {
  片剂: { suffix: '片', form: '片' },
  注射液: { suffix: '注射液', form: '注射液' },
  大输液: { suffix: '注射液', form: '注射液' },
  针剂: { suffix: '注射液', form: '注射液' },
  注射剂: { suffix: '注射液', form: '注射液' },
  粉针: { suffix: '', prefix: '注射用', form: '注射用无菌粉末' },
  冻干粉针剂: { suffix: '', prefix: '注射用', form: '注射用冻干粉针' },
  胶囊: { suffix: '胶囊', form: '胶囊' },
  颗粒剂: { suffix: '颗粒', form: '颗粒' },
  分散片: { suffix: '分散片', form: '分散片' },
  缓释片: { suffix: '缓释片', form: '缓释片' },
  控释片: { suffix: '控释片', form: '控释片' },
  肠溶片: { suffix: '肠溶片', form: '肠溶片' },
  咀嚼片: { suffix: '咀嚼片', form: '咀嚼片' },
  阴道片: { suffix: '阴道片', form: '阴道片' },
  阴道泡腾片: { suffix: '阴道泡腾片', form: '阴道泡腾片' },
  肠溶胶囊: { suffix: '肠溶胶囊', form: '肠溶胶囊' },
  缓释胶囊: { suffix: '缓释胶囊', form: '缓释胶囊' },
  软胶囊: { suffix: '软胶囊', form: '软胶囊' },
  口服液: { suffix: '口服液', form: '口服液' },
  糖浆剂: { suffix: '糖浆', form: '糖浆' },
  混悬液: { suffix: '混悬液', form: '混悬液' },
  溶液剂: { suffix: '溶液', form: '溶液剂' },
  软膏剂: { suffix: '软膏', form: '软膏' },
  乳膏剂: { suffix: '乳膏', form: '乳膏' },
  眼膏剂: { suffix: '眼膏', form: '眼膏' },
  滴眼液: { suffix: '滴眼液', form: '滴眼液' },
  滴耳液: { suffix: '滴耳液', form: '滴耳液' },
  栓剂: { suffix: '栓', form: '栓' },
  散剂: { suffix: '散', form: '散' },
  滴丸: { suffix: '滴丸', form: '滴丸' },
  气雾剂: { suffix: '气雾剂', form: '气雾剂' },
  酊剂: { suffix: '酊', form: '酊剂' },
  洗剂: { suffix: '洗剂', form: '洗剂' },
  橡胶膏剂: { suffix: '', form: '橡胶膏剂' },
  膏药: { suffix: '', form: '膏药' },
  煎膏剂: { suffix: '', form: '煎膏剂' },
  大蜜丸: { suffix: '', form: '大蜜丸' },
  小蜜丸: { suffix: '', form: '小蜜丸' },
  水蜜丸: { suffix: '', form: '水蜜丸' },
  水丸: { suffix: '', form: '水丸' },
  浓缩丸: { suffix: '', form: '浓缩丸' },
  丸剂: { suffix: '', form: '丸剂' },
};

/** Words that already end a registered name. */
const NAME_ENDINGS = [
  '片',
  '胶囊',
  '颗粒',
  '注射液',
  '口服液',
  '丸',
  '膏',
  '散',
  '栓',
  '滴丸',
  '气雾剂',
  '酊',
  '溶液',
  '混悬液',
  '糖浆',
  '合剂',
  '滴眼液',
  '滴耳液',
  '软膏',
  '乳膏',
  '眼膏',
  '剂',
  '茶',
];

const SALT_PREFIXES = [
  '盐酸',
  '硫酸',
  '磷酸',
  '马来酸',
  '琥珀酸',
  '酒石酸',
  '苯磺酸',
  '甲磺酸',
  '富马酸',
  '醋酸',
  '枸橼酸',
  '乳酸',
  '硝酸',
];
const SALT_SUFFIXES = ['钠', '钾', '钙', '镁'];

function registeredName(generic: string, form: string, brand: string, knownNames: Set<string>): string {
  const rule = FORM_RULES[form];
  if (!rule) throw new Error(`no form rule for ${form}`);
  const g = generic.trim();
  let name: string;
  const bare = g.replace(/\([^()]*\)$/, '');
  if (g.startsWith('注射用') || NAME_ENDINGS.some((e) => bare.endsWith(e))) name = g;
  else name = `${rule.prefix ?? ''}${g}${rule.suffix}`;
  // A salt the hospital's product-name column states: 利多卡因 + 盐酸利多卡因注射液.
  const b = brand.trim();
  for (const candidate of salted(g, rule)) {
    if (b === candidate || knownNames.has(candidate)) return candidate;
  }
  return name;
}

function salted(g: string, rule: FormRule): string[] {
  const out: string[] = [];
  for (const p of ['', ...SALT_PREFIXES]) {
    for (const s of ['', ...SALT_SUFFIXES]) {
      if (!p && !s) continue;
      out.push(`${rule.prefix ?? ''}${p}${g}${s}${rule.suffix}`);
    }
  }
  return out;
}

/** The same strength in other units, the way another catalogue may write it. */
function restate(spec: string): string {
  return spec.replace(/(\d+(?:\.\d+)?)g(?![a-zA-Z])/g, (m, num: string) => {
    const v = Number(num);
    if (v >= 1) return Number.isInteger(v) ? `${v}g` : m;
    return `${Number((v * 1000).toPrecision(12))}mg`;
  });
}

/** A light key for grouping rows whose strength strings differ only in spelling. */
function groupSpec(spec: string): string {
  return restate(
    spec
      .normalize('NFKC')
      .replace(/\s+/g, '')
      .replace(/\((塑瓶|玻璃瓶|增加适应症)\)/g, ''),
  ).toLowerCase();
}

const FULL_WIDTH = (s: string) =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Rewritten spellings of one row, each still the same product. */
function rewrites(
  row: Record<string, string>,
  n: number,
): { generic: string; form: string; spec: string; brand: string; note: string } {
  const spec = row['规格'];
  const base = { generic: row['通用名'], form: row['剂型'], spec, brand: row['商品名称'] };
  switch (n % 6) {
    case 0:
      return { ...base, spec: FULL_WIDTH(spec).replace(/:/g, '：'), note: 'full-width strength' };
    case 1:
      return { ...base, generic: ` ${row['通用名'].split('').join(' ')} `, note: 'spaces in the name' };
    case 2:
      return {
        ...base,
        spec: `${spec}*${row['转换系数'] || 10}${packWord(row['剂型'])}`,
        note: 'pack count in the strength',
      };
    case 3:
      return {
        ...base,
        form:
          (
            {
              片剂: '薄膜衣片',
              粉针: '注射用无菌粉末',
              胶囊: '硬胶囊',
              颗粒剂: '颗粒',
              注射液: '注射剂',
              大输液: '注射液',
            } as Record<string, string>
          )[row['剂型']] ?? row['剂型'],
        note: 'another word for the same form',
      };
    case 4:
      return {
        ...base,
        spec: restate(spec).replace(/(\d+(?:\.\d+)?)mg/g, (m, v: string) =>
          Number(v) >= 100 ? `${Number(v) / 1000}g` : m,
        ),
        note: 'other mass units',
      };
    default:
      return {
        ...base,
        spec: spec.replace(/:/g, '：').replace(/\(/g, '【').replace(/\)/g, '】'),
        note: 'CJK punctuation',
      };
  }
}

function packWord(form: string): string {
  if (/胶囊/.test(form)) return '粒';
  if (/片/.test(form)) return '片';
  if (/注射|输液|粉针/.test(form)) return '支';
  return '袋';
}

export interface HospitalFixtures {
  rows: Record<string, string>[];
  /** Unified-list items built from the dictionary. */
  items: FormularyTarget[];
  /** 流水号 → the unified-list item built for its (generic, form, strength). */
  idOfRow: Map<string, string>;
}

export function buildHospitalFixtures(): HospitalFixtures {
  const rows = readReference('his_ypxx_yycg.csv');
  const knownNames = new Set<string>([
    ...readReference('nhsa_rulebase_drug_codes.csv').map((r) => r['药品通用名']),
    ...readReference('trade_generic_original_drugs.csv').map((r) => r['药品通用名']),
  ]);

  const groups = new Map<string, { id: string; rows: Record<string, string>[] }>();
  const plainName = (row: Record<string, string>) =>
    registeredName(row['通用名'], row['剂型'], '', new Set());
  for (const row of rows) {
    const rule = FORM_RULES[row['剂型']];
    const key = [plainName(row), rule.form, groupSpec(row['规格'])].join('|');
    const g = groups.get(key) ?? { id: `H${row['流水号']}`, rows: [] };
    g.rows.push(row);
    groups.set(key, g);
  }

  const items: FormularyTarget[] = [];
  const idOfRow = new Map<string, string>();
  for (const g of groups.values()) {
    const first = g.rows[0];
    items.push({
      id: g.id,
      nationalCode: null,
      productKey: null,
      genericName: registeredName(first['通用名'], first['剂型'], first['商品名称'], knownNames),
      dosageForm: FORM_RULES[first['剂型']].form,
      spec: restate(first['规格'].trim()) || null,
      maker: first['生产企业'] || null,
    });
    for (const r of g.rows) idOfRow.set(r['流水号'], g.id);
  }
  return { rows, items, idOfRow };
}

/** The n-th rewritten spelling of a hospital row, as a local item (for the benchmark's catalogue). */
export function rewrittenItem(row: Record<string, string>, n: number): LocalDrug {
  const r =
    n === 0
      ? { generic: row['通用名'], form: row['剂型'], spec: row['规格'], brand: row['商品名称'] }
      : rewrites(row, n - 1);
  return {
    localCode: `${row['流水号']}-${n}`,
    brandName: r.brand === '无' ? null : r.brand,
    genericName: r.generic,
    dosageForm: r.form,
    spec: r.spec,
    maker: row['生产企业'],
    packFactor: Number(row['转换系数']) || null,
  };
}

function main(): void {
  const { rows, items, idOfRow } = buildHospitalFixtures();

  const header =
    'case,category,nationalCode,brandName,genericName,dosageForm,spec,maker,packFactor,expected,note';
  const labelled: string[] = [header];
  rows.forEach((row, i) => {
    if (i % 4 !== 0) return;
    const id = idOfRow.get(row['流水号']) as string;
    const category = id === `H${row['流水号']}` ? 'exact' : 'other-maker';
    const brand = row['商品名称'] === '无' ? '' : row['商品名称'];
    labelled.push(
      [
        `his-${row['流水号']}`,
        category,
        '',
        brand,
        row['通用名'],
        row['剂型'],
        row['规格'],
        row['生产企业'],
        row['转换系数'],
        id,
        '',
      ]
        .map(csvField)
        .join(','),
    );
  });
  rows.forEach((row, i) => {
    if (i % 14 !== 7) return;
    const id = idOfRow.get(row['流水号']) as string;
    const r = rewrites(row, i);
    labelled.push(
      [
        `his-${row['流水号']}-r`,
        'spelling',
        '',
        r.brand === '无' ? '' : r.brand,
        r.generic,
        r.form,
        r.spec,
        row['生产企业'],
        row['转换系数'],
        id,
        r.note,
      ]
        .map(csvField)
        .join(','),
    );
  });

  writeFileSync(join(__dirname, 'labelled-hospital.csv'), `${labelled.join('\n')}\n`);
  process.stdout.write(`${items.length} list items; labelled-hospital.csv: ${labelled.length - 1} rows\n`);
}

if (require.main === module) main();
