import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig, requestPathRedisOptions } from '@yg/core';
import { ioChannelKey } from './rooms';

/**
 * Pushes to socket.io clients from any process (worker or api) through Redis, never by
 * holding sockets. Best effort: a push lost while Redis is away is recovered from the inbox.
 */
@Injectable()
export class RealtimeEmitter implements OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeEmitter.name);
  private readonly redis: Redis;
  private readonly emitter: Emitter;
  private lastWarned = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = new Redis(requestPathRedisOptions(config));
    this.redis.on('error', () => undefined);
    // The emitter calls publish() and drops the promise. With Redis away (no offline queue) or
    // stalled (command timeout) that promise rejects, and an unhandled rejection kills the process (the worker). Catch it here.
    const publisher = {
      publish: (channel: string, message: string | Buffer) =>
        this.redis.publish(channel, message).catch((err: Error) => {
          this.warnDropped(err);
          return 0;
        }),
    };
    this.emitter = new Emitter(publisher, { key: ioChannelKey(config.queuePrefix) });
  }

  emit(roomList: string[], event: string, data: unknown): void {
    if (!roomList.length) return;
    try {
      this.emitter.to(roomList).emit(event, data);
    } catch (err) {
      this.logger.warn(`push ${event} dropped: ${(err as Error).message}`);
    }
  }

  /** At most one warning every 10 s, so an outage does not flood the log. */
  private warnDropped(err: Error) {
    const now = Date.now();
    if (now - this.lastWarned < 10_000) return;
    this.lastWarned = now;
    this.logger.warn(`pushes dropped while Redis is unreachable: ${err.message}`);
  }

  onApplicationShutdown() {
    this.redis.disconnect();
  }
}
