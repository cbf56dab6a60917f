import type { INestApplicationContext } from '@nestjs/common';
import { JOBS, ManualClock, QUEUES } from '@yg/core';
import { ReferralTimers } from '@yg/referrals';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import {
  acceptReferral,
  addUser,
  countBy,
  createReferral,
  jobOfRow,
  notificationsFor,
  queueOf,
  setReferralTimings,
  steps,
  timerRows,
} from './pipeline-helpers';

/**
 * Deadlines, escalation, reminders and no-shows, end to end: referrals go in over HTTP, the
 * outbox relay turns their timers into delayed BullMQ jobs, and the worker acts on them.
 * Village clinic → township centre (UP), so the township's coordinator is the receiver and
 * the referral centre (consortium admin, general hospital coordinator) is somebody else.
 */

interface ReferralRow {
  state: string;
  escalation_level: number;
  escalated_at: Date | null;
  submitted_at: Date;
  response_due_at: Date;
  appointment_at: Date | null;
  reminder_sent_for: Date | null;
  updated_at: Date;
}

async function referralRow(db: TestDb, id: string): Promise<ReferralRow> {
  const [row] = await db.ds.query(`SELECT * FROM referral WHERE id = $1`, [id]);
  return row;
}

describe('referral deadlines and appointments on a live worker (2 s timings)', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let townCoord: { id: string; username: string };
  let village: string;
  let town: string;
  let patientId: string;

  beforeAll(async () => {
    // The sweep stays out of the way (first run at boot, then hourly): the timer jobs must do the work.
    db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000' });
    t = await buildTenant(db.ds);
    townCoord = await addUser(db.ds, t, `towncoord-${t.tenantId.slice(0, 6)}`, t.inst.township, [
      'REFERRAL_COORDINATOR',
    ]);
    await setReferralTimings(db.ds, t.tenantId, { response: 2, reminderBefore: 2, noShowGrace: 2 });
    api = await TestApi.start(db.config);
    worker = await startWorker(db.config);
    village = await api.login(t.users.villageClinician.username);
    town = await api.login(townCoord.username);
    patientId = await registerPatient(api, village);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  /** Waits until the relay's job for this timer row has finished, and returns what it decided. */
  async function timerOutcome(referralId: string, jobName: string, index = 0): Promise<unknown> {
    const queue = queueOf(worker, QUEUES.TIMERS);
    return eventually(async () => {
      const rows = await timerRows(db.ds, referralId, jobName);
      const job = rows[index] && (await jobOfRow(queue, rows[index].id));
      if (!job || (await job.getState()) !== 'completed') return null;
      // Read again: the copy fetched above may predate the completion (no return value yet).
      return { value: (await jobOfRow(queue, rows[index].id))!.returnvalue };
    }, 20_000).then((r) => r.value);
  }

  it('escalates an unanswered emergency referral to level 1 at its deadline and level 2 at twice it, telling the referral centre', async () => {
    const r = await createReferral(api, village, patientId, t.inst.township, { urgency: 'EMERGENCY' });
    await eventually(async () => (await referralRow(db, r.id)).escalation_level >= 1, 20_000);
    await eventually(async () => (await referralRow(db, r.id)).escalation_level === 2, 20_000);
    const row = await referralRow(db, r.id);
    expect(row.state).toBe('SUBMITTED');

    // Both levels were done by their own delayed jobs, never before their moment.
    expect(await timerOutcome(r.id, JOBS.REFERRAL_RESPONSE_DUE, 0)).toEqual({ done: true, changed: true });
    expect(await timerOutcome(r.id, JOBS.REFERRAL_RESPONSE_DUE, 1)).toEqual({ done: true, changed: true });
    const escalations = (await steps(db.ds, r.id)).filter((s) => s.action === 'escalate');
    expect(escalations.map((s) => s.details.level)).toEqual([1, 2]);
    const submitted = row.submitted_at.getTime();
    expect(escalations[0].at.getTime()).toBeGreaterThanOrEqual(submitted + 2000);
    expect(escalations[1].at.getTime()).toBeGreaterThanOrEqual(submitted + 4000);
    // Level 2 is the last one: no third timer.
    expect(await timerRows(db.ds, r.id, JOBS.REFERRAL_RESPONSE_DUE)).toHaveLength(2);

    // The receiver and the referral centre hear of each level once; the sender does not.
    const centre = [townCoord.id, t.users.admin.id, t.users.coordinator.id].sort();
    const told = await eventually(async () => {
      const n = await notificationsFor(db.ds, r.id, 'referral.escalated');
      return n.length >= 6 ? n : null;
    });
    expect([...new Set(told.map((n) => n.recipient_user_id))].sort()).toEqual(centre);
    expect(Object.values(countBy(told, (n) => n.recipient_user_id))).toEqual([2, 2, 2]);
    expect(new Set(told.map((n) => n.message_id)).size).toBe(2);
    expect(told.map((n) => n.payload.escalationLevel).sort()).toEqual([1, 1, 1, 2, 2, 2]);

    const admin = await api.login(t.users.admin.username);
    const inbox = await api.gql(`{ notifications(first: 50) { nodes { kind title link } } }`, {}, admin);
    const mine = inbox.data!.notifications.nodes.filter(
      (n: { kind: string; link: string }) =>
        n.kind === 'referral.escalated' && n.link === `/referrals/${r.id}`,
    );
    expect(mine.map((n: { title: string }) => n.title.match(/escalation level (\d)/)?.[1]).sort()).toEqual([
      '1',
      '2',
    ]);
  });

  it('never escalates a referral that was answered before its deadline', async () => {
    // Each answered right after it is sent, well inside its 2 s.
    const accepted = await createReferral(api, village, patientId, t.inst.township, { urgency: 'EMERGENCY' });
    await acceptReferral(api, town, accepted.id, new Date(Date.now() + 3600_000));
    const rejected = await createReferral(api, village, patientId, t.inst.township, { urgency: 'EMERGENCY' });
    const rej = await api.gql(
      `mutation($i: RejectReferralInput!) { rejectReferral(input: $i) { state } }`,
      { i: { id: rejected.id, reasonCode: 'NO_CAPACITY', reason: '床位已满' } },
      town,
    );
    expect(rej.data?.rejectReferral.state).toBe('REJECTED');

    // The deadline jobs did run, and found nothing to do.
    expect(await timerOutcome(accepted.id, JOBS.REFERRAL_RESPONSE_DUE)).toEqual({
      done: true,
      changed: false,
    });
    expect(await timerOutcome(rejected.id, JOBS.REFERRAL_RESPONSE_DUE)).toEqual({
      done: true,
      changed: false,
    });
    for (const r of [accepted, rejected]) {
      const row = await referralRow(db, r.id);
      expect(row.escalation_level).toBe(0);
      expect(row.escalated_at).toBeNull();
      expect((await steps(db.ds, r.id)).map((s) => s.action)).not.toContain('escalate');
      expect(await notificationsFor(db.ds, r.id, 'referral.escalated')).toHaveLength(0);
      expect(await timerRows(db.ds, r.id, JOBS.REFERRAL_RESPONSE_DUE)).toHaveLength(1);
    }
  });

  it('reminds both sides once before an accepted appointment, then marks NO_SHOW after the grace period', async () => {
    const r = await createReferral(api, village, patientId, t.inst.township, { urgency: 'URGENT' });
    const appointment = new Date(Date.now() + 5000);
    await acceptReferral(api, town, r.id, appointment);

    await eventually(async () => (await referralRow(db, r.id)).reminder_sent_for !== null, 20_000);
    await eventually(async () => (await referralRow(db, r.id)).state === 'NO_SHOW', 20_000);
    expect(await timerOutcome(r.id, JOBS.REFERRAL_APPOINTMENT_REMINDER)).toEqual({
      done: true,
      changed: true,
    });
    expect(await timerOutcome(r.id, JOBS.REFERRAL_NO_SHOW_CHECK)).toEqual({ done: true, changed: true });
    const row = await referralRow(db, r.id);
    expect(row.reminder_sent_for!.getTime()).toBe(appointment.getTime());

    const timeline = await steps(db.ds, r.id);
    const remind = timeline.filter((s) => s.action === 'remind');
    const noShow = timeline.filter((s) => s.action === 'noShow');
    expect(remind).toHaveLength(1);
    expect(noShow).toHaveLength(1);
    expect(remind[0].at.getTime()).toBeGreaterThanOrEqual(appointment.getTime() - 2000);
    expect(remind[0].at.getTime()).toBeLessThan(appointment.getTime());
    expect(noShow[0].at.getTime()).toBeGreaterThanOrEqual(appointment.getTime() + 2000);

    // Run again by hand, late: both are done already and change nothing.
    const timers = worker.get(ReferralTimers);
    expect(await timers.appointmentReminder(r.id, appointment)).toEqual({ done: true, changed: false });
    expect(await timers.noShowCheck(r.id)).toEqual({ done: true, changed: false });
    expect((await steps(db.ds, r.id)).length).toBe(timeline.length);

    const bothSides = [t.users.villageClinician.id, townCoord.id].sort();
    for (const kind of ['referral.reminder', 'referral.no-show']) {
      const n = await eventually(async () => {
        const list = await notificationsFor(db.ds, r.id, kind);
        return list.length >= 2 ? list : null;
      });
      expect(n.map((x) => x.recipient_user_id).sort()).toEqual(bothSides);
    }
  });

  it('does nothing at the no-show check when the arrival was recorded before the grace period ended', async () => {
    const r = await createReferral(api, village, patientId, t.inst.township, { urgency: 'URGENT' });
    const appointment = new Date(Date.now() + 2000);
    await acceptReferral(api, town, r.id, appointment);
    const arrived = await api.gql(
      `mutation($id: ID!) { recordReferralArrival(input: { id: $id }) { state } }`,
      { id: r.id },
      town,
    );
    expect(arrived.data?.recordReferralArrival.state).toBe('ARRIVED');

    expect(await timerOutcome(r.id, JOBS.REFERRAL_NO_SHOW_CHECK)).toEqual({ done: true, changed: false });
    expect((await referralRow(db, r.id)).state).toBe('ARRIVED');
    expect((await steps(db.ds, r.id)).map((s) => s.action)).toEqual(['create', 'submit', 'accept', 'arrive']);
    expect(await notificationsFor(db.ds, r.id, 'referral.no-show')).toHaveLength(0);
  });

  it('folds the referral facts that writes append into the monthly rollup within seconds', async () => {
    const r = await createReferral(api, village, patientId, t.inst.township);
    const month = (await referralRow(db, r.id)).submitted_at as Date;
    const received = async (): Promise<number> => {
      const [row] = await db.ds.query(
        `SELECT coalesce(sum(count), 0)::int AS n FROM referral_fact_rollup
          WHERE tenant_id = $1 AND institution_id = $2 AND fact = 'RECEIVED'
            AND month = date_trunc('month', $3::timestamptz AT TIME ZONE 'Asia/Shanghai')::date`,
        [t.tenantId, t.inst.township, month],
      );
      return row.n as number;
    };
    await eventually(async () => {
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM referral_fact_delta`);
      return n === 0;
    }, 20_000);
    const [{ n: total }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM referral WHERE to_institution_id = $1 AND submitted_at IS NOT NULL
          AND NOT (state = 'CANCELLED' AND answered_at IS NULL)
          AND date_trunc('month', submitted_at AT TIME ZONE 'Asia/Shanghai') =
              date_trunc('month', $2::timestamptz AT TIME ZONE 'Asia/Shanghai')`,
      [t.inst.township, month],
    );
    expect(await received()).toBe(total);
  });
});

describe('referral timers driven by a manual clock', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let timers: ReferralTimers;
  let t: TenantFixture;
  let townCoord: { id: string; username: string };
  let village: string;
  let patientId: string;
  const clock = new ManualClock();
  const DEADLINE_S = 600;

  beforeAll(async () => {
    db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000' });
    t = await buildTenant(db.ds);
    townCoord = await addUser(db.ds, t, `towncoord-${t.tenantId.slice(0, 6)}`, t.inst.township, [
      'REFERRAL_COORDINATOR',
    ]);
    await setReferralTimings(db.ds, t.tenantId, {
      response: DEADLINE_S,
      reminderBefore: 3600,
      noShowGrace: 3600,
    });
    api = await TestApi.start(db.config, { clock });
    worker = await startWorker(db.config, { clock });
    timers = worker.get(ReferralTimers);
    village = await api.login(t.users.villageClinician.username);
    patientId = await registerPatient(api, village);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  /** Everything a timer run could change, for before/after comparison. */
  async function footprint(id: string) {
    const [row] = await db.ds.query(`SELECT * FROM referral WHERE id = $1`, [id]);
    const [{ steps: s }] = await db.ds.query(
      `SELECT count(*)::int AS steps FROM referral_step WHERE referral_id = $1`,
      [id],
    );
    const [{ outbox }] = await db.ds.query(
      `SELECT count(*)::int AS outbox FROM outbox_message WHERE payload->>'referralId' = $1 OR payload->>'aggregateId' = $1`,
      [id],
    );
    const [{ audit }] = await db.ds.query(
      `SELECT count(*)::int AS audit FROM audit_event WHERE entity_id = $1`,
      [id],
    );
    return { row, steps: s, outbox, audit };
  }

  async function escalatedOnceEach(referralId: string) {
    const centre = [townCoord.id, t.users.admin.id, t.users.coordinator.id].sort();
    const n = await eventually(async () => {
      const list = await notificationsFor(db.ds, referralId, 'referral.escalated');
      return list.length >= 3 ? list : null;
    });
    // The event went through the fan-out exactly once, so nothing more can arrive.
    const [{ events }] = await db.ds.query(
      `SELECT count(*)::int AS events FROM outbox_message WHERE job_name = 'referral.escalated' AND payload->'data'->>'referralId' = $1`,
      [referralId],
    );
    return { recipients: n.map((x) => x.recipient_user_id).sort(), centre, events };
  }

  // First, while the manual clock still equals real time, since BullMQ's delays are real time.
  it('puts a deadline job that fires early back to delayed, and acts when it comes round at its time', async () => {
    const r = await createReferral(api, village, patientId, t.inst.township, { urgency: 'EMERGENCY' });
    await db.ds.query(
      `UPDATE referral SET response_due_at = submitted_at + interval '4 seconds' WHERE id = $1`,
      [r.id],
    );
    const [{ due }] = await db.ds.query(`SELECT response_due_at AS due FROM referral WHERE id = $1`, [r.id]);
    const queue = queueOf(worker, QUEUES.TIMERS);
    const job = await queue.add(
      JOBS.REFERRAL_RESPONSE_DUE,
      { messageId: 'manual', payload: { referralId: r.id, tenantId: t.tenantId, level: 1 } },
      { jobId: `early-${r.id}` },
    );

    await eventually(async () => (await queue.getJobState(job.id!)) === 'delayed', 10_000, 20);
    expect((await footprint(r.id)).row.escalation_level).toBe(0);

    const finished = await eventually(async () => {
      const j = await queue.getJob(job.id!);
      return j && (await j.getState()) === 'completed' ? j : null;
    }, 20_000);
    expect(finished.returnvalue).toEqual({ done: true, changed: true });
    // Ran twice (early, then on time) and never counted as a failure.
    expect(finished.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason ?? '').toBe('');
    expect(finished.finishedOn!).toBeGreaterThanOrEqual(due.getTime());
    const { row } = await footprint(r.id);
    expect(row.escalation_level).toBe(1);
    expect(row.escalated_at.getTime()).toBeGreaterThanOrEqual(due.getTime());
  });

  describe('one emergency referral, its deadline at 600 s', () => {
    let id: string;
    let submittedAt: Date;
    let dueAt: Date;
    beforeAll(async () => {
      id = (await createReferral(api, village, patientId, t.inst.township, { urgency: 'EMERGENCY' })).id;
      const [row] = await db.ds.query(`SELECT submitted_at, response_due_at FROM referral WHERE id = $1`, [
        id,
      ]);
      submittedAt = row.submitted_at;
      dueAt = row.response_due_at;
      expect(dueAt.getTime() - submittedAt.getTime()).toBe(DEADLINE_S * 1000);
      // The submission's own event and timer are out before the comparisons below.
      await eventually(async () => {
        const [{ n }] = await db.ds.query(
          `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
        );
        return n === 0;
      });
    });

    it('changes nothing when run early and says when to come back', async () => {
      const before = await footprint(id);
      expect(await timers.responseDue(id, 1)).toEqual({ done: false, retryAt: dueAt });
      expect(await timers.responseDue(id, 2)).toEqual({
        done: false,
        retryAt: new Date(submittedAt.getTime() + 2 * DEADLINE_S * 1000),
      });
      expect(await footprint(id)).toEqual(before);
    });

    it('escalates when run late, and a second or concurrent run changes nothing', async () => {
      clock.advance((DEADLINE_S + 60) * 1000);
      const both = await Promise.all([timers.responseDue(id, 1), timers.responseDue(id, 1)]);
      expect(both.filter((o) => o.done && o.changed)).toHaveLength(1);
      expect(both.filter((o) => o.done && !o.changed)).toHaveLength(1);
      const after = await footprint(id);
      expect(await timers.responseDue(id, 1)).toEqual({ done: true, changed: false });
      expect(await footprint(id)).toEqual(after);

      expect(after.row.escalation_level).toBe(1);
      expect(after.row.state).toBe('SUBMITTED');
      const escalations = (await steps(db.ds, id)).filter((s) => s.action === 'escalate');
      expect(escalations).toHaveLength(1);
      expect(escalations[0].details).toEqual({ level: 1 });
      // The next level is planned at twice the deadline, not yet due.
      const planned = await timerRows(db.ds, id, JOBS.REFERRAL_RESPONSE_DUE);
      expect(planned.map((p) => p.payload.level)).toEqual([1, 2]);
      expect(new Date(planned[1].run_at).getTime()).toBe(submittedAt.getTime() + 2 * DEADLINE_S * 1000);
      expect(await timers.responseDue(id, 2)).toEqual({ done: false, retryAt: new Date(planned[1].run_at) });

      const told = await escalatedOnceEach(id);
      expect(told.events).toBe(1);
      expect(told.recipients).toEqual(told.centre);
    });

    it('escalates to level 2 once past twice the deadline, and a stale level-1 run stays a no-op', async () => {
      clock.advance(DEADLINE_S * 1000);
      expect(await timers.responseDue(id, 2)).toEqual({ done: true, changed: true });
      expect(await timers.responseDue(id, 2)).toEqual({ done: true, changed: false });
      expect(await timers.responseDue(id, 1)).toEqual({ done: true, changed: false });
      expect((await footprint(id)).row.escalation_level).toBe(2);
      expect(
        (await steps(db.ds, id)).filter((s) => s.action === 'escalate').map((s) => s.details.level),
      ).toEqual([1, 2]);
      // No level 3.
      expect(await timerRows(db.ds, id, JOBS.REFERRAL_RESPONSE_DUE)).toHaveLength(2);
    });
  });

  it('lets the sweep escalate a referral whose timer job was lost from Redis', async () => {
    const r = await createReferral(api, village, patientId, t.inst.township, { urgency: 'EMERGENCY' });
    const queue = queueOf(worker, QUEUES.TIMERS);
    const job = await eventually(async () => {
      const [row] = await timerRows(db.ds, r.id, JOBS.REFERRAL_RESPONSE_DUE);
      return row?.published_at ? jobOfRow(queue, row.id) : null;
    });
    expect(await job.getState()).toBe('delayed');
    await job.remove();
    expect(await queue.getJob(job.id!)).toBeUndefined();

    // Nothing due yet: the sweep leaves it alone.
    await timers.sweep();
    expect((await footprint(r.id)).row.escalation_level).toBe(0);

    clock.advance((DEADLINE_S + 1) * 1000);
    expect(await timers.sweep()).toBeGreaterThanOrEqual(1);
    const after = await footprint(r.id);
    expect(after.row.escalation_level).toBe(1);
    await timers.sweep();
    expect(await footprint(r.id)).toEqual(after);
    expect((await steps(db.ds, r.id)).filter((s) => s.action === 'escalate')).toHaveLength(1);
    const told = await escalatedOnceEach(r.id);
    expect(told.events).toBe(1);
    expect(told.recipients).toEqual(told.centre);
  });
});
