import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, JOBS, keepScheduler, QUEUES } from '@yg/core';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { ReferralsModule } from '@yg/referrals';
import { DRUG_ENTITIES } from '../entities';
import { ContinuityCoreModule, ContinuityModule } from '../continuity/continuity.module';
import { SupplyRecorder } from './supply-recorder.service';
import { SupplyQueries } from './supply-queries.service';
import { SupplyService } from './supply.service';
import { SupplySettingsService } from './supply-settings.service';
import { SupplyResolver } from './supply.resolver';
import { SupplyTimers } from './supply-timers.service';
import { DrugTasksProcessor } from '../jobs/drug-tasks.processor';

const shared = [TypeOrmModule.forFeature(DRUG_ENTITIES), AuditModule, NetworkModule];

/** Api side: supply requests and their settings. */
@Module({
  imports: [...shared, ReferralsModule, ContinuityModule],
  providers: [SupplyRecorder, SupplyQueries, SupplyService, SupplySettingsService, SupplyResolver],
})
export class SupplyModule {}

/** Worker side: supply deadlines, continuity re-checks, and the sweep that backs the deadlines up. */
@Module({
  imports: [...shared, ContinuityCoreModule],
  providers: [SupplyRecorder, SupplyTimers, DrugTasksProcessor],
})
export class SupplyWorkerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(QUEUES.DRUG_TASKS) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private stopScheduler?: () => void;

  async onApplicationBootstrap() {
    // The same safety-net interval as referral and consultation deadlines.
    this.stopScheduler = await keepScheduler(this.queue, 'supply-sweep', this.config.referrals.sweepEveryMs, {
      name: JOBS.SUPPLY_SWEEP,
    });
  }

  onApplicationShutdown() {
    this.stopScheduler?.();
  }
}
