import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { WebhookChannel, WebhookDestinations } from '@yg/notifications';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import { addUser, createReferral } from './pipeline-helpers';
import { testConfig } from './utils/config';

/**
 * Webhook destinations: refused when saved if they point inside (every spelling of loopback,
 * private, link-local, metadata…), checked again at delivery, connected to only at the checked
 * address, and never redirected. The local receivers here live on 127.0.0.1, allow-listed for
 * the api and worker that deliver; a second api without the allow-list shows the refusals.
 */

interface Hit {
  server: 'receiver' | 'internal';
  path: string;
  host?: string;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('webhook destinations', () => {
  let db: TestDb;
  let api: TestApi;
  let strict: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let receiver: Server;
  let internal: Server;
  let port: number;
  let internalPort: number;
  const hits: Hit[] = [];
  const users = {} as Record<'ok' | 'redirect' | 'zero' | 'metadata', { id: string; username: string }>;

  const PREFS = `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { channels webhookUrl webhookSecret } }`;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      hits.push({ server: 'receiver', path: req.url ?? '', host: req.headers.host });
      req.resume();
      if (req.url === '/redirect') {
        res.writeHead(307, { location: `http://127.0.0.1:${internalPort}/secret` }).end();
      } else {
        res.writeHead(200).end();
      }
    });
    internal = createServer((req, res) => {
      hits.push({ server: 'internal', path: req.url ?? '' });
      req.resume();
      res.writeHead(200).end('internal data');
    });
    port = await listen(receiver);
    internalPort = await listen(internal);

    db = await createTestDb({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', DELIVERY_MAX_ATTEMPTS: '3' });
    t = await buildTenant(db.ds);
    const tag = t.tenantId.slice(0, 6);
    for (const k of ['ok', 'redirect', 'zero', 'metadata'] as const) {
      users[k] = await addUser(db.ds, t, `hook-${k}-${tag}`, t.inst.general, ['REFERRAL_COORDINATOR']);
    }
    api = await TestApi.start(db.config);
    strict = await TestApi.start(
      testConfig({ DB_NAME: db.name, QUEUE_PREFIX: db.config.queuePrefix, WEBHOOK_ALLOWED_HOSTS: '' }),
    );
    worker = await startWorker(db.config);
  });
  afterAll(async () => {
    await worker?.close();
    await strict?.close();
    await api?.close();
    await db?.drop();
    await new Promise((r) => receiver?.close(r));
    await new Promise((r) => internal?.close(r));
  });

  describe('when saved', () => {
    const bad = () => [
      `http://127.0.0.1:${port}/hook`,
      `http://localhost:${port}/hook`,
      'http://0x7f000001/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[::1]/',
      'http://0.0.0.0/',
      'http://0/',
      'http://[::]/',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://224.0.0.1/',
    ];

    it('refuses every internal destination with BAD_USER_INPUT and changes nothing', async () => {
      await db.ds.query(`UPDATE app_user SET phone = '13900000003' WHERE id = $1`, [t.users.admin.id]);
      const token = await strict.login(t.users.admin.username);
      expect((await strict.gql(PREFS, { i: { channels: ['SMS'] } }, token)).errors).toBeUndefined();
      const before = await db.ds.query(`SELECT * FROM notification_preference WHERE user_id = $1`, [
        t.users.admin.id,
      ]);
      for (const url of bad()) {
        const res = await strict.gql(PREFS, { i: { channels: ['WEBHOOK'], webhookUrl: url } }, token);
        expect({ url, code: errorCode(res) }).toEqual({ url, code: 'BAD_USER_INPUT' });
        expect(res.errors![0].message).toMatch(
          /内网.*may not go to (loopback|private|link-local|unique-local|multicast|unspecified) addresses/,
        );
        expect(res.errors![0].extensions).toMatchObject({ field: 'webhookUrl', reason: 'blocked' });
        expect(res.data).toBeNull();
      }
      expect(
        await db.ds.query(`SELECT * FROM notification_preference WHERE user_id = $1`, [t.users.admin.id]),
      ).toEqual(before);
    });

    it('refuses other schemes, credentials in the URL and junk, naming the reason', async () => {
      const token = await strict.login(t.users.admin.username);
      for (const [url, reason] of [
        ['ftp://example.org/hook', 'scheme'],
        ['file:///etc/passwd', 'scheme'],
        ['http://user:pass@example.org/', 'credentials'],
        ['not a url', 'invalid'],
      ]) {
        const res = await strict.gql(PREFS, { i: { channels: ['WEBHOOK'], webhookUrl: url } }, token);
        expect(errorCode(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0].extensions).toMatchObject({ field: 'webhookUrl', reason });
        expect(res.errors![0].message).toMatch(/[\u4e00-\u9fff].*\(.+\)/);
      }
    });

    it('accepts an allow-listed in-hospital receiver, stored in its normalised form', async () => {
      const token = await api.login(users.ok.username);
      const res = await api.gql(
        PREFS,
        { i: { channels: ['WEBHOOK'], webhookUrl: `http://127.0.0.1:${port}/hook` } },
        token,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateNotificationPreferences.webhookUrl).toBe(`http://127.0.0.1:${port}/hook`);
      const odd = await api.gql(
        PREFS,
        { i: { channels: ['WEBHOOK'], webhookUrl: `http://0x7f000001:${port}/hook` } },
        token,
      );
      expect(odd.data!.updateNotificationPreferences.webhookUrl).toBe(`http://127.0.0.1:${port}/hook`);
    });
  });

  describe('when delivered', () => {
    let referralId: string;

    async function delivery(user: { id: string }) {
      const [d] = await db.ds.query(
        `SELECT d.status, d.attempts, d.last_error FROM notification_delivery d
           JOIN notification n ON n.id = d.notification_id
          WHERE n.payload->>'referralId' = $1 AND n.recipient_user_id = $2`,
        [referralId, user.id],
      );
      return d as { status: string; attempts: number; last_error: string | null } | undefined;
    }

    beforeAll(async () => {
      const redirectToken = await api.login(users.redirect.username);
      const saved = await api.gql(
        PREFS,
        { i: { channels: ['WEBHOOK'], webhookUrl: `http://127.0.0.1:${port}/redirect` } },
        redirectToken,
      );
      expect(saved.errors).toBeUndefined();
      // Rows saved before destinations were checked (or whose names now resolve elsewhere).
      for (const [user, url] of [
        [users.zero, `http://0.0.0.0:${internalPort}/secret`],
        [users.metadata, 'http://169.254.169.254/latest/meta-data/'],
      ] as const) {
        await db.ds.query(
          `INSERT INTO notification_preference (user_id, tenant_id, channels, webhook_url, webhook_secret)
           VALUES ($1, $2, '{WEBHOOK}', $3, 'legacy-secret')`,
          [user.id, t.tenantId, url],
        );
      }
      const village = await api.login(t.users.villageClinician.username);
      const patientId = await registerPatient(api, village);
      referralId = (await createReferral(api, village, patientId, t.inst.general)).id;
      await eventually(async () => {
        const ds = await Promise.all([users.ok, users.redirect, users.zero, users.metadata].map(delivery));
        return ds.every((d) => d && d.status !== 'PENDING');
      }, 30_000);
    });

    it('posts to an allow-listed local receiver', async () => {
      expect(await delivery(users.ok)).toMatchObject({ status: 'SENT', attempts: 1 });
      expect(hits.filter((h) => h.server === 'receiver' && h.path === '/hook')).toHaveLength(1);
    });

    it('does not follow a redirect, and records the delivery failed at once', async () => {
      expect(await delivery(users.redirect)).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect((await delivery(users.redirect))!.last_error).toMatch(/redirect.*not followed/);
      expect(hits.filter((h) => h.server === 'receiver' && h.path === '/redirect')).toHaveLength(1);
      expect(hits.filter((h) => h.server === 'internal')).toEqual([]);
    });

    it('checks again at delivery: a stored internal address is refused without connecting', async () => {
      for (const u of [users.zero, users.metadata]) {
        const d = await delivery(u);
        expect(d).toMatchObject({ status: 'FAILED', attempts: 1 });
        expect(d!.last_error).toMatch(/may not go to (unspecified|link-local) addresses/);
      }
      expect(hits.filter((h) => h.server === 'internal')).toEqual([]);
    });
  });

  it('connects to the address it checked, not to a second DNS answer', async () => {
    // A name no DNS knows: the post can only succeed through the checked, pinned address.
    let lookups = 0;
    const destinations = new WebhookDestinations(db.config, async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    });
    const channel = new WebhookChannel(destinations);
    await channel.send(
      { userId: 'u', phone: null, webhookUrl: `http://receiver.invalid:${port}/pinned`, webhookSecret: 's' },
      {
        notificationId: 'n',
        kind: 'k',
        title: 't',
        body: null,
        link: null,
        createdAt: new Date().toISOString(),
      },
    );
    expect(lookups).toBe(1);
    expect(hits.filter((h) => h.path === '/pinned').map((h) => h.host)).toEqual([`receiver.invalid:${port}`]);
  });
});
