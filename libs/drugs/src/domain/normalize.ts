/**
 * Normalising drug names and dosage forms so that two catalogues' spellings of one product
 * compare equal, and two different products never do.
 *
 * Text: NFKC (full-width letters, digits and ASCII punctuation, ㎎, Ⅰ/Ⅱ → I/II), plus the CJK
 * punctuation NFKC leaves alone (【】〔〕 → (), 、 → ",", × → *, dashes and tildes → -), no
 * spaces in names, Latin letters upper case in names.
 *
 * A name splits into:
 * - `core`: the active moiety as written, salts and dosage form removed. 复方 and 小儿 stay in
 *   it (复方甘草片 is not 甘草片; 小儿布洛芬栓 is not 布洛芬栓), as do internal brackets of
 *   mixtures (脂肪乳(10%)/氨基酸(15)/…);
 * - `salts`: acid prefixes (盐酸, 硫酸, 苯磺酸, … and esters named the same way: 醋酸, 丙酸, 糠酸)
 *   and cation suffixes (钠, 钾, 钙, 镁, 磷酸钠 …), plus a bracketed marker like （盐酸盐）. A salt
 *   that is the drug itself (氯化钠, 硫酸镁, 葡萄糖酸钙, 硝酸甘油, 乳酸菌素 …) is not split off;
 * - `form`: the dosage form named in the name (阿卡波糖片 → 片; 注射用X → powder for injection);
 * - `variants`: trailing bracket qualifiers, Roman numerals included ((Ⅱ) → II, (18AA-Ⅰ) →
 *   18AA-I, (无糖型)); two names are the same product only when their variants are equal.
 *
 * Dosage-form taxonomy (see `DosageForm`): a form is family + variant + release + route.
 * - family: tablet, capsule, injection, granule, pill, oral liquid, … (FORM_FAMILIES below);
 * - variant refines a family and may be left open: 注射剂/针剂 is an injection of unknown
 *   variant, 注射液 a solution, 注射用/粉针 a powder, 冻干粉针 a freeze-dried powder (a kind of
 *   powder); 胶囊 hard, 软胶囊/胶丸 soft; 大蜜丸/小蜜丸/水蜜丸/水丸/浓缩丸 are pill variants, 丸/丸剂
 *   open; 软膏/乳膏/煎膏/眼膏 are paste variants, 膏 open;
 * - release: 缓释, 控释, 肠溶, 分散, 口崩, 咀嚼, 泡腾, 含, 舌下 — each makes a different form
 *   (缓释片 ≠ 片, 肠溶缓释片 ≠ 缓释片);
 * - route: 阴道, 直肠, 眼, 耳, 鼻, 吸入, 外用, 透皮; solid and liquid oral forms are oral unless
 *   named otherwise, so 阴道片 ≠ 片;
 * - coatings change nothing: 薄膜衣片 = 糖衣片 = 素片 = 片 = 片剂.
 * Two forms are SAME when all four agree, COMPATIBLE when one side leaves the variant open (or
 * names a parent of the other's: 粉针 vs 冻干粉针), otherwise VARIANT, RELEASE, ROUTE or FAMILY
 * apart. Only SAME counts for an automatic match.
 */

export type FormFamily =
  | 'TABLET'
  | 'CAPSULE'
  | 'INJECTION'
  | 'GRANULE'
  | 'PILL'
  | 'DROP_PILL'
  | 'ORAL_LIQUID'
  | 'SYRUP'
  | 'SUSPENSION'
  | 'DROPS'
  | 'SOLUTION'
  | 'EMULSION'
  | 'TINCTURE'
  | 'POWDER'
  | 'PASTE'
  | 'GEL'
  | 'PATCH'
  | 'PLASTER'
  | 'SUPPOSITORY'
  | 'AEROSOL'
  | 'SPRAY'
  | 'INHALATION_POWDER'
  | 'LOTION'
  | 'LINIMENT'
  | 'ENEMA'
  | 'FILM'
  | 'IMPLANT'
  | 'TEA'
  | 'SYSTEM';

export type FormRelease =
  | 'SUSTAINED'
  | 'CONTROLLED'
  | 'ENTERIC'
  | 'DISPERSIBLE'
  | 'ORALLY_DISINTEGRATING'
  | 'CHEWABLE'
  | 'EFFERVESCENT'
  | 'BUCCAL'
  | 'SUBLINGUAL';

export type FormRoute =
  'ORAL' | 'VAGINAL' | 'RECTAL' | 'EYE' | 'EAR' | 'NOSE' | 'INHALED' | 'TOPICAL' | 'TRANSDERMAL' | 'MOUTH';

export interface DosageForm {
  /** Canonical spelling; equal keys are the same form. */
  key: string;
  family: FormFamily;
  /** Refinement within the family, `A/B` a kind of `A`; null = not said. */
  variant: string | null;
  /** Sorted release modifiers; empty = plain. */
  release: FormRelease[];
  /** null = not said (suppositories, drops, solutions without a route word). */
  route: FormRoute | null;
  /** Words that were read and deliberately ignored (coatings). */
  ignored: string[];
}

export type FormComparison = 'SAME' | 'COMPATIBLE' | 'VARIANT' | 'RELEASE' | 'ROUTE' | 'FAMILY';

interface BaseForm {
  family: FormFamily;
  variant: string | null;
  route?: FormRoute;
  release?: FormRelease;
}

/** Base forms by their spellings; the longest spelling at the end of a name wins. */
const BASE_FORMS: Record<string, BaseForm> = {
  片: { family: 'TABLET', variant: null },
  片剂: { family: 'TABLET', variant: null },
  胶囊: { family: 'CAPSULE', variant: 'HARD' },
  胶囊剂: { family: 'CAPSULE', variant: 'HARD' },
  硬胶囊: { family: 'CAPSULE', variant: 'HARD' },
  软胶囊: { family: 'CAPSULE', variant: 'SOFT' },
  胶丸: { family: 'CAPSULE', variant: 'SOFT' },
  注射液: { family: 'INJECTION', variant: 'SOLUTION' },
  注射溶液: { family: 'INJECTION', variant: 'SOLUTION' },
  大输液: { family: 'INJECTION', variant: 'SOLUTION' },
  输液: { family: 'INJECTION', variant: 'SOLUTION' },
  注射剂: { family: 'INJECTION', variant: null },
  针剂: { family: 'INJECTION', variant: null },
  注射用浓溶液: { family: 'INJECTION', variant: 'CONCENTRATE' },
  粉针: { family: 'INJECTION', variant: 'POWDER' },
  粉针剂: { family: 'INJECTION', variant: 'POWDER' },
  注射用无菌粉末: { family: 'INJECTION', variant: 'POWDER' },
  冻干粉针: { family: 'INJECTION', variant: 'POWDER/LYOPHILISED' },
  冻干粉针剂: { family: 'INJECTION', variant: 'POWDER/LYOPHILISED' },
  冻干粉: { family: 'INJECTION', variant: 'POWDER/LYOPHILISED' },
  颗粒: { family: 'GRANULE', variant: null },
  颗粒剂: { family: 'GRANULE', variant: null },
  冲剂: { family: 'GRANULE', variant: null },
  丸: { family: 'PILL', variant: null },
  丸剂: { family: 'PILL', variant: null },
  蜜丸: { family: 'PILL', variant: 'HONEY' },
  大蜜丸: { family: 'PILL', variant: 'HONEY/LARGE' },
  小蜜丸: { family: 'PILL', variant: 'HONEY/SMALL' },
  水蜜丸: { family: 'PILL', variant: 'WATER_HONEY' },
  水丸: { family: 'PILL', variant: 'WATER' },
  浓缩丸: { family: 'PILL', variant: 'CONCENTRATED' },
  糊丸: { family: 'PILL', variant: 'PASTE' },
  蜡丸: { family: 'PILL', variant: 'WAX' },
  微丸: { family: 'PILL', variant: 'MICRO' },
  滴丸: { family: 'DROP_PILL', variant: null },
  滴丸剂: { family: 'DROP_PILL', variant: null },
  口服液: { family: 'ORAL_LIQUID', variant: 'SOLUTION' },
  口服溶液: { family: 'ORAL_LIQUID', variant: 'SOLUTION' },
  口服溶液剂: { family: 'ORAL_LIQUID', variant: 'SOLUTION' },
  合剂: { family: 'ORAL_LIQUID', variant: 'MIXTURE' },
  糖浆: { family: 'SYRUP', variant: null },
  糖浆剂: { family: 'SYRUP', variant: null },
  混悬液: { family: 'SUSPENSION', variant: 'LIQUID' },
  混悬剂: { family: 'SUSPENSION', variant: null },
  口服混悬液: { family: 'SUSPENSION', variant: 'LIQUID', route: 'ORAL' },
  混悬滴剂: { family: 'SUSPENSION', variant: 'DROPS' },
  干混悬剂: { family: 'SUSPENSION', variant: 'DRY' },
  滴剂: { family: 'DROPS', variant: null },
  滴眼液: { family: 'DROPS', variant: null, route: 'EYE' },
  滴眼剂: { family: 'DROPS', variant: null, route: 'EYE' },
  滴耳液: { family: 'DROPS', variant: null, route: 'EAR' },
  滴耳剂: { family: 'DROPS', variant: null, route: 'EAR' },
  滴鼻液: { family: 'DROPS', variant: null, route: 'NOSE' },
  滴鼻剂: { family: 'DROPS', variant: null, route: 'NOSE' },
  溶液: { family: 'SOLUTION', variant: null },
  溶液剂: { family: 'SOLUTION', variant: null },
  乳剂: { family: 'EMULSION', variant: null },
  酊: { family: 'TINCTURE', variant: null },
  酊剂: { family: 'TINCTURE', variant: null },
  散: { family: 'POWDER', variant: null },
  散剂: { family: 'POWDER', variant: null },
  粉剂: { family: 'POWDER', variant: null },
  撒粉: { family: 'POWDER', variant: 'DUSTING' },
  膏: { family: 'PASTE', variant: null },
  膏剂: { family: 'PASTE', variant: null },
  软膏: { family: 'PASTE', variant: 'OINTMENT' },
  软膏剂: { family: 'PASTE', variant: 'OINTMENT' },
  乳膏: { family: 'PASTE', variant: 'CREAM' },
  乳膏剂: { family: 'PASTE', variant: 'CREAM' },
  眼膏: { family: 'PASTE', variant: 'OINTMENT', route: 'EYE' },
  眼膏剂: { family: 'PASTE', variant: 'OINTMENT', route: 'EYE' },
  煎膏: { family: 'PASTE', variant: 'DECOCTION' },
  煎膏剂: { family: 'PASTE', variant: 'DECOCTION' },
  膏滋: { family: 'PASTE', variant: 'DECOCTION' },
  凝胶: { family: 'GEL', variant: null },
  凝胶剂: { family: 'GEL', variant: null },
  乳胶剂: { family: 'GEL', variant: 'EMULGEL' },
  贴剂: { family: 'PATCH', variant: null },
  贴片: { family: 'PATCH', variant: null },
  贴: { family: 'PATCH', variant: null },
  橡胶膏剂: { family: 'PLASTER', variant: 'RUBBER' },
  橡胶膏: { family: 'PLASTER', variant: 'RUBBER' },
  贴膏: { family: 'PLASTER', variant: null },
  巴布膏: { family: 'PLASTER', variant: 'CATAPLASM' },
  膏药: { family: 'PLASTER', variant: 'TRADITIONAL' },
  栓: { family: 'SUPPOSITORY', variant: null },
  栓剂: { family: 'SUPPOSITORY', variant: null },
  膨胀栓: { family: 'SUPPOSITORY', variant: 'EXPANDING' },
  气雾剂: { family: 'AEROSOL', variant: null },
  喷雾剂: { family: 'SPRAY', variant: null },
  粉雾剂: { family: 'INHALATION_POWDER', variant: null, route: 'INHALED' },
  洗剂: { family: 'LOTION', variant: null },
  洗液: { family: 'LOTION', variant: null },
  搽剂: { family: 'LINIMENT', variant: null },
  涂剂: { family: 'LINIMENT', variant: 'PAINT' },
  涂膜剂: { family: 'LINIMENT', variant: 'FILM' },
  灌肠剂: { family: 'ENEMA', variant: null, route: 'RECTAL' },
  灌肠液: { family: 'ENEMA', variant: null, route: 'RECTAL' },
  膜剂: { family: 'FILM', variant: null },
  口溶膜: { family: 'FILM', variant: 'ORAL_SOLUBLE', route: 'MOUTH' },
  植入剂: { family: 'IMPLANT', variant: null },
  袋泡茶: { family: 'TEA', variant: 'BAG' },
  茶剂: { family: 'TEA', variant: null },
  节育系统: { family: 'SYSTEM', variant: 'INTRAUTERINE' },
};

/** Words that may precede a base form; the order they are peeled off does not matter. */
const RELEASE_WORDS: Record<string, FormRelease> = {
  缓释: 'SUSTAINED',
  控释: 'CONTROLLED',
  肠溶: 'ENTERIC',
  肠衣: 'ENTERIC',
  分散: 'DISPERSIBLE',
  口崩: 'ORALLY_DISINTEGRATING',
  口腔崩解: 'ORALLY_DISINTEGRATING',
  咀嚼: 'CHEWABLE',
  泡腾: 'EFFERVESCENT',
  含: 'BUCCAL',
  口含: 'BUCCAL',
  舌下: 'SUBLINGUAL',
};

const ROUTE_WORDS: Record<string, FormRoute> = {
  阴道: 'VAGINAL',
  阴道用: 'VAGINAL',
  直肠: 'RECTAL',
  眼用: 'EYE',
  耳用: 'EAR',
  鼻: 'NOSE',
  鼻用: 'NOSE',
  鼻腔: 'NOSE',
  吸入: 'INHALED',
  吸入用: 'INHALED',
  雾化吸入用: 'INHALED',
  雾化: 'INHALED',
  外用: 'TOPICAL',
  透皮: 'TRANSDERMAL',
  经皮: 'TRANSDERMAL',
  口腔: 'MOUTH',
  口服: 'ORAL',
};

/**
 * Coatings: read, noted, and do not change the form. (素片 is read only as a form field: in a
 * name, 素 before 片 belongs to the drug — 红霉素片, 黄连素片.)
 */
const IGNORED_WORDS = ['薄膜衣', '糖衣', '包衣', '普通'];

/** Families taken orally unless a route word says otherwise. */
const ORAL_BY_DEFAULT = new Set<FormFamily>([
  'TABLET',
  'CAPSULE',
  'GRANULE',
  'PILL',
  'DROP_PILL',
  'ORAL_LIQUID',
  'SYRUP',
]);

const FAMILY_NAMES_ZH: Record<FormFamily, string> = {
  TABLET: '片',
  CAPSULE: '胶囊',
  INJECTION: '注射剂',
  GRANULE: '颗粒',
  PILL: '丸',
  DROP_PILL: '滴丸',
  ORAL_LIQUID: '口服液',
  SYRUP: '糖浆',
  SUSPENSION: '混悬剂',
  DROPS: '滴剂',
  SOLUTION: '溶液',
  EMULSION: '乳剂',
  TINCTURE: '酊剂',
  POWDER: '散',
  PASTE: '膏',
  GEL: '凝胶',
  PATCH: '贴剂',
  PLASTER: '贴膏',
  SUPPOSITORY: '栓',
  AEROSOL: '气雾剂',
  SPRAY: '喷雾剂',
  INHALATION_POWDER: '粉雾剂',
  LOTION: '洗剂',
  LINIMENT: '搽剂',
  ENEMA: '灌肠剂',
  FILM: '膜剂',
  IMPLANT: '植入剂',
  TEA: '茶剂',
  SYSTEM: '节育系统',
};

const byLengthDesc = (a: string, b: string) => b.length - a.length;
const BASE_SPELLINGS = Object.keys(BASE_FORMS).sort(byLengthDesc);
const MODIFIER_SPELLINGS = [
  ...Object.keys(RELEASE_WORDS),
  ...Object.keys(ROUTE_WORDS),
  ...IGNORED_WORDS,
].sort(byLengthDesc);

// ---------------------------------------------------------------------------------------------
// Text

/** CJK punctuation and symbols that NFKC leaves as they are. */
const PUNCTUATION: [RegExp, string][] = [
  [/[【〔［〖〈《「『]/g, '('],
  [/[】〕］〗〉》」』]/g, ')'],
  [/\[/g, '('],
  [/\]/g, ')'],
  [/[、，]/g, ','],
  [/[；]/g, ';'],
  [/[×✕╳]/g, '*'],
  [/[‐‑‒–—―−～〜]/g, '-'],
  [/~/g, '-'],
  [/[·•・]/g, '·'],
  [/[‘’“”"']/g, ''],
];

/** NFKC plus the CJK punctuation it misses; whitespace collapsed to one space and trimmed. */
export function normalizeText(input: string): string {
  let s = input.normalize('NFKC');
  for (const [re, to] of PUNCTUATION) s = s.replace(re, to);
  return s.replace(/\s+/g, ' ').trim();
}

/** Spellings of one substance that differ by a character variant or a prefix convention. */
const NAME_VARIANTS: [RegExp, string][] = [
  [/䓬/g, '卓'],
  [/噁/g, '恶'],
  [/左旋(?!多巴)/g, '左'],
  [/低分子(?!量)/g, '低分子量'],
  // Ingredients of a combination joined by / or - (氯喹那多/普罗雌烯, 氯喹那多-普罗雌烯).
  [/(?<=[\u4e00-\u9fff])[-/·](?=[\u4e00-\u9fff])/g, '/'],
];

/** A name as compared: normalised text, no spaces, Latin letters upper case. */
export function normalizeName(input: string): string {
  let s = normalizeText(input).replace(/\s+/g, '').toUpperCase();
  for (const [re, to] of NAME_VARIANTS) s = s.replace(re, to);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Dosage forms

function baseToForm(
  base: BaseForm,
  release: FormRelease[],
  route: FormRoute | null,
  ignored: string[],
): DosageForm {
  const rel = [...new Set(release)].sort();
  // Effervescent tablets are oral or vaginal (双唑泰泡腾片 is 双唑泰阴道泡腾片): no default.
  const oral = ORAL_BY_DEFAULT.has(base.family) && !release.includes('EFFERVESCENT');
  const r = route ?? base.route ?? (oral ? 'ORAL' : null);
  const key = [base.family, base.variant ?? '*', rel.join('+') || '-', r ?? '*'].join('|');
  return { key, family: base.family, variant: base.variant, release: rel, route: r, ignored };
}

interface PeeledForm {
  rest: string;
  form: DosageForm;
}

/**
 * Reads a dosage form at the end of `text`: a base form, then any release, route and coating
 * words before it. `rest` is what precedes them.
 */
function peelFormSuffix(text: string, wholeText = false): PeeledForm | null {
  const base = BASE_SPELLINGS.find((b) => text.endsWith(b));
  if (!base) return null;
  let rest = text.slice(0, text.length - base.length);
  const release: FormRelease[] = [];
  const ignored: string[] = [];
  let route: FormRoute | null = null;
  for (;;) {
    const word = MODIFIER_SPELLINGS.find((m) => rest.endsWith(m) && (wholeText || rest.length > m.length));
    if (!word) break;
    // 含 only as in 含片 / 口含片: elsewhere it is part of a name.
    if (word === '含' && base !== '片') break;
    if (word in RELEASE_WORDS) release.push(RELEASE_WORDS[word]);
    else if (word in ROUTE_WORDS) {
      if (route && route !== ROUTE_WORDS[word]) break;
      route = ROUTE_WORDS[word];
    } else ignored.push(word);
    rest = rest.slice(0, rest.length - word.length);
  }
  return { rest, form: baseToForm(BASE_FORMS[base], release, route, ignored) };
}

/** A dosage form field on its own (片剂, 肠溶胶囊, 冻干粉针剂, 粉针); null when not one. */
export function parseDosageForm(input: string | null | undefined): DosageForm | null {
  if (!input) return null;
  const text = normalizeName(input).replace(/[()]/g, '');
  if (!text) return null;
  if (text === '注射用' || text === '注射用粉末') return baseToForm(BASE_FORMS['粉针'], [], null, []);
  if (text === '素片') return baseToForm(BASE_FORMS['片'], [], null, ['素']);
  const peeled = peelFormSuffix(text, true);
  if (!peeled) return null;
  let rest = peeled.rest;
  let form = peeled.form;
  // 冻干 before a powder: 冻干粉针 is read as a base; 注射用冻干粉末 etc. here.
  if (rest.endsWith('冻干') && form.family === 'INJECTION') {
    form = { ...form, ...baseToForm(BASE_FORMS['冻干粉针'], form.release, form.route, form.ignored) };
    rest = rest.slice(0, -2);
  }
  if (rest.startsWith('注射用') && form.family === 'INJECTION') rest = rest.slice(3);
  return rest === '' ? form : null;
}

function variantContains(general: string | null, specific: string | null): boolean {
  if (general === null) return true;
  if (specific === null) return false;
  return specific === general || specific.startsWith(`${general}/`);
}

export function compareForms(a: DosageForm, b: DosageForm): FormComparison {
  if (a.key === b.key) return 'SAME';
  if (a.family !== b.family) return 'FAMILY';
  if (a.release.join('+') !== b.release.join('+')) return 'RELEASE';
  if (a.route !== b.route) {
    if (a.route !== null && b.route !== null) return 'ROUTE';
  }
  const variantsFit = variantContains(a.variant, b.variant) || variantContains(b.variant, a.variant);
  if (!variantsFit) return 'VARIANT';
  return 'COMPATIBLE';
}

const RELEASE_ZH: Record<FormRelease, string> = {
  SUSTAINED: '缓释',
  CONTROLLED: '控释',
  ENTERIC: '肠溶',
  DISPERSIBLE: '分散',
  ORALLY_DISINTEGRATING: '口崩',
  CHEWABLE: '咀嚼',
  EFFERVESCENT: '泡腾',
  BUCCAL: '含',
  SUBLINGUAL: '舌下',
};

const ROUTE_ZH: Partial<Record<FormRoute, string>> = {
  VAGINAL: '阴道',
  RECTAL: '直肠',
  EYE: '眼用',
  EAR: '耳用',
  NOSE: '鼻用',
  INHALED: '吸入',
  TOPICAL: '外用',
  TRANSDERMAL: '透皮',
  MOUTH: '口腔',
};

/** Preferred spellings where the shortest one would read oddly (输液 for 注射液). */
const PREFERRED_LABELS: Record<string, string> = {
  'INJECTION|SOLUTION': '注射液',
  'INJECTION|*': '注射剂',
  'INJECTION|POWDER': '注射用粉针',
  'INJECTION|POWDER/LYOPHILISED': '注射用冻干粉针',
  'TABLET|*': '片',
  'PASTE|OINTMENT': '软膏',
  'CAPSULE|SOFT': '软胶囊',
};

/** A readable Chinese label for a parsed form, for reasons shown to pharmacists. */
export function formLabel(form: DosageForm): string {
  const key = `${form.family}|${form.variant ?? '*'}`;
  const spellings = Object.entries(BASE_FORMS)
    .filter(([, b]) => b.family === form.family && (b.variant ?? '*') === (form.variant ?? '*'))
    .sort(([a], [b]) => a.length - b.length);
  const withRoute = spellings.find(([, b]) => b.route !== undefined && b.route === form.route);
  const plain = spellings.find(([, b]) => b.route === undefined);
  const release = form.release.map((r) => RELEASE_ZH[r]).join('');
  if (withRoute) return `${release}${withRoute[0]}`;
  const base = PREFERRED_LABELS[key] ?? plain?.[0] ?? FAMILY_NAMES_ZH[form.family];
  const route = form.route && form.route !== 'ORAL' ? (ROUTE_ZH[form.route] ?? '') : '';
  return `${route}${release}${base}`;
}

// ---------------------------------------------------------------------------------------------
// Salts

/** Acid (and ester) prefixes, longest first. */
const SALT_PREFIXES = [
  '对甲苯磺酸',
  '重酒石酸',
  '门冬氨酸',
  '二盐酸',
  '氢溴酸',
  '硫酸氢',
  '盐酸',
  '硫酸',
  '磷酸',
  '马来酸',
  '琥珀酸',
  '酒石酸',
  '苯磺酸',
  '甲磺酸',
  '乙磺酸',
  '枸橼酸',
  '富马酸',
  '醋酸',
  '乳酸',
  '硝酸',
  '苹果酸',
  '草酸',
  '丙酸',
  '糠酸',
  '戊酸',
  '丁酸',
  '精氨酸',
  '赖氨酸',
].sort(byLengthDesc);

/** Cation (and counter-ion) suffixes, longest first. */
const SALT_SUFFIXES = [
  '琥珀酸钠',
  '磷酸钠',
  '叔丁胺',
  '氨丁三醇',
  '葡甲胺',
  '二钠',
  '钠盐',
  '钾盐',
  '钠',
  '钾',
  '钙',
  '镁',
  '锌',
].sort(byLengthDesc);

/** Names whose "salt" is the drug itself. */
const SALT_IS_THE_DRUG = new Set([
  '硝酸甘油',
  '硝酸异山梨酯',
  '乳酸菌素',
  '醋酸钠',
  '乳酸钠',
  '乳酸钙',
  '硫酸镁',
  '硫酸亚铁',
  '硫酸锌',
  '硫酸钡',
  '磷酸钠盐',
  '精氨酸',
  '赖氨酸',
  '门冬氨酸',
]);

/** A suffix stays when what precedes it is itself an acid or an element (氯化钠, 枸橼酸钾, 门冬氨酸钾镁). */
const SUFFIX_KEEPS_AFTER = /[酸化氢碳亚氯碘溴钾钠钙镁铁锌]$/;
/** A prefix stays when what follows it is an element or a fragment (硫酸亚铁, 硝酸甘油, 乳酸菌素). */
const PREFIX_KEEPS_BEFORE = /^(亚|镁|锌|钡|铁|钙|钠|钾|铝|铜|甘油|异山梨酯|菌|氢|软骨素?$)/;

function canonicalSalt(word: string): string {
  if (word === '钠盐') return '钠';
  if (word === '钾盐') return '钾';
  if (word === '盐酸盐') return '盐酸';
  return word;
}

export interface SaltSplit {
  core: string;
  salts: string[];
}

export function splitSalts(name: string): SaltSplit {
  if (SALT_IS_THE_DRUG.has(name)) return { core: name, salts: [] };
  let core = name;
  const salts: string[] = [];
  const compound = core.startsWith('复方') ? '复方' : '';
  if (compound) core = core.slice(2);
  const prefix = SALT_PREFIXES.find((p) => core.startsWith(p));
  if (prefix) {
    const rest = core.slice(prefix.length);
    if (rest.length >= 2 && !PREFIX_KEEPS_BEFORE.test(rest) && !SALT_IS_THE_DRUG.has(rest)) {
      salts.push(canonicalSalt(prefix));
      core = rest;
    }
  }
  const suffix = SALT_SUFFIXES.find((p) => core.endsWith(p));
  if (suffix) {
    const rest = core.slice(0, core.length - suffix.length);
    if (rest.length >= 2 && !SUFFIX_KEEPS_AFTER.test(rest)) {
      salts.push(canonicalSalt(suffix));
      core = rest;
    }
  }
  return { core: compound + core, salts: salts.sort() };
}

// ---------------------------------------------------------------------------------------------
// Names

export interface ParsedDrugName {
  input: string;
  /** Normalised whole name. */
  text: string;
  /** Active moiety without salts, form or trailing qualifiers. */
  core: string;
  salts: string[];
  form: DosageForm | null;
  /** Trailing bracket qualifiers and Roman-numeral suffixes, normalised (`II`, `18AA-I`, `无糖型`). */
  variants: string[];
  /** The Roman numeral among the variants, if any (`I`, `II`, …). */
  roman: string | null;
  compound: boolean;
  /** A percentage written into the name (0.9%氯化钠 → `0.9%`). */
  concentration: string | null;
}

const ROMAN = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/;
const TRAILING_ROMAN = /([\u4e00-\u9fff)])-?((?:X{0,3})(?:IX|IV|V?I{1,3}|V|X))$/;
const SALT_MARKER = /^(.+?)盐$/;
const FORM_QUALIFIERS: Record<string, string> = { 冻干: '冻干粉针' };

function isRoman(s: string): boolean {
  return s.length > 0 && ROMAN.test(s);
}

function romanIn(variant: string): string | null {
  if (isRoman(variant)) return variant;
  const m = /(?:^|[-\s])((?:X{0,3})(?:IX|IV|V?I{0,3}))$/.exec(variant);
  return m && m[1] ? m[1] : null;
}

/** Trailing `(…)` groups, outermost last; internal brackets stay in the name. */
function takeTrailingBrackets(text: string): { rest: string; groups: string[] } {
  const groups: string[] = [];
  let rest = text;
  while (rest.endsWith(')')) {
    let depth = 0;
    let open = -1;
    for (let i = rest.length - 1; i >= 0; i--) {
      if (rest[i] === ')') depth++;
      else if (rest[i] === '(') {
        depth--;
        if (depth === 0) {
          open = i;
          break;
        }
      }
    }
    if (open <= 0) break;
    groups.unshift(rest.slice(open + 1, -1));
    rest = rest.slice(0, open);
  }
  return { rest, groups };
}

export function parseDrugName(input: string): ParsedDrugName {
  const text = normalizeName(input);
  let rest = text;
  const variants: string[] = [];
  const salts: string[] = [];
  let form: DosageForm | null = null;
  let concentration: string | null = null;

  const pct = /^(\d+(?:\.\d+)?%)/.exec(rest);
  if (pct && rest.length > pct[1].length) {
    concentration = pct[1];
    rest = rest.slice(pct[1].length);
  }

  const peelTrailing = () => {
    const { rest: r, groups } = takeTrailingBrackets(rest);
    rest = r;
    for (const g of groups) {
      const salt = SALT_MARKER.exec(g);
      if (salt && (SALT_PREFIXES.includes(salt[1]) || SALT_SUFFIXES.includes(salt[1]) || g === '盐酸盐')) {
        salts.push(canonicalSalt(g === '盐酸盐' ? g : salt[1]));
        continue;
      }
      const formWord = FORM_QUALIFIERS[g] ?? g;
      const asForm = parseDosageForm(formWord);
      if (asForm) {
        form = form ? (narrower(form, asForm) ?? form) : asForm;
        continue;
      }
      variants.push(g);
    }
    const roman = TRAILING_ROMAN.exec(rest);
    if (roman) {
      variants.push(roman[2]);
      rest = rest.slice(0, rest.length - roman[0].length + roman[1].length);
    }
  };

  peelTrailing();
  if (rest.startsWith('注射用') && rest.length > 3 && rest !== '注射用水') {
    form = form ?? baseToForm(BASE_FORMS['粉针'], [], null, []);
    rest = rest.slice(3);
    peelTrailing();
  } else {
    const inhaled = /^(?:雾化)?吸入用/.exec(rest);
    const peeled = peelFormSuffix(rest);
    if (peeled && peeled.rest.length > 0) {
      let f = peeled.form;
      if (inhaled && f.route === null) f = baseToForm(baseOf(f), f.release, 'INHALED', f.ignored);
      form = form ? (narrower(peeled.form, form) ?? f) : f;
      rest = inhaled ? peeled.rest.slice(inhaled[0].length) : peeled.rest;
      peelTrailing();
    }
  }

  const split = splitSalts(rest);
  const allSalts = [...new Set([...split.salts, ...salts])].sort();
  const romans = variants.map(romanIn).filter((r): r is string => r !== null);
  return {
    input,
    text,
    core: split.core,
    salts: allSalts,
    form,
    variants: variants.sort(),
    roman: romans[0] ?? null,
    compound: split.core.includes('复方') || /[/]/.test(split.core),
    concentration,
  };
}

function baseOf(f: DosageForm): BaseForm {
  return { family: f.family, variant: f.variant };
}

/** Of two forms where one refines the other, the finer; null when they disagree. */
export function narrower(a: DosageForm, b: DosageForm): DosageForm | null {
  const c = compareForms(a, b);
  if (c === 'SAME') return a;
  if (c !== 'COMPATIBLE') return null;
  const variant = variantContains(a.variant, b.variant) ? b.variant : a.variant;
  const route = a.route ?? b.route;
  return baseToForm({ family: a.family, variant }, a.release, route, [...a.ignored, ...b.ignored]);
}

/** Character bigrams of a core name (a one-character name is its own gram). */
export function bigrams(s: string): string[] {
  if (s.length < 2) return s ? [s] : [];
  const out: string[] = [];
  for (let i = 0; i < s.length - 1; i++) out.push(s.slice(i, i + 2));
  return out;
}

/** Dice coefficient over distinct bigrams. */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const ga = new Set(bigrams(a));
  const gb = new Set(bigrams(b));
  if (ga.size === 0 || gb.size === 0) return 0;
  let common = 0;
  for (const g of ga) if (gb.has(g)) common++;
  return (2 * common) / (ga.size + gb.size);
}
