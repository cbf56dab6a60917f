import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { METRICS_REGISTRY, MetricsRegistry, within } from '@yg/core';
import { LAG_COUNT_CAP, OutboxLag, OutboxService } from './outbox.service';

/** How far the relay is behind, read at each scrape (one query feeds both gauges). */
@Injectable()
export class OutboxMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: MetricsRegistry,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit() {
    let pending: Promise<OutboxLag | null> | undefined;
    const once = () =>
      (pending ??= within(this.outbox.lag(), 3000, null).finally(() =>
        setImmediate(() => (pending = undefined)),
      ));
    new Gauge({
      name: 'yg_outbox_unpublished',
      help: `Outbox rows not yet handed to the queues (counted up to ${LAG_COUNT_CAP})`,
      registers: [this.registry],
      async collect() {
        const r = await once();
        if (r) this.set(r.pending);
      },
    });
    new Gauge({
      name: 'yg_outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest outbox row not yet handed to the queues (0 when none)',
      registers: [this.registry],
      async collect() {
        const r = await once();
        if (r) this.set(r.oldestPendingMs / 1000);
      },
    });
  }
}
