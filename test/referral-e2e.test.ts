import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { io, Socket as ClientSocket } from 'socket.io-client';
import { rooms } from '@yg/realtime';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient, upReferralInput } from './utils/referrals';

/** Generous: two cores shared with other suites. */
const WAIT_MS = 30_000;

interface Frame {
  event: string;
  data: any;
}

/** A socket.io client that records everything it is sent. */
class LiveClient {
  readonly frames: Frame[] = [];
  readonly socket: ClientSocket;

  constructor(url: string, token: string) {
    this.socket = io(url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      timeout: WAIT_MS,
    });
    this.socket.onAny((event: string, data: unknown) => this.frames.push({ event, data }));
  }

  of(event: string): any[] {
    return this.frames.filter((f) => f.event === event).map((f) => f.data);
  }

  waitFor(event: string, match: (data: any) => boolean): Promise<any> {
    return eventually(async () => this.of(event).find(match), WAIT_MS);
  }

  async ready(userId: string): Promise<void> {
    await eventually(async () => this.socket.connected, WAIT_MS);
    const ack = await this.socket.timeout(WAIT_MS).emitWithAck('join', rooms.user(userId));
    if (!ack?.ok) throw new Error(`socket not admitted: ${JSON.stringify(ack)}`);
  }

  close() {
    this.socket.disconnect();
  }
}

const REFERRAL = `id number state direction toDepartmentId appointmentAt appointmentPlace
  dischargeSummary rehabPlan medicationPlan { drug dose route frequency duration }
  timeline { action fromState toState actorUserId }`;

const MEDICATION_PLAN = [
  {
    drug: '氨氯地平片',
    dose: '5mg',
    route: '口服',
    frequency: '每日一次',
    duration: '长期',
  },
  {
    drug: '二甲双胍',
    dose: '0.5g',
    route: '口服',
    frequency: '每日三次',
    duration: '3个月',
  },
];

describe('two-way referral end to end: village clinic ⇄ general hospital, over GraphQL and socket.io', () => {
  let db: TestDb;
  let t: TenantFixture;
  let api: TestApi;
  let worker: INestApplicationContext;
  let village: LiveClient;
  let hospital: LiveClient;
  let villageToken: string;
  let coordToken: string;
  let adminToken: string;

  /** Runs a mutation and returns its single result, failing loudly on errors. */
  const mutate = async (field: string, inputType: string, input: Record<string, unknown>, token: string) => {
    const res = await api.gql(
      `mutation($i: ${inputType}!) { ${field}(input: $i) { ${REFERRAL} } }`,
      { i: input },
      token,
    );
    if (res.errors || !res.data) throw new Error(`${field}: ${JSON.stringify(res.errors)}`);
    return res.data[field];
  };

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    worker = await startWorker(db.config);
    villageToken = await api.login(t.users.villageClinician.username);
    coordToken = await api.login(t.users.coordinator.username);
    adminToken = await api.login(t.users.admin.username);
    village = new LiveClient(url, villageToken);
    hospital = new LiveClient(url, coordToken);
    await village.ready(t.users.villageClinician.id);
    await hospital.ready(t.users.coordinator.id);
  });

  afterAll(async () => {
    village?.close();
    hospital?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('refers up, is received and closed, comes back down with a medication plan, and both ends follow it live', async () => {
    const villageId = t.users.villageClinician.id;
    const coordId = t.users.coordinator.id;
    const updatesOf = (c: LiveClient, id: string) => c.of('referral.updated').filter((u) => u.id === id);
    const stepSeen = (c: LiveClient, id: string, state: string) =>
      c.waitFor('referral.updated', (u) => u.id === id && u.state === state);
    const notified = (c: LiveClient, id: string, kind: string) =>
      c.waitFor('notification', (n) => n.link === `/referrals/${id}` && n.kind === kind);

    // 1. The village clinician registers the patient and refers up to the general hospital.
    const patientId = await registerPatient(api, villageToken, '刘大爷');
    const up = await mutate(
      'createReferral',
      'CreateReferralInput',
      upReferralInput(patientId, t.inst.general),
      villageToken,
    );
    expect(up).toMatchObject({ state: 'SUBMITTED', direction: 'UP' });
    await stepSeen(village, up.id, 'SUBMITTED');
    await notified(hospital, up.id, 'referral.submitted');

    // 2. The county coordinator accepts with an appointment.
    const appointmentAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const accepted = await mutate(
      'acceptReferral',
      'AcceptReferralInput',
      { id: up.id, appointmentAt, place: '门诊三楼心血管内科' },
      coordToken,
    );
    expect(accepted).toMatchObject({
      state: 'ACCEPTED',
      appointmentAt,
      appointmentPlace: '门诊三楼心血管内科',
    });
    await stepSeen(village, up.id, 'ACCEPTED');
    const acceptedNote = await notified(village, up.id, 'referral.accepted');
    expect(acceptedNote.title).toContain(up.number);

    // 3. Arrival, 4. completion.
    expect(
      await mutate('recordReferralArrival', 'ReferralNoteInput', { id: up.id }, coordToken),
    ).toMatchObject({
      state: 'ARRIVED',
    });
    await stepSeen(village, up.id, 'ARRIVED');
    await notified(village, up.id, 'referral.arrived');
    const closed = await mutate(
      'completeReferral',
      'ReferralNoteInput',
      { id: up.id, note: '血压控制平稳,可下转' },
      coordToken,
    );
    expect(closed.state).toBe('COMPLETED');
    await stepSeen(village, up.id, 'COMPLETED');
    await notified(village, up.id, 'referral.completed');

    // The village saw every step of the up-referral once, in order.
    const upSeen = updatesOf(village, up.id);
    expect(upSeen.map((u) => u.state)).toEqual(['SUBMITTED', 'ACCEPTED', 'ARRIVED', 'COMPLETED']);
    expect(upSeen.map((u) => u.type)).toEqual([
      'referral.submitted',
      'referral.accepted',
      'referral.arrived',
      'referral.completed',
    ]);
    const times = upSeen.map((u) => Date.parse(u.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The hospital side follows the same referral in its own room.
    expect(updatesOf(hospital, up.id).map((u) => u.state)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'ARRIVED',
      'COMPLETED',
    ]);
    // Notifications to the village are for the steps others took, addressed to the sender.
    expect(
      village
        .of('notification')
        .filter((n) => n.link === `/referrals/${up.id}`)
        .map((n) => n.kind),
    ).toEqual(['referral.accepted', 'referral.arrived', 'referral.completed']);

    // 5. At discharge the general hospital refers the patient back down to the village clinic's GP room.
    const down = await mutate(
      'createReferral',
      'CreateReferralInput',
      {
        patientId,
        direction: 'DOWN',
        toInstitutionId: t.inst.village,
        toDepartmentId: t.department.gp,
        urgency: 'ROUTINE',
        diagnosisCode: 'I10',
        diagnosisName: '原发性高血压',
        purpose: '病情稳定,转回村卫生室继续治疗和随访',
        clinicalSummary: '住院 7 天,血压 130/80 mmHg,合并 2 型糖尿病',
        insuranceType: 'URBAN_RURAL_RESIDENT',
        contactPhone: '023-79221234',
        attachments: [],
        dischargeSummary: '高血压 3 级、2 型糖尿病,住院调整降压降糖方案后出院',
        rehabPlan: '每周测血压 3 次,每月随访一次,低盐低脂饮食',
        medicationPlan: MEDICATION_PLAN,
        submit: true,
      },
      coordToken,
    );
    expect(down).toMatchObject({
      state: 'SUBMITTED',
      direction: 'DOWN',
      toDepartmentId: t.department.gp,
    });
    await stepSeen(village, down.id, 'SUBMITTED');
    const downNote = await notified(village, down.id, 'referral.submitted');
    expect(downNote.title).toContain(down.number);

    // The village clinician reads the plan and accepts.
    const seen = await api.gql(
      `query($id: ID!) { referral(id: $id) { ${REFERRAL} } }`,
      { id: down.id },
      villageToken,
    );
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.referral).toMatchObject({
      dischargeSummary: expect.stringContaining('2 型糖尿病'),
      rehabPlan: expect.stringContaining('每月随访'),
      medicationPlan: MEDICATION_PLAN,
    });
    const downAccepted = await mutate(
      'acceptReferral',
      'AcceptReferralInput',
      {
        id: down.id,
        appointmentAt: new Date(Date.now() + 48 * 3600_000).toISOString(),
        place: '村卫生室全科诊室',
      },
      villageToken,
    );
    expect(downAccepted.state).toBe('ACCEPTED');
    await stepSeen(village, down.id, 'ACCEPTED');
    await stepSeen(hospital, down.id, 'ACCEPTED');
    await notified(hospital, down.id, 'referral.accepted');
    expect(
      await mutate('recordReferralArrival', 'ReferralNoteInput', { id: down.id }, villageToken),
    ).toMatchObject({
      state: 'ARRIVED',
    });
    await stepSeen(village, down.id, 'ARRIVED');
    expect(
      await mutate('completeReferral', 'ReferralNoteInput', { id: down.id }, villageToken),
    ).toMatchObject({
      state: 'COMPLETED',
    });
    await stepSeen(village, down.id, 'COMPLETED');
    expect(updatesOf(village, down.id).map((u) => u.state)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'ARRIVED',
      'COMPLETED',
    ]);
    // The village clinician acted on the down-referral itself: no notifications for its own steps.
    expect(
      village
        .of('notification')
        .filter((n) => n.link === `/referrals/${down.id}`)
        .map((n) => n.kind),
    ).toEqual(['referral.submitted']);

    // Timelines: every step, its states and who took it.
    const step = (action: string, fromState: string | null, toState: string, actorUserId: string) => ({
      action,
      fromState,
      toState,
      actorUserId,
    });
    const timelines = await api.gql(
      `query($u: ID!, $d: ID!) { u: referral(id: $u) { timeline { action fromState toState actorUserId } }
                                 d: referral(id: $d) { timeline { action fromState toState actorUserId } } }`,
      { u: up.id, d: down.id },
      coordToken,
    );
    expect(timelines.errors).toBeUndefined();
    expect(timelines.data!.u.timeline).toEqual([
      step('create', null, 'DRAFT', villageId),
      step('submit', 'DRAFT', 'SUBMITTED', villageId),
      step('accept', 'SUBMITTED', 'ACCEPTED', coordId),
      step('arrive', 'ACCEPTED', 'ARRIVED', coordId),
      step('complete', 'ARRIVED', 'COMPLETED', coordId),
    ]);
    expect(timelines.data!.d.timeline).toEqual([
      step('create', null, 'DRAFT', coordId),
      step('submit', 'DRAFT', 'SUBMITTED', coordId),
      step('accept', 'SUBMITTED', 'ACCEPTED', villageId),
      step('arrive', 'ACCEPTED', 'ARRIVED', villageId),
      step('complete', 'ARRIVED', 'COMPLETED', villageId),
    ]);

    // The audit trail has one event per step, by the right actor, and the chain still verifies.
    const audited = async (id: string) => {
      const res = await api.gql(
        `query($id: String!) { auditEvents(first: 100, filter: { entityType: "Referral", entityId: $id, action: "referral." }) {
           nodes { action actorUserId outcome details } } }`,
        { id },
        adminToken,
      );
      expect(res.errors).toBeUndefined();
      return (
        res.data!.auditEvents.nodes as {
          action: string;
          actorUserId: string;
          outcome: string;
          details: any;
        }[]
      )
        .map((e) => ({
          action: e.action,
          actor: e.actorUserId,
          outcome: e.outcome,
          to: e.details.to,
        }))
        .sort((a, b) => a.action.localeCompare(b.action));
    };
    const event = (action: string, actor: string, to: string) => ({
      action: `referral.${action}`,
      actor,
      outcome: 'SUCCESS',
      to,
    });
    const byAction = (a: { action: string }, b: { action: string }) => a.action.localeCompare(b.action);
    expect(await audited(up.id)).toEqual(
      [
        event('create', villageId, 'DRAFT'),
        event('submit', villageId, 'SUBMITTED'),
        event('accept', coordId, 'ACCEPTED'),
        event('arrive', coordId, 'ARRIVED'),
        event('complete', coordId, 'COMPLETED'),
      ].sort(byAction),
    );
    expect(await audited(down.id)).toEqual(
      [
        event('create', coordId, 'DRAFT'),
        event('submit', coordId, 'SUBMITTED'),
        event('accept', villageId, 'ACCEPTED'),
        event('arrive', villageId, 'ARRIVED'),
        event('complete', villageId, 'COMPLETED'),
      ].sort(byAction),
    );
    const chain = await api.gql(`{ verifyAuditChain { ok reason } }`, {}, adminToken);
    expect(chain.data?.verifyAuditChain).toEqual({ ok: true, reason: null });
  });
});
