import { isIP } from 'node:net';

/**
 * What kind of address an IP is, for deciding whether the server may connect to it on a
 * user's behalf. Everything that is not plain global unicast gets a class of its own.
 */
export type AddressClass =
  | 'public'
  | 'private' // RFC 1918, and CGNAT 100.64.0.0/10
  | 'unique-local' // fc00::/7
  | 'loopback'
  | 'link-local' // 169.254.0.0/16 (cloud metadata), fe80::/10
  | 'multicast'
  | 'unspecified' // 0.0.0.0/8, ::
  | 'reserved'; // documentation, benchmarking, broadcast, future use, IPv6 outside 2000::/3

/** An IP as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/** Parses an IP written the way `dns.lookup` or the WHATWG URL parser prints it (brackets and zone allowed). */
export function parseIp(text: string): IpBytes | null {
  const s = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(s);
  if (family === 4) return Uint8Array.from(s.split('.').map(Number));
  if (family !== 6) return null;
  let head = s;
  let tail4: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    tail4 = dotted[1].split('.').map(Number);
    head = s.slice(0, dotted.index + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const words = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const l = words(left);
  const r = words(right);
  const all = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  if (dotted) bytes.set(tail4, 12);
  return bytes;
}

function inPrefix(b: IpBytes, base: IpBytes, bits: number): boolean {
  if (b.length !== base.length) return false;
  for (let i = 0; i < bits; i += 8) {
    const n = Math.min(8, bits - i);
    const mask = (0xff << (8 - n)) & 0xff;
    if ((b[i / 8] & mask) !== (base[i / 8] & mask)) return false;
  }
  return true;
}

const v4 = (cidr: string) => {
  const [ip, bits] = cidr.split('/');
  return { base: parseIp(ip)!, bits: Number(bits) };
};

const V4_RANGES: { base: IpBytes; bits: number; cls: AddressClass }[] = [
  { ...v4('0.0.0.0/8'), cls: 'unspecified' },
  { ...v4('10.0.0.0/8'), cls: 'private' },
  { ...v4('100.64.0.0/10'), cls: 'private' },
  { ...v4('127.0.0.0/8'), cls: 'loopback' },
  { ...v4('169.254.0.0/16'), cls: 'link-local' },
  { ...v4('172.16.0.0/12'), cls: 'private' },
  { ...v4('192.0.0.0/24'), cls: 'reserved' },
  { ...v4('192.0.2.0/24'), cls: 'reserved' },
  { ...v4('192.88.99.0/24'), cls: 'reserved' },
  { ...v4('192.168.0.0/16'), cls: 'private' },
  { ...v4('198.18.0.0/15'), cls: 'reserved' },
  { ...v4('198.51.100.0/24'), cls: 'reserved' },
  { ...v4('203.0.113.0/24'), cls: 'reserved' },
  { ...v4('224.0.0.0/4'), cls: 'multicast' },
  { ...v4('240.0.0.0/4'), cls: 'reserved' },
];

function classifyV4(b: IpBytes): AddressClass {
  return V4_RANGES.find((r) => inPrefix(b, r.base, r.bits))?.cls ?? 'public';
}

const v6 = (cidr: string) => {
  const [ip, bits] = cidr.split('/');
  return { base: parseIp(ip)!, bits: Number(bits) };
};
const ZERO_96 = v6('::/96');
const MAPPED = v6('::ffff:0:0/96');
const NAT64 = v6('64:ff9b::/96');
const SIX_TO_FOUR = v6('2002::/16');

/**
 * The IPv4 address an IPv6 address carries and routes to, if any: mapped (::ffff:a.b.c.d),
 * the deprecated compatible form (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
export function embeddedIpv4(b: IpBytes): IpBytes | null {
  if (b.length !== 16) return null;
  if (inPrefix(b, MAPPED.base, 96) || inPrefix(b, NAT64.base, 96)) return b.slice(12);
  if (inPrefix(b, ZERO_96.base, 96)) {
    const tail = b.slice(12);
    // :: and ::1 are IPv6's own unspecified and loopback, not IPv4-compatible addresses.
    return tail[0] === 0 && tail[1] === 0 && tail[2] === 0 && tail[3] <= 1 ? null : tail;
  }
  if (inPrefix(b, SIX_TO_FOUR.base, 16)) return b.slice(2, 6);
  return null;
}

const V6_RANGES: { base: IpBytes; bits: number; cls: AddressClass }[] = [
  { ...v6('::/128'), cls: 'unspecified' },
  { ...v6('::1/128'), cls: 'loopback' },
  { ...v6('fc00::/7'), cls: 'unique-local' },
  { ...v6('fe80::/10'), cls: 'link-local' },
  { ...v6('fec0::/10'), cls: 'private' }, // deprecated site-local
  { ...v6('ff00::/8'), cls: 'multicast' },
  { ...v6('2001::/32'), cls: 'reserved' }, // Teredo: tunnels to an address the server cannot judge
  { ...v6('2001:db8::/32'), cls: 'reserved' },
  { ...v6('3fff::/20'), cls: 'reserved' },
];
const GLOBAL_UNICAST = v6('2000::/3');

/** The class of an IP; `null` when the text is not an IP at all. */
export function classifyAddress(text: string): AddressClass | null {
  const b = parseIp(text);
  if (!b) return null;
  if (b.length === 4) return classifyV4(b);
  const inner = embeddedIpv4(b);
  if (inner) return classifyV4(inner);
  const hit = V6_RANGES.find((r) => inPrefix(b, r.base, r.bits));
  if (hit) return hit.cls;
  return inPrefix(b, GLOBAL_UNICAST.base, GLOBAL_UNICAST.bits) ? 'public' : 'reserved';
}

/** One entry of an address allow-list: a host name (optionally `*.suffix`), an IP or a CIDR block. */
export type AllowEntry =
  | { kind: 'host'; name: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'cidr'; base: IpBytes; bits: number };

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export function parseAllowEntry(raw: string): AllowEntry | null {
  const s = raw.trim().toLowerCase().replace(/\.$/, '');
  if (!s) return null;
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const base = parseIp(s.slice(0, slash));
    const bitsText = s.slice(slash + 1);
    const bits = Number(bitsText);
    if (!base || !/^\d{1,3}$/.test(bitsText) || bits > base.length * 8) return null;
    return { kind: 'cidr', base, bits };
  }
  const ip = parseIp(s);
  if (ip) return { kind: 'cidr', base: ip, bits: ip.length * 8 };
  if (s.startsWith('*.') && HOST_NAME.test(s.slice(2))) return { kind: 'suffix', suffix: s.slice(1) };
  return HOST_NAME.test(s) ? { kind: 'host', name: s } : null;
}

/** Parses a comma-separated allow-list; returns the entries that do not parse as `bad`. */
export function parseAllowList(text: string): { entries: AllowEntry[]; bad: string[] } {
  const entries: AllowEntry[] = [];
  const bad: string[] = [];
  for (const raw of text.split(',').filter((x) => x.trim())) {
    const e = parseAllowEntry(raw);
    if (e) entries.push(e);
    else bad.push(raw.trim());
  }
  return { entries, bad };
}

/** Whether an address falls in one of the allow-list's IP or CIDR entries (IPv4-mapped forms included). */
export function addressAllowed(entries: AllowEntry[], address: string): boolean {
  const b = parseIp(address);
  if (!b) return false;
  const inner = b.length === 16 ? embeddedIpv4(b) : null;
  return entries.some(
    (e) => e.kind === 'cidr' && (inPrefix(b, e.base, e.bits) || (!!inner && inPrefix(inner, e.base, e.bits))),
  );
}

/** Whether a host name is named by the allow-list (exactly, or under a `*.` suffix). */
export function hostAllowed(entries: AllowEntry[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return entries.some(
    (e) => (e.kind === 'host' && e.name === h) || (e.kind === 'suffix' && h.endsWith(e.suffix)),
  );
}
