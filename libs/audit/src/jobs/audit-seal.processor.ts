import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { JOBS, QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import { AuditChainService } from '../audit-chain.service';
import { AuditCheckpointService } from '../audit-checkpoint.service';

export interface AuditSealPayload {
  tenantId?: string;
}

/**
 * Seals pending audit events and checkpoints chain heads. Idempotent: the pending list in
 * Postgres and the latest stored checkpoint are the keys.
 */
@Processor(QUEUES.AUDIT, { ...WORKER_TIMING })
export class AuditSealProcessor extends QuietWorkerHost {
  constructor(
    private readonly chain: AuditChainService,
    private readonly checkpoints: AuditCheckpointService,
  ) {
    super();
  }

  async process(job: Job<AuditSealPayload>): Promise<{ sealed: number } | { checkpoints: number }> {
    switch (job.name) {
      case JOBS.AUDIT_SEAL_TENANT: {
        const tenantId = job.data.tenantId;
        if (!tenantId) return { sealed: 0 };
        const sealed = await this.chain.sealTenant(tenantId);
        if (sealed) await this.checkpoints.writeIfDue(tenantId);
        return { sealed };
      }
      case JOBS.AUDIT_SEAL_ALL:
        return { sealed: await this.chain.sealAll() };
      case JOBS.AUDIT_CHECKPOINT:
        return { checkpoints: await this.checkpoints.writeAll() };
      default:
        throw new Error(`no handler for job ${job.name} on queue ${QUEUES.AUDIT}`);
    }
  }
}
