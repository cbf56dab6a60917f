import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig, JOBS, QUEUES } from '@yg/core';
import { AudienceService } from '@yg/identity';
import { DomainEvent, EventBus, NotificationIntent, OutboxService } from '@yg/outbox';
import { PushedNotification, RealtimeEmitter, rooms } from '@yg/realtime';

const HANDLER = 'notifications.fanout';

interface CreatedRow {
  id: string;
  recipient_user_id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  created_at: Date;
}

/**
 * Turns an event's notification intents into inbox rows (one per event, recipient and kind,
 * enforced by a unique key), outside-channel deliveries (through the outbox, so none is lost),
 * and live pushes after commit (to rooms, and to the users of a push's audience).
 */
@Injectable()
export class NotificationFanout implements OnModuleInit {
  constructor(
    private readonly bus: EventBus,
    private readonly audience: AudienceService,
    private readonly outbox: OutboxService,
    private readonly emitter: RealtimeEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.bus.register(HANDLER, '*', (event, messageId) => this.handle(event, messageId));
  }

  async handle(event: DomainEvent, messageId: string): Promise<void> {
    if (!event.notify?.length && !event.push?.length) return;
    const created: CreatedRow[] = [];
    const pushes: { rooms: string[]; event: string; data: unknown }[] = [];
    const firstTime = await this.bus.once(messageId, HANDLER, async (em) => {
      for (const intent of event.notify ?? []) {
        created.push(...(await this.createFor(em, event, messageId, intent)));
      }
      for (const p of event.push ?? []) {
        const users = p.audience?.length ? await this.audience.resolve(em, event.tenantId, p.audience) : [];
        pushes.push({
          rooms: [...p.rooms, ...users.map((u) => rooms.user(u.id))],
          event: p.event,
          data: p.data,
        });
      }
    });
    if (!firstTime) return;
    for (const n of created) {
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
    for (const p of pushes) this.emitter.emit(p.rooms, p.event, p.data);
  }

  private async createFor(
    em: EntityManager,
    event: DomainEvent,
    messageId: string,
    intent: NotificationIntent,
  ): Promise<CreatedRow[]> {
    const excluded = new Set(intent.excludeUserIds ?? []);
    const members = (await this.audience.resolve(em, event.tenantId, intent.audience)).filter(
      (m) => !excluded.has(m.id),
    );
    if (!members.length) return [];
    const rows: CreatedRow[] = await em.query(
      `INSERT INTO notification (tenant_id, recipient_user_id, message_id, kind, title, body, link, payload)
       SELECT $1, r, $2, $3, $4, $5, $6, $7 FROM unnest($8::uuid[]) AS r
       ON CONFLICT ON CONSTRAINT notification_once DO NOTHING
       RETURNING id, recipient_user_id, kind, title, body, link, created_at`,
      [
        event.tenantId,
        messageId,
        intent.kind,
        intent.title,
        intent.body ?? null,
        intent.link ?? null,
        JSON.stringify({
          type: event.type,
          aggregateType: event.aggregateType,
          aggregateId: event.aggregateId,
          ...event.data,
        }),
        members.map((m) => m.id),
      ],
    );
    if (!rows.length) return rows;
    const deliveries: { id: string }[] = await em.query(
      `INSERT INTO notification_delivery (tenant_id, notification_id, channel)
       SELECT $1, n.id, c
         FROM unnest($2::uuid[], $3::uuid[]) AS n(id, recipient)
         JOIN notification_preference p ON p.user_id = n.recipient
         CROSS JOIN LATERAL unnest(p.channels) AS c
       ON CONFLICT ON CONSTRAINT notification_delivery_once DO NOTHING
       RETURNING id`,
      [event.tenantId, rows.map((r) => r.id), rows.map((r) => r.recipient_user_id)],
    );
    await this.outbox.enqueue(
      em,
      ...deliveries.map((d) => ({
        tenantId: event.tenantId,
        queue: QUEUES.DELIVERIES,
        jobName: JOBS.NOTIFICATION_DELIVER,
        payload: { deliveryId: d.id },
        attempts: this.config.notifications.deliveryMaxAttempts,
      })),
    );
    return rows;
  }
}
