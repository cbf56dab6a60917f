import { DynamicModule, Global, Module } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { AppConfig, Clock, ClockModule, ConfigModule, DatabaseModule, LoggingModule, QUEUES } from '@yg/core';
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
import { NotificationFanoutRepository } from '@yg/notifications/jobs/notification-fanout.repository';
import { RealtimeEmitter } from '@yg/realtime';
import { CatalogueImporter, CatalogueMatching, DrugsModule } from '@yg/drugs';
import { CatalogueChangeHandler } from '@yg/drugs/continuity/catalogue-change.handler';
import { SupplyRecorder } from '@yg/drugs/supply/supply-recorder.service';
import { SupplyTimers } from '@yg/drugs/supply/supply-timers.service';

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
 * The audit service holds a producer for seal requests, which only the api's GraphQL plugin
 * makes; the worker's periodic sealer seals what the seed writes. So the seed needs no Redis
 * (compose's migrate step may run before Redis is up); any other use of the queue fails loudly.
 */
@Global()
@Module({
  providers: [{ provide: getQueueToken(QUEUES.AUDIT), useValue: {} }],
  exports: [getQueueToken(QUEUES.AUDIT)],
})
export class NoQueuesModule {}

/**
 * The api's services (drugs included, so a down-referral's plan is checked on submission), the
 * worker's timer checks, its catalogue import and its notification fan-out, without HTTP,
 * GraphQL, queues or Redis. The timers' recorders are provided here (their modules export
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
        NoQueuesModule,
        OutboxModule,
        AuditModule,
        NetworkModule,
        IdentityModule,
        PatientsModule,
        ReferralsModule,
        ConsultationsModule,
        DrugsModule,
      ],
      providers: [
        ReferralRecorder,
        ReferralTimers,
        ConsultationAccess,
        ConsultationRecorder,
        ConsultationTimers,
        NotificationFanout,
        NotificationFanoutRepository,
        CatalogueMatching,
        CatalogueImporter,
        CatalogueChangeHandler,
        SupplyRecorder,
        SupplyTimers,
        { provide: RealtimeEmitter, useValue: { emit: () => undefined } },
      ],
    };
  }
}
