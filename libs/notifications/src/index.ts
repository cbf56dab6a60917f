export * from './notifications.module';
export * from './notifications.service';
export * from './channels/channel';
export * from './channels/webhook.channel';
export * from './entities/notification.entity';
export * from './entities/notification-delivery.entity';
export * from './entities/notification-preference.entity';
export * from './migrations/1764000005000-notifications';
