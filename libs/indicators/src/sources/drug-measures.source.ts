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
 * drug.* — 用药衔接率's parts, from the drugs capability's own rule (ContinuityRateService.items):
 * plan items of DOWN referrals submitted in the month, at the receiving institution.
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
    const items = await this.rate.items(em, scope.tenantId, range.from, range.to, scope.institutionIds);
    const totals = new Map<string, MeasureValue>();
    const add = (key: string, month: string, institutionId: string) => {
      const id = `${key}|${month}|${institutionId}`;
      const v = totals.get(id) ?? { key, month, institutionId, value: 0 };
      v.value++;
      totals.set(id, v);
    };
    for (const i of items) {
      if (keys.includes(ITEMS)) add(ITEMS, i.month, i.receivingInstitutionId);
      if (keys.includes(OK) && i.counted) add(OK, i.month, i.receivingInstitutionId);
    }
    return [...totals.values()];
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
