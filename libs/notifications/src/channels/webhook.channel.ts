import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotificationChannel, OutsideMessage, PermanentDeliveryError, Recipient } from './channel';

export const SIGNATURE_HEADER = 'x-yg-signature';
export const TIMESTAMP_HEADER = 'x-yg-timestamp';

/** `sha256=<hex>` over `<timestamp>.<body>`, so a receiver can reject replays and forgeries. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

@Injectable()
export class WebhookChannel implements NotificationChannel {
  readonly name = 'WEBHOOK' as const;

  async send(to: Recipient, m: OutsideMessage): Promise<void> {
    if (!to.webhookUrl || !to.webhookSecret) {
      throw new PermanentDeliveryError('未配置 Webhook 地址 (no webhook URL configured)');
    }
    const body = JSON.stringify({ type: 'notification', notification: m });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(to.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(to.webhookSecret, timestamp, body),
        [TIMESTAMP_HEADER]: timestamp,
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
  }
}
