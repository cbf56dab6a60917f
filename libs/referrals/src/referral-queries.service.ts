import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import { AuthUser, Clock, Connection, hasRole, LoaderFactory, paginate } from '@yg/core';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralStepEntity } from './entities/referral-step.entity';
import { ReferralBox, ReferralState } from './domain/referral.enums';
import { ReferralFilterArgs, ReferralsArgs } from './dto/referral.inputs';
import { ReferralAccess, TENANT_WIDE_ROLES } from './referral-access.service';
import { ReferralCountsModel } from './models/referral.models';

/** Reads: one referral, worklists and their counts, timelines. */
@Injectable()
export class ReferralQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ReferralAccess,
    private readonly clock: Clock,
  ) {}

  get(user: AuthUser, id: string): Promise<ReferralEntity> {
    return this.access.visible(this.dataSource.manager, user, id);
  }

  /** A worklist page, most urgent first, then by deadline: one SQL statement. */
  list(user: AuthUser, args: ReferralsArgs): Promise<Connection<ReferralEntity>> {
    const qb = this.scoped(user, args);
    if (args.states?.length) qb.andWhere('r.state IN (:...states)', { states: args.states });
    return paginate(
      qb,
      [
        { expr: 'r.urgency_rank', value: (r) => r.urgencyRank, kind: 'number' },
        { expr: 'r.due_at', value: (r) => r.dueAt.toISOString(), kind: 'date' },
        { expr: 'r.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
    );
  }

  /** Counts per state for the same box and filters (every state listed, zeros included). */
  async counts(user: AuthUser, args: ReferralFilterArgs): Promise<ReferralCountsModel> {
    const rows: { state: ReferralState; n: number; overdue: number; escalated: number }[] = await this.scoped(
      user,
      args,
    )
      .select('r.state', 'state')
      .addSelect('count(*)::int', 'n')
      .addSelect(
        `(count(*) FILTER (WHERE r.state = 'SUBMITTED' AND r.response_due_at < :now))::int`,
        'overdue',
      )
      .addSelect(
        `(count(*) FILTER (WHERE r.escalation_level > 0 AND r.state = 'SUBMITTED'))::int`,
        'escalated',
      )
      .setParameter('now', this.clock.now())
      .groupBy('r.state')
      .getRawMany();
    const byState = new Map(rows.map((r) => [r.state, r.n]));
    return {
      total: rows.reduce((a, r) => a + r.n, 0),
      byState: Object.values(ReferralState).map((state) => ({ state, count: byState.get(state) ?? 0 })),
      overdue: rows.reduce((a, r) => a + r.overdue, 0),
      escalated: rows.reduce((a, r) => a + r.escalated, 0),
    };
  }

  private scoped(user: AuthUser, f: ReferralFilterArgs): SelectQueryBuilder<ReferralEntity> {
    const qb = this.dataSource
      .getRepository(ReferralEntity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenant', { tenant: user.tenantId });
    const mine = { inst: user.institutionId };
    if (f.box === ReferralBox.INCOMING) {
      qb.andWhere('r.to_institution_id = :inst', mine).andWhere(`r.state <> 'DRAFT'`);
    } else if (f.box === ReferralBox.OUTGOING) {
      qb.andWhere('r.from_institution_id = :inst', mine);
    } else if (!hasRole(user, ...TENANT_WIDE_ROLES)) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('r.from_institution_id = :inst', mine)
            .orWhere(`r.to_institution_id = :inst AND r.state <> 'DRAFT'`, mine),
        ),
      );
    } else {
      // The consortium sees what was sent, not senders' drafts.
      qb.andWhere(`r.state <> 'DRAFT'`);
    }
    if (f.urgency) qb.andWhere('r.urgency = :urgency', { urgency: f.urgency });
    if (f.direction) qb.andWhere('r.direction = :direction', { direction: f.direction });
    if (f.from) qb.andWhere('r.created_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('r.created_at < :to', { to: f.to });
    return qb;
  }

  readonly timelineLoader: LoaderFactory<string, ReferralStepEntity[]> = () =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(ReferralStepEntity).find({
        where: { referralId: In([...ids]) },
        order: { id: 'ASC' },
      });
      return ids.map((id) => rows.filter((s) => s.referralId === id));
    });
}
