import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

export const REDIS = Symbol('REDIS');
export const InjectRedis = () => Inject(REDIS);

export function redisOptions(config: AppConfig, extra: RedisOptions = {}): RedisOptions {
  return {
    host: config.redis.host,
    port: config.redis.port,
    password: config.redis.password,
    db: config.redis.db,
    // Reconnect after failover or restart instead of staying stuck on a read-only replica.
    reconnectOnError: (err) => (/READONLY|LOADING/.test(err.message) ? 2 : false),
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...extra,
  };
}

/**
 * Options for every connection a request (or a socket message) can wait on. Redis carries only
 * queues and fan-out, never business data, so a command there must never hold an answer:
 * - no offline queue: while the connection is down a command fails at once;
 * - a command timeout: a Redis that stopped answering (a stalled server, a network black
 *   hole) leaves the socket open, so only a timeout ends the wait.
 * Not for BullMQ workers, whose blocking reads are meant to wait.
 */
export function requestPathRedisOptions(config: AppConfig, extra: RedisOptions = {}): RedisOptions {
  return redisOptions(config, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.redis.commandTimeoutMs,
    ...extra,
  });
}

/** A general-purpose client for request paths: fails fast and never waits unbounded. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new Redis(requestPathRedisOptions(config, { lazyConnect: false })),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationShutdown() {
    this.redis.disconnect();
  }
}
