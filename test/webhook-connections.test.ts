import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebhookChannel, WebhookDestinations } from '@yg/notifications';
import { testConfig } from './utils/config';

/**
 * Webhook deliveries reuse keep-alive connections per checked destination: one connection for
 * a run of posts to one receiver, a new one as soon as a check admits other addresses, a post
 * sent again on a new connection when the receiver closed the reused one first, and every
 * connection closed when the worker stops. The receivers listen on 127.0.0.1 and 127.0.0.2
 * (both loopback, allow-listed by range); a resolver stands in for DNS.
 */

const MESSAGE = {
  notificationId: 'n',
  kind: 'k',
  title: 't',
  body: null,
  link: null,
  createdAt: new Date(0).toISOString(),
};

interface Seen {
  path: string;
  local: string;
  connection: number;
}

describe('webhook connections', () => {
  let server: Server;
  let port: number;
  const seen: Seen[] = [];
  const sockets: Socket[] = [];
  /** Requests answered per connection (by its index in `sockets`). */
  const served = new Map<Socket, number>();
  /** Paths whose second request on a reused connection is cut off without an answer. */
  const cutReused = new Set<string>();
  let answer: string = '127.0.0.1';
  let channel: WebhookChannel;

  const send = (path: string) =>
    channel.send(
      { userId: 'u', phone: null, webhookUrl: `http://hooks.invalid:${port}${path}`, webhookSecret: 's' },
      MESSAGE,
    );

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const socket = req.socket;
      const n = served.get(socket) ?? 0;
      if (cutReused.has(req.url ?? '') && n > 0) {
        cutReused.delete(req.url ?? '');
        socket.destroy();
        return;
      }
      served.set(socket, n + 1);
      seen.push({
        path: req.url ?? '',
        local: socket.localAddress ?? '',
        connection: sockets.indexOf(socket),
      });
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    server.on('connection', (s: Socket) => sockets.push(s));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    port = (server.address() as AddressInfo).port;
    const destinations = new WebhookDestinations(
      testConfig({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.0/8' }),
      async () => [{ address: answer, family: 4 }],
    );
    channel = new WebhookChannel(destinations);
  });

  afterAll(async () => {
    channel.onModuleDestroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  beforeEach(() => {
    channel.onModuleDestroy();
    seen.length = 0;
    sockets.length = 0;
    served.clear();
    answer = '127.0.0.1';
  });

  it('sends a run of posts to one receiver over one connection', async () => {
    for (let i = 0; i < 5; i++) await send(`/run/${i}`);
    expect(seen.map((s) => s.path)).toEqual(['/run/0', '/run/1', '/run/2', '/run/3', '/run/4']);
    expect(sockets).toHaveLength(1);
    expect(new Set(seen.map((s) => s.connection))).toEqual(new Set([0]));
  });

  it('opens a new connection, to the new address, when the check admits other addresses', async () => {
    await send('/a');
    answer = '127.0.0.2';
    await send('/b');
    answer = '127.0.0.1';
    await send('/c');
    expect(seen.map((s) => [s.path, s.local])).toEqual([
      ['/a', '127.0.0.1'],
      ['/b', '127.0.0.2'],
      ['/c', '127.0.0.1'],
    ]);
    // /c reuses the pool of its own address set, never the socket of /b.
    expect(seen.map((s) => s.connection)).toEqual([0, 1, 0]);
  });

  it('posts again on a new connection when the receiver closed the reused one first', async () => {
    await send('/first');
    cutReused.add('/second');
    await send('/second');
    expect(seen.map((s) => s.path)).toEqual(['/first', '/second']);
    expect(sockets).toHaveLength(2);
    expect(seen[1].connection).toBe(1);
  });

  it('still fails a post whose new connection is refused (no endless retry)', async () => {
    await send('/up');
    const closed = port;
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
    try {
      await expect(send('/down')).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/);
    } finally {
      await new Promise<void>((r) => server.listen(closed, '0.0.0.0', r));
    }
  });

  it('closes every pooled connection when the worker stops', async () => {
    await send('/x');
    answer = '127.0.0.2';
    await send('/y');
    expect(sockets).toHaveLength(2);
    const closed = Promise.all(
      sockets.map((s) => new Promise((r) => (s.destroyed ? r(null) : s.once('close', r)))),
    );
    channel.onModuleDestroy();
    await closed;
    expect(sockets.every((s) => s.destroyed)).toBe(true);
  });
});
