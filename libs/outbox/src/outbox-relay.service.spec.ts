import type { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { AppConfig, Clock } from '@yg/core';
import { OutboxRelay } from './outbox-relay.service';

describe('OutboxRelay shutdown', () => {
  it('ends at once when it is stopped while a batch is in flight, not after the poll interval', async () => {
    let finishBatch!: (n: number) => void;
    let batchStarted!: () => void;
    const started = new Promise<void>((r) => (batchStarted = r));
    const dataSource = {
      query: async (sql: string) => (sql.includes('EXISTS') ? [{ pending: true }] : []),
      transaction: () => {
        batchStarted();
        return new Promise<number>((r) => (finishBatch = r));
      },
    } as unknown as DataSource;
    const config = {
      outbox: { pollMs: 10 * 60_000, reconcileAfterMs: 10 * 60_000 },
    } as unknown as AppConfig;
    const clock = { now: () => new Date() } as unknown as Clock;
    const relay = new OutboxRelay(dataSource, config, {} as ModuleRef, clock);

    await relay.onApplicationBootstrap();
    await started;
    const stopped = relay.onApplicationShutdown().then(() => 'stopped');
    finishBatch(0);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((r) => (timer = setTimeout(() => r('still sleeping'), 5000)));
    try {
      expect(await Promise.race([stopped, late])).toBe('stopped');
    } finally {
      clearTimeout(timer);
    }
  });
});
