import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '@yg/core';
import { DomainEvent, EventBus } from '@yg/outbox';
import { ReferralTimers } from '@yg/referrals';
import { ConsultationTimers } from '@yg/consultations';
import { ContinuityService, RecheckPayload } from '@yg/drugs';
import { SupplyTimers } from '@yg/drugs/supply/supply-timers.service';
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
   * Runs the deadline, reminder and no-show checks of this run's referrals, consultations and
   * supply requests, and the continuity re-checks this run asked for, that fell due by `until`,
   * each at its moment, as the timer and drug-task processors call them.
   */
  async fireTimersUntil(until: Date): Promise<void> {
    for (;;) {
      const [due]: { id: string; job_name: string; payload: Payload; run_at: Date }[] = await this.ds.query(
        `SELECT id::text AS id, job_name, payload, run_at FROM outbox_message
          WHERE queue = ANY($1::text[]) AND run_at <= $2 AND NOT (id = ANY($3::bigint[]))
            AND (payload->>'referralId' = ANY($4::text[]) OR payload->>'consultationId' = ANY($5::text[])
                 OR payload->>'supplyRequestId' = ANY($6::text[])
                 OR (job_name = $7 AND id > $8))
          ORDER BY run_at, id LIMIT 1`,
        [
          [QUEUES.TIMERS, QUEUES.CONSULTATION_TIMERS, QUEUES.DRUG_TASKS],
          until,
          [...this.fired],
          [...this.world.created.referrals],
          [...this.world.created.consultations],
          [...this.world.created.supplies],
          JOBS.CONTINUITY_RECHECK,
          this.world.lastOutboxId,
        ],
      );
      if (!due) return;
      this.fired.add(due.id);
      this.clock.set(new Date(due.run_at));
      await this.runTimer(due.job_name, due.payload, due.id);
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

  /** As ReferralTimersProcessor, ConsultationTimersProcessor and DrugTasksProcessor pick the check. */
  private async runTimer(name: string, p: Payload, messageId: string): Promise<unknown> {
    const referrals = this.app.get(ReferralTimers);
    const consultations = this.app.get(ConsultationTimers);
    const supplies = this.app.get(SupplyTimers);
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
      case JOBS.SUPPLY_REMINDER:
        return supplies.reminder(String(p.supplyRequestId));
      case JOBS.SUPPLY_DECISION_DUE:
        return supplies.decisionDue(String(p.supplyRequestId));
      case JOBS.SUPPLY_DELIVERY_DUE:
        return supplies.deliveryDue(String(p.supplyRequestId));
      case JOBS.CONTINUITY_RECHECK:
        return this.app.get(ContinuityService).recheck(messageId, p as unknown as RecheckPayload);
      default:
        throw new Error(`no check for timer ${name}`);
    }
  }
}
