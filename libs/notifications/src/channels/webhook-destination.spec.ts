import { loadConfig } from '@yg/core/config/app-config';
import {
  DestinationLookupFailed,
  DestinationRefused,
  Resolver,
  WebhookDestinations,
} from './webhook-destination';

const DNS: Record<string, string[]> = {
  'receiver.example.org': ['203.0.114.10'],
  'rebind.example.org': ['203.0.114.11', '127.0.0.1'],
  'metadata.example.org': ['169.254.169.254'],
  'his.hospital.local': ['10.8.0.5'],
  'bad.hospital.local': ['127.0.0.5', '10.8.0.6'],
  'v6.example.org': ['2400:3200::1', '::ffff:10.0.0.1'],
};

const fakeDns: Resolver = async (host) => {
  if (host === 'dns-down.example.org') throw Object.assign(new Error('timeout'), { code: 'EAI_AGAIN' });
  const found = DNS[host];
  if (!found) throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const PROD = {
  NODE_ENV: 'production',
  JWT_SECRET: 'p'.repeat(48),
  PATIENT_DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
  PATIENT_LOOKUP_KEY: Buffer.alloc(32, 2).toString('base64'),
  AUDIT_CHAIN_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
};

function policy(env: Record<string, string> = {}) {
  return new WebhookDestinations(loadConfig(env), fakeDns);
}

async function reasonOf(p: WebhookDestinations, url: string): Promise<string> {
  try {
    await p.check(url);
    return 'accepted';
  } catch (err) {
    if (err instanceof DestinationRefused) return err.reason;
    if (err instanceof DestinationLookupFailed) return 'lookup-failed';
    throw err;
  }
}

describe('WebhookDestinations', () => {
  const open = policy();

  it.each([
    'http://127.0.0.1/hook',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::1]/',
    'http://[::]/',
    'http://0.0.0.0/',
    'http://0/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.0.1/',
    'http://100.64.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://224.0.0.1/',
    'https://metadata.example.org/',
    'https://rebind.example.org/',
    'https://v6.example.org/',
  ])('refuses %s', async (url) => {
    expect(['blocked', 'unresolvable']).toContain(await reasonOf(open, url));
  });

  it('refuses a name if any of its addresses is internal, even when another is public', async () => {
    expect(await reasonOf(open, 'https://rebind.example.org/')).toBe('blocked');
  });

  it('refuses other schemes, credentials and junk', async () => {
    expect(await reasonOf(open, 'ftp://receiver.example.org/')).toBe('scheme');
    expect(await reasonOf(open, 'file:///etc/passwd')).toBe('scheme');
    expect(await reasonOf(open, 'https://u:p@receiver.example.org/')).toBe('credentials');
    expect(await reasonOf(open, 'not a url')).toBe('invalid');
    expect(await reasonOf(open, 'https://nowhere.example.org/')).toBe('unresolvable');
    expect(await reasonOf(open, 'https://dns-down.example.org/')).toBe('lookup-failed');
  });

  it('accepts a public receiver and hands back the checked addresses', async () => {
    const d = await open.check('https://receiver.example.org/hook?x=1');
    expect(d.url.href).toBe('https://receiver.example.org/hook?x=1');
    expect(d.addresses).toEqual([{ address: '203.0.114.10', family: 4 }]);
  });

  it('opens allow-listed addresses, blocks and names, each as far as documented', async () => {
    const p = policy({
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, 192.168.10.0/24, his.hospital.local, bad.hospital.local',
    });
    expect(await reasonOf(p, 'http://127.0.0.1:9000/')).toBe('accepted');
    expect(await reasonOf(p, 'http://[::ffff:127.0.0.1]:9000/')).toBe('accepted');
    expect(await reasonOf(p, 'http://127.0.0.2/')).toBe('blocked');
    expect(await reasonOf(p, 'http://192.168.10.7/')).toBe('accepted');
    expect(await reasonOf(p, 'http://192.168.11.7/')).toBe('blocked');
    expect(await reasonOf(p, 'http://his.hospital.local/')).toBe('accepted');
    // A name entry admits the hospital network, not the machine itself.
    expect(await reasonOf(p, 'http://bad.hospital.local/')).toBe('blocked');
  });

  it('requires https in production except for allow-listed receivers', async () => {
    const p = new WebhookDestinations(
      loadConfig({ ...PROD, WEBHOOK_ALLOWED_HOSTS: 'his.hospital.local' }),
      fakeDns,
    );
    expect(await reasonOf(p, 'http://receiver.example.org/')).toBe('https-required');
    expect(await reasonOf(p, 'http://8.8.8.8/')).toBe('https-required');
    expect(await reasonOf(p, 'https://receiver.example.org/')).toBe('accepted');
    expect(await reasonOf(p, 'http://his.hospital.local/')).toBe('accepted');
  });

  it('refuses a malformed allow-list at start-up, naming the variable', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/8, *bad*' })).toThrow(
      /WEBHOOK_ALLOWED_HOSTS.*\*bad\*/,
    );
  });
});
