import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import { AuditChainService } from '../audit-chain.service';

export interface AuditSealPayload {
  tenantId?: string;
}

/** Seals pending audit events. Idempotent: the pending list in Postgres is the key. */
@Processor(QUEUES.AUDIT, { ...WORKER_TIMING })
export class AuditSealProcessor extends QuietWorkerHost {
  constructor(private readonly chain: AuditChainService) {
    super();
  }

  async process(job: Job<AuditSealPayload>): Promise<{ sealed: number }> {
    switch (job.name) {
      case JOBS.AUDIT_SEAL_TENANT:
        return { sealed: job.data.tenantId ? await this.chain.sealTenant(job.data.tenantId) : 0 };
      case JOBS.AUDIT_SEAL_ALL:
        return { sealed: await this.chain.sealAll() };
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.AUDIT}`);
    }
  }
}
