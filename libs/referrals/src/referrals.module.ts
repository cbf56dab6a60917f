import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, JOBS, keepScheduler, QUEUES } from '@yg/core';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { PatientsModule } from '@yg/patients';
import { DocumentStoreModule } from '@yg/documents';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralStepEntity } from './entities/referral-step.entity';
import { ReferralsService } from './referrals.service';
import { ReferralCreationRepository } from './referral-creation.repository';
import { ReferralCreation } from './referral-creation.service';
import { ReferralQueries } from './referral-queries.service';
import { ReferralAccess } from './referral-access.service';
import { ReferralRecorder } from './referral-recorder.service';
import { ReferralTimers } from './referral-timers.service';
import { ReferralFactFolder } from './referral-fact-folder.service';
import { ReferralsResolver } from './referrals.resolver';
import { ReferralTimersProcessor } from './jobs/referral-timers.processor';
import { ReferralSettingsService } from './referral-settings.service';
import { ReferralSubmissionHooks } from './hooks/submission-hooks';
import { ReferralDocuments } from './referral-documents';
import { ReferralAttachments } from './referral-attachments.service';

const shared = [
  TypeOrmModule.forFeature([ReferralEntity, ReferralStepEntity]),
  AuditModule,
  NetworkModule,
  PatientsModule,
];

/** Api side: the referral operations. */
@Module({
  imports: [...shared, DocumentStoreModule],
  providers: [
    ReferralsService,
    ReferralQueries,
    ReferralAccess,
    ReferralRecorder,
    ReferralSettingsService,
    ReferralsResolver,
    ReferralSubmissionHooks,
    ReferralCreationRepository,
    ReferralCreation,
    ReferralDocuments,
    ReferralAttachments,
  ],
  exports: [ReferralsService, ReferralQueries, ReferralSubmissionHooks],
})
export class ReferralsModule {}

const FACT_FOLD_EVERY_MS = 5000;

/** Worker side: deadlines, reminders, no-shows, the sweep that backs them up, the facts' fold. */
@Module({
  imports: shared,
  providers: [ReferralRecorder, ReferralTimers, ReferralFactFolder, ReferralTimersProcessor],
  exports: [ReferralTimers],
})
export class ReferralsWorkerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(QUEUES.TIMERS) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private stopSchedulers: (() => void)[] = [];

  async onApplicationBootstrap() {
    this.stopSchedulers = [
      await keepScheduler(this.queue, 'referral-sweep', this.config.referrals.sweepEveryMs, {
        name: JOBS.REFERRAL_SWEEP,
      }),
      // Readers add the deltas not folded yet: this only keeps them few.
      await keepScheduler(this.queue, 'referral-fact-fold', FACT_FOLD_EVERY_MS, {
        name: JOBS.REFERRAL_FACT_FOLD,
      }),
    ];
  }

  onApplicationShutdown() {
    this.stopSchedulers.forEach((stop) => stop());
  }
}
