import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { AuthUser, LoaderFactory } from '@yg/core';
import { ReferralQueries } from '@yg/referrals';
import { MedicationContinuityCheckEntity } from '../entities/continuity.entities';
import { FormularyItemEntity } from '../entities/formulary.entities';
import { DrugCatalogueItemEntity } from '../entities/catalogue.entities';
import { ContinuityItemRow } from '../models/continuity.models';

/** Reads of continuity checks: for one referral, or batched per request for a list. */
@Injectable()
export class ContinuityQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly referrals: ReferralQueries,
  ) {}

  /** The referral's checks (current only, or all, oldest first); NOT_FOUND when the caller may not see the referral. */
  async forReferral(
    user: AuthUser,
    referralId: string,
    all: boolean,
  ): Promise<MedicationContinuityCheckEntity[]> {
    const r = await this.referrals.get(user, referralId);
    return this.dataSource.getRepository(MedicationContinuityCheckEntity).find({
      where: { tenantId: user.tenantId, referralId: r.id, ...(all ? {} : { current: true }) },
      order: { checkedAt: 'ASC', id: 'ASC' },
    });
  }

  /** Every check of each referral, oldest first (the current one last). */
  readonly checksLoader: LoaderFactory<string, MedicationContinuityCheckEntity[]> = (caller) =>
    new DataLoader(async (referralIds) => {
      const rows = await this.dataSource.getRepository(MedicationContinuityCheckEntity).find({
        where: { tenantId: caller?.tenantId ?? '', referralId: In([...referralIds]) },
        order: { checkedAt: 'ASC', id: 'ASC' },
      });
      return referralIds.map((id) => rows.filter((r) => r.referralId === id));
    });

  /** Plan items with their outcomes, by check, in plan order: one statement per request. */
  readonly itemsLoader: LoaderFactory<string, ContinuityItemRow[]> = (caller) =>
    new DataLoader(async (checkIds) => {
      const rows: (Omit<ContinuityItemRow, 'onHand'> & { onHand: string | null })[] =
        await this.dataSource.query(
          `SELECT r.check_id AS "checkId", r.plan_item_id AS "planItemId", p.position, p.drug_text AS drug,
                p.national_code AS "nationalCode", p.dose, p.route, p.frequency, p.duration,
                p.formulary_item_id AS "plannedItemId",
                c.snapshot->'resolution'->(r.plan_item_id::text)->>'by' AS "resolvedBy",
                r.outcome, r.formulary_item_id AS "formularyItemId", r.catalogue_item_id AS "catalogueItemId",
                r.on_hand AS "onHand", r.note
           FROM medication_continuity_result r
           JOIN medication_continuity_check c ON c.id = r.check_id
           JOIN medication_plan_item p ON p.id = r.plan_item_id
          WHERE r.tenant_id = $1 AND r.check_id = ANY($2::uuid[])
          ORDER BY r.check_id, p.position`,
          [caller?.tenantId ?? null, [...checkIds]],
        );
      const items: ContinuityItemRow[] = rows.map((r) => ({
        ...r,
        onHand: r.onHand === null ? null : Number(r.onHand),
      }));
      return checkIds.map((id) => items.filter((i) => i.checkId === id));
    });

  readonly formularyLoader: LoaderFactory<string, FormularyItemEntity | null> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(FormularyItemEntity)
        .findBy({ id: In([...ids]), tenantId: caller?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly localItemLoader: LoaderFactory<string, DrugCatalogueItemEntity | null> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(DrugCatalogueItemEntity)
        .findBy({ id: In([...ids]), tenantId: caller?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
}
