import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AddressClass,
  addressAllowed,
  AllowEntry,
  APP_CONFIG,
  AppConfig,
  classifyAddress,
  hostAllowed,
  parseAllowList,
} from '@yg/core';

/** A webhook URL the server may post to, with the addresses it was checked against. */
export interface CheckedDestination {
  url: URL;
  /** Every address the host resolved to, each checked; connect only to these. */
  addresses: { address: string; family: 4 | 6 }[];
}

/** Why a URL was refused; the message is for the user who entered it. */
export class DestinationRefused extends Error {
  constructor(
    readonly reason: 'invalid' | 'scheme' | 'credentials' | 'blocked' | 'https-required' | 'unresolvable',
    message: string,
  ) {
    super(message);
  }
}

/** Name resolution failed in a way that may pass (a DNS outage); worth retrying a delivery. */
export class DestinationLookupFailed extends Error {}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
/** Replaces the system resolver (tests). */
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');

const LOOKUP_TIMEOUT_MS = 5000;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** Classes a host-name allow-list entry opens: the in-hospital network, nothing on the machine itself. */
const OPENED_BY_NAME = new Set<AddressClass>(['private', 'unique-local']);

/**
 * Where webhooks may go. A URL is parsed the way fetch would (WHATWG: `0x7f000001`, `127.1`,
 * `[::ffff:7f00:1]` all become the address they mean), its host resolved, and every address it
 * resolves to must be public unicast — or allow-listed (`WEBHOOK_ALLOWED_HOSTS`):
 * - an IP or CIDR entry admits those addresses, whatever they are;
 * - a host-name entry (`his.hospital.local`, `*.hospital.local`) lets that name resolve to
 *   private or unique-local addresses, but never to loopback, link-local or multicast.
 * In production plain http is accepted only for allow-listed receivers.
 */
@Injectable()
export class WebhookDestinations {
  private readonly allow: AllowEntry[];
  private readonly httpsRequired: boolean;

  private readonly resolver: Resolver;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(WEBHOOK_RESOLVER) resolver?: Resolver,
  ) {
    this.allow = parseAllowList(config.notifications.webhookAllowedHosts).entries;
    this.httpsRequired = config.isProduction;
    this.resolver = resolver ?? systemResolver;
  }

  /**
   * Checks a URL and resolves its host. Throws DestinationRefused for a URL that must not be
   * used, DestinationLookupFailed when the name cannot be resolved right now.
   */
  async check(raw: string): Promise<CheckedDestination> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DestinationRefused('invalid', '不是有效的网址 (not a valid URL)');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DestinationRefused(
        'scheme',
        '仅支持 http 或 https 地址 (only http and https URLs are allowed)',
      );
    }
    if (url.username || url.password) {
      throw new DestinationRefused(
        'credentials',
        '地址中不能包含用户名或密码 (the URL must not contain a user name or password)',
      );
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host) !== 0;
    const addresses = literal ? [{ address: host, family: isIP(host) }] : await this.resolve(host);
    const byName = !literal && hostAllowed(this.allow, host);
    let listed = true;
    for (const { address } of addresses) {
      const cls = classifyAddress(address) ?? 'reserved';
      const allowed =
        addressAllowed(this.allow, address) || (byName && (cls === 'public' || OPENED_BY_NAME.has(cls)));
      if (!allowed && cls !== 'public') {
        throw new DestinationRefused(
          'blocked',
          `不能发送到本机、内网或保留地址 (webhooks may not go to ${cls} addresses; ` +
            'an in-hospital receiver must be allow-listed by an administrator in WEBHOOK_ALLOWED_HOSTS)',
        );
      }
      listed &&= allowed;
    }
    if (this.httpsRequired && url.protocol === 'http:' && !listed) {
      throw new DestinationRefused(
        'https-required',
        '须使用 https 地址 (https is required, except for allow-listed in-hospital receivers)',
      );
    }
    return { url, addresses: addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })) };
  }

  private async resolve(host: string): Promise<{ address: string; family: number }[]> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const found = await Promise.race([
        this.resolver(host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new DestinationLookupFailed('DNS lookup timed out')),
            LOOKUP_TIMEOUT_MS,
          );
        }),
      ]);
      if (!found.length) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
      return found;
    } catch (err) {
      if (err instanceof DestinationLookupFailed) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        throw new DestinationRefused('unresolvable', '该主机名无法解析 (the host name does not resolve)');
      }
      throw new DestinationLookupFailed(`DNS lookup failed: ${code ?? (err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
