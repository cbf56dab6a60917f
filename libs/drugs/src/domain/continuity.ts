/**
 * Medication continuity (用药衔接): can the receiving institution of a down-referral dispense
 * each item of the plan? Pure rules; the service loads the inputs and stores the answers.
 *
 * An item first resolves to the unified-list item it is for: the item the sender picked, the
 * active item carrying the national code the sender gave, or the one the matcher confirms
 * automatically from the free text (name + form + strength exact). A national code that is
 * not on the list keeps its product key (generic + form), so another strength or maker can
 * still stand in. Then, at the receiving institution, counting only its active catalogue items
 * whose mapping is AUTO_CONFIRMED or CONFIRMED:
 *
 * - AVAILABLE: an item mapped to that unified-list item has stock on hand (> 0).
 * - SUBSTITUTE: none does, but an item mapped to another active unified-list item of the same
 *   substitution group (the product key unless an explicit group is set) has; the note says
 *   what differs and how to give the planned dose. Same strength first, then most on hand.
 * - OUT_OF_STOCK: something maps to it or a substitute, but none has stock: on hand 0, or no
 *   stock recorded at all. Unrecorded stock counts as none: the check must not promise a drug
 *   nobody has counted.
 * - NOT_LISTED: nothing at the receiving institution maps to it or to a substitute.
 * - UNKNOWN: the free text matched nothing with certainty (a proposal is named in the note).
 */
import { ContinuityOutcome, FormularyStatus } from './drug.enums';
import { effectiveAmounts, judgeSpecs, parseSpec } from './spec';
import { normalizeText } from './text';

/** A unified-list item as continuity compares it. */
export interface ListItem {
  id: string;
  version: number;
  status: FormularyStatus;
  nationalCode: string | null;
  productKey: string;
  substitutionKey: string;
  genericName: string;
  dosageForm: string | null;
  spec: string | null;
  tiers: string[];
}

export type Resolution = 'FORMULARY_ITEM' | 'NATIONAL_CODE' | 'MATCHED' | 'PRODUCT_KEY' | 'UNRESOLVED';

/** What a plan item names, once resolved against the unified list. */
export interface PlanTarget {
  planItemId: string;
  dose: string | null;
  resolution: Resolution;
  /** The unified-list item it names or was matched to. */
  item: ListItem | null;
  /** Without an item: the product key of its national code. */
  productKey: string | null;
  /** The strength asked for: the item's, else the national code's. */
  plannedSpec: string | null;
  /** Why nothing was resolved (zh + en), for UNKNOWN. */
  unresolvedNote?: string | null;
}

/** A catalogue item of the receiving institution, mapped (confirmed) to a unified-list item. */
export interface ReceiverItem {
  catalogueItemId: string;
  formularyItemId: string;
  genericName: string;
  spec: string | null;
  maker: string | null;
  unit: string | null;
  /** null: no stock recorded. */
  onHand: number | null;
}

export interface ContinuityDecision {
  planItemId: string;
  outcome: ContinuityOutcome;
  /** The unified-list item that would be dispensed (the substitute for SUBSTITUTE); null for UNKNOWN. */
  formularyItemId: string | null;
  catalogueItemId: string | null;
  onHand: number | null;
  note: string | null;
}

export interface ReceiverView {
  /** Tier of the receiving institution (COUNTY / TOWNSHIP / VILLAGE / EXTERNAL). */
  tier: string;
  /** Every unified-list item the targets or their groups name, by id. */
  list: ReadonlyMap<string, ListItem>;
  items: readonly ReceiverItem[];
}

const TIER_LABEL: Record<string, string> = { COUNTY: '县级', TOWNSHIP: '乡镇级', VILLAGE: '村级' };

const inStock = (r: ReceiverItem) => (r.onHand ?? 0) > 0;

/** Active unified-list items that may stand in for the target (not the target itself). */
export function substitutesOf(target: PlanTarget, list: ReadonlyMap<string, ListItem>): ListItem[] {
  const out: ListItem[] = [];
  for (const g of list.values()) {
    if (g.status !== FormularyStatus.ACTIVE || g.id === target.item?.id) continue;
    if (
      target.item ? g.substitutionKey === target.item.substitutionKey : g.productKey === target.productKey
    ) {
      out.push(g);
    }
  }
  return out;
}

export function decideContinuity(target: PlanTarget, view: ReceiverView): ContinuityDecision {
  const base = { planItemId: target.planItemId };
  if (!target.item && !target.productKey) {
    return {
      ...base,
      outcome: ContinuityOutcome.UNKNOWN,
      formularyItemId: null,
      catalogueItemId: null,
      onHand: null,
      note:
        target.unresolvedNote ??
        '未能确认对应的统一目录药品,请选用目录条目或填写医保代码 (no unified-list item confirmed: pick one or give the national code)',
    };
  }
  const direct = target.item ? view.items.filter((r) => r.formularyItemId === target.item!.id) : [];
  const available = mostOnHand(direct.filter(inStock));
  if (available) {
    return {
      ...base,
      outcome: ContinuityOutcome.AVAILABLE,
      formularyItemId: target.item!.id,
      catalogueItemId: available.catalogueItemId,
      onHand: available.onHand,
      note: null,
    };
  }
  const subIds = new Set(substitutesOf(target, view.list).map((g) => g.id));
  const subs = view.items.filter((r) => subIds.has(r.formularyItemId));
  const substitute = bestSubstitute(target, subs.filter(inStock));
  if (substitute) {
    return {
      ...base,
      outcome: ContinuityOutcome.SUBSTITUTE,
      formularyItemId: substitute.formularyItemId,
      catalogueItemId: substitute.catalogueItemId,
      onHand: substitute.onHand,
      note: substituteNote(target, substitute, view.list.get(substitute.formularyItemId) ?? null),
    };
  }
  const listed = direct[0] ?? subs[0];
  if (listed) {
    const recorded = [...direct, ...subs].some((r) => r.onHand !== null);
    return {
      ...base,
      outcome: ContinuityOutcome.OUT_OF_STOCK,
      formularyItemId: listed.formularyItemId,
      catalogueItemId: listed.catalogueItemId,
      onHand: listed.onHand,
      note:
        (recorded ? '库存为 0' : '未登记库存') +
        (direct.length ? '' : ',仅有替代品种亦缺货') +
        ` (${recorded ? 'none on hand' : 'no stock recorded'}${direct.length ? '' : '; only a substitute is listed, also out of stock'})`,
    };
  }
  const tierMissing = target.item && !target.item.tiers.includes(view.tier);
  return {
    ...base,
    outcome: ContinuityOutcome.NOT_LISTED,
    formularyItemId: target.item?.id ?? null,
    catalogueItemId: null,
    onHand: null,
    note: tierMissing
      ? `统一目录未将此药列为${TIER_LABEL[view.tier] ?? view.tier}机构可配备 (the unified list does not list it for ${view.tier.toLowerCase()} institutions)`
      : '接收机构目录中没有对照到此药品或其替代品 (nothing on the receiving institution’s list maps to it or a substitute)',
  };
}

function mostOnHand(items: ReceiverItem[]): ReceiverItem | undefined {
  return [...items].sort(
    (a, b) => (b.onHand ?? 0) - (a.onHand ?? 0) || a.catalogueItemId.localeCompare(b.catalogueItemId),
  )[0];
}

/** Same strength (another maker) first, then most on hand. */
function bestSubstitute(target: PlanTarget, items: ReceiverItem[]): ReceiverItem | undefined {
  const planned = parseSpec(target.plannedSpec);
  const sameStrength = (r: ReceiverItem) => judgeSpecs(planned, parseSpec(r.spec)).verdict === 'EQUAL';
  return [...items].sort(
    (a, b) =>
      Number(sameStrength(b)) - Number(sameStrength(a)) ||
      (b.onHand ?? 0) - (a.onHand ?? 0) ||
      a.catalogueItemId.localeCompare(b.catalogueItemId),
  )[0];
}

/**
 * What differs between the plan and the substitute, and how to give the planned dose: the
 * number of units per dose when the dose and the substitute's strength are in the same unit.
 */
export function substituteNote(target: PlanTarget, sub: ReceiverItem, subItem: ListItem | null): string {
  const subSpec = subItem?.spec ?? sub.spec;
  const name = `${subItem?.genericName ?? sub.genericName}${subSpec ? ` ${subSpec}` : ''}`;
  const head = `以「${name}」替代 (substitute: ${name})`;
  const planned = target.plannedSpec;
  const verdict = judgeSpecs(parseSpec(planned), parseSpec(subSpec)).verdict;
  if (verdict === 'EQUAL') {
    return `${head};同规格、不同厂家或包装,剂量不变 (same strength, another maker or pack: dose unchanged)`;
  }
  if (verdict === 'DIFFERENT') {
    const diff = `;规格不同:计划 ${planned},本机构 ${subSpec} (strength differs: planned ${planned}, here ${subSpec})`;
    const units = unitsPerDose(target.dose, subSpec);
    const unit = sub.unit?.trim() || '';
    if (units !== null) {
      return (
        `${head}${diff};按计划剂量 ${target.dose} 每次 ${units}${unit || ' 个制剂单位'} ` +
        `(for the planned dose ${target.dose} give ${units}${unit ? ` ${unit}` : ' units'} each time)`
      );
    }
    return `${head}${diff};请按计划剂量${target.dose ? ` ${target.dose}` : ''}换算用量 (convert to the planned dose)`;
  }
  return (
    `${head};规格需核对:计划 ${planned ?? '未注明'},本机构 ${subSpec ?? '未注明'} ` +
    `(check the strength: planned ${planned ?? 'not stated'}, here ${subSpec ?? 'not stated'})`
  );
}

/** dose ÷ strength when both are one amount of the same unit (5 mg of a 10 mg tablet: 0.5). */
export function unitsPerDose(
  dose: string | null | undefined,
  spec: string | null | undefined,
): string | null {
  const d = parseSpec(dose);
  const s = parseSpec(spec);
  if (!d || !s) return null;
  const da = effectiveAmounts(d);
  const sa = effectiveAmounts(s);
  if (da.length !== 1 || sa.length !== 1 || da[0].unit !== sa[0].unit || sa[0].value <= 0) return null;
  const n = Math.round((da[0].value / sa[0].value) * 100) / 100;
  return n > 0 ? String(n) : null;
}

/**
 * A plan's free text split into a name and a strength: `苯磺酸氨氯地平片 5mg` and
 * `阿莫西林胶囊0.25g` give the name and the strength; a number inside the name (维生素B1片) or a
 * leading concentration (0.9%氯化钠注射液) stays in it.
 */
export function splitDrugText(text: string): { name: string; spec: string | null } {
  const t = normalizeText(text);
  for (let i = 2; i < t.length; i++) {
    if (!/\d/.test(t[i])) continue;
    const before = t[i - 1];
    if (/[\d.A-Za-z%]/.test(before)) continue;
    const spec = t.slice(i).trim();
    const parsed = parseSpec(spec);
    if (parsed && (parsed.amounts.length || parsed.preparation || parsed.concentration)) {
      const name = t
        .slice(0, i)
        .trim()
        .replace(/[\s(,]+$/, '');
      if (name) return { name, spec };
    }
  }
  return { name: t, spec: null };
}
