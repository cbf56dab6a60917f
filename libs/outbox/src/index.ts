export * from './outbox.module';
export * from './outbox-worker.module';
export * from './outbox.service';
export * from './outbox-relay.service';
export * from './outbox-settler.service';
export * from './event-bus.service';
export * from './domain-event';
export * from './entities/outbox-message.entity';
