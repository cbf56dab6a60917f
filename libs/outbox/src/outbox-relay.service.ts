import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock, QueueName } from '@yg/core';
import type { OutboxJob } from './domain-event';

const BATCH = 200;
/** Published rows and handled-event marks are kept this long (well past any BullMQ redelivery). */
const RETENTION_DAYS = 7;
const CLEANUP_EVERY_MS = 10 * 60_000;
/** Give up on a batch (and release its row locks) rather than wait out a Redis outage in a transaction. */
const ADD_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not take the batch within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
const MAX_BACKOFF_MS = 5000;
/** Rows checked against Redis per transaction, and at most this many pages per run. */
const RECONCILE_PAGE = 500;
const RECONCILE_PAGES = 20;
/** A row whose job keeps vanishing is left alone (and logged) after this many re-publications. */
const MAX_REPUBLISH = 5;

/** The BullMQ job id of an outbox row; a re-published row gets a new one. */
export function outboxJobId(id: string, republished: number): string {
  return republished ? `ob-${id}-r${republished}` : `ob-${id}`;
}

interface Row {
  id: string;
  queue: QueueName;
  job_name: string;
  payload: unknown;
  run_at: Date;
  attempts: number | null;
  republished: number;
}

/**
 * Moves committed outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * several workers share the work without publishing a row twice at the same moment, and
 * marked published only after Redis took them; a crash in between publishes again, which
 * job ids and idempotent handlers absorb. While Redis is away the rows simply wait.
 *
 * The relay finds new rows by polling (`OUTBOX_POLL_MS`, one index probe while idle), not by
 * LISTEN/NOTIFY: a transaction that sends NOTIFY holds a cluster-wide lock from its commit's
 * start until its WAL is flushed, so every writer of the outbox, in every database of the
 * cluster, would commit one at a time.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set when rows were marked for publishing again while a batch was in flight. */
  private dirty = false;
  private reconcileTimer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap() {
    this.running = true;
    this.loop = this.run();
    this.scheduleReconcile();
  }

  async onApplicationShutdown() {
    this.running = false;
    clearTimeout(this.reconcileTimer);
    this.wake?.();
    await this.loop;
    await this.reconciling;
  }

  /** Whether any row waits to be published: one probe of a partial index, no transaction. */
  async pending(): Promise<boolean> {
    const [row] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM outbox_message WHERE published_at IS NULL) AS pending`,
    );
    return row.pending === true;
  }

  /** Publishes one batch; returns how many rows went out. */
  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows: Row[] = await em.query(
        `SELECT id::text, queue, job_name, payload, run_at, attempts, republished
           FROM outbox_message
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`,
      );
      if (!rows.length) return 0;
      const now = this.clock.now().getTime();
      const byQueue = new Map<QueueName, Row[]>();
      for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
      for (const [name, list] of byQueue) {
        const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        await withTimeout(
          queue.addBulk(
            list.map((r) => ({
              name: r.job_name,
              data: { messageId: r.id, payload: r.payload } satisfies OutboxJob,
              opts: {
                jobId: outboxJobId(r.id, r.republished),
                delay: Math.max(0, new Date(r.run_at).getTime() - now),
                ...(r.attempts ? { attempts: r.attempts } : {}),
              },
            })),
          ),
          ADD_TIMEOUT_MS,
        );
      }
      await em.query(`UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  /**
   * Finds rows published at least `OUTBOX_RECONCILE_AFTER_MS` ago and past their run time whose
   * job has not finished, asks Redis whether it still holds each job, and marks those it lost
   * unpublished again (with a new job id), so the relay publishes them once more. Redis loses
   * jobs when it restarts without persistence or fails over to a lagging replica; the
   * processors are idempotent, so a job published twice changes nothing. Jobs Redis still
   * holds (waiting behind a backlog, retrying, delayed again) are left alone. Returns how many
   * rows were marked.
   */
  async reconcile(): Promise<number> {
    const afterSecs = this.config.outbox.reconcileAfterMs / 1000;
    let marked = 0;
    let after = '0';
    for (let page = 0; page < RECONCILE_PAGES; page++) {
      const { rows, lost } = await this.dataSource.transaction(async (em) => {
        const rows: { id: string; queue: QueueName; republished: number }[] = await em.query(
          `SELECT id::text, queue, republished FROM outbox_message
            WHERE published_at IS NOT NULL AND settled_at IS NULL AND id > $1
              AND published_at < now() - make_interval(secs => $2)
              AND run_at < now() - make_interval(secs => $2)
            ORDER BY id
            LIMIT ${RECONCILE_PAGE}
            FOR UPDATE SKIP LOCKED`,
          [after, afterSecs],
        );
        if (!rows.length) return { rows, lost: [] };
        const lost = await withTimeout(this.lostJobs(rows), ADD_TIMEOUT_MS);
        const again = lost.filter((r) => r.republished < MAX_REPUBLISH);
        const given = lost.filter((r) => r.republished >= MAX_REPUBLISH);
        if (given.length) {
          this.logger.error(
            `outbox rows ${given.map((r) => r.id).join(', ')} lost their job ${MAX_REPUBLISH + 1} times; left for an operator`,
          );
          // Settled as given up, so they are not checked again on every run.
          await em.query(`UPDATE outbox_message SET settled_at = now() WHERE id = ANY($1::bigint[])`, [
            given.map((r) => r.id),
          ]);
        }
        if (again.length) {
          await em.query(
            `UPDATE outbox_message SET published_at = NULL, republished = republished + 1 WHERE id = ANY($1::bigint[])`,
            [again.map((r) => r.id)],
          );
        }
        return { rows, lost: again };
      });
      marked += lost.length;
      if (rows.length < RECONCILE_PAGE) break;
      after = rows[rows.length - 1].id;
    }
    if (marked) {
      this.logger.warn(`${marked} outbox job(s) lost by Redis; publishing them again`);
      this.dirty = true;
      this.wake?.();
    }
    return marked;
  }

  /** The rows whose job Redis no longer holds in any state. */
  private async lostJobs<T extends { id: string; queue: QueueName; republished: number }>(
    rows: T[],
  ): Promise<T[]> {
    const byQueue = new Map<QueueName, T[]>();
    for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
    const lost: T[] = [];
    for (const [name, list] of byQueue) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      // The job hash exists in every state (waiting, delayed, active, completed, failed): O(1) per job.
      const client = await queue.getBackend().client;
      const pipeline = client.pipeline();
      for (const r of list) pipeline.runCommand('exists', [queue.toKey(outboxJobId(r.id, r.republished))]);
      const results = (await pipeline.exec()) ?? [];
      list.forEach((r, i) => {
        const [err, exists] = results[i] ?? [new Error('no reply'), null];
        if (err) throw err;
        if (exists === 0) lost.push(r);
      });
    }
    return lost;
  }

  /** Runs the reconciliation every half of its bound (between 1 s and 1 min). */
  private scheduleReconcile() {
    if (!this.running) return;
    const every = Math.min(Math.max(this.config.outbox.reconcileAfterMs / 2, 1000), 60_000);
    this.reconcileTimer = setTimeout(() => {
      this.reconciling = this.reconcile()
        .then(() => undefined)
        .catch((err: Error) => this.logger.warn(`outbox reconciliation skipped: ${err.message}`))
        .finally(() => this.scheduleReconcile());
    }, every);
  }

  /** Trims what has been published and handled long ago, a bounded batch at a time. */
  async cleanup(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM outbox_message WHERE id IN (
         SELECT id FROM outbox_message WHERE published_at < now() - make_interval(days => $1) LIMIT 5000)`,
      [RETENTION_DAYS],
    );
    await this.dataSource.query(
      `DELETE FROM processed_event WHERE (message_id, handler) IN (
         SELECT message_id, handler FROM processed_event WHERE processed_at < now() - make_interval(days => $1) LIMIT 5000)`,
      [RETENTION_DAYS],
    );
  }

  private async run() {
    let backoff = 200;
    let lastCleanup = 0;
    while (this.running) {
      try {
        if (Date.now() - lastCleanup > CLEANUP_EVERY_MS) {
          lastCleanup = Date.now();
          await this.cleanup();
        }
        // While idle, a probe without a transaction; the claiming transaction only when there is work.
        const n = (await this.pending()) ? await this.publishBatch() : 0;
        backoff = 200;
        if (n === BATCH || this.dirty) {
          this.dirty = false;
          continue;
        }
        await this.sleep(this.config.outbox.pollMs);
      } catch (err) {
        this.logger.warn(`outbox relay paused ${backoff} ms: ${(err as Error).message}`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    // A shutdown that came while a batch was in flight has already called wake: without this
    // check the loop would then sleep a whole poll interval before it sees `running` is false.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
