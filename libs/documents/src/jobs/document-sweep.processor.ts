import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import { DocumentStore } from '../document-store.service';

/** Thin: the sweep is a DELETE of what is past its time, the same however often it runs. */
@Processor(QUEUES.DOCUMENTS, { ...WORKER_TIMING, concurrency: 1 })
export class DocumentSweepProcessor extends QuietWorkerHost {
  constructor(private readonly store: DocumentStore) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name !== JOBS.DOCUMENT_SWEEP) {
      throw new Error(`no handler for job ${job.name} on queue ${QUEUES.DOCUMENTS}`);
    }
    return { removed: await this.store.sweep() };
  }
}
