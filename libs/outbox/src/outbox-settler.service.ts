import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';

/** Finished jobs are recorded in one statement per this many milliseconds. */
const FLUSH_MS = 50;

/**
 * Records in Postgres when the job of an outbox row has finished (completed, or failed with no
 * retry left), for every queue the outbox feeds. Without that record a job lost with Redis
 * could not be told from one that ran long ago and was trimmed. Recorded after BullMQ has
 * taken the outcome; a crash in between leaves the row unsettled, and at worst the
 * reconciliation publishes it once more, which idempotent processors absorb.
 */
@Injectable()
export class OutboxSettler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxSettler.name);
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap() {
    for (const wrapper of this.discovery.getProviders()) {
      const host: unknown = wrapper.instance;
      if (!(host instanceof WorkerHost)) continue;
      host.worker.on('completed', (job: Job) => this.finished(job));
      host.worker.on('failed', (job: Job | undefined) => {
        // Set only when BullMQ moved it to the failed set, not when it will retry.
        if (job?.finishedOn) this.finished(job);
      });
    }
  }

  async onApplicationShutdown() {
    clearTimeout(this.timer);
    await this.flush();
  }

  private finished(job: Job) {
    const id = (job.data as { messageId?: unknown } | undefined)?.messageId;
    if (typeof id !== 'string') return;
    this.pending.add(id);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private flush(): Promise<void> {
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending = new Set();
    if (!ids.length) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.dataSource
        .query(
          `UPDATE outbox_message SET settled_at = now() WHERE id = ANY($1::bigint[]) AND settled_at IS NULL`,
          [ids],
        )
        .then(
          () => undefined,
          (err: Error) =>
            this.logger.warn(
              `${ids.length} finished job(s) not recorded; reconciliation re-checks them: ${err.message}`,
            ),
        ),
    );
    return this.flushing;
  }
}
