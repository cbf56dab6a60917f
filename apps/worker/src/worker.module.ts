import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  ProcessOptions,
  ClockModule,
  ConfigModule,
  DatabaseModule,
  LoggingModule,
  QueueModule,
  RedisModule,
} from '@yg/core';
import { AuditJobsModule } from '@yg/audit';
import { MIGRATIONS } from '@yg/schema';
import { OutboxWorkerModule } from '@yg/outbox';
import { NotificationsWorkerModule, SmsGatewayModule } from '@yg/notifications';
import { ReferralsWorkerModule } from '@yg/referrals';
import { ConsultationsWorkerModule } from '@yg/consultations';

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
      ],
    };
  }
}
