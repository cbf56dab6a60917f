import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  AppConfig,
  ProcessOptions,
  ClockModule,
  ConfigModule,
  DatabaseModule,
  LoggingModule,
  MetricsModule,
  QueueModule,
  RedisModule,
} from '@yg/core';
import { AuditJobsModule } from '@yg/audit';
import { MIGRATIONS } from '@yg/schema';
import { OutboxMetrics, OutboxWorkerModule } from '@yg/outbox';
import { NotificationsWorkerModule, SmsGatewayModule } from '@yg/notifications';
import { ReferralsWorkerModule } from '@yg/referrals';
import { ConsultationsWorkerModule } from '@yg/consultations';
import { DrugsWorkerModule } from '@yg/drugs';
import { IntakeWorkerModule } from '@yg/intake';
import { AssessmentWorkerModule } from '@yg/assessment';
import { DocumentsWorkerModule } from '@yg/documents';
import { WorkerMetrics } from './worker-metrics';

/** The worker process: queue processors and scheduled jobs, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig, opts: ProcessOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ClockModule.forRoot(opts.clock),
        SmsGatewayModule.forRoot(opts.smsGateway),
        DatabaseModule.forRoot({ entities: [], migrations: MIGRATIONS }),
        RedisModule,
        QueueModule.forRoot({ producerOnly: false }),
        AuditJobsModule,
        OutboxWorkerModule,
        NotificationsWorkerModule,
        ReferralsWorkerModule,
        ConsultationsWorkerModule,
        DrugsWorkerModule,
        IntakeWorkerModule,
        AssessmentWorkerModule,
        DocumentsWorkerModule,
        DiscoveryModule,
        MetricsModule.forRoot({ port: (c) => c.metrics.workerPort }),
      ],
      providers: [WorkerMetrics, OutboxMetrics],
    };
  }
}
