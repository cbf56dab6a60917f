import { Processor } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import { ReferralTimers, TimerOutcome } from '../referral-timers.service';
import { ReferralFactFolder } from '../referral-fact-folder.service';
import type { TimerPayload } from '../referral-recorder.service';

/** Thin: picks the check, and puts an early job back to sleep until its moment. */
@Processor(QUEUES.TIMERS, { ...WORKER_TIMING, concurrency: 4 })
export class ReferralTimersProcessor extends QuietWorkerHost {
  constructor(
    private readonly timers: ReferralTimers,
    private readonly facts: ReferralFactFolder,
  ) {
    super();
  }

  async process(job: Job<OutboxJob<TimerPayload> | Record<string, never>>, token?: string): Promise<unknown> {
    if (job.name === JOBS.REFERRAL_SWEEP) return { changed: await this.timers.sweep() };
    if (job.name === JOBS.REFERRAL_FACT_FOLD) return { folded: await this.facts.fold() };
    const p = (job.data as OutboxJob<TimerPayload>).payload;
    let outcome: TimerOutcome;
    switch (job.name) {
      case JOBS.REFERRAL_RESPONSE_DUE:
        outcome = await this.timers.responseDue(p.referralId, p.level ?? 1);
        break;
      case JOBS.REFERRAL_APPOINTMENT_REMINDER:
        outcome = await this.timers.appointmentReminder(p.referralId, new Date(p.appointmentAt!));
        break;
      case JOBS.REFERRAL_NO_SHOW_CHECK:
        outcome = await this.timers.noShowCheck(p.referralId);
        break;
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.TIMERS}`);
    }
    if (!outcome.done) {
      await job.moveToDelayed(outcome.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return outcome;
  }
}
