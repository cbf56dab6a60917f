import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { Redis } from 'ioredis';
import { QUEUES } from '@yg/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createTestDb, TestDb } from './utils/test-db';
import { PRODUCTION_REDIS_TIMEOUT } from './utils/config';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import {
  addUser,
  createReferral,
  CreatedReferral,
  freePort,
  queueOf,
  startRedis,
  stopProcess,
  within,
} from './pipeline-helpers';

/**
 * Redis misbehaving in ways other than refusing connections, each on a private redis-server:
 * the shared one on 6379 is never touched.
 */

async function notifiedOf(db: TestDb, r: CreatedReferral, kind = 'referral.submitted'): Promise<string[]> {
  const rows: { recipient_user_id: string }[] = await db.ds.query(
    `SELECT recipient_user_id FROM notification WHERE payload->>'referralId' = $1 AND kind = $2`,
    [r.id, kind],
  );
  return rows.map((x) => x.recipient_user_id).sort();
}

/** Notifications per (event, recipient, kind) that are not exactly one. */
async function duplicates(db: TestDb): Promise<unknown[]> {
  return db.ds.query(
    `SELECT message_id, recipient_user_id, kind, count(*)::int AS n FROM notification
      GROUP BY message_id, recipient_user_id, kind HAVING count(*) <> 1`,
  );
}

describe('a Redis that stops answering (SIGSTOP: the socket stays open)', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext | undefined;
  let t: TenantFixture;
  let redis: ChildProcess | undefined;

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    db = await createTestDb({ REDIS_PORT: String(port), ...PRODUCTION_REDIS_TIMEOUT });
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    await api.app.listen(0, '127.0.0.1');
    worker = await startWorker(db.config);
  });
  afterAll(async () => {
    // Closing BullMQ connections waits for a frozen server: let it run first.
    redis?.kill('SIGCONT');
    await worker?.close();
    await api?.close();
    await db?.drop();
    await stopProcess(redis);
  });

  it('answers every mutation in flight within 5 s, each committed, and delivers their events once Redis resumes', async () => {
    const village = await api.login(t.users.villageClinician.username);
    const patientId = await registerPatient(api, village);
    const warm = await createReferral(api, village, patientId, t.inst.general);
    await eventually(async () => (await notifiedOf(db, warm)).length === 1);

    redis!.kill('SIGSTOP');
    let during: CreatedReferral[];
    try {
      // Eight at once, as clients would send them; each must answer, none may hang.
      during = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          within(createReferral(api, village, patientId, t.inst.general), 5000, `createReferral #${i}`),
        ),
      );
    } finally {
      redis!.kill('SIGCONT');
    }
    expect(during.every((r) => r.state === 'SUBMITTED')).toBe(true);
    const stored: { n: number }[] = await db.ds.query(
      `SELECT count(*)::int AS n FROM referral WHERE id = ANY($1::uuid[]) AND state = 'SUBMITTED'`,
      [during.map((r) => r.id)],
    );
    expect(stored[0].n).toBe(8);

    // Redis answers again: the outbox carries every event to its inbox row, once.
    await eventually(
      async () => {
        for (const r of during) if ((await notifiedOf(db, r)).length < 1) return false;
        return true;
      },
      30_000,
      200,
    );
    for (const r of during) expect(await notifiedOf(db, r)).toEqual([t.users.coordinator.id]);
    expect(await duplicates(db)).toEqual([]);
  }, 60_000);

  it('answers a socket message that asks every api process (consultation presence) within 5 s', async () => {
    const doctor = await api.login(t.users.countyClinician.username);
    const patientId = await registerPatient(api, doctor, '会诊患者');
    const requested = await api.gql<{ requestConsultation: { id: string } }>(
      `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id } }`,
      {
        i: {
          kind: 'VIDEO',
          patientId,
          purpose: '疑难病例远程会诊',
          caseSummary: '反复胸闷 2 月',
          question: '是否需要冠脉造影?',
          urgency: 'URGENT',
          expertIds: [t.practitioner.expert],
          consent: {
            signedBy: '会诊患者',
            relationship: '本人',
            signedAt: new Date(Date.now() - 600_000).toISOString(),
            documentUri: 'https://files.example/consent/1.pdf',
          },
        },
      },
      doctor,
    );
    const consultationId = requested.data!.requestConsultation.id;
    const port = (api.app.getHttpServer().address() as AddressInfo).port;
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      auth: { token: doctor },
      reconnection: false,
      forceNew: true,
    });
    try {
      await eventually(async () => socket.connected);
      redis!.kill('SIGSTOP');
      try {
        const ack = await socket.timeout(5000).emitWithAck('consultation.join', { consultationId });
        // Presence could not be gathered across processes; the join itself still holds.
        expect(ack).toEqual(expect.objectContaining({ ok: true, consultationId }));
      } finally {
        redis!.kill('SIGCONT');
      }
    } finally {
      socket.disconnect();
    }
  }, 30_000);
});

describe('Redis losing its data after the relay published (a restart without persistence, a failover)', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext | undefined;
  let t: TenantFixture;
  let redis: ChildProcess | undefined;
  let port: number;
  let extraCoord: { id: string };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    // A bound of a second instead of minutes, so the test does not wait.
    db = await createTestDb({
      REDIS_PORT: String(port),
      OUTBOX_RECONCILE_AFTER_MS: '1000',
      ...PRODUCTION_REDIS_TIMEOUT,
    });
    t = await buildTenant(db.ds);
    extraCoord = await addUser(db.ds, t, `coordx-${t.tenantId.slice(0, 6)}`, t.inst.general, [
      'REFERRAL_COORDINATOR',
    ]);
    api = await TestApi.start(db.config);
    worker = await startWorker(db.config);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
    await stopProcess(redis);
  });

  it('publishes again every event whose job was lost, and each notification arrives exactly once', async () => {
    const village = await api.login(t.users.villageClinician.username);
    const patientId = await registerPatient(api, village);
    const events = queueOf(api.app, QUEUES.EVENTS);
    // Paused for every worker: the relay's jobs wait in Redis, none is taken.
    await events.pause();
    const referrals: CreatedReferral[] = [];
    for (let i = 0; i < 6; i++) referrals.push(await createReferral(api, village, patientId, t.inst.general));
    const ids = referrals.map((r) => r.id);
    const eventRows = async (): Promise<
      { id: string; published: boolean; settled: boolean; republished: number }[]
    > =>
      db.ds.query(
        `SELECT id::text, published_at IS NOT NULL AS published, settled_at IS NOT NULL AS settled, republished
           FROM outbox_message WHERE queue = 'events' AND payload->>'aggregateId' = ANY($1)`,
        [ids],
      );
    await eventually(async () => {
      const rows = await eventRows();
      return rows.length === 6 && rows.every((r) => r.published);
    });
    expect(await events.getWaitingCount()).toBe(6);

    // Everything Redis held is gone, the pause with it; the rows say "published".
    const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
    try {
      await admin.connect();
      await admin.flushall();
    } finally {
      admin.disconnect();
    }

    const recipients = [t.users.coordinator.id, extraCoord.id].sort();
    await eventually(
      async () => {
        for (const r of referrals) if ((await notifiedOf(db, r)).length < recipients.length) return false;
        return true;
      },
      30_000,
      200,
    );
    for (const r of referrals) expect(await notifiedOf(db, r)).toEqual(recipients);
    expect(await duplicates(db)).toEqual([]);
    // Each went out a second time under a new job id, and its job finished.
    await eventually(async () => (await eventRows()).every((r) => r.settled));
    expect((await eventRows()).map((r) => r.republished)).toEqual([1, 1, 1, 1, 1, 1]);
  }, 60_000);
});
