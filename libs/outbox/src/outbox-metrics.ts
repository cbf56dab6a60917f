import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { METRICS_REGISTRY, MetricsRegistry, within } from '@yg/core';

/** Counting stops here: a backlog this large is an incident whatever its exact size. */
const COUNT_CAP = 100_000;

/**
 * How far the relay is behind, read at each scrape: rows not yet published and the age of the
 * oldest. Both walk the partial index on unpublished rows (the oldest is its first entry).
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: MetricsRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit() {
    const read = () =>
      this.dataSource.transaction(async (em) => {
        await em.query(`SET LOCAL statement_timeout = 2000`);
        const [row]: { n: number; age: number | null }[] = await em.query(
          `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM outbox_message WHERE published_at IS NULL LIMIT ${COUNT_CAP}) x) AS n,
                  (SELECT extract(epoch FROM now() - created_at)::float8 FROM outbox_message
                    WHERE published_at IS NULL ORDER BY id LIMIT 1) AS age`,
        );
        return row;
      });
    let pending: Promise<{ n: number; age: number | null } | null> | undefined;
    // One query per scrape feeds both gauges.
    const once = () =>
      (pending ??= within(read(), 3000, null).finally(() => setImmediate(() => (pending = undefined))));
    new Gauge({
      name: 'yg_outbox_unpublished',
      help: `Outbox rows not yet handed to the queues (counted up to ${COUNT_CAP})`,
      registers: [this.registry],
      async collect() {
        const r = await once();
        if (r) this.set(r.n);
      },
    });
    new Gauge({
      name: 'yg_outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest outbox row not yet handed to the queues (0 when none)',
      registers: [this.registry],
      async collect() {
        const r = await once();
        if (r) this.set(Math.max(0, r.age ?? 0));
      },
    });
  }
}
