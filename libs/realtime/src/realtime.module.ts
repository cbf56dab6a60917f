import { Module } from '@nestjs/common';
import { IdentityModule } from '@yg/identity';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeEmitter } from './realtime-emitter.service';

/** The api side: the socket.io gateway (with the Redis adapter set up at bootstrap). */
@Module({
  imports: [IdentityModule],
  providers: [RealtimeGateway, RealtimeEmitter],
  exports: [RealtimeEmitter],
})
export class RealtimeModule {}

/** Any process that only pushes (the worker). */
@Module({ providers: [RealtimeEmitter], exports: [RealtimeEmitter] })
export class RealtimeEmitterModule {}
