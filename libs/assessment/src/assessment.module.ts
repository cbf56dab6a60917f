import {
  DynamicModule,
  Inject,
  Module,
  ModuleMetadata,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, JOBS, keepScheduler, QUEUES } from '@yg/core';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { LedgerService } from './ledger/ledger.service';
import { MatterTimers } from './ledger/matter-timers.service';
import { SchemeService } from './month/scheme.service';
import { CompletionService } from './month/completion.service';
import { AssessmentService } from './month/assessment.service';
import { AssessmentResolver } from './assessment.resolver';
import { AssessmentExportController } from './export/assessment-export.controller';
import { AssessmentMeasures } from './measures/participation.source';
import { AssessmentTasksProcessor } from './jobs/assessment-tasks.processor';

/** The measure source `asm.participated`, for the indicators' registry (no imports of its own). */
@Module({ providers: [AssessmentMeasures], exports: [AssessmentMeasures] })
export class AssessmentMeasuresModule {}

/**
 * Api side: the key-task ledger and the monthly assessment. `indicators` is the app's
 * IndicatorsModule (dynamic), whose IndicatorReports and IndicatorDefinitions compute completion.
 */
@Module({})
export class AssessmentModule {
  static forRoot(options: { indicators: NonNullable<ModuleMetadata['imports']>[number] }): DynamicModule {
    return {
      module: AssessmentModule,
      imports: [AuditModule, NetworkModule, options.indicators],
      controllers: [AssessmentExportController],
      providers: [LedgerService, SchemeService, CompletionService, AssessmentService, AssessmentResolver],
      exports: [AssessmentService, LedgerService],
    };
  }
}

/** Worker side: key-matter reminders, overdue notices and their sweep. */
@Module({
  imports: [AuditModule],
  providers: [MatterTimers, AssessmentTasksProcessor],
  exports: [MatterTimers],
})
export class AssessmentWorkerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(QUEUES.ASSESSMENT_TASKS) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private stopScheduler?: () => void;

  async onApplicationBootstrap() {
    // The same safety-net interval as the other deadlines.
    this.stopScheduler = await keepScheduler(
      this.queue,
      'key-matter-sweep',
      this.config.referrals.sweepEveryMs,
      {
        name: JOBS.KEY_MATTER_SWEEP,
      },
    );
  }

  onApplicationShutdown() {
    this.stopScheduler?.();
  }
}
