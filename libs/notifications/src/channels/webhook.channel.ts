import { createHmac } from 'node:crypto';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable } from '@nestjs/common';
import { NotificationChannel, OutsideMessage, PermanentDeliveryError, Recipient } from './channel';
import { CheckedDestination, DestinationRefused, WebhookDestinations } from './webhook-destination';

export const SIGNATURE_HEADER = 'x-yg-signature';
export const TIMESTAMP_HEADER = 'x-yg-timestamp';
const TIMEOUT_MS = 10_000;

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

@Injectable()
export class WebhookChannel implements NotificationChannel {
  readonly name = 'WEBHOOK' as const;

  constructor(private readonly destinations: WebhookDestinations) {}

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
    const res = await post(dest, body, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      [SIGNATURE_HEADER]: signWebhook(to.webhookSecret, timestamp, body),
      [TIMESTAMP_HEADER]: timestamp,
    });
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

/** One POST over a fresh connection to a checked address; the answer's body is discarded. */
function post(
  dest: CheckedDestination,
  body: string,
  headers: Record<string, string>,
): Promise<IncomingMessage> {
  const request = dest.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      dest.url,
      {
        method: 'POST',
        headers,
        agent: false,
        lookup: pinnedLookup(dest) as never, // node's overloaded lookup type; the shape above is what net calls
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}
