import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig, redisOptions } from '@yg/core';

export type RateScope = 'address' | 'username';

export interface RateRefusal {
  scope: RateScope;
  limit: number;
  retryAfterSeconds: number;
}

/** A command waits at most this long on a Redis that does not answer. */
const COMMAND_TIMEOUT_MS = 300;
/** After Redis failed, counting stays local this long before Redis is tried again. */
const BACKOFF_MS = 5000;
const LOCAL_MAX_KEYS = 50_000;

// One fixed window per key: the first hit starts it. A key that somehow lost its expiry gets
// one again rather than counting for ever.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

type WithHit = Redis & { loginRateHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Login attempts per client address and per user name, in fixed windows counted in Redis so
 * the limits hold across api copies. When Redis fails or does not answer within
 * COMMAND_TIMEOUT_MS, each process counts on its own (the same limits per copy) instead of
 * refusing every login or letting every attempt through: losing Redis must not lock everyone
 * out, and the per-account lockout in Postgres still applies.
 */
@Injectable()
export class LoginRateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(LoginRateLimiter.name);
  private redis?: WithHit;
  private redisDownUntil = 0;
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private readonly windowMs: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.windowMs = config.auth.loginRate.windowSeconds * 1000;
  }

  /**
   * Counts one attempt against each key; the first limit it passes is returned. `namespace`
   * keeps user names of different account kinds apart.
   */
  async hit(address: string, username: string, namespace = 'user'): Promise<RateRefusal | null> {
    const { maxPerAddress, maxPerUsername } = this.config.auth.loginRate;
    const checks: { scope: RateScope; key: string; limit: number }[] = [
      { scope: 'address', key: `addr:${address}`, limit: maxPerAddress },
      { scope: 'username', key: `${namespace}:${username}`, limit: maxPerUsername },
    ];
    const counts = await this.count(checks.map((c) => `${this.config.queuePrefix}:login-rate:${c.key}`));
    for (let i = 0; i < checks.length; i++) {
      const [n, ttlMs] = counts[i];
      if (n > checks[i].limit) {
        return {
          scope: checks[i].scope,
          limit: checks[i].limit,
          retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
        };
      }
    }
    return null;
  }

  private async count(keys: string[]): Promise<[number, number][]> {
    if (Date.now() >= this.redisDownUntil) {
      try {
        const redis = this.client();
        return await Promise.all(keys.map((k) => redis.loginRateHit(k, this.windowMs)));
      } catch (err) {
        this.redisDownUntil = Date.now() + BACKOFF_MS;
        this.logger.warn(`login rate counted per process while Redis fails: ${(err as Error).message}`);
      }
    }
    return keys.map((k) => this.countLocally(k));
  }

  private countLocally(key: string): [number, number] {
    const now = Date.now();
    let e = this.local.get(key);
    if (!e || e.resetAt <= now) {
      if (this.local.size >= LOCAL_MAX_KEYS) {
        for (const [k, v] of this.local) if (v.resetAt <= now) this.local.delete(k);
        if (this.local.size >= LOCAL_MAX_KEYS) this.local.clear();
      }
      e = { count: 0, resetAt: now + this.windowMs };
      this.local.set(key, e);
    }
    e.count++;
    return [e.count, e.resetAt - now];
  }

  private client(): WithHit {
    if (!this.redis) {
      const redis = new Redis(
        redisOptions(this.config, {
          connectionName: 'login-rate',
          // Made on first use: the first commands wait for the connection (bounded by the timeout).
          maxRetriesPerRequest: 0,
          commandTimeout: COMMAND_TIMEOUT_MS,
        }),
      );
      redis.on('error', () => undefined);
      redis.defineCommand('loginRateHit', { numberOfKeys: 1, lua: HIT });
      this.redis = redis as WithHit;
    }
    return this.redis;
  }

  onApplicationShutdown() {
    this.redis?.disconnect();
  }
}
