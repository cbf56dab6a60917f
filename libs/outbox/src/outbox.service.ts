import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, QUEUES, QueueName } from '@yg/core';
import { DomainEvent } from './domain-event';

export interface OutboxEntry {
  tenantId?: string | null;
  queue: QueueName;
  jobName: string;
  payload: Record<string, unknown>;
  /** Defaults to now. */
  runAt?: Date;
  attempts?: number;
}

/** One outbox_message row as written, keyed by column. */
export interface OutboxRow {
  tenant_id: string | null;
  queue: string;
  job_name: string;
  payload: Record<string, unknown>;
  run_at: Date;
  attempts: number | null;
}

/** How far the relay is behind: rows not yet handed to BullMQ (delayed timers included: they go out at once, with a delay). */
export interface OutboxLag {
  /** Counted up to {@link LAG_COUNT_CAP}: a backlog that large is an incident whatever its exact size. */
  pending: number;
  /** Age of the oldest of them, 0 when none. */
  oldestPendingMs: number;
}

export const LAG_COUNT_CAP = 100_000;

/** Writes jobs and events into the caller's transaction; they reach BullMQ only if it commits. */
@Injectable()
export class OutboxService {
  constructor(
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** For monitoring: both parts walk the partial index on unpublished rows, bounded in time and count. */
  lag(): Promise<OutboxLag> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL statement_timeout = 2000`);
      const [row]: { pending: number; oldest_ms: number | null }[] = await em.query(
        `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM outbox_message WHERE published_at IS NULL LIMIT ${LAG_COUNT_CAP}) x) AS pending,
                (SELECT (extract(epoch FROM now() - created_at) * 1000)::float8 FROM outbox_message
                  WHERE published_at IS NULL ORDER BY id LIMIT 1) AS oldest_ms`,
      );
      return { pending: row.pending, oldestPendingMs: Math.max(0, Math.round(row.oldest_ms ?? 0)) };
    });
  }

  /**
   * The outbox_message rows for these entries, keyed by column, for a statement that writes
   * them together with the change that causes them (a SQL function taking them as JSON).
   */
  rows(entries: readonly OutboxEntry[]): OutboxRow[] {
    const now = this.clock.now();
    return entries.map((e) => ({
      tenant_id: e.tenantId ?? null,
      queue: e.queue,
      job_name: e.jobName,
      payload: e.payload,
      run_at: e.runAt ?? now,
      attempts: e.attempts ?? null,
    }));
  }

  /** Writes the entries in the caller's transaction, in their order (one statement). */
  async enqueue(em: EntityManager, ...entries: OutboxEntry[]): Promise<void> {
    if (!entries.length) return;
    await em.query(
      `INSERT INTO outbox_message (tenant_id, queue, job_name, payload, run_at, attempts)
       SELECT o.tenant_id, o.queue, o.job_name, o.payload, o.run_at, o.attempts
         FROM jsonb_populate_recordset(NULL::outbox_message, $1::jsonb) WITH ORDINALITY AS o
        ORDER BY o.ordinality`,
      [JSON.stringify(this.rows(entries))],
    );
  }

  /** Publishes a domain event to every handler (notifications, timers, read models…). */
  publish(em: EntityManager, ...events: DomainEvent[]): Promise<void> {
    return this.enqueue(em, ...events.map(eventEntry));
  }
}

/** The outbox entry that carries a domain event to the events queue. */
export function eventEntry(event: DomainEvent): OutboxEntry {
  return {
    tenantId: event.tenantId,
    queue: QUEUES.EVENTS,
    jobName: event.type,
    payload: event as unknown as Record<string, unknown>,
  };
}
