import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContinuityRateService } from '@yg/drugs';
import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '../measures/measure-source';

/**
 * drug.* — 用药衔接率's parts, from the drugs capability's own rule (ContinuityRateService.counts
 * for the figures, .items for the drill-down): plan items of DOWN referrals submitted in the
 * month, at the receiving institution.
 */
const ITEMS = 'drug.continuity_items';
const OK = 'drug.continuity_ok';

@Injectable()
export class DrugMeasures implements MeasureSource {
  readonly keys = [ITEMS, OK];
  readonly levelKeys: readonly string[] = [];

  constructor(private readonly rate: ContinuityRateService) {}

  async monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    const counts = await this.rate.counts(
      em,
      scope.tenantId,
      range.from,
      range.to,
      scope.institutionIds,
      range.months,
    );
    const out: MeasureValue[] = [];
    for (const c of counts) {
      const at = { month: c.month, institutionId: c.institutionId };
      if (keys.includes(ITEMS)) out.push({ key: ITEMS, ...at, value: c.items });
      if (keys.includes(OK) && c.counted) out.push({ key: OK, ...at, value: c.counted });
    }
    return out;
  }

  async contributors(
    em: EntityManager,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    const items = (await this.rate.items(em, scope.tenantId, range.from, range.to, scope.institutionIds))
      .filter((i) => key === ITEMS || i.counted)
      .reverse();
    return {
      total: items.length,
      rows: items.slice(page.offset, page.offset + page.limit).map((i) => ({
        kind: 'MedicationPlanItem',
        id: i.planItemId,
        month: i.month,
        institutionId: i.receivingInstitutionId,
        value: 1,
        label: `${i.referralNumber} #${i.position} ${i.reason}`,
        occurredAt: i.submittedAt.toISOString(),
      })),
    };
  }
}
