import type { ChildProcess } from 'node:child_process';
import type { INestApplicationContext } from '@nestjs/common';
import { QUEUES } from '@yg/core';
import { createTestDb, TestDb } from './utils/test-db';
import { PRODUCTION_REDIS_TIMEOUT } from './utils/config';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, killWorker, spawnWorker, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import {
  acceptReferral,
  addUser,
  createReferral,
  CreatedReferral,
  freePort,
  pool,
  queueOf,
  sleep,
  startRedis,
  stopProcess,
  within,
} from './pipeline-helpers';

/**
 * Nothing lost, nothing doubled: a worker killed with SIGKILL in the middle of a burst, and
 * Redis going away under a running api and worker. Referrals go village clinic → general
 * hospital; each of the hospital's coordinators is told of each submission.
 */

/** Per (event, recipient, kind): how many notifications. */
async function notificationGroups(
  db: TestDb,
): Promise<{ message_id: string; recipient_user_id: string; n: number }[]> {
  return db.ds.query(
    `SELECT message_id::text, recipient_user_id, count(*)::int AS n FROM notification
      GROUP BY message_id, recipient_user_id, kind`,
  );
}

async function scalar(db: TestDb, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.ds.query(sql, params);
  return Number(Object.values(row)[0]);
}

/** Each event row went through the fan-out once, and every notification comes from one of them. */
async function expectProcessedOnce(db: TestDb) {
  // Compared as text lists: both queries order by the bigint column itself, not its text form.
  const events: { id: string }[] = await db.ds.query(
    `SELECT o.id::text AS id FROM outbox_message o WHERE o.queue = 'events' ORDER BY o.id`,
  );
  const processed: { message_id: string; n: number }[] = await db.ds.query(
    `SELECT p.message_id::text AS message_id, count(*)::int AS n FROM processed_event p
      WHERE p.handler = 'notifications.fanout' GROUP BY p.message_id ORDER BY p.message_id`,
  );
  expect(processed.map((p) => p.message_id)).toEqual(events.map((e) => e.id));
  expect(processed.every((p) => p.n === 1)).toBe(true);
  const orphans = await scalar(
    db,
    `SELECT count(*) FROM notification n WHERE NOT EXISTS (SELECT 1 FROM outbox_message o WHERE o.id = n.message_id)`,
  );
  expect(orphans).toBe(0);
}

describe('a worker killed with SIGKILL mid-batch', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let child: ChildProcess | undefined;
  const REFERRALS = 40;
  const RECIPIENTS = 4;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    const tag = t.tenantId.slice(0, 6);
    for (let i = 0; i < RECIPIENTS - 1; i++) {
      await addUser(db.ds, t, `coord${i}-${tag}`, t.inst.general, ['REFERRAL_COORDINATOR']);
    }
    api = await TestApi.start(db.config);
  });
  afterAll(async () => {
    if (child) await killWorker(child);
    await api?.close();
    await db?.drop();
  });

  it('gives every recipient exactly one notification per event after a restart', async () => {
    const village = await api.login(t.users.villageClinician.username);
    const patientId = await registerPatient(api, village);
    const events = queueOf(api.app, QUEUES.EVENTS);
    child = await spawnWorker(db.config);
    const notifications = () => scalar(db, `SELECT count(*) FROM notification`);

    let created = 0;
    const creating = pool(Array.from({ length: REFERRALS }), 4, async () => {
      const r = await createReferral(api, village, patientId, t.inst.general);
      created++;
      return r;
    });
    creating.catch(() => undefined);
    await eventually(async () => (await notifications()) > 0, 30_000, 10);

    // Hold the worker's inbox writes so that jobs are surely mid-transaction when it dies.
    const blocker = db.ds.createQueryRunner();
    let held: string[] = [];
    let atKill: { created: number; notifications: number };
    let second: ChildProcess;
    try {
      await blocker.startTransaction();
      await blocker.query(`LOCK TABLE notification IN SHARE ROW EXCLUSIVE MODE`);
      // Only the first worker runs yet: every active job is its own. Read the list itself until
      // it holds one (a count read apart from it can see a job that finishes in between).
      // A job can be active yet past its inbox write (finishing its push), and complete on the
      // first worker before the kill. Only a job still active once some worker connection waits
      // on the lock, and again a moment later, is surely held by it.
      await eventually(
        async () =>
          (await scalar(
            db,
            `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          )) > 0,
        30_000,
        20,
      );
      await eventually(
        async () => {
          const first = (await events.getActive()).map((j) => j.id!);
          await new Promise((r) => setTimeout(r, 300));
          const again = new Set((await events.getActive()).map((j) => j.id!));
          held = first.filter((id) => again.has(id));
          return held.length > 0;
        },
        30_000,
        20,
      );
      // A second copy is already running when the first dies, as in a deployment of several.
      second = await spawnWorker(db.config);
      await killWorker(child);
      child = second;
      atKill = { created, notifications: await notifications() };
    } finally {
      await blocker.rollbackTransaction().catch(() => undefined);
      await blocker.release();
    }
    expect(held.length).toBeGreaterThan(0);
    expect(atKill.notifications).toBeLessThan(REFERRALS * RECIPIENTS);

    // The dead worker's jobs are redone by the live one once their lock lapses and its stalled
    // check runs (WORKER_TIMING: within 10 s; BullMQ's defaults took up to 60 s). 20 s is a
    // liveness bound, not a speed claim.
    await eventually(
      async () => {
        for (const id of held)
          if ((await (await events.getJob(id))?.getState()) !== 'completed') return false;
        return true;
      },
      20_000,
      200,
    );

    const referrals = await creating;
    expect(referrals).toHaveLength(REFERRALS);
    await eventually(
      async () => {
        const unpublished = await scalar(
          db,
          `SELECT count(*) FROM outbox_message WHERE published_at IS NULL`,
        );
        const c = await events.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        const pending = Object.values(c).reduce((a, b) => a + b, 0);
        const processed = await scalar(db, `SELECT count(*) FROM processed_event`);
        return unpublished === 0 && pending === 0 && processed === REFERRALS;
      },
      60_000,
      500,
    );

    expect(await events.getJobCounts('failed')).toEqual({ failed: 0 });
    // The jobs the dead worker held were recovered as stalled and completed on the other one.
    for (const id of held) {
      const job = (await events.getJob(id))!;
      expect(await job.getState()).toBe('completed');
      expect(job.stalledCounter).toBeGreaterThanOrEqual(1);
    }
    const groups = await notificationGroups(db);
    expect(groups.filter((g) => g.n !== 1)).toEqual([]);
    expect(groups).toHaveLength(REFERRALS * RECIPIENTS);
    expect(new Set(groups.map((g) => g.message_id)).size).toBe(REFERRALS);
    const perReferral: { n: number }[] = await db.ds.query(
      `SELECT count(*)::int AS n FROM notification WHERE kind = 'referral.submitted' GROUP BY payload->>'referralId'`,
    );
    expect(perReferral).toHaveLength(REFERRALS);
    expect(perReferral.every((r) => r.n === RECIPIENTS)).toBe(true);
    await expectProcessedOnce(db);
  }, 120_000);
});

describe('Redis down under a running api and worker', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext | undefined;
  let t: TenantFixture;
  let redis: ChildProcess | undefined;
  let port: number;
  let extraCoord: { id: string; username: string };
  // BullMQ workers have no 'error' listener, so every reconnect attempt is a console.error stack trace.
  let quiet: jest.SpyInstance | undefined;

  beforeAll(async () => {
    // A private redis-server: the shared one on 6379 is never touched.
    port = await freePort();
    redis = await startRedis(port);
    db = await createTestDb({ REDIS_PORT: String(port), ...PRODUCTION_REDIS_TIMEOUT });
    t = await buildTenant(db.ds);
    extraCoord = await addUser(db.ds, t, `coordx-${t.tenantId.slice(0, 6)}`, t.inst.general, [
      'REFERRAL_COORDINATOR',
    ]);
    api = await TestApi.start(db.config);
    worker = await startWorker(db.config);
  });
  afterAll(async () => {
    quiet?.mockRestore();
    // If the test stopped mid-outage, bring Redis back first: closing BullMQ workers waits for it.
    if (redis && (redis.exitCode !== null || redis.signalCode !== null)) redis = await startRedis(port);
    await worker?.close();
    await api?.close();
    await db?.drop();
    await stopProcess(redis);
  });

  const recipients = () => [t.users.coordinator.id, extraCoord.id].sort();

  async function notifiedOf(r: CreatedReferral, kind = 'referral.submitted'): Promise<string[]> {
    const rows: { recipient_user_id: string }[] = await db.ds.query(
      `SELECT recipient_user_id FROM notification WHERE payload->>'referralId' = $1 AND kind = $2`,
      [r.id, kind],
    );
    return rows.map((x) => x.recipient_user_id).sort();
  }

  it('accepts referral changes while Redis is down and delivers their notifications exactly once when it is back', async () => {
    const village = await api.login(t.users.villageClinician.username);
    const coord = await api.login(t.users.coordinator.username);
    const patientId = await registerPatient(api, village);
    const warm = await createReferral(api, village, patientId, t.inst.general);
    await eventually(async () => (await notifiedOf(warm)).length === 2);

    quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await stopProcess(redis);
    const during: CreatedReferral[] = [];
    for (let i = 0; i < 5; i++) {
      during.push(
        await within(createReferral(api, village, patientId, t.inst.general), 15_000, 'createReferral'),
      );
    }
    await within(
      acceptReferral(api, coord, warm.id, new Date(Date.now() + 3600_000)),
      15_000,
      'acceptReferral',
    );
    expect(during.every((r) => r.state === 'SUBMITTED')).toBe(true);

    // The relay keeps trying; the rows wait in Postgres, nobody is told yet.
    await sleep(2500);
    const ids = [...during.map((r) => r.id), warm.id];
    const ofThese = `(payload->>'referralId' = ANY($1) OR payload->>'aggregateId' = ANY($1))`;
    const waiting = await scalar(
      db,
      `SELECT count(*) FROM outbox_message WHERE published_at IS NULL AND ${ofThese}`,
      [ids],
    );
    // 5 × (submitted event + deadline timer) + the acceptance's event and no-show check (the
    // appointment is inside the default 24 h reminder window, so no reminder job is planned).
    expect(waiting).toBe(5 * 2 + 2);
    for (const r of during) expect(await notifiedOf(r)).toEqual([]);
    expect(await notifiedOf(warm, 'referral.accepted')).toEqual([]);

    redis = await startRedis(port);
    await eventually(
      async () => {
        const unpublished = await scalar(
          db,
          `SELECT count(*) FROM outbox_message WHERE published_at IS NULL`,
        );
        if (unpublished) return false;
        for (const r of during) if ((await notifiedOf(r)).length < 2) return false;
        return (await notifiedOf(warm, 'referral.accepted')).length === 1;
      },
      60_000,
      250,
    );
    quiet.mockRestore();
    for (const r of during) expect(await notifiedOf(r)).toEqual(recipients());
    expect(await notifiedOf(warm, 'referral.accepted')).toEqual([t.users.villageClinician.id]);
    expect((await notificationGroups(db)).filter((g) => g.n !== 1)).toEqual([]);

    // And the pipeline carries on with new work.
    const after = await createReferral(api, village, patientId, t.inst.general);
    await eventually(async () => (await notifiedOf(after)).length === 2, 20_000);
    await sleep(500);
    expect((await notificationGroups(db)).filter((g) => g.n !== 1)).toEqual([]);
    await expectProcessedOnce(db);
  }, 120_000);
});
