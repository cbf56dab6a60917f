/**
 * Matching a member's local drug item to the consortium's unified list, in tiers.
 *
 * 1. NATIONAL_CODE — the item's national code (trimmed, half-width, upper case) is a list item's
 *    code, and neither its name (same core, or bigram similarity ≥ 0.5, or a brand alias), its
 *    form (no release/route/family difference) nor its strength (not DIFFERENT) says otherwise:
 *    AUTO_CONFIRMED, score 1.
 * 2. EXACT — normalised generic (core + salts + variants such as (Ⅱ) or (无糖型)), dosage form
 *    (SAME, see normalize.ts) and strength (EQUAL after unit conversion, see spec.ts) agree with
 *    exactly one list item: AUTO_CONFIRMED. A maker difference does not block it; it is noted and
 *    scores 0.97. When several items agree, the one from the same maker wins; otherwise nothing
 *    is confirmed. Salts must be equal, unless both sides carry national product keys and they
 *    are equal (the national dictionary then says they are one product: 盐酸/磷酸川芎嗪注射液).
 *    A salt in the product-name column counts (利多卡因 + 盐酸利多卡因注射液).
 * 3. CANDIDATE — list items sharing the core name, the national product key, a brand alias or
 *    enough character bigrams are scored in 0..1: name similarity × salt × form × strength ×
 *    maker × brand factors, capped for look-alikes (substring 0.62, 复方 vs single 0.52, other
 *    variant 0.72); proposed best first with reasons and warnings. Below `proposeThreshold`
 *    (0.5) nothing is proposed: UNMATCHED.
 *
 * Never confirmed automatically: another salt (without the product key), a salt stated on one
 * side only, another release form (缓释/控释/肠溶/分散…), route or form family, a name that
 * contains the other (肝素 / 低分子量肝素), 复方 vs the single drug, another or a missing Roman
 * numeral, a list item without a strength, a strength one side lacks or states in units that do
 * not convert (IU vs U vs mass), a name and form field that disagree, an item known only by its
 * brand (a brand may name several products: 倍他乐克 is 酒石酸美托洛尔片 and
 * 琥珀酸美托洛尔缓释片), and anything on an item whose own national code points at a list item
 * its name or form contradicts. An item whose national code is malformed is INVALID (problems say
 * why); its proposals are listed, never confirmed.
 *
 * Result: `proposals` holds at most `maxProposals`, best first; an automatic match is also the
 * first proposal. Each proposal has `reasons` (what agreed) and `warnings` (what a pharmacist
 * must look at), zh + en.
 *
 * Candidates come from indexes, not an all-pairs scan: by national code, by product key, by core
 * name, by brand alias, and a character-bigram index over core names whose best `candidateLimit`
 * (Dice ≥ 0.3) are scored. `matchAllPairs` scores every list item with the same rules, as the
 * baseline the benchmark compares against; `work` counts the pairs scored.
 */
import { nationalCodeProblem, parseNationalCode } from './national-code';
import {
  DosageForm,
  FormComparison,
  compareForms,
  normalizeName,
  normalizeText,
  parseDosageForm,
  parseDrugName,
} from './normalize';
import { SpecVerdict, judgeSpecs } from './spec';
import {
  PreparedTarget,
  Reading,
  Scored,
  NameKind,
  SaltKind,
  identityOf,
  mergeForms,
  prepareRecord,
  sameMaker,
} from './match-records';
import { toProposal } from './match-reasons';
import type {
  BrandAlias,
  DrugMatcherOptions,
  FormularyTarget,
  LocalDrug,
  MatchResult,
  MatchStatus,
} from './match-types';

export * from './match-types';

export const DEFAULT_PROPOSE_THRESHOLD = 0.5;

const FORM_FACTOR: Record<FormComparison, number> = {
  SAME: 1,
  COMPATIBLE: 0.9,
  VARIANT: 0.7,
  RELEASE: 0.6,
  ROUTE: 0.5,
  FAMILY: 0.3,
};

const SPEC_FACTOR: Record<SpecVerdict, number> = {
  EQUAL: 1,
  PARTIAL: 0.92,
  UNKNOWN: 0.85,
  DIFFERENT: 0.72,
};

/** Scores for things that look alike but are other drugs never exceed this. */
const LOOKALIKE_CAP = 0.62;

export class DrugMatcher {
  private readonly targets: PreparedTarget[];
  private readonly byCode = new Map<string, PreparedTarget[]>();
  private readonly byProductKey = new Map<string, PreparedTarget[]>();
  private readonly byCore = new Map<string, PreparedTarget[]>();
  private readonly byGram = new Map<string, number[]>();
  private readonly gramCount: number[] = [];
  private readonly aliases = new Map<string, { generic: string; maker: string | null }[]>();
  private readonly threshold: number;
  private readonly maxProposals: number;
  private readonly candidateLimit: number;

  constructor(targets: FormularyTarget[], opts: DrugMatcherOptions = {}) {
    this.threshold = opts.proposeThreshold ?? DEFAULT_PROPOSE_THRESHOLD;
    this.maxProposals = opts.maxProposals ?? 5;
    this.candidateLimit = opts.candidateLimit ?? 40;
    this.targets = targets.map((target, index) => ({
      ...prepareRecord(
        target.genericName,
        target.dosageForm,
        target.spec,
        target.nationalCode,
        target.productKey,
        target.maker,
      ),
      index,
      target,
    }));
    for (const t of this.targets) {
      if (t.code) push(this.byCode, t.code.code, t);
      if (t.productKey) push(this.byProductKey, t.productKey, t);
      push(this.byCore, t.name.core, t);
      this.gramCount[t.index] = t.grams.size;
      for (const g of t.grams) push(this.byGram, g, t.index);
    }
    for (const a of aliasPairs(opts.aliases)) {
      const brand = normalizeName(a.brand);
      if (!brand || !a.generic) continue;
      const list = this.aliases.get(brand) ?? [];
      if (!list.some((x) => normalizeName(x.generic) === normalizeName(a.generic))) {
        list.push({ generic: a.generic, maker: a.maker ?? null });
      }
      this.aliases.set(brand, list);
    }
  }

  /** Work done so far: items matched and (item, list item) pairs scored. */
  readonly work = { matched: 0, scored: 0 };

  get size(): number {
    return this.targets.length;
  }

  match(item: LocalDrug): MatchResult {
    return this.decide(item, (readings) => this.candidates(readings));
  }

  /** Scores every list item: the all-pairs baseline the indexes are measured against. */
  matchAllPairs(item: LocalDrug): MatchResult {
    return this.decide(item, () => this.targets);
  }

  private decide(
    item: LocalDrug,
    candidatesOf: (readings: Reading[]) => Iterable<PreparedTarget>,
  ): MatchResult {
    const problems: string[] = [];
    const rawCode = item.nationalCode?.trim() ? item.nationalCode : null;
    if (rawCode && !parseNationalCode(rawCode)) problems.push(nationalCodeProblem(rawCode) as string);
    if (!item.genericName || !normalizeName(item.genericName)) {
      problems.push('通用名为空 (the generic name is empty)');
      return { status: 'INVALID', auto: null, proposals: [], problems };
    }

    const readings = this.readings(item);
    const scored = new Map<number, Scored>();
    this.work.matched++;
    for (const t of candidatesOf(readings)) {
      for (const r of readings) {
        this.work.scored++;
        const s = this.score(r, t);
        const prev = scored.get(t.index);
        if (!prev || s.score > prev.score) scored.set(t.index, s);
      }
    }
    const ranked = [...scored.values()].sort((a, b) => b.score - a.score || a.target.index - b.target.index);

    let auto: Scored | null = null;
    let ambiguity: string | null = null;
    // The item's own code contradicts it: nothing is confirmed, whichever column is right.
    const contradicted = ranked.some((s) => s.codeConflict);
    if (problems.length === 0 && !contradicted) {
      const byCode = ranked.filter((s) => s.codeExact && !s.codeConflict);
      const exact = ranked.filter((s) => s.exact);
      if (byCode.length === 1) auto = byCode[0];
      else if (byCode.length === 0 && exact.length === 1) auto = exact[0];
      else if (byCode.length === 0 && exact.length > 1) {
        const sameMakerOnes = exact.filter((s) => s.sameMaker);
        if (sameMakerOnes.length === 1) auto = sameMakerOnes[0];
        else
          ambiguity = `${exact.length} 个目录项同样一致，需人工选择 (${exact.length} list items match equally; choose one)`;
      } else if (byCode.length > 1) {
        ambiguity = `${byCode.length} 个目录项使用同一医保代码 (${byCode.length} list items share this national code)`;
      }
    }

    const proposals = ranked
      .filter((s) => s === auto || s.score >= this.threshold)
      .slice(0, this.maxProposals)
      .map((s) => toProposal(s, item, s === auto, ambiguity));
    if (contradicted) {
      for (const p of proposals) {
        if (!p.warnings[0]?.startsWith('医保代码与')) {
          p.warnings.unshift(
            "本药品的医保代码指向另一目录项，需人工核对 (the item's national code points at another list item)",
          );
        }
      }
    }
    if (auto && proposals[0]?.targetId !== auto.target.target.id) {
      proposals.unshift(toProposal(auto, item, true, null));
      proposals.length = Math.min(proposals.length, this.maxProposals);
    }
    const autoProposal = auto ? proposals[0] : null;
    const status: MatchStatus =
      problems.length > 0
        ? 'INVALID'
        : autoProposal
          ? 'AUTO_CONFIRMED'
          : proposals.length > 0
            ? 'PROPOSED'
            : 'UNMATCHED';
    return { status, auto: autoProposal, proposals, problems };
  }

  private readings(item: LocalDrug): Reading[] {
    const own = prepareRecord(
      item.genericName,
      item.dosageForm,
      item.spec,
      item.nationalCode,
      null,
      item.maker,
    );
    const readings: Reading[] = [];
    const brand = item.brandName ? parseDrugName(item.brandName) : null;
    let saltFromBrand = false;
    let salts = own.salts;
    if (brand && own.salts.length === 0 && brand.salts.length > 0 && brand.core === own.name.core) {
      salts = brand.salts;
      saltFromBrand = true;
    }
    readings.push({ ...own, salts, viaAlias: null, aliasProducts: 0, saltFromBrand });

    const fieldForm = parseDosageForm(item.dosageForm);
    for (const source of [item.genericName, item.brandName]) {
      if (!source) continue;
      const generics = this.aliases.get(normalizeName(source));
      if (!generics) continue;
      const all = generics.map((g) => {
        const rec = prepareRecord(g.generic, null, item.spec, item.nationalCode, null, item.maker);
        return { g, rec, merged: mergeForms(rec.name.form, fieldForm) };
      });
      // The brand's other products in other forms are not this item (倍他乐克 + 缓释片 is the
      // succinate); when the form field fits none of them, all stay, flagged.
      const fitting = all.filter((a) => !a.merged.conflict);
      const kept = fitting.length > 0 ? fitting : all;
      const distinct = new Set(
        kept.map((a) =>
          [identityOf(a.rec.name), a.rec.salts.join('+'), a.rec.name.form?.key ?? ''].join('|'),
        ),
      ).size;
      for (const { g, rec, merged } of kept) {
        readings.push({
          ...rec,
          forms: merged.forms,
          formConflict: merged.conflict,
          viaAlias: `${normalizeText(source)} → ${g.generic}`,
          aliasProducts: distinct,
          saltFromBrand: false,
        });
      }
    }
    return readings;
  }

  private candidates(readings: Reading[]): Iterable<PreparedTarget> {
    const out = new Map<number, PreparedTarget>();
    const add = (list: PreparedTarget[] | undefined) => list?.forEach((t) => out.set(t.index, t));
    for (const r of readings) {
      if (r.code) {
        add(this.byCode.get(r.code.code));
        add(this.byProductKey.get(r.code.productKey));
      }
      add(this.byCore.get(r.name.core));
      const grams = [...r.grams];
      if (grams.length === 0) continue;
      const counts = new Map<number, number>();
      for (const g of grams)
        for (const i of this.byGram.get(g) ?? []) counts.set(i, (counts.get(i) ?? 0) + 1);
      const best = [...counts.entries()]
        .map(([i, c]) => [i, (2 * c) / (this.gramCount[i] + grams.length)] as const)
        .filter(([, dice]) => dice >= 0.3)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, this.candidateLimit);
      for (const [i] of best) out.set(i, this.targets[i]);
    }
    return out.values();
  }

  /** Numbers and flags only: the words are written by `explain` for the proposals kept. */
  private score(r: Reading, t: PreparedTarget): Scored {
    const a = r.name;
    const b = t.name;
    const codeExact = !!r.code && !!t.code && r.code.code === t.code.code;
    const sameKey = !!r.productKey && !!t.productKey && r.productKey === t.productKey;
    const keysDiffer = !!r.code && !!t.productKey && r.productKey !== t.productKey;
    let cap = 1;

    // Name
    let name: number;
    let nameKind: NameKind;
    const similarity = a.core === b.core ? 1 : dice(r.grams, t.grams);
    if (a.core === b.core) {
      nameKind = r.identity === t.identity ? 'SAME' : 'VARIANTS';
      name = nameKind === 'SAME' ? 1 : 0.8;
      if (nameKind === 'VARIANTS') cap = Math.min(cap, LOOKALIKE_CAP + 0.1);
    } else {
      name = similarity;
      if (a.compound !== b.compound) nameKind = 'COMPOUND';
      else if (a.core.includes(b.core) || b.core.includes(a.core)) nameKind = 'SUBSTRING';
      else nameKind = name >= 0.5 ? 'SIMILAR' : 'OTHER';
      if (nameKind === 'COMPOUND') cap = Math.min(cap, LOOKALIKE_CAP - 0.1);
      else if (nameKind !== 'OTHER') cap = Math.min(cap, LOOKALIKE_CAP);
    }
    if (sameKey && nameKind !== 'SAME') {
      // The national dictionary says these are one generic + form.
      name = Math.max(name, 0.95);
      cap = 1;
    }

    // Salt
    let salt = 1;
    const sa = r.salts.join('+');
    const sb = t.salts.join('+');
    let saltKind: SaltKind = 'SAME';
    if (sa !== sb) {
      if (sameKey) saltKind = 'KEY';
      else if (!sa || !sb) {
        saltKind = 'ONE_SIDE';
        salt = 0.93;
      } else {
        saltKind = 'DIFFERENT';
        salt = 0.62;
      }
    }

    // Form
    let form = 0.85;
    let formCmp: FormComparison | null = null;
    let formPair: [DosageForm, DosageForm] | null = null;
    if (r.forms.length > 0 && t.forms.length > 0) {
      const best = bestFormPair(r.forms, t.forms);
      formCmp = best.best;
      formPair = best.pair;
      form = sameKey ? Math.max(FORM_FACTOR[formCmp], 0.95) : FORM_FACTOR[formCmp];
    }

    const spec = judgeSpecs(r.spec, t.spec);
    const makerCmp = sameMaker(r.maker, t.maker);
    const maker = makerCmp === false ? 0.97 : 1;
    const alias = r.viaAlias ? (r.aliasProducts > 1 ? 0.85 : 0.9) : 1;

    const score = round3(Math.min(cap, name) * salt * form * SPEC_FACTOR[spec.verdict] * maker * alias);
    // A code (or its product key) pointing at a list item whose name, form or strength says
    // otherwise: one of the two columns is wrong, and nothing tells which. Another strength
    // under the same product key is a substitute, not a contradiction.
    const nameAgrees = a.core === b.core || similarity >= 0.5 || !!r.viaAlias;
    const formClash = formCmp === 'RELEASE' || formCmp === 'FAMILY' || formCmp === 'ROUTE';
    const codeConflict =
      (codeExact && (!nameAgrees || formClash || spec.verdict === 'DIFFERENT')) ||
      (sameKey && (!nameAgrees || formClash));
    const exact =
      !r.viaAlias &&
      nameKind === 'SAME' &&
      (saltKind === 'SAME' || saltKind === 'KEY') &&
      formCmp === 'SAME' &&
      !r.formConflict &&
      !t.formConflict &&
      spec.verdict === 'EQUAL' &&
      !keysDiffer;
    return {
      target: t,
      reading: r,
      score: codeExact && !codeConflict ? 1 : exact ? round3(maker) : Math.min(score, 0.99),
      exact,
      codeExact,
      codeConflict,
      sameKey,
      keysDiffer,
      sameMaker: makerCmp === true,
      makerDiffers: makerCmp === false,
      nameKind,
      saltKind,
      formCmp,
      formPair,
      spec,
    };
  }
}

/** The closest pair of forms when a record states more than one (name and field disagreeing). */
function bestFormPair(
  a: DosageForm[],
  b: DosageForm[],
): { best: FormComparison; pair: [DosageForm, DosageForm] } {
  let best: FormComparison | null = null;
  let pair: [DosageForm, DosageForm] = [a[0], b[0]];
  for (const fa of a) {
    for (const fb of b) {
      const c = compareForms(fa, fb);
      if (best === null || FORM_FACTOR[c] > FORM_FACTOR[best]) {
        best = c;
        pair = [fa, fb];
      }
    }
  }
  return { best: best ?? 'FAMILY', pair };
}

function aliasPairs(aliases: DrugMatcherOptions['aliases']): BrandAlias[] {
  if (!aliases) return [];
  if (aliases instanceof Map) {
    return [...(aliases as ReadonlyMap<string, string | readonly string[]>).entries()].flatMap(([brand, g]) =>
      (typeof g === 'string' ? [g] : [...g]).map((generic) => ({ brand, generic })),
    );
  }
  return [...(aliases as Iterable<BrandAlias>)];
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const g of a) if (b.has(g)) common++;
  return (2 * common) / (a.size + b.size);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
