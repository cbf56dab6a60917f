import { Processor } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import { ConsultationTimerOutcome, ConsultationTimers } from '../consultation-timers.service';

export interface ConsultationTimerPayload {
  consultationId: string;
  tenantId: string;
  scheduledStart: string;
  minutesBefore?: number;
}

/** Thin: picks the check; an early job goes back to sleep until its moment. */
@Processor(QUEUES.CONSULTATION_TIMERS, { ...WORKER_TIMING, concurrency: 4 })
export class ConsultationTimersProcessor extends QuietWorkerHost {
  constructor(private readonly timers: ConsultationTimers) {
    super();
  }

  async process(
    job: Job<OutboxJob<ConsultationTimerPayload> | Record<string, never>>,
    token?: string,
  ): Promise<unknown> {
    if (job.name === JOBS.CONSULTATION_SWEEP) return { changed: await this.timers.sweep() };
    const p = (job.data as OutboxJob<ConsultationTimerPayload>).payload;
    let outcome: ConsultationTimerOutcome;
    switch (job.name) {
      case JOBS.CONSULTATION_REMINDER:
        outcome = await this.timers.reminder(
          p.consultationId,
          new Date(p.scheduledStart),
          p.minutesBefore ?? 0,
        );
        break;
      case JOBS.CONSULTATION_NO_SHOW_CHECK:
        outcome = await this.timers.noShow(p.consultationId, new Date(p.scheduledStart));
        break;
      case JOBS.CONSULTATION_REPORT_DUE:
        outcome = await this.timers.reportDue(p.consultationId);
        break;
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.CONSULTATION_TIMERS}`);
    }
    if (!outcome.done) {
      await job.moveToDelayed(outcome.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return outcome;
  }
}
