import { Processor } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import { ContinuityService, RecheckPayload } from '../continuity/continuity.service';
import { SupplyTimerOutcome, SupplyTimers } from '../supply/supply-timers.service';
import type { SupplyTimerPayload } from '../supply/supply-recorder.service';

/** Thin: continuity re-checks and supply deadlines; an early deadline job goes back to sleep. */
@Processor(QUEUES.DRUG_TASKS, { ...WORKER_TIMING, concurrency: 4 })
export class DrugTasksProcessor extends QuietWorkerHost {
  constructor(
    private readonly continuity: ContinuityService,
    private readonly timers: SupplyTimers,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    if (job.name === JOBS.SUPPLY_SWEEP) return { changed: await this.timers.sweep() };
    if (job.name === JOBS.CONTINUITY_RECHECK) {
      const { messageId, payload } = job.data as OutboxJob<RecheckPayload>;
      return { changed: await this.continuity.recheck(messageId, payload) };
    }
    const p = (job.data as OutboxJob<SupplyTimerPayload>).payload;
    let outcome: SupplyTimerOutcome;
    switch (job.name) {
      case JOBS.SUPPLY_REMINDER:
        outcome = await this.timers.reminder(p.supplyRequestId);
        break;
      case JOBS.SUPPLY_DECISION_DUE:
        outcome = await this.timers.decisionDue(p.supplyRequestId);
        break;
      case JOBS.SUPPLY_DELIVERY_DUE:
        outcome = await this.timers.deliveryDue(p.supplyRequestId);
        break;
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.DRUG_TASKS}`);
    }
    if (!outcome.done) {
      await job.moveToDelayed(outcome.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return outcome;
  }
}
