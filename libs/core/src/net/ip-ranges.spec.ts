import { addressAllowed, classifyAddress, hostAllowed, parseAllowList, parseIp } from './ip-ranges';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a00:1::', 'private'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['100::1', 'reserved'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '100.128.0.1',
    '172.32.0.1',
    '169.255.0.1',
    '2400:3200::1',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (ip) => {
    expect(classifyAddress(ip)).toBe('public');
  });

  it('is null for what is not an IP', () => {
    expect(classifyAddress('localhost')).toBeNull();
    expect(classifyAddress('0x7f000001')).toBeNull();
    expect(classifyAddress('')).toBeNull();
  });

  it('reads every spelling the URL parser produces as the address it means', () => {
    for (const host of [
      '0x7f000001',
      '2130706433',
      '0177.0.0.1',
      '127.1',
      '0x7f.1',
      '%31%32%37.0.0.1',
      '①②⑦.0.0.1',
    ]) {
      expect(classifyAddress(new URL(`http://${host}/`).hostname)).toBe('loopback');
    }
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::127.0.0.1]', '[0:0:0:0:0:0:0:1]']) {
      expect(classifyAddress(new URL(`http://${host}/`).hostname)).toBe('loopback');
    }
    expect(classifyAddress(new URL('http://0/').hostname)).toBe('unspecified');
    expect(classifyAddress(new URL('http://[::]/').hostname)).toBe('unspecified');
    expect(classifyAddress(new URL('http://0xa9.254.169.254/').hostname)).toBe('link-local');
  });
});

describe('parseIp', () => {
  it('expands IPv6 with embedded IPv4', () => {
    expect(Array.from(parseIp('::ffff:1.2.3.4')!)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4,
    ]);
    expect(parseIp('1.2.3')).toBeNull();
  });
});

describe('allow-list', () => {
  const { entries, bad } = parseAllowList(
    ' 10.20.0.0/16, 127.0.0.1 ,his.hospital.local., *.yy.local, fd00::/8, nope!, 10.0.0.0/33',
  );

  it('parses hosts, suffixes, IPs and CIDR blocks, and names what it cannot parse', () => {
    expect(entries).toHaveLength(5);
    expect(bad).toEqual(['nope!', '10.0.0.0/33']);
  });

  it('matches addresses by block, including their IPv4-mapped forms', () => {
    expect(addressAllowed(entries, '10.20.3.4')).toBe(true);
    expect(addressAllowed(entries, '10.21.0.1')).toBe(false);
    expect(addressAllowed(entries, '127.0.0.1')).toBe(true);
    expect(addressAllowed(entries, '127.0.0.2')).toBe(false);
    expect(addressAllowed(entries, '::ffff:127.0.0.1')).toBe(true);
    expect(addressAllowed(entries, 'fd00::5')).toBe(true);
    expect(addressAllowed(entries, 'fe80::5')).toBe(false);
  });

  it('matches names exactly or under a suffix, whatever the case or a trailing dot', () => {
    expect(hostAllowed(entries, 'HIS.hospital.local.')).toBe(true);
    expect(hostAllowed(entries, 'x.his.hospital.local')).toBe(false);
    expect(hostAllowed(entries, 'pacs.yy.local')).toBe(true);
    expect(hostAllowed(entries, 'yy.local')).toBe(false);
    expect(hostAllowed(entries, 'evilyy.local')).toBe(false);
  });
});
