export * from './rooms';
export * from './realtime.module';
export * from './realtime-emitter.service';
export * from './redis-io.adapter';
export * from './realtime.gateway';
