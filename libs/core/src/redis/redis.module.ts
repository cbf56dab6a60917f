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
 * A general-purpose client for request paths: it fails fast while Redis is away
 * (no offline queue), because Redis only carries queues and fan-out, never business data.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(
          redisOptions(config, {
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            lazyConnect: false,
          }),
        ),
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
