import type { Audience } from '@yg/core';

/** An inbox entry (and outside-channel message) the event should produce. */
export interface NotificationIntent {
  audience: Audience[];
  /** Stable kind, e.g. `referral.submitted`. */
  kind: string;
  /** Chinese with English beside it. */
  title: string;
  body?: string;
  /** Where a client should go, e.g. `/referrals/<id>`. */
  link?: string;
  /** Users never told about their own action. */
  excludeUserIds?: string[];
}

/** A socket.io push to rooms, best effort; the durable record is elsewhere. */
export interface RoomPush {
  rooms: string[];
  event: string;
  data: unknown;
}

/** Something that happened, as carried from the outbox to every handler. */
export interface DomainEvent<T = Record<string, unknown>> {
  type: string;
  tenantId: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  actorUserId: string | null;
  data: T;
  notify?: NotificationIntent[];
  push?: RoomPush[];
}

/** What the relay puts on a queue for each outbox row. */
export interface OutboxJob<T = unknown> {
  messageId: string;
  payload: T;
}
