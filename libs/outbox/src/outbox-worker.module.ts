import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OutboxModule } from './outbox.module';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxSettler } from './outbox-settler.service';
import { EventsProcessor } from './events.processor';

/** Worker side: the relay (with its reconciliation), the events processor, and the record of finished jobs. */
@Module({
  imports: [OutboxModule, DiscoveryModule],
  providers: [OutboxRelay, OutboxSettler, EventsProcessor],
  exports: [OutboxRelay],
})
export class OutboxWorkerModule {}
