import type { OutsideChannel } from '../entities/notification-preference.entity';

/** What an outside channel is asked to carry. */
export interface OutsideMessage {
  notificationId: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: string;
}

export interface Recipient {
  userId: string;
  phone: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
}

/** One outside channel. `send` throws to ask for a retry. */
export interface NotificationChannel {
  readonly name: OutsideChannel;
  send(to: Recipient, message: OutsideMessage): Promise<void>;
}

/** The SMS provider seam; production plugs a real gateway in here. */
export interface SmsGateway {
  send(phone: string, text: string): Promise<void>;
}

export const SMS_GATEWAY = Symbol('SMS_GATEWAY');

/** A failure that retrying cannot fix (no phone, no URL): recorded at once. */
export class PermanentDeliveryError extends Error {}
