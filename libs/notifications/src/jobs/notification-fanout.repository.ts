import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DomainEvent, OutboxRow } from '@yg/outbox';

/** An inbox row the fan-out created, as pushed to its recipient. */
export interface CreatedNotification {
  id: string;
  recipient_user_id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  created_at: string;
}

export interface FanoutResult {
  created: CreatedNotification[];
  /** Per push of the event, in order: the users its audience names. */
  pushUsers: string[][];
}

/** The fan-out's writes: one call of `notify_event` (migration 1764000059720), where its rules live. */
@Injectable()
export class NotificationFanoutRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims the event for `handler` and writes its inbox rows, deliveries and their outbox rows
   * (each delivery's row built from `deliveryJob`); null when the event was already handled.
   */
  async fanOut(
    messageId: string,
    handler: string,
    event: DomainEvent,
    deliveryJob: OutboxRow,
  ): Promise<FanoutResult | null> {
    const [{ result }]: { result: FanoutResult | null }[] = await this.dataSource.query(
      `SELECT notify_event($1, $2, $3::jsonb, $4::jsonb) AS result`,
      [messageId, handler, JSON.stringify(event), JSON.stringify(deliveryJob)],
    );
    return result;
  }
}
