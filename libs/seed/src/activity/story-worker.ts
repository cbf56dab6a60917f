import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '@yg/core';
import { DomainEvent, EventBus } from '@yg/outbox';
import { ReferralTimers } from '@yg/referrals';
import { ConsultationTimers } from '@yg/consultations';
import type { StoryClock } from './activity.module';
import type { StoryWorld } from './story-world';

type Payload = Record<string, string | number | undefined>;

/**
 * What the worker would have done while the story happened, done with the worker's own code.
 * The outbox rows stay for the real worker: when it runs them, each check finds its work done
 * and each event handled, and changes nothing.
 */
export class StoryWorker {
  private readonly fired = new Set<string>();

  constructor(
    private readonly app: INestApplicationContext,
    private readonly ds: DataSource,
    private readonly clock: StoryClock,
    private readonly world: StoryWorld,
  ) {}

  /**
   * Runs the deadline, reminder and no-show checks of this run's referrals and consultations
   * that fell due by `until`, each at its moment, as the timer processors call them.
   */
  async fireTimersUntil(until: Date): Promise<void> {
    for (;;) {
      const [due]: { id: string; job_name: string; payload: Payload; run_at: Date }[] = await this.ds.query(
        `SELECT id::text AS id, job_name, payload, run_at FROM outbox_message
          WHERE queue = ANY($1::text[]) AND run_at <= $2 AND NOT (id = ANY($3::bigint[]))
            AND (payload->>'referralId' = ANY($4::text[]) OR payload->>'consultationId' = ANY($5::text[]))
          ORDER BY run_at, id LIMIT 1`,
        [
          [QUEUES.TIMERS, QUEUES.CONSULTATION_TIMERS],
          until,
          [...this.fired],
          [...this.world.created.referrals],
          [...this.world.created.consultations],
        ],
      );
      if (!due) return;
      this.fired.add(due.id);
      this.clock.set(new Date(due.run_at));
      await this.runTimer(due.job_name, due.payload);
    }
  }

  /** This run's events through the notification fan-out, in order. */
  async fanOut(): Promise<void> {
    const events: { id: string; payload: DomainEvent }[] = await this.ds.query(
      `SELECT id::text AS id, payload FROM outbox_message WHERE id > $1 AND queue = $2 ORDER BY id`,
      [this.world.lastOutboxId, QUEUES.EVENTS],
    );
    const bus = this.app.get(EventBus);
    for (const e of events) await bus.dispatch(e.payload, e.id);
  }

  /** As ReferralTimersProcessor and ConsultationTimersProcessor pick the check. */
  private async runTimer(name: string, p: Payload): Promise<unknown> {
    const referrals = this.app.get(ReferralTimers);
    const consultations = this.app.get(ConsultationTimers);
    switch (name) {
      case JOBS.REFERRAL_RESPONSE_DUE:
        return referrals.responseDue(String(p.referralId), Number(p.level ?? 1));
      case JOBS.REFERRAL_APPOINTMENT_REMINDER:
        return referrals.appointmentReminder(String(p.referralId), new Date(String(p.appointmentAt)));
      case JOBS.REFERRAL_NO_SHOW_CHECK:
        return referrals.noShowCheck(String(p.referralId));
      case JOBS.CONSULTATION_REMINDER:
        return consultations.reminder(
          String(p.consultationId),
          new Date(String(p.scheduledStart)),
          Number(p.minutesBefore ?? 0),
        );
      case JOBS.CONSULTATION_NO_SHOW_CHECK:
        return consultations.noShow(String(p.consultationId), new Date(String(p.scheduledStart)));
      case JOBS.CONSULTATION_REPORT_DUE:
        return consultations.reportDue(String(p.consultationId));
      default:
        throw new Error(`no check for timer ${name}`);
    }
  }
}
