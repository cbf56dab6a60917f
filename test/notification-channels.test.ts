import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { QUEUES } from '@yg/core';
import { DomainEvent, EventBus } from '@yg/outbox';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import { addUser, countBy, createReferral, queueOf, sleep } from './pipeline-helpers';

/**
 * Outside channels (SMS through a recorded gateway, signed webhooks to a local receiver),
 * the inbox API, and redelivered events. Every referral goes village clinic → general
 * hospital, so each of the general hospital's coordinators gets one notification per event.
 */

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  status: number;
}

interface DeliveryRow {
  id: string;
  channel: string;
  status: string;
  attempts: number;
  last_error: string | null;
  notification_id: string;
  recipient_user_id: string;
}

type User = { id: string; username: string };

/** The receiver's own check, written from the documented scheme rather than the sender's code. */
function signatureValid(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const ts = headers['x-yg-timestamp'];
  const sig = headers['x-yg-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string') return false;
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`,
  );
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe('notifications: outside channels, inbox and redelivery', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let receiver: Server;
  let baseUrl: string;
  const hits: Hit[] = [];
  const flakyFailures = new Map<string, number>();
  const sms: { phone: string; text: string }[] = [];
  const SMS_PHONE = '13912345678';
  const users = {} as Record<'sms' | 'noPhone' | 'hookOk' | 'hookFlaky' | 'hookDown', User>;
  const secrets = {} as Record<'hookOk' | 'hookFlaky' | 'hookDown', string>;
  let village: string;
  let patientId: string;
  let first: { id: string; number: string };

  async function deliveriesOf(referralId: string): Promise<DeliveryRow[]> {
    return db.ds.query(
      `SELECT d.id, d.channel, d.status, d.attempts, d.last_error, d.notification_id, n.recipient_user_id
         FROM notification_delivery d JOIN notification n ON n.id = d.notification_id
        WHERE n.payload->>'referralId' = $1`,
      [referralId],
    );
  }

  async function deliveryOf(referralId: string, user: User): Promise<DeliveryRow> {
    const d = (await deliveriesOf(referralId)).find((x) => x.recipient_user_id === user.id);
    if (!d) throw new Error(`no delivery for ${user.username}`);
    return d;
  }

  async function notificationOf(referralId: string, user: User): Promise<{ id: string; title: string }> {
    const [n] = await db.ds.query(
      `SELECT id, title FROM notification WHERE payload->>'referralId' = $1 AND recipient_user_id = $2`,
      [referralId, user.id],
    );
    return n;
  }

  /** Waits until every outside delivery of the referral has an outcome. */
  async function settled(referralId: string, expected: number): Promise<DeliveryRow[]> {
    return eventually(async () => {
      const rows = await deliveriesOf(referralId);
      return rows.length === expected && rows.every((r) => r.status !== 'PENDING') ? rows : null;
    }, 30_000);
  }

  async function deliveryJob(deliveryId: string) {
    const [row] = await db.ds.query(
      `SELECT id::text FROM outbox_message WHERE queue = 'deliveries' AND payload->>'deliveryId' = $1`,
      [deliveryId],
    );
    return queueOf(worker, QUEUES.DELIVERIES).getJob(`ob-${row.id}`);
  }

  async function setPreferences(user: User, input: Record<string, unknown>) {
    const token = await api.login(user.username);
    return api.gql(
      `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { channels webhookUrl webhookSecret } }`,
      { i: input },
      token,
    );
  }

  const hooksFor = (user: 'hookOk' | 'hookFlaky' | 'hookDown', notificationId: string) =>
    hits.filter(
      (h) => h.path === `/${user}` && JSON.parse(h.body).notification.notificationId === notificationId,
    );

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const path = req.url ?? '';
        let status = 200;
        if (path === '/hookDown') status = 500;
        if (path === '/hookFlaky') {
          const id = JSON.parse(body).notification.notificationId as string;
          const failures = flakyFailures.get(id) ?? 0;
          if (failures < 2) {
            flakyFailures.set(id, failures + 1);
            status = 503;
          }
        }
        hits.push({ path, headers: req.headers, body, at: Date.now(), status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    // The local receiver is on loopback, which webhooks may reach only when allow-listed.
    db = await createTestDb({ DELIVERY_MAX_ATTEMPTS: '3', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    t = await buildTenant(db.ds);
    const tag = t.tenantId.slice(0, 6);
    users.sms = await addUser(db.ds, t, `sms-${tag}`, t.inst.general, ['REFERRAL_COORDINATOR'], SMS_PHONE);
    users.noPhone = await addUser(
      db.ds,
      t,
      `nophone-${tag}`,
      t.inst.general,
      ['REFERRAL_COORDINATOR'],
      '13900000001',
    );
    users.hookOk = await addUser(db.ds, t, `hookok-${tag}`, t.inst.general, ['REFERRAL_COORDINATOR']);
    users.hookFlaky = await addUser(db.ds, t, `hookflaky-${tag}`, t.inst.general, ['REFERRAL_COORDINATOR']);
    users.hookDown = await addUser(db.ds, t, `hookdown-${tag}`, t.inst.general, ['REFERRAL_COORDINATOR']);
    api = await TestApi.start(db.config);
    worker = await startWorker(db.config, {
      smsGateway: {
        send: async (phone, text) => {
          sms.push({ phone, text });
        },
      },
    });
    for (const u of ['sms', 'noPhone'] as const) {
      expect((await setPreferences(users[u], { channels: ['SMS'] })).errors).toBeUndefined();
    }
    // Its number removed by an admin after SMS was chosen.
    await db.ds.query(`UPDATE app_user SET phone = NULL WHERE id = $1`, [users.noPhone.id]);
    for (const u of ['hookOk', 'hookFlaky', 'hookDown'] as const) {
      const res = await setPreferences(users[u], { channels: ['WEBHOOK'], webhookUrl: `${baseUrl}/${u}` });
      secrets[u] = res.data!.updateNotificationPreferences.webhookSecret;
      expect(secrets[u]).toEqual(expect.any(String));
    }
    village = await api.login(t.users.villageClinician.username);
    patientId = await registerPatient(api, village);
    first = await createReferral(api, village, patientId, t.inst.general);
    await settled(first.id, 5);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
    await new Promise((r) => receiver?.close(r));
  });

  describe('outside channels', () => {
    it('creates outside deliveries only for users who chose a channel', async () => {
      const rows = await deliveriesOf(first.id);
      expect(rows.map((r) => `${r.recipient_user_id}:${r.channel}`).sort()).toEqual(
        [
          `${users.sms.id}:SMS`,
          `${users.noPhone.id}:SMS`,
          `${users.hookOk.id}:WEBHOOK`,
          `${users.hookFlaky.id}:WEBHOOK`,
          `${users.hookDown.id}:WEBHOOK`,
        ].sort(),
      );
      // The plain coordinator still has the inbox entry.
      expect(await notificationOf(first.id, t.users.coordinator)).toBeDefined();
    });

    it('sends exactly one SMS per notification to a user who chose SMS, even when the job is delivered again', async () => {
      const n1 = await notificationOf(first.id, users.sms);
      expect(sms.filter((s) => s.phone === SMS_PHONE)).toEqual([
        { phone: SMS_PHONE, text: `【医共体】${n1.title}` },
      ]);
      const d1 = await deliveryOf(first.id, users.sms);
      expect(d1).toMatchObject({ status: 'SENT', attempts: 1, last_error: null });

      const second = await createReferral(api, village, patientId, t.inst.general);
      await settled(second.id, 5);
      const n2 = await notificationOf(second.id, users.sms);
      expect(sms.filter((s) => s.phone === SMS_PHONE).map((s) => s.text)).toEqual([
        `【医共体】${n1.title}`,
        `【医共体】${n2.title}`,
      ]);

      // BullMQ delivers at least once: the same delivery job again sends nothing.
      const replay = await queueOf(worker, QUEUES.DELIVERIES).add('notification.deliver', {
        messageId: 'replay',
        payload: { deliveryId: d1.id },
      });
      await eventually(async () => (await replay.getState()) === 'completed');
      expect(sms.filter((s) => s.phone === SMS_PHONE)).toHaveLength(2);
      expect(await deliveryOf(first.id, users.sms)).toMatchObject({ status: 'SENT', attempts: 1 });
    });

    it('says where SMS goes (masked), and refuses SMS to a user with no number on record, changing nothing', async () => {
      const PREFS = `{ notificationPreferences { channels smsTo } }`;
      const smsToken = await api.login(users.sms.username);
      expect((await api.gql(PREFS, {}, smsToken)).data!.notificationPreferences).toEqual({
        channels: ['SMS'],
        smsTo: '139****5678',
      });
      const refused = await setPreferences(users.hookOk, {
        channels: ['SMS', 'WEBHOOK'],
        webhookUrl: `${baseUrl}/hookOk`,
      });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].message).toMatch(/未登记手机号.*\(no mobile number on record/);
      const hookToken = await api.login(users.hookOk.username);
      expect((await api.gql(PREFS, {}, hookToken)).data!.notificationPreferences).toEqual({
        channels: ['WEBHOOK'],
        smsTo: null,
      });
    });

    it('records FAILED at once, without retrying, when the SMS user has no phone number', async () => {
      const d = await deliveryOf(first.id, users.noPhone);
      expect(d.status).toBe('FAILED');
      expect(d.attempts).toBe(1);
      expect(d.last_error).toMatch(/phone/);
      const job = (await deliveryJob(d.id))!;
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.opts.attempts).toBe(3);
    });

    it('signs each webhook post so the receiver can verify it with the secret shown once and the timestamp', async () => {
      const n = await notificationOf(first.id, users.hookOk);
      const got = hooksFor('hookOk', n.id);
      expect(got).toHaveLength(1);
      const [hit] = got;
      expect(hit.headers['content-type']).toMatch(/application\/json/);
      expect(signatureValid(secrets.hookOk, hit.headers, hit.body)).toBe(true);
      // Another user's secret, or a tampered body, does not verify.
      expect(signatureValid(secrets.hookDown, hit.headers, hit.body)).toBe(false);
      expect(signatureValid(secrets.hookOk, hit.headers, hit.body.replace('referral', 'Referral'))).toBe(
        false,
      );
      const ts = Number(hit.headers['x-yg-timestamp']);
      expect(Math.abs(ts - hit.at / 1000)).toBeLessThan(300);
      const body = JSON.parse(hit.body);
      expect(body).toEqual({
        type: 'notification',
        notification: expect.objectContaining({
          notificationId: n.id,
          kind: 'referral.submitted',
          title: n.title,
        }),
      });
      expect(await deliveryOf(first.id, users.hookOk)).toMatchObject({ status: 'SENT', attempts: 1 });
      // The secret is not shown again.
      const token = await api.login(users.hookOk.username);
      const prefs = await api.gql(
        `{ notificationPreferences { channels webhookUrl webhookSecret } }`,
        {},
        token,
      );
      expect(prefs.data!.notificationPreferences).toEqual({
        channels: ['WEBHOOK'],
        webhookUrl: `${baseUrl}/hookOk`,
        webhookSecret: null,
      });
    });

    it('retries a failing webhook with growing gaps and delivers the message once when it recovers', async () => {
      const n = await notificationOf(first.id, users.hookFlaky);
      const got = hooksFor('hookFlaky', n.id);
      expect(got.map((h) => h.status)).toEqual([503, 503, 200]);
      expect(got.every((h) => signatureValid(secrets.hookFlaky, h.headers, h.body))).toBe(true);
      const gap1 = got[1].at - got[0].at;
      const gap2 = got[2].at - got[1].at;
      expect(gap1).toBeGreaterThan(0);
      expect(gap2).toBeGreaterThan(gap1);
      expect(await deliveryOf(first.id, users.hookFlaky)).toMatchObject({
        status: 'SENT',
        attempts: 3,
        last_error: null,
      });
    });

    it('gives up after DELIVERY_MAX_ATTEMPTS and records FAILED with the last error', async () => {
      const d = await deliveryOf(first.id, users.hookDown);
      expect(d).toMatchObject({ status: 'FAILED', attempts: 3, last_error: 'webhook answered HTTP 500' });
      const job = (await deliveryJob(d.id))!;
      await eventually(async () => (await job.getState()) === 'failed');
      const n = await notificationOf(first.id, users.hookDown);
      expect(hooksFor('hookDown', n.id).map((h) => h.status)).toEqual([500, 500, 500]);
    });
  });

  describe('inbox API', () => {
    let coord: string;
    const later: string[] = [];
    beforeAll(async () => {
      coord = await api.login(t.users.coordinator.username);
      // One at a time, each seen in the inbox before the next, so "newest" is well defined.
      for (let i = 0; i < 3; i++) {
        const r = await createReferral(api, village, patientId, t.inst.general);
        await eventually(async () => notificationOf(r.id, t.users.coordinator));
        later.push(r.id);
      }
    });

    const page = (args: string) =>
      api.gql(
        `{ notifications(${args}) { unreadCount pageInfo { hasNextPage endCursor } nodes { id kind link createdAt readAt payload } } }`,
        {},
        coord,
      );

    it('lists my notifications newest first, page by page, with the unread count', async () => {
      const [{ total }] = await db.ds.query(
        `SELECT count(*)::int AS total FROM notification WHERE recipient_user_id = $1`,
        [t.users.coordinator.id],
      );
      const p1 = (await page('first: 2')).data!.notifications;
      expect(p1.unreadCount).toBe(total);
      expect(p1.nodes.map((n: { payload: { referralId: string } }) => n.payload.referralId)).toEqual([
        later[2],
        later[1],
      ]);
      expect(p1.pageInfo.hasNextPage).toBe(true);
      const seen = [...p1.nodes];
      let cursor = p1.pageInfo.endCursor;
      for (;;) {
        const p = (await page(`first: 2, after: "${cursor}"`)).data!.notifications;
        seen.push(...p.nodes);
        if (!p.pageInfo.hasNextPage) break;
        cursor = p.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((n) => n.id)).size).toBe(total);
      expect(seen[2].payload.referralId).toBe(later[0]);
      const times = seen.map((n) => Date.parse(n.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(seen.every((n) => n.kind === 'referral.submitted' && n.readAt === null)).toBe(true);
    });

    it('marks only my own notifications read: another user’s id is ignored', async () => {
      const before = (await page('first: 100')).data!.notifications;
      const mine = before.nodes[0].id;
      const theirs = (await notificationOf(later[0], users.sms)).id;
      const res = await api.gql(
        `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`,
        { ids: [mine, theirs] },
        coord,
      );
      expect(res.data!.markNotificationsRead).toBe(1);
      const [{ read_at }] = await db.ds.query(`SELECT read_at FROM notification WHERE id = $1`, [theirs]);
      expect(read_at).toBeNull();

      const unread = (await page('unreadOnly: true, first: 100')).data!.notifications;
      expect(unread.unreadCount).toBe(before.unreadCount - 1);
      expect(unread.nodes.map((n: { id: string }) => n.id)).not.toContain(mine);
      expect(unread.nodes).toHaveLength(before.unreadCount - 1);
      const again = await api.gql(
        `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`,
        { ids: [mine] },
        coord,
      );
      expect(again.data!.markNotificationsRead).toBe(0);
    });

    it('marks everything of mine read with all: true and leaves other users’ inboxes alone', async () => {
      const othersUnread = async () =>
        (
          await db.ds.query(
            `SELECT count(*)::int AS n FROM notification WHERE recipient_user_id <> $1 AND read_at IS NULL`,
            [t.users.coordinator.id],
          )
        )[0].n;
      const others = await othersUnread();
      const before = (await page('first: 1')).data!.notifications.unreadCount;
      const res = await api.gql(`mutation { markNotificationsRead(all: true) }`, {}, coord);
      expect(res.data!.markNotificationsRead).toBe(before);
      const after = (await page('unreadOnly: true')).data!.notifications;
      expect(after.unreadCount).toBe(0);
      expect(after.nodes).toEqual([]);
      expect(await othersUnread()).toBe(others);
    });

    it('refuses a mark-read with neither ids nor all: BAD_USER_INPUT', async () => {
      expect(errorCode(await api.gql(`mutation { markNotificationsRead }`, {}, coord))).toBe(
        'BAD_USER_INPUT',
      );
      expect(errorCode(await api.gql(`mutation { markNotificationsRead(ids: []) }`, {}, coord))).toBe(
        'BAD_USER_INPUT',
      );
    });

    it('round-trips channel preferences, and refuses WEBHOOK without a URL', async () => {
      const admin = t.users.admin;
      // SMS needs a number on record.
      await db.ds.query(`UPDATE app_user SET phone = '13900000002' WHERE id = $1`, [admin.id]);
      const token = await api.login(admin.username);
      const read = async () =>
        (await api.gql(`{ notificationPreferences { channels webhookUrl webhookSecret } }`, {}, token)).data!
          .notificationPreferences;
      expect(await read()).toEqual({ channels: [], webhookUrl: null, webhookSecret: null });
      const sms = await setPreferences(admin, { channels: ['SMS'] });
      expect(sms.data!.updateNotificationPreferences).toEqual({
        channels: ['SMS'],
        webhookUrl: null,
        webhookSecret: null,
      });
      expect(await read()).toEqual({ channels: ['SMS'], webhookUrl: null, webhookSecret: null });

      const refused = await setPreferences(admin, { channels: ['WEBHOOK'] });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(await read()).toEqual({ channels: ['SMS'], webhookUrl: null, webhookSecret: null });

      const url = `${baseUrl}/admin`;
      const withHook = (await setPreferences(admin, { channels: ['SMS', 'WEBHOOK'], webhookUrl: url })).data!
        .updateNotificationPreferences;
      expect(withHook.channels).toEqual(['SMS', 'WEBHOOK']);
      expect(withHook.webhookSecret).toEqual(expect.stringMatching(/^.{24,}$/));
      expect(await read()).toEqual({ channels: ['SMS', 'WEBHOOK'], webhookUrl: url, webhookSecret: null });
      // Same address: same secret, not shown again. A new address: a new secret.
      const same = (await setPreferences(admin, { channels: ['WEBHOOK'], webhookUrl: url })).data!
        .updateNotificationPreferences;
      expect(same.webhookSecret).toBeNull();
      const moved = (await setPreferences(admin, { channels: ['WEBHOOK'], webhookUrl: `${url}/v2` })).data!
        .updateNotificationPreferences;
      expect(moved.webhookSecret).toEqual(expect.any(String));
      expect(moved.webhookSecret).not.toBe(withHook.webhookSecret);
      // Back to no outside channel, so later deliveries do not include this user.
      expect((await setPreferences(admin, { channels: [] })).errors).toBeUndefined();
    });

    it('drops the webhook address and its signing secret when WEBHOOK is unticked: nothing more is posted, and choosing it again issues a new secret', async () => {
      const user = users.hookOk;
      const url = `${baseUrl}/hookOk`;
      const stored = async () =>
        (
          await db.ds.query(
            `SELECT channels, webhook_url, webhook_secret FROM notification_preference WHERE user_id = $1`,
            [user.id],
          )
        )[0];
      expect(await stored()).toEqual({
        channels: ['WEBHOOK'],
        webhook_url: url,
        webhook_secret: secrets.hookOk,
      });
      // Sent as a form sends it when the box is unticked and the address left in its field.
      const off = await setPreferences(user, { channels: [], webhookUrl: url });
      expect(off.data!.updateNotificationPreferences).toEqual({
        channels: [],
        webhookUrl: null,
        webhookSecret: null,
      });
      expect(await stored()).toEqual({ channels: [], webhook_url: null, webhook_secret: null });

      // The next notification is in the inbox only: no webhook delivery, nothing posted.
      const r = await createReferral(api, village, patientId, t.inst.general);
      const rows = await settled(r.id, 4);
      expect(rows.map((d) => d.recipient_user_id)).not.toContain(user.id);
      expect(hooksFor('hookOk', (await notificationOf(r.id, user)).id)).toEqual([]);

      // Chosen again, the same address is new to the api: a new secret, shown once.
      const on = (await setPreferences(user, { channels: ['WEBHOOK'], webhookUrl: url })).data!
        .updateNotificationPreferences;
      expect(on.webhookSecret).toEqual(expect.stringMatching(/^.{24,}$/));
      expect(on.webhookSecret).not.toBe(secrets.hookOk);
      expect(await stored()).toEqual({
        channels: ['WEBHOOK'],
        webhook_url: url,
        webhook_secret: on.webhookSecret,
      });
      secrets.hookOk = on.webhookSecret;
    });
  });

  describe('a second delivery of the same event', () => {
    async function footprint(messageId: string) {
      const [row] = await db.ds.query(
        `SELECT (SELECT count(*)::int FROM notification WHERE message_id = $1) AS notifications,
                (SELECT count(*)::int FROM notification_delivery d JOIN notification n ON n.id = d.notification_id
                  WHERE n.message_id = $1) AS deliveries,
                (SELECT count(*)::int FROM outbox_message) AS outbox,
                (SELECT count(*)::int FROM processed_event WHERE message_id = $1) AS processed`,
        [messageId],
      );
      // Outside messages that carry this event's notifications (titles name the referral).
      const mine: { id: string; title: string }[] = await db.ds.query(
        `SELECT id, title FROM notification WHERE message_id = $1`,
        [messageId],
      );
      const ids = new Set(mine.map((n) => n.id));
      const titles = new Set(mine.map((n) => `【医共体】${n.title}`));
      return {
        ...row,
        sms: sms.filter((x) => titles.has(x.text)).length,
        hooks: hits.filter((h) => ids.has(JSON.parse(h.body).notification.notificationId)).length,
      };
    }

    // Earlier tests' webhook retries finish first, so nothing else is in flight.
    beforeAll(async () => {
      await eventually(async () => {
        const [{ n }] = await db.ds.query(
          `SELECT count(*)::int AS n FROM notification_delivery WHERE status = 'PENDING'`,
        );
        return n === 0;
      }, 30_000);
    });

    it('changes nothing when the relay’s event job is added to the queue again by hand', async () => {
      const [row] = await db.ds.query(
        `SELECT id::text, job_name, payload FROM outbox_message
          WHERE queue = 'events' AND job_name = 'referral.submitted' AND payload->>'aggregateId' = $1`,
        [first.id],
      );
      const before = await footprint(row.id);
      expect(before).toMatchObject({
        notifications: 6,
        processed: 1,
        deliveries: 5,
        sms: 1,
        hooks: 1 + 3 + 3,
      });
      const job = await queueOf(worker, QUEUES.EVENTS).add(
        row.job_name,
        { messageId: row.id, payload: row.payload },
        { jobId: `replay-${row.id}` },
      );
      await eventually(async () => (await job.getState()) === 'completed');
      await sleep(500);
      expect(await footprint(row.id)).toEqual(before);
    });

    it('makes one notification per recipient when the same new event is dispatched twice at once', async () => {
      const [row] = await db.ds.query(
        `SELECT payload FROM outbox_message
          WHERE queue = 'events' AND job_name = 'referral.submitted' AND payload->>'aggregateId' = $1`,
        [first.id],
      );
      const messageId = '900000000001';
      const bus = worker.get(EventBus);
      const event = row.payload as DomainEvent;
      await Promise.all([bus.dispatch(event, messageId), bus.dispatch(event, messageId)]);
      await bus.dispatch(event, messageId);
      const rows: { recipient_user_id: string; kind: string }[] = await db.ds.query(
        `SELECT recipient_user_id, kind FROM notification WHERE message_id = $1`,
        [messageId],
      );
      expect(rows).toHaveLength(6);
      expect(
        Object.values(countBy(rows, (r) => `${r.recipient_user_id}:${r.kind}`)).every((c) => c === 1),
      ).toBe(true);
      const after = await footprint(messageId);
      expect(after).toMatchObject({ notifications: 6, deliveries: 5, processed: 1 });
      // One outbox row per outside delivery of this message, no more.
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM outbox_message o
           JOIN notification_delivery d ON d.id::text = o.payload->>'deliveryId'
           JOIN notification x ON x.id = d.notification_id
          WHERE o.queue = 'deliveries' AND x.message_id = $1`,
        [messageId],
      );
      expect(n).toBe(5);
    });
  });
});
