import type { Clock } from './clock/clock';

/** Seams a process can be started with: the defaults are the real things. */
export interface ProcessOptions {
  clock?: Clock;
  /** An SMS provider (see SmsGateway in the notifications library). */
  smsGateway?: { send(phone: string, text: string): Promise<void> };
}
