import { createHmac } from 'node:crypto';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { NotificationChannel, OutsideMessage, PermanentDeliveryError, Recipient } from './channel';
import { CheckedDestination, DestinationRefused, WebhookDestinations } from './webhook-destination';

export const SIGNATURE_HEADER = 'x-yg-signature';
export const TIMESTAMP_HEADER = 'x-yg-timestamp';
const TIMEOUT_MS = 10_000;
/**
 * An idle pooled connection is closed after this long: below the 5 s keep-alive of Node's and
 * most servers' defaults, so the receiver rarely closes one just as a delivery reuses it.
 */
const IDLE_MS = 4_000;
/** Connections per destination (the delivery queue runs a few jobs at once per worker). */
const SOCKETS_PER_DESTINATION = 8;
/** Destinations whose connections are pooled; the least recently used beyond this are closed. */
const POOLED_DESTINATIONS = 256;

/** `sha256=<hex>` over `<timestamp>.<body>`, so a receiver can reject replays and forgeries. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for the socket that answers only with the addresses already checked, so the
 * connection goes where the check looked (no second DNS answer, no rebinding in between).
 */
function pinnedLookup(dest: CheckedDestination) {
  return (_host: string, options: LookupOneOptions & { all?: boolean }, cb: LookupCallback) => {
    const list = dest.addresses.filter((a) => !options.family || a.family === options.family);
    if (!list.length) {
      cb(Object.assign(new Error('no checked address of the requested family'), { code: 'ENOTFOUND' }), []);
      return;
    }
    if (options.all) cb(null, list);
    else cb(null, list[0].address, list[0].family);
  };
}

/**
 * Keep-alive connections, one pool per destination *as checked*: scheme, host name, port and
 * the exact set of addresses the check admitted. A connection is reused only while a fresh
 * check of the URL admits the same addresses, so it never reaches an address the latest check
 * did not pass; a changed DNS answer or allow-list gets a new pool (the old one ages out).
 */
class DestinationPools {
  private readonly pools = new Map<string, HttpAgent>();

  agentFor(dest: CheckedDestination): HttpAgent {
    const key = [
      dest.url.protocol,
      dest.url.hostname,
      dest.url.port,
      dest.addresses
        .map((a) => a.address)
        .sort()
        .join(','),
    ].join('|');
    let agent = this.pools.get(key);
    if (agent) {
      // Most recently used last: the map's first key is the one to close when full.
      this.pools.delete(key);
    } else {
      const options = {
        keepAlive: true,
        maxSockets: SOCKETS_PER_DESTINATION,
        timeout: IDLE_MS,
        scheduling: 'lifo' as const,
      };
      agent = dest.url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
      if (this.pools.size >= POOLED_DESTINATIONS) {
        const [oldest] = this.pools.keys();
        this.pools.get(oldest)?.destroy();
        this.pools.delete(oldest);
      }
    }
    this.pools.set(key, agent);
    return agent;
  }

  closeAll() {
    for (const agent of this.pools.values()) agent.destroy();
    this.pools.clear();
  }
}

@Injectable()
export class WebhookChannel implements NotificationChannel, OnModuleDestroy {
  readonly name = 'WEBHOOK' as const;
  private readonly pools = new DestinationPools();

  constructor(private readonly destinations: WebhookDestinations) {}

  onModuleDestroy() {
    this.pools.closeAll();
  }

  async send(to: Recipient, m: OutsideMessage): Promise<void> {
    if (!to.webhookUrl || !to.webhookSecret) {
      throw new PermanentDeliveryError('未配置 Webhook 地址 (no webhook URL configured)');
    }
    // Checked again at every delivery: the allow-list or the name's DNS answer may have changed.
    let dest: CheckedDestination;
    try {
      dest = await this.destinations.check(to.webhookUrl);
    } catch (err) {
      // A name that does not resolve may come back; anything else will not fix itself.
      if (err instanceof DestinationRefused && err.reason !== 'unresolvable') {
        throw new PermanentDeliveryError(err.message);
      }
      throw err;
    }
    const body = JSON.stringify({ type: 'notification', notification: m });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      [SIGNATURE_HEADER]: signWebhook(to.webhookSecret, timestamp, body),
      [TIMESTAMP_HEADER]: timestamp,
    };
    const agent = this.pools.agentFor(dest);
    let res: IncomingMessage;
    try {
      res = await post(dest, agent, body, headers);
    } catch (err) {
      // The receiver closed a pooled connection just as it was reused: nothing reached it, so
      // the post goes once more on a new connection instead of waiting for a retry.
      if (!(err instanceof StaleConnection)) throw err;
      res = await post(dest, agent, body, headers);
    }
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400) {
      // Following it would send the signed body to an address nobody checked.
      throw new PermanentDeliveryError(
        `webhook answered a redirect (HTTP ${status}); redirects are not followed`,
      );
    }
    if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
  }
}

/** A reused keep-alive connection was reset or closed before any answer came. */
class StaleConnection extends Error {}

/**
 * One POST to a checked address, over a pooled connection of that destination or a new one;
 * the answer's body is read to the end (so the connection can be reused) and discarded.
 */
function post(
  dest: CheckedDestination,
  agent: HttpAgent,
  body: string,
  headers: Record<string, string>,
): Promise<IncomingMessage> {
  const request = dest.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      dest.url,
      {
        method: 'POST',
        headers,
        agent,
        lookup: pinnedLookup(dest) as never, // node's overloaded lookup type; the shape above is what net calls
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
      (res) => {
        answered = true;
        res.resume();
        res.once('end', () => resolve(res));
        res.once('error', reject);
      },
    );
    req.once('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      reject(stale ? new StaleConnection(err.message) : err);
    });
    req.end(body);
  });
}
