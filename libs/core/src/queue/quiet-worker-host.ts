import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { WORKER_TIMING } from './queues';

/**
 * A processor base that logs its worker's connection errors (at most every 10 s) instead of
 * leaving them unhandled: without a listener BullMQ prints a stack trace per reconnect
 * attempt while Redis is away. It also refuses to start a processor whose worker does not use
 * the shared stalled-job timing.
 */
export abstract class QuietWorkerHost extends WorkerHost implements OnApplicationBootstrap {
  private lastWarned = 0;

  onApplicationBootstrap(): void {
    const opts = this.worker.opts;
    for (const [key, value] of Object.entries(WORKER_TIMING)) {
      if (opts[key as keyof typeof WORKER_TIMING] !== value) {
        throw new Error(
          `${this.constructor.name}: spread WORKER_TIMING into its @Processor options (${key} is ${String(opts[key as keyof typeof WORKER_TIMING])})`,
        );
      }
    }
  }

  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    const now = Date.now();
    if (now - this.lastWarned < 10_000) return;
    this.lastWarned = now;
    new Logger(this.constructor.name).warn(`worker cannot reach Redis: ${err.message}`);
  }
}
