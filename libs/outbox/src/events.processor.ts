import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import { EventBus } from './event-bus.service';
import type { DomainEvent, OutboxJob } from './domain-event';

/** Thin: unpacks the outbox job and lets the bus run the handlers. */
@Processor(QUEUES.EVENTS, { ...WORKER_TIMING, concurrency: 8 })
export class EventsProcessor extends QuietWorkerHost {
  constructor(private readonly bus: EventBus) {
    super();
  }

  async process(job: Job<OutboxJob<DomainEvent>>): Promise<void> {
    await this.bus.dispatch(job.data.payload, job.data.messageId);
  }
}
