import { Processor } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import type { MatterTimerPayload } from '../ledger/ledger.service';
import { MatterTimerOutcome, MatterTimers } from '../ledger/matter-timers.service';

/** Thin: key-matter reminders and overdue notices; an early job goes back to sleep. */
@Processor(QUEUES.ASSESSMENT_TASKS, { ...WORKER_TIMING, concurrency: 2 })
export class AssessmentTasksProcessor extends QuietWorkerHost {
  constructor(private readonly timers: MatterTimers) {
    super();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    if (job.name === JOBS.KEY_MATTER_SWEEP) return { changed: await this.timers.sweep() };
    const p = (job.data as OutboxJob<MatterTimerPayload>).payload;
    let outcome: MatterTimerOutcome;
    switch (job.name) {
      case JOBS.KEY_MATTER_REMINDER:
        outcome = await this.timers.reminder(p.keyMatterId);
        break;
      case JOBS.KEY_MATTER_OVERDUE:
        outcome = await this.timers.overdue(p.keyMatterId);
        break;
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.ASSESSMENT_TASKS}`);
    }
    if (!outcome.done) {
      await job.moveToDelayed(outcome.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return outcome;
  }
}
