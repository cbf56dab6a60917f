import type { INestApplicationContext } from '@nestjs/common';
import type { Audience } from '@yg/core';
import { DomainEvent, EventBus } from '@yg/outbox';
import { RealtimeEmitter } from '@yg/realtime';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import { statementsWithin } from './utils/statements';
import { addUser, createReferral } from './pipeline-helpers';

jest.setTimeout(120_000);

/**
 * The notification fan-out of one event is one statement (`notify_event`): the handler's claim,
 * the inbox rows, the outside deliveries and their outbox rows. Counted, not timed; and the
 * rules that statement carries (who an audience names, who is left out, each row once).
 */
describe('notification fan-out in one statement', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let smsCoordinator: { id: string };
  let event: DomainEvent;
  let emits: jest.SpyInstance;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    // A second coordinator at the receiving hospital, who also wants an SMS.
    smsCoordinator = await addUser(db.ds, t, `fan-sms-${t.tenantId.slice(0, 6)}`, t.inst.general, [
      'REFERRAL_COORDINATOR',
    ]);
    await db.ds.query(
      `INSERT INTO notification_preference (user_id, tenant_id, channels) VALUES ($1, $2, '{SMS}')`,
      [smsCoordinator.id, t.tenantId],
    );
    api = await TestApi.start(db.config);
    worker = await startWorker(db.config);
    const village = await api.login(t.users.villageClinician.username);
    const patientId = await registerPatient(api, village);
    const r = await createReferral(api, village, patientId, t.inst.general);
    const [row] = await db.ds.query(
      `SELECT id::text, payload FROM outbox_message WHERE queue = 'events' AND payload->>'aggregateId' = $1`,
      [r.id],
    );
    event = row.payload as DomainEvent;
    // The worker handled the original; the tests below dispatch copies under new message ids.
    await eventually(async () => {
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM notification WHERE message_id = $1`, [
        row.id,
      ]);
      return n === 2;
    });
    emits = jest.spyOn(worker.get(RealtimeEmitter), 'emit');
  });
  afterAll(async () => {
    emits?.mockRestore();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });
  beforeEach(() => emits.mockClear());

  async function footprint(messageId: string) {
    const [row] = await db.ds.query(
      `SELECT (SELECT count(*)::int FROM notification WHERE message_id = $1) AS notifications,
              (SELECT count(*)::int FROM notification_delivery d JOIN notification n ON n.id = d.notification_id
                WHERE n.message_id = $1) AS deliveries,
              (SELECT count(*)::int FROM outbox_message o
                 JOIN notification_delivery d ON d.id::text = o.payload->>'deliveryId'
                 JOIN notification n ON n.id = d.notification_id
                WHERE o.queue = 'deliveries' AND n.message_id = $1) AS queued,
              (SELECT count(*)::int FROM processed_event WHERE message_id = $1) AS processed`,
      [messageId],
    );
    return row as { notifications: number; deliveries: number; queued: number; processed: number };
  }

  it('writes the inbox rows, the delivery and its outbox row in one statement, then pushes', async () => {
    const messageId = '920000000001';
    const { sql } = await statementsWithin(() => worker.get(EventBus).dispatch(event, messageId));
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/notify_event\(/);
    expect(await footprint(messageId)).toEqual({ notifications: 2, deliveries: 1, queued: 1, processed: 1 });
    const [job] = await db.ds.query(
      `SELECT o.job_name, o.attempts, o.tenant_id FROM outbox_message o
         JOIN notification_delivery d ON d.id::text = o.payload->>'deliveryId'
         JOIN notification n ON n.id = d.notification_id
        WHERE n.message_id = $1`,
      [messageId],
    );
    expect(job).toEqual({
      job_name: 'notification.deliver',
      attempts: db.config.notifications.deliveryMaxAttempts,
      tenant_id: t.tenantId,
    });
    // One `notification` per inbox row, to its recipient; then the event's room push.
    const calls = emits.mock.calls as [string[], string, { id?: string }][];
    expect(calls.filter((c) => c[1] === 'notification').map((c) => c[0])).toEqual(
      expect.arrayContaining([[`user:${t.users.coordinator.id}`], [`user:${smsCoordinator.id}`]]),
    );
    expect(calls.filter((c) => c[1] === 'notification')).toHaveLength(2);
    expect(calls.filter((c) => c[1] === 'referral.updated')).toHaveLength(1);
  });

  it('writes nothing and pushes nothing when the event comes again, in one statement', async () => {
    const messageId = '920000000001';
    const before = await footprint(messageId);
    const { sql } = await statementsWithin(() => worker.get(EventBus).dispatch(event, messageId));
    expect(sql).toHaveLength(1);
    expect(await footprint(messageId)).toEqual(before);
    expect(emits).not.toHaveBeenCalled();
  });

  /** notify_event called as the handler calls it, with an event made for the rule at hand. */
  async function notify(messageId: string, e: Partial<DomainEvent>) {
    const full: DomainEvent = {
      type: 'test.event',
      tenantId: t.tenantId,
      aggregateType: 'Test',
      aggregateId: 'a-1',
      occurredAt: new Date().toISOString(),
      actorUserId: null,
      data: { answer: 42, type: 'overridden by data' },
      ...e,
    };
    const job = {
      tenant_id: t.tenantId,
      queue: 'deliveries',
      job_name: 'notification.deliver',
      payload: {},
      run_at: new Date(),
      attempts: 3,
    };
    const [{ result }] = await db.ds.query(`SELECT notify_event($1, 'test.fanout', $2, $3) AS result`, [
      messageId,
      JSON.stringify(full),
      JSON.stringify(job),
    ]);
    return result as {
      created: { recipient_user_id: string; kind: string; title: string }[];
      pushUsers: string[][];
    } | null;
  }

  it('leaves excluded users out, keeps the first intent of a kind for a recipient, and stores the event with its data', async () => {
    const coordinators: Audience = { institutionId: t.inst.general, roles: ['REFERRAL_COORDINATOR'] };
    const res = await notify('920000000002', {
      notify: [
        { audience: [coordinators], kind: 'k', title: 'first', excludeUserIds: [smsCoordinator.id] },
        { audience: [coordinators, { userIds: [t.users.admin.id] }], kind: 'k', title: 'second' },
        { audience: [{ userIds: [t.users.coordinator.id] }], kind: 'other', title: 'third' },
      ],
    });
    const by = (r: { recipient_user_id: string; kind: string }) => `${r.recipient_user_id}:${r.kind}`;
    expect(Object.fromEntries(res!.created.map((r) => [by(r), r.title]))).toEqual({
      [`${t.users.coordinator.id}:k`]: 'first',
      [`${smsCoordinator.id}:k`]: 'second',
      [`${t.users.admin.id}:k`]: 'second',
      [`${t.users.coordinator.id}:other`]: 'third',
    });
    const [{ payload }] = await db.ds.query(
      `SELECT payload FROM notification WHERE message_id = 920000000002 LIMIT 1`,
    );
    expect(payload).toEqual({
      type: 'overridden by data',
      aggregateType: 'Test',
      aggregateId: 'a-1',
      answer: 42,
    });
    // Only the SMS coordinator chose a channel: one delivery, one outbox row.
    expect(await footprint('920000000002')).toEqual({
      notifications: 4,
      deliveries: 1,
      queued: 1,
      processed: 1,
    });
    expect(
      await notify('920000000002', { notify: [{ audience: [coordinators], kind: 'new', title: 'x' }] }),
    ).toBe(null);
    expect((await footprint('920000000002')).notifications).toBe(4);
  });

  it('names each push’s audience in order, an empty list for a push with none', async () => {
    const res = await notify('920000000003', {
      push: [
        { rooms: ['institution:x'], event: 'e1', data: {} },
        { rooms: [], audience: [{ practitionerIds: [t.practitioner.expert] }], event: 'e2', data: {} },
      ],
    });
    expect(res).toEqual({ created: [], pushUsers: [[], [t.users.expert.id]] });
  });

  describe('audience_members: who an audience names', () => {
    const members = async (specs: Audience[]) =>
      (
        (await db.ds.query(`SELECT m AS id FROM audience_members($1, $2) AS m`, [
          t.tenantId,
          JSON.stringify(specs),
        ])) as { id: string }[]
      )
        .map((r) => r.id)
        .sort();
    const ids = (...keys: (keyof TenantFixture['users'])[]) => keys.map((k) => t.users[k].id).sort();

    it('by id, by practitioner, by role in the tenant, each user once', async () => {
      expect(await members([{ userIds: [t.users.admin.id, t.users.expert.id] }])).toEqual(
        ids('admin', 'expert'),
      );
      expect(await members([{ practitionerIds: [t.practitioner.county] }])).toEqual(ids('countyClinician'));
      expect(
        await members([{ tenantRoles: ['CLINICIAN'] }, { userIds: [t.users.countyClinician.id] }]),
      ).toEqual(ids('villageClinician', 'countyClinician'));
      expect(await members([])).toEqual([]);
      expect(await members([{ userIds: [] }, { tenantRoles: [] }])).toEqual([]);
    });

    it('by institution, narrowed by roles and department when given', async () => {
      expect(await members([{ institutionId: t.inst.general }])).toEqual(
        [...ids('admin', 'auditor', 'coordinator', 'countyClinician'), smsCoordinator.id].sort(),
      );
      expect(await members([{ institutionId: t.inst.general, roles: ['CLINICIAN', 'AUDITOR'] }])).toEqual(
        ids('auditor', 'countyClinician'),
      );
      expect(
        await members([{ institutionId: t.inst.general, roles: [], departmentId: t.department.cardiology }]),
      ).toEqual(ids('countyClinician'));
      expect(await members([{ institutionId: t.inst.general, departmentId: t.department.gp }])).toEqual([]);
      expect(
        await members([{ institutionId: t.inst.general, roles: ['EXPERT'], departmentId: null }]),
      ).toEqual([]);
    });

    it('by role at active institutions of some kinds', async () => {
      expect(
        await members([{ institutionKinds: ['GENERAL_HOSPITAL'], roles: ['REFERRAL_COORDINATOR'] }]),
      ).toEqual([t.users.coordinator.id, smsCoordinator.id].sort());
      await db.ds.query(`UPDATE institution SET active = false WHERE id = $1`, [t.inst.partner]);
      try {
        expect(await members([{ institutionKinds: ['PARTNER_HOSPITAL'], roles: ['EXPERT'] }])).toEqual([]);
      } finally {
        await db.ds.query(`UPDATE institution SET active = true WHERE id = $1`, [t.inst.partner]);
      }
      expect(await members([{ institutionKinds: ['PARTNER_HOSPITAL'], roles: ['EXPERT'] }])).toEqual(
        ids('expert'),
      );
    });

    it('never an inactive user or one of another tenant', async () => {
      const other = await buildTenant(db.ds);
      await db.ds.query(`UPDATE app_user SET active = false WHERE id = $1`, [t.users.auditor.id]);
      try {
        expect(await members([{ userIds: [t.users.auditor.id, other.users.admin.id] }])).toEqual([]);
        expect(await members([{ tenantRoles: ['AUDITOR'] }])).toEqual([]);
        expect(await members([{ institutionId: other.inst.general }])).toEqual([]);
      } finally {
        await db.ds.query(`UPDATE app_user SET active = true WHERE id = $1`, [t.users.auditor.id]);
      }
    });
  });
});
