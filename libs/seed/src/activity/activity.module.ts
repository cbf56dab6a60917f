import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  Clock,
  ClockModule,
  ConfigModule,
  DatabaseModule,
  LoggingModule,
  QueueModule,
} from '@yg/core';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { IdentityModule } from '@yg/identity';
import { OutboxModule } from '@yg/outbox';
import { PatientsModule } from '@yg/patients';
import { ReferralsModule, ReferralTimers } from '@yg/referrals';
import { ReferralRecorder } from '@yg/referrals/referral-recorder.service';
import { ConsultationsModule, ConsultationTimers } from '@yg/consultations';
import { ConsultationAccess } from '@yg/consultations/consultation-access.service';
import { ConsultationRecorder } from '@yg/consultations/consultation-recorder.service';
import { NotificationFanout } from '@yg/notifications/jobs/notification-fanout.handler';
import { RealtimeEmitter } from '@yg/realtime';

/** The time the services see: set to each step's moment as the story is played. */
export class StoryClock extends Clock {
  private at = new Date();

  override now(): Date {
    return new Date(this.at);
  }

  set(at: Date): void {
    this.at = at;
  }
}

/**
 * The api's services, the worker's timer checks and its notification fan-out, without HTTP,
 * GraphQL or queue consumers. The timers' recorders are provided here (their modules export
 * only the services); history is not pushed live, since nobody watched it happen.
 */
@Module({})
export class DemoActivityModule {
  static forRoot(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: DemoActivityModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ClockModule.forRoot(clock),
        DatabaseModule.forRoot({ entities: [], migrations: [] }),
        // The audit service holds a queue producer (seal requests); nothing here consumes.
        QueueModule.forRoot({ producerOnly: true }),
        OutboxModule,
        AuditModule,
        NetworkModule,
        IdentityModule,
        PatientsModule,
        ReferralsModule,
        ConsultationsModule,
      ],
      providers: [
        ReferralRecorder,
        ReferralTimers,
        ConsultationAccess,
        ConsultationRecorder,
        ConsultationTimers,
        NotificationFanout,
        { provide: RealtimeEmitter, useValue: { emit: () => undefined } },
      ],
    };
  }
}
