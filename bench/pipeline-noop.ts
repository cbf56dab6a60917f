/**
 * The bare BullMQ floor under the event pipeline, run as its own process by bench/pipeline.ts:
 * BENCH_NOOP_JOBS jobs added in batches of 200 (as the outbox relay adds them, same job ids, same
 * payload size, the same default job options) to a queue that a worker with the events
 * processor's concurrency and timing drains doing nothing. Producer and consumer share the
 * process, as the relay and the processors share the worker. Prints one JSON line.
 *
 * BENCH_NOOP_SHAPE=pipeline keeps the pipeline's jobs and drops its work: per event, an event job
 * and a delayed timer job (the referral's response deadline, not due during the run) added in
 * batches of 200 to their own queues; each event job, when run, hands one delivery job to a relay
 * loop that adds them in batches of up to 200, as the outbox relay adds the rows the fan-out
 * wrote; the delivery queue's worker (the delivery processor's concurrency) does nothing. An event
 * is done when its delivery job is. Its rate is the ceiling of any worker code that keeps this
 * shape: a job per event, a timer per referral, a job per outside delivery.
 */
import { Queue, Worker } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, WORKER_TIMING } from '../libs/core/src/queue/queues';

const JOBS = Number(process.env.BENCH_NOOP_JOBS ?? 10_000);
const BATCH = 200;
const CONCURRENCY = 8;
const DELIVERY_CONCURRENCY = 4;
const TIMER_DELAY_MS = 3_600_000;

interface Connection {
  host: string;
  port: number;
  db: number;
  maxRetriesPerRequest: null;
}

/** One job per event, drained doing nothing. */
async function plain(connection: Connection, prefix: string, payload: unknown): Promise<void> {
  const name = `noop-${Date.now()}`;
  const queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const worker = new Worker(name, async () => undefined, {
    connection,
    prefix,
    concurrency: CONCURRENCY,
    ...WORKER_TIMING,
  });
  worker.on('completed', () => {
    if (++done === JOBS) finish();
  });
  await worker.waitUntilReady();
  await queue.waitUntilReady();
  await measure(async () => {
    for (let i = 0; i < JOBS; i += BATCH) {
      await queue.addBulk(
        Array.from({ length: Math.min(BATCH, JOBS - i) }, (_, k) => ({
          name: 'referral.submitted',
          data: { messageId: String(i + k + 1), payload },
          opts: { jobId: `ob-${i + k + 1}`, delay: 0 },
        })),
      );
    }
    await finished;
  });
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
}

/** The pipeline's jobs per event (event, timer, delivery), none of its work. */
async function pipelineShape(connection: Connection, prefix: string, payload: unknown): Promise<void> {
  const stamp = Date.now();
  const opts = { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS };
  const events = new Queue(`events-${stamp}`, opts);
  const timers = new Queue(`timers-${stamp}`, opts);
  const deliveries = new Queue(`deliveries-${stamp}`, opts);
  // The relay: delivery jobs handed over by event jobs, added in batches of up to 200.
  let pending: string[] = [];
  let relaying = false;
  let seq = JOBS * 2;
  const relay = async () => {
    if (relaying) return;
    relaying = true;
    while (pending.length) {
      const batch = pending.slice(0, BATCH);
      pending = pending.slice(batch.length);
      await deliveries.addBulk(
        batch.map((deliveryId) => ({
          name: 'notification.deliver',
          data: { messageId: String(++seq), payload: { deliveryId } },
          opts: { jobId: `ob-${seq}`, delay: 0 },
        })),
      );
    }
    relaying = false;
  };
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const eventWorker = new Worker(
    events.name,
    async (job) => {
      pending.push(`d-${job.id}`);
      void relay();
    },
    { connection, prefix, concurrency: CONCURRENCY, ...WORKER_TIMING },
  );
  const deliveryWorker = new Worker(deliveries.name, async () => undefined, {
    connection,
    prefix,
    concurrency: DELIVERY_CONCURRENCY,
    ...WORKER_TIMING,
  });
  deliveryWorker.on('completed', () => {
    if (++done === JOBS) finish();
  });
  await Promise.all([eventWorker.waitUntilReady(), deliveryWorker.waitUntilReady()]);
  await Promise.all([events.waitUntilReady(), timers.waitUntilReady(), deliveries.waitUntilReady()]);
  await measure(async () => {
    for (let i = 0; i < JOBS; i += BATCH) {
      const n = Math.min(BATCH, JOBS - i);
      await events.addBulk(
        Array.from({ length: n }, (_, k) => ({
          name: 'referral.submitted',
          data: { messageId: String(2 * (i + k) + 1), payload },
          opts: { jobId: `ob-${2 * (i + k) + 1}`, delay: 0 },
        })),
      );
      await timers.addBulk(
        Array.from({ length: n }, (_, k) => ({
          name: 'referral.response-due',
          data: { messageId: String(2 * (i + k) + 2), payload: { referralId: `r-${i + k}` } },
          opts: { jobId: `ob-${2 * (i + k) + 2}`, delay: TIMER_DELAY_MS },
        })),
      );
    }
    await finished;
  });
  await Promise.all([eventWorker.close(), deliveryWorker.close()]);
  for (const q of [events, timers, deliveries]) {
    await q.obliterate({ force: true });
    await q.close();
  }
}

/** Runs `work` and prints its rate and CPU per event (per job in the plain shape). */
async function measure(work: () => Promise<void>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  process.stdout.write(
    JSON.stringify({
      jobs: JOBS,
      ms,
      perSec: (JOBS / ms) * 1000,
      cpuUsPerJob: (cpu.user + cpu.system) / JOBS,
      rssMb,
    }) + '\n',
  );
}

async function main() {
  const connection: Connection = {
    host: process.env.REDIS_HOST ?? '127.0.0.1',
    port: Number(process.env.REDIS_PORT ?? 6379),
    db: Number(process.env.REDIS_DB ?? 0),
    maxRetriesPerRequest: null,
  };
  const prefix = process.env.QUEUE_PREFIX ?? 'ygbench-noop';
  const payload = JSON.parse(process.env.BENCH_NOOP_PAYLOAD ?? '{}') as unknown;
  if (process.env.BENCH_NOOP_SHAPE === 'pipeline') await pipelineShape(connection, prefix, payload);
  else await plain(connection, prefix, payload);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
