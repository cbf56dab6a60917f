import { Logger } from '@nestjs/common';
import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';

/**
 * A processor base that logs its worker's connection errors (at most every 10 s) instead of
 * leaving them unhandled: without a listener BullMQ prints a stack trace per reconnect
 * attempt while Redis is away.
 */
export abstract class QuietWorkerHost extends WorkerHost {
  private lastWarned = 0;

  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    const now = Date.now();
    if (now - this.lastWarned < 10_000) return;
    this.lastWarned = now;
    new Logger(this.constructor.name).warn(`worker cannot reach Redis: ${err.message}`);
  }
}
