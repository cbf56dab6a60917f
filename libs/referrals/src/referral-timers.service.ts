import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, JOBS } from '@yg/core';
import { NetworkService } from '@yg/network';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralState } from './domain/referral.enums';
import { referralSettings, ReferralSettings } from './domain/settings';
import { ReferralRecorder } from './referral-recorder.service';

/** What a timer run decided: done, or come back at `retryAt` (it ran early). */
export type TimerOutcome = { done: true; changed: boolean } | { done: false; retryAt: Date };

const DONE_UNCHANGED: TimerOutcome = { done: true, changed: false };

/**
 * Deadlines, reminders and no-shows. Each check re-reads the referral under a row lock and
 * acts only if the moment has come and the step has not been taken, so a job that runs
 * early waits, one that runs late still acts, and one that runs twice changes nothing.
 */
@Injectable()
export class ReferralTimers {
  private readonly logger = new Logger(ReferralTimers.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: ReferralRecorder,
    private readonly network: NetworkService,
    private readonly clock: Clock,
  ) {}

  /** Escalation: level 1 at the answer deadline, level 2 at twice the deadline. */
  responseDue(referralId: string, level: number): Promise<TimerOutcome> {
    return this.withReferral(referralId, async (em, r) => {
      if (
        r.state !== ReferralState.SUBMITTED ||
        r.escalationLevel >= level ||
        !r.responseDueAt ||
        !r.submittedAt
      ) {
        return DONE_UNCHANGED;
      }
      const window = r.responseDueAt.getTime() - r.submittedAt.getTime();
      const dueAt = new Date(r.submittedAt.getTime() + window * level);
      const now = this.clock.now();
      if (now < dueAt) return { done: false, retryAt: dueAt };
      const from = r.state;
      await em.update(ReferralEntity, { id: r.id }, { escalationLevel: level, escalatedAt: now });
      r.escalationLevel = level;
      r.escalatedAt = now;
      await this.recorder.record(
        em,
        r,
        null,
        now,
        { action: 'escalate', from, event: 'referral.escalated', level, details: { level } },
        level < 2
          ? [
              {
                name: JOBS.REFERRAL_RESPONSE_DUE,
                runAt: new Date(r.submittedAt.getTime() + window * 2),
                level: 2,
              },
            ]
          : [],
      );
      return { done: true, changed: true };
    });
  }

  /** One reminder per appointment; a rescheduled appointment gets its own. */
  appointmentReminder(referralId: string, appointmentAt: Date): Promise<TimerOutcome> {
    return this.withReferral(referralId, async (em, r, settings) => {
      if (
        r.state !== ReferralState.ACCEPTED ||
        r.appointmentAt?.getTime() !== appointmentAt.getTime() ||
        r.reminderSentFor?.getTime() === appointmentAt.getTime()
      ) {
        return DONE_UNCHANGED;
      }
      const remindAt = new Date(appointmentAt.getTime() - settings.reminderBeforeSeconds * 1000);
      const now = this.clock.now();
      if (now < remindAt) return { done: false, retryAt: remindAt };
      if (now >= appointmentAt) return DONE_UNCHANGED;
      await em.update(ReferralEntity, { id: r.id }, { reminderSentFor: appointmentAt });
      r.reminderSentFor = appointmentAt;
      await this.recorder.record(em, r, null, now, {
        action: 'remind',
        from: r.state,
        event: 'referral.reminder',
        details: { appointmentAt: appointmentAt.toISOString() },
      });
      return { done: true, changed: true };
    });
  }

  /** ACCEPTED → NO_SHOW once the appointment plus the grace period has passed without arrival. */
  noShowCheck(referralId: string): Promise<TimerOutcome> {
    return this.withReferral(referralId, async (em, r, settings) => {
      if (r.state !== ReferralState.ACCEPTED || !r.appointmentAt) return DONE_UNCHANGED;
      const after = new Date(r.appointmentAt.getTime() + settings.noShowGraceSeconds * 1000);
      const now = this.clock.now();
      if (now < after) return { done: false, retryAt: after };
      await em.update(ReferralEntity, { id: r.id }, { state: ReferralState.NO_SHOW, closedAt: now });
      r.state = ReferralState.NO_SHOW;
      r.closedAt = now;
      await this.recorder.record(em, r, null, now, {
        action: 'noShow',
        from: ReferralState.ACCEPTED,
        event: 'referral.no-show',
      });
      return { done: true, changed: true };
    });
  }

  /**
   * The safety net: finds referrals whose moment has passed (a timer job lost with Redis, or
   * never published) and runs the same checks. Returns how many changed.
   */
  async sweep(limit = 500): Promise<number> {
    const now = this.clock.now();
    const tenants = await this.network.consortia();
    let changed = 0;
    for (const t of tenants) {
      const s = referralSettings(t.settings);
      const due: { id: string; level: number }[] = await this.dataSource.query(
        `SELECT id, CASE WHEN escalation_level = 0 THEN 1 ELSE 2 END AS level
           FROM referral
          WHERE tenant_id = $1 AND state = 'SUBMITTED' AND escalation_level < 2
            AND submitted_at + (response_due_at - submitted_at) * (escalation_level + 1) <= $2
          LIMIT ${limit}`,
        [t.id, now],
      );
      for (const d of due) changed += await this.count(this.responseDue(d.id, d.level));
      const noShows: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM referral
          WHERE tenant_id = $1 AND state = 'ACCEPTED' AND appointment_at + make_interval(secs => $3) <= $2
          LIMIT ${limit}`,
        [t.id, now, s.noShowGraceSeconds],
      );
      for (const d of noShows) changed += await this.count(this.noShowCheck(d.id));
      const reminders: { id: string; appointment_at: Date }[] = await this.dataSource.query(
        `SELECT id, appointment_at FROM referral
          WHERE tenant_id = $1 AND state = 'ACCEPTED' AND appointment_at > $2
            AND appointment_at - make_interval(secs => $3) <= $2
            AND reminder_sent_for IS DISTINCT FROM appointment_at
            -- as at acceptance: no reminder when accepted already inside the window
            AND answered_at <= appointment_at - make_interval(secs => $3)
          LIMIT ${limit}`,
        [t.id, now, s.reminderBeforeSeconds],
      );
      for (const d of reminders)
        changed += await this.count(this.appointmentReminder(d.id, new Date(d.appointment_at)));
    }
    if (changed) this.logger.log(`sweep acted on ${changed} referral(s)`);
    return changed;
  }

  private async count(p: Promise<TimerOutcome>): Promise<number> {
    const o = await p;
    return o.done && o.changed ? 1 : 0;
  }

  private withReferral(
    referralId: string,
    fn: (em: EntityManager, r: ReferralEntity, settings: ReferralSettings) => Promise<TimerOutcome>,
  ): Promise<TimerOutcome> {
    return this.dataSource.transaction(async (em) => {
      const r = await em
        .getRepository(ReferralEntity)
        .createQueryBuilder('r')
        .where('r.id = :id', { id: referralId })
        .setLock('pessimistic_write')
        .getOne();
      if (!r) return DONE_UNCHANGED;
      const consortium = await this.network.consortium(r.tenantId, em);
      return fn(em, r, referralSettings(consortium.settings));
    });
  }
}
