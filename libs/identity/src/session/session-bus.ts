import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { APP_CONFIG, AppConfig, redisOptions } from '@yg/core';

/** Whose access changed: a tenant user or a platform operator. */
export interface SessionChange {
  kind: 'user' | 'operator';
  id: string;
}

/** A publish waits at most this long on a Redis that does not answer; the recheck interval covers a lost message. */
const PUBLISH_TIMEOUT_MS = 1000;

/**
 * Tells every api process at once that someone's access changed (Redis pub/sub). Best effort:
 * a message lost while Redis is away is made up for by each process re-reading session state
 * every SESSION_RECHECK_MS.
 */
@Injectable()
export class SessionBus implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionBus.name);
  private readonly channel: string;
  /** Own messages come back through the subscription; they were applied locally already. */
  private readonly origin = randomUUID();
  private pub?: Redis;
  private sub?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.channel = `${config.queuePrefix}:session-changes`;
  }

  /** Whether Redis took the message. */
  async publish(change: SessionChange): Promise<boolean> {
    // Made on first use: the first publish waits for the connection (bounded by the timeout).
    this.pub ??= this.client('pub', {
      maxRetriesPerRequest: 0,
      commandTimeout: PUBLISH_TIMEOUT_MS,
    });
    try {
      await this.pub.publish(this.channel, JSON.stringify({ ...change, origin: this.origin }));
      return true;
    } catch (err) {
      this.logger.warn(
        `session change of ${change.kind} ${change.id} not broadcast (other processes see it within SESSION_RECHECK_MS): ${(err as Error).message}`,
      );
      return false;
    }
  }

  /**
   * Calls `onChange` for each change published by another process, and `onGap` whenever the
   * subscription (re)starts, since messages sent while it was down are lost.
   */
  subscribe(onChange: (change: SessionChange) => void, onGap: () => void): void {
    if (this.sub) throw new Error('SessionBus: one subscriber per process');
    this.sub = this.client('sub', {});
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      try {
        const m = JSON.parse(raw) as SessionChange & { origin?: string };
        if (m.origin === this.origin) return;
        if ((m.kind === 'user' || m.kind === 'operator') && typeof m.id === 'string') {
          onChange({ kind: m.kind, id: m.id });
        }
      } catch {
        // not ours
      }
    });
    this.sub.on('ready', onGap);
    this.sub.on('close', onGap);
    this.sub
      .subscribe(this.channel)
      .catch((err: Error) => this.logger.warn(`not subscribed: ${err.message}`));
  }

  private client(role: string, extra: RedisOptions): Redis {
    const client = new Redis(redisOptions(this.config, { connectionName: `session-${role}`, ...extra }));
    client.on('error', () => undefined);
    return client;
  }

  onApplicationShutdown() {
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}
