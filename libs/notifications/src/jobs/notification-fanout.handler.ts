import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig, JOBS, QUEUES } from '@yg/core';
import { DomainEvent, EventBus, OutboxService } from '@yg/outbox';
import { PushedNotification, RealtimeEmitter, rooms } from '@yg/realtime';
import { NotificationFanoutRepository } from './notification-fanout.repository';

const HANDLER = 'notifications.fanout';

/**
 * Turns an event's notification intents into inbox rows (one per event, recipient and kind,
 * enforced by a unique key), outside-channel deliveries (through the outbox, so none is lost),
 * and live pushes after commit (to rooms, and to the users of a push's audience). The writes are
 * one statement (`notify_event`); a redelivered event writes and pushes nothing.
 */
@Injectable()
export class NotificationFanout implements OnModuleInit {
  constructor(
    private readonly bus: EventBus,
    private readonly repository: NotificationFanoutRepository,
    private readonly outbox: OutboxService,
    private readonly emitter: RealtimeEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.bus.register(HANDLER, '*', (event, messageId) => this.handle(event, messageId));
  }

  async handle(event: DomainEvent, messageId: string): Promise<void> {
    if (!event.notify?.length && !event.push?.length) return;
    const [deliveryJob] = this.outbox.rows([
      {
        tenantId: event.tenantId,
        queue: QUEUES.DELIVERIES,
        jobName: JOBS.NOTIFICATION_DELIVER,
        payload: {},
        attempts: this.config.notifications.deliveryMaxAttempts,
      },
    ]);
    const done = await this.repository.fanOut(messageId, HANDLER, event, deliveryJob);
    if (!done) return;
    for (const n of done.created) {
      const pushed: PushedNotification = {
        id: n.id,
        kind: n.kind,
        title: n.title,
        body: n.body,
        link: n.link,
        createdAt: new Date(n.created_at).toISOString(),
      };
      this.emitter.emit([rooms.user(n.recipient_user_id)], 'notification', pushed);
    }
    // One emit per push: a socket in several of its rooms gets it once.
    (event.push ?? []).forEach((p, i) => {
      const users = done.pushUsers[i] ?? [];
      this.emitter.emit([...p.rooms, ...users.map((u) => rooms.user(u))], p.event, p.data);
    });
  }
}
