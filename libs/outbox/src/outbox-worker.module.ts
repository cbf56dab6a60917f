import { Module } from '@nestjs/common';
import { OutboxModule } from './outbox.module';
import { OutboxRelay } from './outbox-relay.service';
import { EventsProcessor } from './events.processor';

/** Worker side: the relay and the events processor. */
@Module({ imports: [OutboxModule], providers: [OutboxRelay, EventsProcessor], exports: [OutboxRelay] })
export class OutboxWorkerModule {}
