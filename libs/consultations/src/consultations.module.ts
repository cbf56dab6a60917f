import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, JOBS, keepScheduler, QUEUES } from '@yg/core';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { PatientsModule } from '@yg/patients';
import { DocumentStoreModule } from '@yg/documents';
import { AvailabilityExceptionEntity, AvailabilityRuleEntity } from './entities/availability.entities';
import {
  ConsultationEntity,
  ConsultationExpertEntity,
  ConsultationReportEntity,
  ConsultationStepEntity,
} from './entities/consultation.entity';
import { ConsultationAccess } from './consultation-access.service';
import { ConsultationRecorder } from './consultation-recorder.service';
import { AvailabilityService } from './availability.service';
import { SchedulingRepository } from './scheduling.repository';
import { BookingService } from './booking.service';
import { ConsultationsService } from './consultations.service';
import { ConsultationTimers } from './consultation-timers.service';
import {
  ConsultationExpertResolver,
  ConsultationsResolver,
  ExpertAvailabilityResolver,
} from './consultations.resolver';
import { ConsultationGateway } from './consultation.gateway';
import { ConsultationTimersProcessor } from './jobs/consultation-timers.processor';
import { ConsultationDocuments } from './consultation-documents';
import { ConsultationConsents } from './consultation-consents';
import { ConsultationAttachments } from './consultation-attachments.service';

const shared = [
  TypeOrmModule.forFeature([
    AvailabilityRuleEntity,
    AvailabilityExceptionEntity,
    ConsultationEntity,
    ConsultationExpertEntity,
    ConsultationReportEntity,
    ConsultationStepEntity,
  ]),
  AuditModule,
  NetworkModule,
  PatientsModule,
  DocumentStoreModule,
];
const core = [
  ConsultationAccess,
  ConsultationRecorder,
  SchedulingRepository,
  AvailabilityService,
  BookingService,
  ConsultationConsents,
];

/** Api side: scheduling, the consultation lifecycle and its live room. */
@Module({
  imports: shared,
  providers: [
    ...core,
    ConsultationDocuments,
    ConsultationAttachments,
    ConsultationsService,
    ConsultationsResolver,
    ConsultationExpertResolver,
    ExpertAvailabilityResolver,
    ConsultationGateway,
  ],
  exports: [ConsultationsService, BookingService, AvailabilityService],
})
export class ConsultationsModule {}

/** Worker side: reminders, no-shows, overdue reports and their sweep. */
@Module({
  imports: shared,
  providers: [...core, ConsultationTimers, ConsultationTimersProcessor],
  exports: [ConsultationTimers],
})
export class ConsultationsWorkerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(QUEUES.CONSULTATION_TIMERS) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private stopScheduler?: () => void;

  async onApplicationBootstrap() {
    this.stopScheduler = await keepScheduler(
      this.queue,
      'consultation-sweep',
      this.config.referrals.sweepEveryMs,
      { name: JOBS.CONSULTATION_SWEEP },
    );
  }

  onApplicationShutdown() {
    this.stopScheduler?.();
  }
}
