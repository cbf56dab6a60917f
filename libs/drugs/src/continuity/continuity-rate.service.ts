import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, ForbiddenError, hasRole, readSnapshot, Role } from '@yg/core';
import { InstitutionKind, NetworkService } from '@yg/network';
import { ReferralReads } from '@yg/referrals';
import { ContinuityOutcome } from '../domain/drug.enums';
import { rateOf, rateVerdict } from '../domain/continuity-rate';
import {
  ContinuityRateArgs,
  ContinuityRateItemModel,
  ContinuityRateModel,
  ContinuityRateRowModel,
} from '../models/continuity-rate.models';

interface Row {
  referral_id: string;
  receiving_institution_id: string;
  referral_submitted_at: Date;
  month: string;
  plan_item_id: string;
  position: number;
  drug_text: string;
  outcome: ContinuityOutcome;
  supply_id: string | null;
  supply_number: string | null;
  received_at: Date | null;
}

/** The rate's parts for one month (consortium time) and receiving institution. */
export interface ContinuityRateCount {
  month: string;
  institutionId: string;
  /** Denominator: plan items of the DOWN referrals submitted in the month. */
  items: number;
  /** Numerator: items that count (see domain/continuity-rate.ts). */
  counted: number;
}

/** One plan item of the rate's denominator, with the month (consortium time) it counts in. */
export interface ContinuityRateItem extends ContinuityRateItemModel {
  month: string;
}

/**
 * 用药衔接率 (see domain/continuity-rate.ts for what counts): the checks made at submission in
 * the month, their items and each item's first receipt, in one statement; the referrals'
 * numbers and arrival times from the referrals' read model in a second.
 */
@Injectable()
export class ContinuityRateService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly network: NetworkService,
    private readonly reads: ReferralReads,
  ) {}

  async rate(user: AuthUser, args: ContinuityRateArgs): Promise<ContinuityRateModel> {
    const institutionId = await this.scope(user, args.institutionId);
    return readSnapshot(this.dataSource, async (em) => {
      const items = await this.items(
        em,
        user.tenantId,
        args.month,
        args.month,
        institutionId ? [institutionId] : null,
      );
      const rows_ = new Map<string, ContinuityRateRowModel>();
      for (const i of items) {
        const row = rows_.get(i.receivingInstitutionId) ?? {
          institutionId: i.receivingInstitutionId,
          numerator: 0,
          denominator: 0,
          rate: null,
        };
        row.denominator++;
        if (i.counted) row.numerator++;
        rows_.set(i.receivingInstitutionId, row);
      }
      const byInstitution = [...rows_.values()]
        .map((r) => ({ ...r, rate: rateOf(r.numerator, r.denominator) }))
        .sort((a, b) => a.institutionId.localeCompare(b.institutionId));
      const numerator = items.filter((i) => i.counted).length;
      return {
        month: args.month,
        institutionId,
        numerator,
        denominator: items.length,
        rate: rateOf(numerator, items.length),
        byInstitution,
        items,
      };
    });
  }

  /**
   * The rate's parts per month and receiving institution (null: all), for the indicators,
   * without listing the items: the items and those available or substitutable at submission
   * from `continuity_rollup` (kept by the results' triggers), plus the items missing at
   * submission that a received supply may have covered — few, and judged one by one by
   * rateVerdict because the verdict needs the referral's arrival. Same figures as counting
   * `items`. `months` ('YYYY-MM', optional): only these of from..to.
   */
  async counts(
    em: EntityManager,
    tenantId: string,
    from: string,
    to: string,
    institutionIds: readonly string[] | null,
    months?: readonly string[],
  ): Promise<ContinuityRateCount[]> {
    const base: { month: string; institution_id: string; items: number; ok: number }[] = await em.query(
      `SELECT to_char(month, 'YYYY-MM') AS month, institution_id, items, ok_at_submission AS ok
         FROM continuity_rollup
        WHERE tenant_id = $1 AND month >= ($2 || '-01')::date AND month <= ($3 || '-01')::date
          AND ($4::uuid[] IS NULL OR institution_id = ANY($4)) AND items <> 0
          AND ($5::date[] IS NULL OR month = ANY($5))`,
      [tenantId, from, to, institutionIds, months?.map((m) => `${m}-01`) ?? null],
    );
    const supplied: {
      referral_id: string;
      institution_id: string;
      month: string;
      outcome: ContinuityOutcome;
      received_at: Date;
    }[] = await em.query(
      `WITH bounds AS (
         SELECT c.time_zone AS tz,
                ($2 || '-01')::timestamp AT TIME ZONE c.time_zone AS lo,
                (($3 || '-01')::timestamp + interval '1 month') AT TIME ZONE c.time_zone AS hi
           FROM network_consortium c WHERE c.id = $1)
       SELECT DISTINCT ON (r.check_id, r.plan_item_id)
              c.referral_id, c.receiving_institution_id AS institution_id,
              to_char(c.referral_submitted_at AT TIME ZONE b.tz, 'YYYY-MM') AS month, r.outcome, s.received_at
         FROM bounds b
         JOIN supply_request s ON s.tenant_id = $1 AND s.state = 'RECEIVED' AND s.plan_item_id IS NOT NULL
         JOIN medication_continuity_result r
           ON r.plan_item_id = s.plan_item_id AND r.outcome NOT IN ('AVAILABLE','SUBSTITUTE')
         JOIN medication_continuity_check c
           ON c.id = r.check_id AND c.trigger = 'SUBMISSION'
          AND c.referral_submitted_at >= b.lo AND c.referral_submitted_at < b.hi
          AND ($4::uuid[] IS NULL OR c.receiving_institution_id = ANY($4))
          AND ($5::text[] IS NULL OR to_char(c.referral_submitted_at AT TIME ZONE b.tz, 'YYYY-MM') = ANY($5))
        ORDER BY r.check_id, r.plan_item_id, s.received_at, s.id`,
      [tenantId, from, to, institutionIds, months ?? null],
    );
    const out = new Map<string, ContinuityRateCount>();
    for (const b of base) {
      out.set(`${b.month}|${b.institution_id}`, {
        month: b.month,
        institutionId: b.institution_id,
        items: b.items,
        counted: b.ok,
      });
    }
    if (supplied.length) {
      const arrived = new Map(
        (
          await this.reads.summaries(
            em,
            tenantId,
            supplied.map((x) => x.referral_id),
          )
        ).map((r) => [r.id, r.arrivedAt]),
      );
      for (const x of supplied) {
        const verdict = rateVerdict(x.outcome, new Date(x.received_at), arrived.get(x.referral_id) ?? null);
        const row = out.get(`${x.month}|${x.institution_id}`);
        if (verdict.counted && row) row.counted++;
      }
    }
    return [...out.values()];
  }

  /**
   * Every denominator item of the months from..to (both included) at the given receiving
   * institutions (null: all), each with its verdict and month; the indicators count these.
   */
  async items(
    em: EntityManager,
    tenantId: string,
    from: string,
    to: string,
    institutionIds: readonly string[] | null,
  ): Promise<ContinuityRateItem[]> {
    const rows: Row[] = await em.query(
      `WITH bounds AS (
         SELECT c.time_zone AS tz,
                ($2 || '-01')::timestamp AT TIME ZONE c.time_zone AS lo,
                (($3 || '-01')::timestamp + interval '1 month') AT TIME ZONE c.time_zone AS hi
           FROM network_consortium c WHERE c.id = $1)
       SELECT c.referral_id, c.receiving_institution_id, c.referral_submitted_at,
              to_char(c.referral_submitted_at AT TIME ZONE b.tz, 'YYYY-MM') AS month,
              r.plan_item_id, p.position, p.drug_text, r.outcome,
              s.id AS supply_id, s.number AS supply_number, s.received_at
         FROM bounds b
         JOIN medication_continuity_check c
           ON c.tenant_id = $1 AND c.trigger = 'SUBMISSION'
          AND c.referral_submitted_at >= b.lo AND c.referral_submitted_at < b.hi
          AND ($4::uuid[] IS NULL OR c.receiving_institution_id = ANY($4))
         JOIN medication_continuity_result r ON r.check_id = c.id
         JOIN medication_plan_item p ON p.id = r.plan_item_id
         LEFT JOIN LATERAL (
           SELECT s.id, s.number, s.received_at FROM supply_request s
            WHERE s.plan_item_id = p.id AND s.state = 'RECEIVED'
            ORDER BY s.received_at, s.id LIMIT 1) s ON true
        ORDER BY c.referral_submitted_at, c.referral_id, p.position`,
      [tenantId, from, to, institutionIds],
    );
    const referrals = new Map(
      (await this.reads.summaries(em, tenantId, [...new Set(rows.map((r) => r.referral_id))])).map((r) => [
        r.id,
        r,
      ]),
    );
    return rows.map((r) => {
      const ref = referrals.get(r.referral_id);
      const arrivedAt = ref?.arrivedAt ?? null;
      const suppliedAt = r.received_at ? new Date(r.received_at) : null;
      const verdict = rateVerdict(r.outcome, suppliedAt, arrivedAt);
      return {
        month: r.month,
        referralId: r.referral_id,
        referralNumber: ref?.number ?? '',
        receivingInstitutionId: r.receiving_institution_id,
        submittedAt: new Date(r.referral_submitted_at),
        arrivedAt,
        planItemId: r.plan_item_id,
        position: r.position,
        drug: r.drug_text,
        outcome: r.outcome,
        counted: verdict.counted,
        basis: verdict.basis,
        reason: verdict.reason,
        supplyRequestId: r.supply_id,
        supplyRequestNumber: r.supply_number,
        suppliedAt,
      };
    });
  }

  /**
   * Consortium admins, auditors and the lead hospital's pharmacists read any institution and
   * the whole consortium; other pharmacists and institution admins their own institution.
   */
  private async scope(user: AuthUser, institutionId: string | undefined): Promise<string | null> {
    if (institutionId) await this.network.institution(user.tenantId, institutionId);
    if (hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR)) return institutionId ?? null;
    if (hasRole(user, Role.PHARMACIST)) {
      const own = await this.network.institution(user.tenantId, user.institutionId);
      if (own.kind === InstitutionKind.GENERAL_HOSPITAL) return institutionId ?? null;
    }
    if ((institutionId ?? user.institutionId) === user.institutionId) return user.institutionId;
    throw new ForbiddenError(
      '只能查看本机构的用药衔接率 (you may read the rate of your own institution only)',
    );
  }
}
