import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '@yg/indicators/measures/measure-source';
import { monthStarts } from '@yg/indicators/domain/period';

const ITEMS = 'drug.catalogue_items';
const MAPPED = 'drug.catalogue_mapped';

/**
 * The catalogue items of an institution at a month's end (created before it, not deactivated
 * by then) and, of them, those whose mapping to the unified list is confirmed (by a person or
 * automatically) and was decided before that end. Mappings keep only their latest decision, so
 * a mapping later withdrawn no longer counts for earlier months either. Levels per institution.
 */
const MONTH_ENDS = `
  WITH months AS (
    SELECT to_char(m, 'YYYY-MM') AS month,
           ((m + interval '1 month')::timestamp AT TIME ZONE c.time_zone) AS month_end
      FROM network_consortium c, unnest($2::date[]) AS m
     WHERE c.id = $1
  )`;
const ITEMS_AT = `
  FROM months
  JOIN drug_catalogue_entry i ON i.tenant_id = $1 AND i.created_at < months.month_end
   AND (i.active OR i.deactivated_at >= months.month_end)
   AND ($3::uuid[] IS NULL OR i.institution_id = ANY($3))
  LEFT JOIN drug_mapping_decision d ON d.catalogue_item_id = i.id
   AND d.status IN ('AUTO_CONFIRMED','CONFIRMED')
   AND COALESCE(d.decided_at, d.updated_at) < months.month_end`;

@Injectable()
export class CatalogueMeasures implements MeasureSource {
  readonly keys = [ITEMS, MAPPED];
  readonly levelKeys = [ITEMS, MAPPED];

  async monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    if (!keys.some((k) => this.keys.includes(k))) return [];
    const rows: { month: string; institution_id: string; items: string; mapped: string }[] = await em.query(
      `${MONTH_ENDS}
       SELECT months.month, i.institution_id, count(*) AS items, count(d.catalogue_item_id) AS mapped
       ${ITEMS_AT}
       GROUP BY months.month, i.institution_id`,
      [scope.tenantId, monthStarts(range), scope.institutionIds],
    );
    const out: MeasureValue[] = [];
    for (const r of rows) {
      if (keys.includes(ITEMS))
        out.push({ key: ITEMS, month: r.month, institutionId: r.institution_id, value: Number(r.items) });
      if (keys.includes(MAPPED) && Number(r.mapped) > 0)
        out.push({ key: MAPPED, month: r.month, institutionId: r.institution_id, value: Number(r.mapped) });
    }
    return out;
  }

  /** The catalogue items at the range's last month end (mapped ones only for drug.catalogue_mapped). */
  async contributors(
    em: EntityManager,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    const rows: { id: string; institution_id: string; label: string; created_at: Date; total: string }[] =
      await em.query(
        `${MONTH_ENDS}
         SELECT i.id, i.institution_id, i.local_code || ' ' || i.generic_name AS label, i.created_at,
                count(*) OVER () AS total
         ${ITEMS_AT}
         WHERE ($4 = '${ITEMS}' OR d.catalogue_item_id IS NOT NULL)
         ORDER BY i.created_at DESC, i.id OFFSET $5 LIMIT $6`,
        [scope.tenantId, [`${range.to}-01`], scope.institutionIds, key, page.offset, page.limit],
      );
    return {
      total: rows.length ? Number(rows[0].total) : 0,
      rows: rows.map((r) => ({
        kind: 'DrugCatalogueItem',
        id: r.id,
        month: range.to,
        institutionId: r.institution_id,
        value: 1,
        label: r.label,
        occurredAt: new Date(r.created_at).toISOString(),
      })),
    };
  }
}
