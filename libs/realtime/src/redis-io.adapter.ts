import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig, redisOptions, requestPathRedisOptions } from '@yg/core';
import { ioChannelKey } from './rooms';

/** Whether a browser page served from `origin` may talk to the api (`CORS_ORIGINS`). */
export function originAllowed(allowed: (string | RegExp)[], origin: string): boolean {
  return allowed.some((a) => (typeof a === 'string' ? a === origin : a.test(origin)));
}

/** A page this api served itself (the console at /console): its Origin names the Host it asked. */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * How long an opened connection may wait before it asks for the namespace (the CONNECT a client
 * sends at once, with its token). socket.io's default is 45 s: connections opened and left
 * silent by an unauthenticated client piled up for that long, and 13,000 of them ended the api
 * for lack of heap.
 */
export const SOCKET_CONNECT_TIMEOUT_MS = 5000;

/**
 * socket.io across several api processes: rooms and emits go through Redis pub/sub. Browser
 * origins are decided here, for every gateway, from `CORS_ORIGINS` — whatever a gateway's own
 * options say: a listed origin gets CORS headers; a handshake from any other origin is refused
 * (also over websocket, where browsers do not apply CORS). Clients that send no Origin (apps,
 * servers) are not browsers and are let through to authenticate with their token. Pages the api
 * serves itself (same origin) need no listing.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly log = new Logger(RedisIoAdapter.name);
  private pub?: Redis;
  private sub?: Redis;
  /** The server this adapter made (one per api process), for metrics. */
  server?: Server;
  private lastWarned = 0;
  private lastWarnedFull = 0;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.config.corsOrigins;
    const server: Server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      connectTimeout: SOCKET_CONNECT_TIMEOUT_MS,
      cors: { origin: allowed, credentials: true },
      // Asked for new connections only (not for a session's later requests or its upgrade).
      allowRequest: (req, done) => {
        // Bounded before authentication: refused handshakes cost nothing kept.
        if (server.engine.clientsCount >= this.config.socketMaxConnections) {
          this.warnFull();
          return done('too many connections', false);
        }
        const origin = req.headers.origin;
        done(
          null,
          origin === undefined || sameOrigin(origin, req.headers.host) || originAllowed(allowed, origin),
        );
      },
    } as ServerOptions);
    // Socket handlers wait on the publishing side (presence asks every api process who is in a
    // room): bounded like any request path. The subscriber only listens, so it keeps the defaults.
    this.pub = new Redis(requestPathRedisOptions(this.config));
    // The adapter subscribes once, at start: with Redis away then, its subscriptions wait for it
    // (no retry limit) instead of failing for good after ~30 s.
    this.sub = new Redis(redisOptions(this.config, { maxRetriesPerRequest: null }));
    this.pub.on('error', () => undefined);
    this.sub.on('error', () => undefined);
    // It also drops the promises of its (un)subscriptions: still waiting when the api stops, they
    // reject with "Connection is closed", which must not become unhandled rejections either.
    for (const name of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const) {
      const call = this.sub[name].bind(this.sub) as (...args: unknown[]) => Promise<unknown>;
      (this.sub as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
        call(...args).catch((err: Error) => {
          this.warnDropped(err);
          return 0;
        });
    }
    // The adapter publishes and drops the promise; a rejection (Redis away or stalled) must not
    // become an unhandled rejection that ends the process. Pushes are best effort.
    const publish = this.pub.publish.bind(this.pub) as (
      channel: string,
      message: string | Buffer,
    ) => Promise<number>;
    (this.pub as unknown as { publish: typeof publish }).publish = (channel, message) =>
      publish(channel, message).catch((err: Error) => {
        this.warnDropped(err);
        return 0;
      });
    server.adapter(createAdapter(this.pub, this.sub, { key: ioChannelKey(this.config.queuePrefix) }));
    this.server = server;
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    this.pub?.disconnect();
    this.sub?.disconnect();
  }

  /** At most one warning a minute while connections are refused. */
  private warnFull() {
    const now = Date.now();
    if (now - this.lastWarnedFull < 60_000) return;
    this.lastWarnedFull = now;
    this.log.warn(
      `socket.io connections refused: ${this.config.socketMaxConnections} open (SOCKET_MAX_CONNECTIONS)`,
    );
  }

  /** At most one warning every 10 s, so an outage does not flood the log. */
  private warnDropped(err: Error) {
    const now = Date.now();
    if (now - this.lastWarned < 10_000) return;
    this.lastWarned = now;
    this.log.warn(`socket.io messages dropped while Redis is unreachable: ${err.message}`);
  }
}
