import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@yg/audit';
import { RealtimeEmitterModule } from '@yg/realtime';
import { NotificationEntity } from './entities/notification.entity';
import { NotificationPreferenceEntity } from './entities/notification-preference.entity';
import { NotificationDeliveryEntity } from './entities/notification-delivery.entity';
import { NotificationsService } from './notifications.service';
import { NotificationsResolver } from './notifications.resolver';
import { NotificationFanout } from './jobs/notification-fanout.handler';
import { NotificationFanoutRepository } from './jobs/notification-fanout.repository';
import { DeliveryProcessor } from './jobs/delivery.processor';
import { SMS_GATEWAY, SmsGateway } from './channels/channel';
import { LoggingSmsGateway, SmsChannel } from './channels/sms.channel';
import { WebhookChannel } from './channels/webhook.channel';
import { WebhookDestinations } from './channels/webhook-destination';

const entities = TypeOrmModule.forFeature([
  NotificationEntity,
  NotificationPreferenceEntity,
  NotificationDeliveryEntity,
]);

/** Api side: the inbox and preferences. */
@Module({
  imports: [entities, AuditModule],
  providers: [NotificationsService, NotificationsResolver, WebhookDestinations],
})
export class NotificationsModule {}

/** Worker side: fan-out of events into inboxes, pushes and outside deliveries. */
@Module({
  imports: [entities, RealtimeEmitterModule],
  providers: [
    NotificationFanout,
    NotificationFanoutRepository,
    DeliveryProcessor,
    SmsChannel,
    WebhookChannel,
    WebhookDestinations,
  ],
})
export class NotificationsWorkerModule {}

/** Which SMS provider the process uses; the logging stand-in unless one is given. */
@Global()
@Module({})
export class SmsGatewayModule {
  static forRoot(gateway?: SmsGateway): DynamicModule {
    return {
      module: SmsGatewayModule,
      providers: [
        gateway
          ? { provide: SMS_GATEWAY, useValue: gateway }
          : { provide: SMS_GATEWAY, useClass: LoggingSmsGateway },
      ],
      exports: [SMS_GATEWAY],
    };
  }
}
