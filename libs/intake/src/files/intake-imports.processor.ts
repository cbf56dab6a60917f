import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import { IntakeFileImporter } from './intake-import.service';
import type { IntakeImportPayload } from './intake-upload.service';

/** Thin: one import at a time per worker (each one is a long COPY and merge). Idempotent on the run's row. */
@Processor(QUEUES.INTAKE_IMPORTS, { ...WORKER_TIMING, concurrency: 1 })
export class IntakeImportsProcessor extends QuietWorkerHost {
  constructor(private readonly importer: IntakeFileImporter) {
    super();
  }

  async process(job: Job<OutboxJob<IntakeImportPayload>>): Promise<unknown> {
    const attempts = job.opts.attempts ?? DEFAULT_JOB_OPTIONS.attempts ?? 1;
    switch (job.name) {
      case JOBS.INTAKE_FILE_IMPORT: {
        const { runId } = job.data.payload;
        const res = await this.importer.run(runId, { finalAttempt: job.attemptsMade + 1 >= attempts });
        return { runId, status: res?.status ?? 'MISSING' };
      }
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.INTAKE_IMPORTS}`);
    }
  }
}
