/**
 * Dosage forms: a vocabulary of the spellings catalogues use and a taxonomy to compare them.
 *
 * A form is family + variant + release + route (`DosageForm`).
 * - family: tablet, capsule, injection, granule, pill, oral liquid, … (`FormFamily`);
 * - variant refines a family and may be left open: 注射剂/针剂 is an injection of unknown
 *   variant, 注射液 a solution, 注射用/粉针 a powder, 冻干粉针 a freeze-dried powder (a kind of
 *   powder); 胶囊 hard, 软胶囊/胶丸 soft; 大蜜丸/小蜜丸/水蜜丸/水丸/浓缩丸 are pill variants, 丸/丸剂
 *   open; 软膏/乳膏/煎膏/眼膏 are paste variants, 膏 open;
 * - release: 缓释, 控释, 肠溶, 分散, 口崩, 咀嚼, 泡腾, 含, 舌下 — each makes a different form
 *   (缓释片 ≠ 片, 肠溶缓释片 ≠ 缓释片);
 * - route: 阴道, 直肠, 眼, 耳, 鼻, 吸入, 外用, 透皮; solid and liquid oral forms are oral unless
 *   named otherwise (so 阴道片 ≠ 片), effervescent ones excepted (泡腾片 may be vaginal);
 * - coatings change nothing: 薄膜衣片 = 糖衣片 = 素片 = 片 = 片剂.
 * Two forms are SAME when all four agree, COMPATIBLE when one side leaves the variant or route
 * open (or names a parent of the other's variant: 粉针 vs 冻干粉针), otherwise VARIANT, RELEASE,
 * ROUTE or FAMILY apart. Only SAME counts for an automatic match.
 */
import { normalizeName } from './text';

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

export interface BaseForm {
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

export function baseToForm(
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
export function peelFormSuffix(text: string, wholeText = false): PeeledForm | null {
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

/** Of two forms where one refines the other, the finer; null when they disagree. */
export function narrower(a: DosageForm, b: DosageForm): DosageForm | null {
  const c = compareForms(a, b);
  if (c === 'SAME') return a;
  if (c !== 'COMPATIBLE') return null;
  const variant = variantContains(a.variant, b.variant) ? b.variant : a.variant;
  const route = a.route ?? b.route;
  return baseToForm({ family: a.family, variant }, a.release, route, [...a.ignored, ...b.ignored]);
}

/** A powder for injection (注射用X). */
export function powderForInjection(): DosageForm {
  return baseToForm(BASE_FORMS['粉针'], [], null, []);
}

/** The same form given by another route (吸入用X溶液). */
export function withRoute(form: DosageForm, route: FormRoute): DosageForm {
  return baseToForm({ family: form.family, variant: form.variant }, form.release, route, form.ignored);
}
