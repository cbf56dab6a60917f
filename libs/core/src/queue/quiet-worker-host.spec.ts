import type { Worker } from 'bullmq';
import { WORKER_TIMING } from './queues';
import { QuietWorkerHost } from './quiet-worker-host';

class Probe extends QuietWorkerHost {
  constructor(opts: object) {
    super();
    (this as unknown as { _worker: Partial<Worker> })._worker = { opts } as Partial<Worker>;
  }
  async process(): Promise<void> {}
}

describe('QuietWorkerHost', () => {
  it('starts a processor that uses the shared stalled-job timing', () => {
    expect(() => new Probe({ ...WORKER_TIMING, concurrency: 4 }).onApplicationBootstrap()).not.toThrow();
  });

  it("refuses one left on BullMQ's defaults", () => {
    expect(() =>
      new Probe({
        lockDuration: 30_000,
        stalledInterval: 30_000,
        maxStalledCount: 1,
      }).onApplicationBootstrap(),
    ).toThrow(/Probe: spread WORKER_TIMING/);
  });
});
