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
  /**
   * Users reached in their own rooms besides `rooms`, resolved when pushed: for those who see a
   * record without being in a room that stands for it (a named expert, the consortium's admins).
   */
  audience?: Audience[];
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
