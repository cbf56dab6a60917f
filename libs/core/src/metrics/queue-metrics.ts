import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { QUEUES } from '../queue/queues';
import { METRICS_REGISTRY, MetricsRegistry, within } from './metrics';

const STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;
/** A Redis that stops answering must not hold the scrape. */
const SCRAPE_TIMEOUT_MS = 1000;

/** Queue depths by state, read from Redis at each scrape; `yg_queue_up` 0 when a queue did not answer. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: MetricsRegistry,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit() {
    const queues = Object.values(QUEUES).map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
    type Counts = { queue: string; counts: Record<string, number> | null }[];
    const read = (): Promise<Counts> =>
      Promise.all(
        queues.map(async (q) => ({
          queue: q.name,
          counts: await within(q.getJobCounts(...STATES), SCRAPE_TIMEOUT_MS, null),
        })),
      );
    // One round of Redis calls per scrape feeds both gauges.
    let pending: Promise<Counts> | undefined;
    const once = () => (pending ??= read().finally(() => setImmediate(() => (pending = undefined))));
    new Gauge({
      name: 'yg_queue_up',
      help: 'Whether the queue answered its job counts at this scrape (1) or not (0)',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { queue, counts } of await once()) this.set({ queue }, counts ? 1 : 0);
      },
    });
    new Gauge({
      name: 'yg_queue_jobs',
      help: 'Jobs in each queue by state (failed: kept failures awaiting inspection)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { queue, counts } of await once()) {
          if (counts) for (const state of STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
  }
}
