import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DIRECTION_LABELS, ReferralFact, ReferralReads, STATE_LABELS } from '@yg/referrals';
import type {
  ContributorPage,
  MeasureScope,
  MeasureSource,
  MeasureValue,
  MonthRange,
} from '../measures/measure-source';

/**
 * ref.* — referrals by submission month. Directions count at the sending institution; answers
 * at the receiving one (see ReferralFact for what each means).
 */
const KEYS: Record<string, ReferralFact> = {
  'ref.up': ReferralFact.SUBMITTED_UP,
  'ref.down': ReferralFact.SUBMITTED_DOWN,
  'ref.received': ReferralFact.RECEIVED,
  'ref.responded': ReferralFact.RESPONDED,
  'ref.responded_in_deadline': ReferralFact.RESPONDED_IN_DEADLINE,
  'ref.accepted': ReferralFact.ACCEPTED,
};
const BY_FACT = new Map(Object.entries(KEYS).map(([k, f]) => [f, k]));

@Injectable()
export class ReferralMeasures implements MeasureSource {
  readonly keys = Object.keys(KEYS);
  readonly levelKeys: readonly string[] = [];

  constructor(private readonly reads: ReferralReads) {}

  async monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    const facts = keys.filter((k) => k in KEYS).map((k) => KEYS[k]);
    const counts = await this.reads.factCounts(
      em,
      scope.tenantId,
      facts,
      scope.institutionIds,
      range.from,
      range.to,
      range.months,
    );
    return counts.map((c) => ({
      key: BY_FACT.get(c.fact)!,
      month: c.month,
      institutionId: c.institutionId,
      value: c.count,
    }));
  }

  async contributors(
    em: EntityManager,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage> {
    const { total, rows } = await this.reads.factRows(
      em,
      scope.tenantId,
      KEYS[key],
      scope.institutionIds,
      range.from,
      range.to,
      page,
    );
    return {
      total,
      rows: rows.map((r) => ({
        kind: 'Referral',
        id: r.id,
        month: r.month,
        institutionId: r.institutionId,
        value: 1,
        label: `${r.number} ${DIRECTION_LABELS[r.direction as keyof typeof DIRECTION_LABELS] ?? r.direction} ${STATE_LABELS[r.state as keyof typeof STATE_LABELS] ?? r.state}`,
        occurredAt: r.submittedAt.toISOString(),
      })),
    };
  }
}
