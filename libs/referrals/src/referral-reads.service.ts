import { Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EntityManager, In } from 'typeorm';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralDirection, ReferralState } from './domain/referral.enums';

/** What other capabilities may read of a referral without a user: no patient, no clinical text. */
export interface ReferralSummary {
  id: string;
  tenantId: string;
  number: string;
  direction: ReferralDirection;
  state: ReferralState;
  fromInstitutionId: string;
  toInstitutionId: string;
  fromUserId: string;
  submittedAt: Date | null;
  arrivedAt: Date | null;
  closedAt: Date | null;
}

/**
 * Countable facts about referrals, for the indicators. Each is dated by submission (in the
 * consortium's time zone) and counted at one institution: the sender for directions, the
 * receiver for answers. A referral withdrawn before anyone answered it was never the
 * receiver's to answer, so it is not RECEIVED. The rule is the SQL function `referral_facts`
 * (migration 1764000051000), which keeps `referral_fact_rollup` and filters the drill-down.
 */
export enum ReferralFact {
  SUBMITTED_UP = 'SUBMITTED_UP',
  SUBMITTED_DOWN = 'SUBMITTED_DOWN',
  RECEIVED = 'RECEIVED',
  /** Accepted or rejected. */
  RESPONDED = 'RESPONDED',
  /** Answered no later than its response deadline. */
  RESPONDED_IN_DEADLINE = 'RESPONDED_IN_DEADLINE',
  ACCEPTED = 'ACCEPTED',
}

export interface ReferralFactCount {
  fact: ReferralFact;
  month: string;
  institutionId: string;
  count: number;
}

export interface ReferralFactRow {
  id: string;
  number: string;
  direction: ReferralDirection;
  state: ReferralState;
  institutionId: string;
  month: string;
  submittedAt: Date;
}

/** Months as 'YYYY-MM' in the consortium's time zone, both ends included (the drill-down). */
const BOUNDS = `WITH b AS (
  SELECT c.time_zone AS tz,
         ($2 || '-01')::timestamp AT TIME ZONE c.time_zone AS lo,
         (($3 || '-01')::timestamp + interval '1 month') AT TIME ZONE c.time_zone AS hi
    FROM network_consortium c WHERE c.id = $1)`;

/**
 * The referrals' read model for the capabilities built on them (drug continuity, indicators):
 * they read referrals through this, never the table. One statement per call.
 */
@Injectable()
export class ReferralReads {
  async summaries(em: EntityManager, tenantId: string, ids: readonly string[]): Promise<ReferralSummary[]> {
    if (!ids.length) return [];
    return em.getRepository(ReferralEntity).find({
      select: {
        id: true,
        tenantId: true,
        number: true,
        direction: true,
        state: true,
        fromInstitutionId: true,
        toInstitutionId: true,
        fromUserId: true,
        submittedAt: true,
        arrivedAt: true,
        closedAt: true,
      },
      where: { tenantId, id: In([...new Set(ids)]) },
    });
  }

  /**
   * How many referrals show each fact, per month and institution; institutionIds null: all;
   * `months` ('YYYY-MM', optional): only these of from..to. Read from the monthly rollup plus
   * the deltas the referral triggers appended since its last fold, never from the referrals.
   */
  async factCounts(
    em: EntityManager,
    tenantId: string,
    facts: readonly ReferralFact[],
    institutionIds: readonly string[] | null,
    from: string,
    to: string,
    months?: readonly string[],
  ): Promise<ReferralFactCount[]> {
    if (!facts.length) return [];
    const rows: { fact: ReferralFact; month: string; institution_id: string; count: number }[] =
      await em.query(
        `SELECT fact, to_char(month, 'YYYY-MM') AS month, institution_id, sum(count)::int AS count
           FROM (SELECT tenant_id, month, institution_id, fact, count FROM referral_fact_rollup
                 UNION ALL
                 SELECT tenant_id, month, institution_id, fact, count FROM referral_fact_delta) r
          WHERE tenant_id = $1 AND month >= ($2 || '-01')::date AND month <= ($3 || '-01')::date
            AND fact = ANY($4) AND ($5::uuid[] IS NULL OR institution_id = ANY($5))
            AND ($6::date[] IS NULL OR month = ANY($6))
          GROUP BY fact, month, institution_id
         HAVING sum(count) <> 0`,
        [tenantId, from, to, facts, institutionIds, months?.map((m) => `${m}-01`) ?? null],
      );
    return rows.map((r) => ({
      fact: r.fact,
      month: r.month,
      institutionId: r.institution_id,
      count: r.count,
    }));
  }

  /** The referrals behind one fact, newest submission first, paged. */
  async factRows(
    em: EntityManager,
    tenantId: string,
    fact: ReferralFact,
    institutionIds: readonly string[] | null,
    from: string,
    to: string,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; rows: ReferralFactRow[] }> {
    const from_ = `FROM b JOIN referral r ON r.tenant_id = $1 AND r.submitted_at >= b.lo AND r.submitted_at < b.hi
          CROSS JOIN LATERAL referral_facts(r.direction, r.state, r.answered_at, r.response_due_at,
                                            r.from_institution_id, r.to_institution_id) f
          WHERE f.fact = $5 AND ($4::uuid[] IS NULL OR f.institution_id = ANY($4))`;
    const params = [tenantId, from, to, institutionIds, fact];
    const [{ total }]: { total: number }[] = await em.query(
      `${BOUNDS} SELECT count(*)::int AS total ${from_}`,
      params,
    );
    const rows: {
      id: string;
      number: string;
      direction: ReferralDirection;
      state: ReferralState;
      institution_id: string;
      submitted_at: Date;
      month: string;
    }[] = await em.query(
      `${BOUNDS}
       SELECT r.id, r.number, r.direction, r.state, f.institution_id, r.submitted_at,
              to_char(r.submitted_at AT TIME ZONE b.tz, 'YYYY-MM') AS month
       ${from_}
       ORDER BY r.submitted_at DESC, r.id DESC OFFSET $6 LIMIT $7`,
      [...params, page.offset, page.limit],
    );
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        number: r.number,
        direction: r.direction,
        state: r.state,
        institutionId: r.institution_id,
        month: r.month,
        submittedAt: new Date(r.submitted_at),
      })),
    };
  }
}

/** Available to the api and the worker alike. */
@Module({
  imports: [TypeOrmModule.forFeature([ReferralEntity])],
  providers: [ReferralReads],
  exports: [ReferralReads],
})
export class ReferralReadsModule {}
