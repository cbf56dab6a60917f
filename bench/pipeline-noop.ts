/**
 * The bare BullMQ floor under the event pipeline, run as its own process by bench/pipeline.ts:
 * BENCH_NOOP_JOBS jobs added in batches of 200 (as the outbox relay adds them, same job ids, same
 * payload size, the same default job options) to a queue that a worker with the events
 * processor's concurrency and timing drains doing nothing. Producer and consumer share the
 * process, as the relay and the processors share the worker. Prints one JSON line.
 */
import { Queue, Worker } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, WORKER_TIMING } from '../libs/core/src/queue/queues';

const JOBS = Number(process.env.BENCH_NOOP_JOBS ?? 10_000);
const BATCH = 200;
const CONCURRENCY = 8;

async function main() {
  const connection = {
    host: process.env.REDIS_HOST ?? '127.0.0.1',
    port: Number(process.env.REDIS_PORT ?? 6379),
    db: Number(process.env.REDIS_DB ?? 0),
    maxRetriesPerRequest: null,
  };
  const prefix = process.env.QUEUE_PREFIX ?? 'ygbench-noop';
  const name = `noop-${Date.now()}`;
  const payload = JSON.parse(process.env.BENCH_NOOP_PAYLOAD ?? '{}') as unknown;
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
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
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
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

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
