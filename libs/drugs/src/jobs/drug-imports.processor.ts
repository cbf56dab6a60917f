import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import { DictionaryImportPayload, DrugDictionaryImporter } from '../dictionary/dictionary-import.service';
import { CatalogueImporter } from '../catalogue/catalogue-import.service';
import type { CatalogueImportPayload } from '../catalogue/catalogue-upload.service';
import { CatalogueMatching } from '../catalogue/catalogue-matching.service';

/** Re-matching a consortium's catalogues after its unified list changed. */
export interface CatalogueRematchPayload {
  tenantId: string;
}

type DrugImportJob = OutboxJob<DictionaryImportPayload | CatalogueImportPayload | CatalogueRematchPayload>;

/** Thin: one import at a time per worker (each one is a long COPY and merge). */
@Processor(QUEUES.DRUG_IMPORTS, { ...WORKER_TIMING, concurrency: 1 })
export class DrugImportsProcessor extends QuietWorkerHost {
  constructor(
    private readonly dictionary: DrugDictionaryImporter,
    private readonly catalogues: CatalogueImporter,
    private readonly matching: CatalogueMatching,
  ) {
    super();
  }

  async process(job: Job<DrugImportJob>): Promise<unknown> {
    const attempts = job.opts.attempts ?? DEFAULT_JOB_OPTIONS.attempts ?? 1;
    const finalAttempt = job.attemptsMade + 1 >= attempts;
    switch (job.name) {
      case JOBS.DRUG_DICTIONARY_IMPORT: {
        const { importId } = job.data.payload as DictionaryImportPayload;
        const run = await this.dictionary.run(importId, { finalAttempt });
        return { importId: run.id, status: run.status, attempts: run.attempts };
      }
      case JOBS.DRUG_CATALOGUE_IMPORT: {
        const { importId } = job.data.payload as CatalogueImportPayload;
        const run = await this.catalogues.run(importId, { finalAttempt });
        return { importId, status: run?.status ?? 'MISSING', attempts: run?.attempts ?? 0 };
      }
      case JOBS.DRUG_CATALOGUE_REMATCH: {
        const { tenantId } = job.data.payload as CatalogueRematchPayload;
        return this.matching.rematchTenant(tenantId);
      }
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.DRUG_IMPORTS}`);
    }
  }
}
