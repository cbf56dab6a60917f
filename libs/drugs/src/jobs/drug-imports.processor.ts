import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import { DictionaryImportPayload, DrugDictionaryImporter } from '../dictionary/dictionary-import.service';

/** Thin: one import at a time per worker (each one is a long COPY and merge). */
@Processor(QUEUES.DRUG_IMPORTS, { ...WORKER_TIMING, concurrency: 1 })
export class DrugImportsProcessor extends QuietWorkerHost {
  constructor(private readonly dictionary: DrugDictionaryImporter) {
    super();
  }

  async process(job: Job<OutboxJob<DictionaryImportPayload>>): Promise<unknown> {
    switch (job.name) {
      case JOBS.DRUG_DICTIONARY_IMPORT: {
        const attempts = job.opts.attempts ?? DEFAULT_JOB_OPTIONS.attempts ?? 1;
        const run = await this.dictionary.run(job.data.payload.importId, {
          finalAttempt: job.attemptsMade + 1 >= attempts,
        });
        return { importId: run.id, status: run.status, attempts: run.attempts };
      }
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.DRUG_IMPORTS}`);
    }
  }
}
