import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, ConfigError, JOBS, keepScheduler, QUEUES } from '@yg/core';
import { AuditModule } from './audit.module';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { CHECKPOINT_STORE } from './checkpoints/checkpoint-store';
import { DirectoryCheckpointStore } from './checkpoints/directory-checkpoint-store';
import { AuditSealProcessor } from './jobs/audit-seal.processor';

/** Worker side of the audit trail: the sealer, checkpoints, and their periodic runs. */
@Module({
  imports: [AuditModule],
  providers: [
    AuditSealProcessor,
    AuditCheckpointService,
    {
      provide: CHECKPOINT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.audit.checkpointDir && config.audit.checkpointSigner
          ? new DirectoryCheckpointStore(config.audit.checkpointDir)
          : null,
    },
  ],
})
export class AuditJobsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');

  constructor(
    @InjectQueue(QUEUES.AUDIT) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly stopSchedulers: (() => void)[] = [];

  /**
   * Checked before the worker connects anywhere: in production the chain must be anchored
   * outside the database.
   */
  static assertConfig(config: AppConfig): void {
    if (!config.isProduction) return;
    const problems = [
      ...(config.audit.checkpointDir
        ? []
        : [
            'AUDIT_CHECKPOINT_DIR: required in production (where the worker writes signed checkpoints of the audit chain)',
          ]),
      ...(config.audit.checkpointSigner
        ? []
        : ['AUDIT_CHECKPOINT_SIGNING_KEY: required in production (the worker signs checkpoints with it)']),
    ];
    if (problems.length) throw new ConfigError(problems);
  }

  async onApplicationBootstrap() {
    const { sealEveryMs, checkpointDir, checkpointEveryMs } = this.config.audit;
    if (!checkpointDir) {
      this.logger.warn(
        'AUDIT_CHECKPOINT_DIR is not set: no checkpoints of the audit chain are written outside the database',
      );
    }
    this.stopSchedulers.push(
      await keepScheduler(this.queue, 'audit-seal-all', sealEveryMs, { name: JOBS.AUDIT_SEAL_ALL }),
    );
    if (checkpointDir && this.config.audit.checkpointSigner) {
      this.stopSchedulers.push(
        await keepScheduler(this.queue, 'audit-checkpoint', checkpointEveryMs, {
          name: JOBS.AUDIT_CHECKPOINT,
        }),
      );
    }
  }

  onApplicationShutdown() {
    this.stopSchedulers.forEach((stop) => stop());
  }
}
