import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

const REFRESH_MS = 5 * 60_000;
const logger = new Logger('Schedulers');

/**
 * Registers a repeating job and registers it again every few minutes. Upserting is
 * idempotent across worker copies; repeating it restores a scheduler that Redis lost (a
 * restart without persistence), which would otherwise stay gone until a worker restarts.
 */
export async function keepScheduler(
  queue: Queue,
  id: string,
  everyMs: number,
  job: { name: string; data?: Record<string, unknown> },
): Promise<() => void> {
  const upsert = () =>
    queue
      .upsertJobScheduler(id, { every: everyMs }, { name: job.name, data: job.data ?? {} })
      .catch((err: Error) => logger.warn(`scheduler ${id} not registered yet: ${err.message}`));
  await upsert();
  const timer = setInterval(() => void upsert(), REFRESH_MS);
  timer.unref();
  return () => clearInterval(timer);
}
