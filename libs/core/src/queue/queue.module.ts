import { DynamicModule, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue, RedisOptions as BullRedisOptions } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { redisOptions, requestPathRedisOptions } from '../redis/redis.module';
import { DEFAULT_JOB_OPTIONS, QUEUES } from './queues';

const QUEUE_NAMES = Object.values(QUEUES);

/**
 * BullMQ wiring. `producerOnly` (the api) makes enqueueing fail fast while Redis is down and
 * bounds each command while it does not answer; workers keep retrying for ever, as BullMQ
 * requires.
 */
@Module({})
export class QueueModule implements OnModuleInit {
  private readonly logger = new Logger('Queue');
  private lastWarned = 0;

  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  static forRoot(opts: { producerOnly: boolean }): DynamicModule {
    const bull = BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        prefix: config.queuePrefix,
        // ioredis types its retryStrategy as nullable; bullmq does not.
        connection: (opts.producerOnly
          ? requestPathRedisOptions(config)
          : redisOptions(config, { maxRetriesPerRequest: null })) as BullRedisOptions,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    });
    const queues = BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name })));
    return {
      module: QueueModule,
      global: true,
      imports: [bull, queues],
      exports: [BullModule],
    };
  }

  /** A Redis outage makes every queue report errors; log it, at most every 10 s, instead of crashing. */
  onModuleInit() {
    for (const name of QUEUE_NAMES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (err) => {
        const now = Date.now();
        if (now - this.lastWarned < 10_000) return;
        this.lastWarned = now;
        this.logger.warn(`queue ${name} cannot reach Redis: ${err.message}`);
      });
    }
  }
}
