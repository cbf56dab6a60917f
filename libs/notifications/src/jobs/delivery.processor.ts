import { Processor } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES, QuietWorkerHost, WORKER_TIMING } from '@yg/core';
import type { OutboxJob } from '@yg/outbox';
import { NotificationChannel, PermanentDeliveryError } from '../channels/channel';
import { SmsChannel } from '../channels/sms.channel';
import { WebhookChannel } from '../channels/webhook.channel';

export interface DeliveryPayload {
  deliveryId: string;
}

interface DeliveryRow {
  id: string;
  channel: 'SMS' | 'WEBHOOK';
  status: string;
  notification_id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  created_at: Date;
  user_id: string;
  phone: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
}

/**
 * Sends one notification through one outside channel. Retries with exponential backoff;
 * after the last attempt (or a failure retrying cannot fix) the delivery is recorded FAILED.
 * A delivery already SENT is not sent again when BullMQ redelivers the job.
 */
@Processor(QUEUES.DELIVERIES, { ...WORKER_TIMING, concurrency: 4 })
export class DeliveryProcessor extends QuietWorkerHost {
  private readonly channels: Record<DeliveryRow['channel'], NotificationChannel>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    sms: SmsChannel,
    webhook: WebhookChannel,
  ) {
    super();
    this.channels = { SMS: sms, WEBHOOK: webhook };
  }

  async process(job: Job<OutboxJob<DeliveryPayload>>): Promise<void> {
    const [d]: DeliveryRow[] = await this.dataSource.query(
      `SELECT d.id, d.channel, d.status, n.id AS notification_id, n.kind, n.title, n.body, n.link, n.created_at,
              u.id AS user_id, u.phone, p.webhook_url, p.webhook_secret
         FROM notification_delivery d
         JOIN notification n ON n.id = d.notification_id
         JOIN user_contact u ON u.id = n.recipient_user_id
         LEFT JOIN notification_preference p ON p.user_id = u.id
        WHERE d.id = $1`,
      [job.data.payload.deliveryId],
    );
    if (!d || d.status !== 'PENDING') return;
    try {
      await this.channels[d.channel].send(
        { userId: d.user_id, phone: d.phone, webhookUrl: d.webhook_url, webhookSecret: d.webhook_secret },
        {
          notificationId: d.notification_id,
          kind: d.kind,
          title: d.title,
          body: d.body,
          link: d.link,
          createdAt: new Date(d.created_at).toISOString(),
        },
      );
      await this.dataSource.query(
        `UPDATE notification_delivery SET status = 'SENT', attempts = attempts + 1, finished_at = now(), last_error = NULL
          WHERE id = $1 AND status = 'PENDING'`,
        [d.id],
      );
    } catch (err) {
      const permanent = err instanceof PermanentDeliveryError;
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.dataSource.query(
        `UPDATE notification_delivery
            SET attempts = attempts + 1, last_error = $2,
                status = CASE WHEN $3 THEN 'FAILED' ELSE status END,
                finished_at = CASE WHEN $3 THEN now() ELSE finished_at END
          WHERE id = $1 AND status = 'PENDING'`,
        [d.id, (err as Error).message.slice(0, 500), final],
      );
      if (permanent) throw new UnrecoverableError((err as Error).message);
      throw err;
    }
  }
}
