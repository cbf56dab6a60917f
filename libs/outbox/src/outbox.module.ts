import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxMessageEntity } from './entities/outbox-message.entity';
import { OutboxService } from './outbox.service';
import { EventBus } from './event-bus.service';

/** Producers: write to the outbox inside their transactions. Handlers: register on the bus. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessageEntity])],
  providers: [OutboxService, EventBus],
  exports: [OutboxService, EventBus],
})
export class OutboxModule {}
