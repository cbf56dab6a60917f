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
 * receiver's to answer, so it is not RECEIVED.
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

const RECEIVED = `NOT (r.state = 'CANCELLED' AND r.answered_at IS NULL)`;
const FACTS: Record<ReferralFact, { institution: string; where: string }> = {
  SUBMITTED_UP: { institution: 'r.from_institution_id', where: `r.direction = 'UP'` },
  SUBMITTED_DOWN: { institution: 'r.from_institution_id', where: `r.direction = 'DOWN'` },
  RECEIVED: { institution: 'r.to_institution_id', where: RECEIVED },
  RESPONDED: { institution: 'r.to_institution_id', where: `r.answered_at IS NOT NULL` },
  RESPONDED_IN_DEADLINE: {
    institution: 'r.to_institution_id',
    where: `r.answered_at IS NOT NULL AND (r.response_due_at IS NULL OR r.answered_at <= r.response_due_at)`,
  },
  ACCEPTED: {
    institution: 'r.to_institution_id',
    where: `r.answered_at IS NOT NULL AND r.state <> 'REJECTED'`,
  },
};

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

/** Months as 'YYYY-MM' in the consortium's time zone, both ends included. */
const BOUNDS = `WITH b AS (
  SELECT c.time_zone AS tz,
         ($2 || '-01')::timestamp AT TIME ZONE c.time_zone AS lo,
         (($3 || '-01')::timestamp + interval '1 month') AT TIME ZONE c.time_zone AS hi
    FROM consortium c WHERE c.id = $1)`;

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

  /** How many referrals show each fact, per month and institution; institutionIds null: all. */
  async factCounts(
    em: EntityManager,
    tenantId: string,
    facts: readonly ReferralFact[],
    institutionIds: readonly string[] | null,
    from: string,
    to: string,
  ): Promise<ReferralFactCount[]> {
    if (!facts.length) return [];
    const parts = facts.map((f) => {
      const d = FACTS[f];
      return `SELECT '${f}' AS fact, to_char(r.submitted_at AT TIME ZONE b.tz, 'YYYY-MM') AS month,
                     ${d.institution} AS institution_id, count(*)::int AS count
                FROM b JOIN referral r ON r.tenant_id = $1 AND r.submitted_at >= b.lo AND r.submitted_at < b.hi
               WHERE ${d.where} AND ($4::uuid[] IS NULL OR ${d.institution} = ANY($4))
               GROUP BY 2, 3`;
    });
    const rows: { fact: ReferralFact; month: string; institution_id: string; count: number }[] =
      await em.query(`${BOUNDS} ${parts.join(' UNION ALL ')}`, [tenantId, from, to, institutionIds]);
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
    const d = FACTS[fact];
    const from_ = `FROM b JOIN referral r ON r.tenant_id = $1 AND r.submitted_at >= b.lo AND r.submitted_at < b.hi
          WHERE ${d.where} AND ($4::uuid[] IS NULL OR ${d.institution} = ANY($4))`;
    const params = [tenantId, from, to, institutionIds];
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
       SELECT r.id, r.number, r.direction, r.state, ${d.institution} AS institution_id, r.submitted_at,
              to_char(r.submitted_at AT TIME ZONE b.tz, 'YYYY-MM') AS month
       ${from_}
       ORDER BY r.submitted_at DESC, r.id DESC OFFSET $5 LIMIT $6`,
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
