import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, JOBS, keepScheduler, QUEUES } from '@yg/core';
import { AuditModule } from '@yg/audit';
import { DocumentStore } from './document-store.service';
import { DocumentSubjects } from './document-subjects';
import { DocumentsController } from './documents.controller';
import { DocumentSweepProcessor } from './jobs/document-sweep.processor';

/** The store and the read rules: capabilities with attachments import it and register their rule. */
@Module({
  imports: [AuditModule],
  providers: [DocumentStore, DocumentSubjects],
  exports: [DocumentStore, DocumentSubjects],
})
export class DocumentStoreModule {}

/** Api side: upload and download over HTTP. */
@Module({
  imports: [DocumentStoreModule],
  controllers: [DocumentsController],
})
export class DocumentsModule {}

const SWEEP_EVERY_MS = 15 * 60_000;

/** Worker side: uploads never attached are removed when their time is up. */
@Module({
  imports: [DocumentStoreModule],
  providers: [DocumentSweepProcessor],
})
export class DocumentsWorkerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(QUEUES.DOCUMENTS) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private stopScheduler?: () => void;

  async onApplicationBootstrap() {
    this.stopScheduler = await keepScheduler(
      this.queue,
      'document-sweep',
      Math.min(SWEEP_EVERY_MS, this.config.documents.unattachedTtlMs),
      { name: JOBS.DOCUMENT_SWEEP },
    );
  }

  onApplicationShutdown() {
    this.stopScheduler?.();
  }
}
