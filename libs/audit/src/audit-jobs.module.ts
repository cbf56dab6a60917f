import { Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig, JOBS, keepScheduler, QUEUES } from '@yg/core';
import { AuditModule } from './audit.module';
import { AuditSealProcessor } from './jobs/audit-seal.processor';

/** Worker side of the audit trail: the sealer and its periodic safety net. */
@Module({ imports: [AuditModule], providers: [AuditSealProcessor] })
export class AuditJobsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(QUEUES.AUDIT) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private stopScheduler?: () => void;

  async onApplicationBootstrap() {
    this.stopScheduler = await keepScheduler(this.queue, 'audit-seal-all', this.config.audit.sealEveryMs, {
      name: JOBS.AUDIT_SEAL_ALL,
    });
  }

  onApplicationShutdown() {
    this.stopScheduler?.();
  }
}
