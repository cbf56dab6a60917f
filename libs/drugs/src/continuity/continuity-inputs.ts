import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MappingStatus } from '../domain/drug.enums';
import { ListItem, PlanTarget, ReceiverItem, Resolution, splitDrugText } from '../domain/continuity';
import { DrugMatcher, FormularyTarget } from '../domain/matcher';
import { productKeyOf } from '../domain/national-code';

/** A plan item as continuity reads it (stored, or about to be). */
export interface PlanLine {
  id: string;
  drugText: string;
  nationalCode: string | null;
  /** The unified-list item it is for, when known (picked by the sender, or resolved before). */
  formularyItemId: string | null;
  dose: string | null;
}

/** What the figures were computed from, stored with each check so they can be rebuilt. */
export interface ContinuitySnapshot {
  receivingTier: string;
  resolution: Record<
    string,
    { by: Resolution; formularyItemId: string | null; productKey?: string; score?: number }
  >;
  formulary: Record<string, number>;
  mappings: Record<string, { formularyItemId: string; status: MappingStatus; version: number }>;
  stock: Record<string, { onHand: number; version: number; updatedAt: string } | null>;
}

interface ListRow {
  id: string;
  version: number;
  status: ListItem['status'];
  national_code: string | null;
  product_key: string;
  substitution_key: string;
  generic_name: string;
  dosage_form: string | null;
  spec: string | null;
  tiers: string[];
}

const LIST_COLUMNS = `f.id, f.version, f.status, f.national_code, f.product_key, f.substitution_key,
  f.generic_name, f.dosage_form, f.spec, f.tiers`;

const toListItem = (r: ListRow): ListItem => ({
  id: r.id,
  version: r.version,
  status: r.status,
  nationalCode: r.national_code,
  productKey: r.product_key,
  substitutionKey: r.substitution_key,
  genericName: r.generic_name,
  dosageForm: r.dosage_form,
  spec: r.spec,
  tiers: r.tiers,
});

export interface ResolvedPlan {
  targets: PlanTarget[];
  list: Map<string, ListItem>;
  resolution: ContinuitySnapshot['resolution'];
}

export interface ReceiverData {
  items: ReceiverItem[];
  mappings: ContinuitySnapshot['mappings'];
  stock: ContinuitySnapshot['stock'];
}

/**
 * Reads what a continuity check needs, in a fixed number of statements whatever the plan's
 * length: the unified-list items the plan names (by id or national code), the national codes
 * off the list, the list itself when free text must be matched, the substitution groups, and
 * the receiving institution's confirmed mappings with their stock.
 */
@Injectable()
export class ContinuityInputs {
  async resolve(em: EntityManager, tenantId: string, lines: PlanLine[]): Promise<ResolvedPlan> {
    const list = new Map<string, ListItem>();
    const ids = [...new Set(lines.map((l) => l.formularyItemId).filter((x): x is string => !!x))];
    const codes = [
      ...new Set(lines.filter((l) => !l.formularyItemId && l.nationalCode).map((l) => l.nationalCode!)),
    ];
    if (ids.length || codes.length) {
      const rows: ListRow[] = await em.query(
        `SELECT ${LIST_COLUMNS} FROM formulary_item f
          WHERE f.tenant_id = $1 AND (f.id = ANY($2::uuid[]) OR (f.status = 'ACTIVE' AND f.national_code = ANY($3::text[])))`,
        [tenantId, ids, codes],
      );
      for (const r of rows) list.set(r.id, toListItem(r));
    }
    const byCode = new Map([...list.values()].filter((i) => i.nationalCode).map((i) => [i.nationalCode!, i]));
    const offList = codes.filter((c) => !byCode.has(c));
    const codeSpecs = new Map<string, string | null>();
    if (offList.length) {
      const rows: { code: string; spec: string | null }[] = await em.query(
        `SELECT code, spec FROM drug_code WHERE code = ANY($1::text[])`,
        [offList],
      );
      for (const r of rows) codeSpecs.set(r.code, r.spec);
    }
    const freeText = lines.filter((l) => !l.formularyItemId && !l.nationalCode);
    const matcher = freeText.length ? await this.matcher(em, tenantId, list) : null;

    const resolution: ContinuitySnapshot['resolution'] = {};
    const targets = lines.map((l): PlanTarget => {
      const base = { planItemId: l.id, dose: l.dose };
      if (l.formularyItemId) {
        const item = list.get(l.formularyItemId) ?? null;
        resolution[l.id] = { by: 'FORMULARY_ITEM', formularyItemId: item?.id ?? null };
        return {
          ...base,
          resolution: 'FORMULARY_ITEM',
          item,
          productKey: null,
          plannedSpec: item?.spec ?? null,
        };
      }
      if (l.nationalCode) {
        const item = byCode.get(l.nationalCode);
        if (item) {
          resolution[l.id] = { by: 'NATIONAL_CODE', formularyItemId: item.id };
          return { ...base, resolution: 'NATIONAL_CODE', item, productKey: null, plannedSpec: item.spec };
        }
        const productKey = productKeyOf(l.nationalCode);
        resolution[l.id] = { by: 'PRODUCT_KEY', formularyItemId: null, productKey: productKey ?? undefined };
        return {
          ...base,
          resolution: productKey ? 'PRODUCT_KEY' : 'UNRESOLVED',
          item: null,
          productKey,
          plannedSpec: codeSpecs.get(l.nationalCode) ?? null,
        };
      }
      const { name, spec } = splitDrugText(l.drugText);
      const result = matcher!.match({ genericName: name, spec });
      const auto = result.auto ? list.get(result.auto.targetId) : undefined;
      if (auto) {
        resolution[l.id] = { by: 'MATCHED', formularyItemId: auto.id, score: result.auto!.score };
        return { ...base, resolution: 'MATCHED', item: auto, productKey: null, plannedSpec: auto.spec };
      }
      const best = result.proposals[0] ? list.get(result.proposals[0].targetId) : undefined;
      resolution[l.id] = { by: 'UNRESOLVED', formularyItemId: null, score: result.proposals[0]?.score };
      return {
        ...base,
        resolution: 'UNRESOLVED',
        item: null,
        productKey: null,
        plannedSpec: spec,
        unresolvedNote: best
          ? `未能确认对应的统一目录药品,最接近的是「${best.genericName}${best.spec ? ` ${best.spec}` : ''}」` +
            `(相似度 ${result.proposals[0].score}),请选用目录条目 ` +
            `(no unified-list item confirmed; closest: ${best.genericName}${best.spec ? ` ${best.spec}` : ''}, score ${result.proposals[0].score}: pick the item)`
          : '统一目录中没有相近的药品 (nothing like it on the unified list)',
      };
    });

    const groups = [...new Set(targets.filter((t) => t.item).map((t) => t.item!.substitutionKey))];
    const keys = [...new Set(targets.filter((t) => !t.item && t.productKey).map((t) => t.productKey!))];
    if (groups.length || keys.length) {
      const rows: ListRow[] = await em.query(
        `SELECT ${LIST_COLUMNS} FROM formulary_item f
          WHERE f.tenant_id = $1 AND f.status = 'ACTIVE'
            AND (f.substitution_key = ANY($2::text[]) OR f.product_key = ANY($3::text[]))`,
        [tenantId, groups, keys],
      );
      for (const r of rows) list.set(r.id, toListItem(r));
    }
    return { targets, list, resolution };
  }

  /** The receiving institution's active catalogue items confirmed onto these unified-list items, with stock. */
  async receiver(
    em: EntityManager,
    tenantId: string,
    institutionId: string,
    formularyItemIds: string[],
  ): Promise<ReceiverData> {
    const rows: {
      catalogue_item_id: string;
      formulary_item_id: string;
      status: MappingStatus;
      mapping_version: number;
      generic_name: string;
      spec: string | null;
      maker: string | null;
      unit: string | null;
      on_hand: string | null;
      stock_version: number | null;
      stock_updated_at: Date | null;
    }[] = formularyItemIds.length
      ? await em.query(
          `SELECT m.catalogue_item_id, m.formulary_item_id, m.status, m.version AS mapping_version,
                  ci.generic_name, ci.spec, ci.maker, ci.unit,
                  s.on_hand, s.version AS stock_version, s.updated_at AS stock_updated_at
             FROM drug_mapping m
             JOIN drug_catalogue_item ci ON ci.id = m.catalogue_item_id AND ci.active
             LEFT JOIN drug_stock s ON s.catalogue_item_id = m.catalogue_item_id
            WHERE m.tenant_id = $1 AND m.institution_id = $2
              AND m.status IN ('AUTO_CONFIRMED', 'CONFIRMED')
              AND m.formulary_item_id = ANY($3::uuid[])
            ORDER BY m.catalogue_item_id`,
          [tenantId, institutionId, formularyItemIds],
        )
      : [];
    const data: ReceiverData = { items: [], mappings: {}, stock: {} };
    for (const r of rows) {
      const onHand = r.on_hand === null ? null : Number(r.on_hand);
      data.items.push({
        catalogueItemId: r.catalogue_item_id,
        formularyItemId: r.formulary_item_id,
        genericName: r.generic_name,
        spec: r.spec,
        maker: r.maker,
        unit: r.unit,
        onHand,
      });
      data.mappings[r.catalogue_item_id] = {
        formularyItemId: r.formulary_item_id,
        status: r.status,
        version: r.mapping_version,
      };
      data.stock[r.catalogue_item_id] =
        onHand === null
          ? null
          : { onHand, version: r.stock_version!, updatedAt: new Date(r.stock_updated_at!).toISOString() };
    }
    return data;
  }

  /** The consortium's active list, for matching free text (its makers from the national codes). */
  private async matcher(
    em: EntityManager,
    tenantId: string,
    list: Map<string, ListItem>,
  ): Promise<DrugMatcher> {
    const rows: (ListRow & { maker: string | null })[] = await em.query(
      `SELECT ${LIST_COLUMNS}, dc.maker FROM formulary_item f
         LEFT JOIN drug_code dc ON dc.code = f.national_code
        WHERE f.tenant_id = $1 AND f.status = 'ACTIVE'`,
      [tenantId],
    );
    const targets: FormularyTarget[] = rows.map((r) => {
      if (!list.has(r.id)) list.set(r.id, toListItem(r));
      return {
        id: r.id,
        nationalCode: r.national_code,
        productKey: r.product_key,
        genericName: r.generic_name,
        dosageForm: r.dosage_form ?? '',
        spec: r.spec,
        maker: r.maker,
      };
    });
    return new DrugMatcher(targets);
  }
}
