import type { Clock } from './clock/clock';
import type { MeasureSource } from '@yg/indicators/measures/measure-source';

/** Seams a process can be started with: the defaults are the real things. */
export interface ProcessOptions {
  clock?: Clock;
  /** An SMS provider (see SmsGateway in the notifications library). */
  smsGateway?: { send(phone: string, text: string): Promise<void> };
  /** More indicator measure sources, beside the registered ones (a fixed table in tests). */
  measureSources?: MeasureSource[];
}
