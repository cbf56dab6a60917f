import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { DateTime } from 'luxon';
import { io, Socket as ClientSocket } from 'socket.io-client';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import { addUser } from './pipeline-helpers';

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

  waitFor(event: string, match: (data: any) => boolean = () => true): Promise<any> {
    return eventually(async () => this.of(event).find(match), WAIT_MS);
  }

  async connected(): Promise<void> {
    await eventually(async () => this.socket.connected, WAIT_MS);
  }

  /** Admitted: the server acknowledges the user's own room (pushes before that could be missed). */
  async ready(userId: string): Promise<void> {
    await this.connected();
    const ack = await this.emit('join', `user:${userId}`);
    if (!ack?.ok) throw new Error(`socket not admitted: ${JSON.stringify(ack)}`);
  }

  emit(event: string, body: unknown): Promise<any> {
    return this.socket.timeout(WAIT_MS).emitWithAck(event, body);
  }

  close() {
    this.socket.disconnect();
  }
}

/**
 * One remote consultation from end to end, as its two people see it: the partner expert
 * publishes hours, the county clinician registers a patient, asks for a video consultation
 * with consent, finds a slot and books it; both meet in the live room, the expert signs the
 * report, the clinician completes it. Statuses and presence arrive over socket.io.
 */
describe('remote consultation end to end', () => {
  let db: TestDb;
  let t: TenantFixture;
  let api: TestApi;
  let worker: INestApplicationContext;
  let url: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    db = await createTestDb({ JWT_TTL_SECONDS: '3600' });
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    await api.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    worker = await startWorker(db.config);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  const connect = (token: string) => {
    const c = new LiveClient(url, token);
    clients.push(c);
    return c;
  };

  it('publishes, requests with consent, books a searched slot, meets live, reports and completes', async () => {
    const expert = await api.login(t.users.expert.username);
    const doctor = await api.login(t.users.countyClinician.username);
    const outsider = await api.login(t.users.villageClinician.username);
    // Sees every consultation of the consortium, but is no participant.
    const auditor = await api.login(t.users.auditor.username);

    // 1. The expert publishes weekday afternoons (Asia/Shanghai) and one day off.
    const dayOff = DateTime.now().setZone('Asia/Shanghai').plus({ days: 10 }).toISODate()!;
    const published = await api.gql(
      `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { expertId timeZone rules { weekday start end } } }`,
      {
        i: {
          rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
            weekday,
            start: '13:00',
            end: '17:00',
            sessionMinutes: 30,
            mode: 'REMOTE',
            validFrom: '2020-01-01',
          })),
          exceptions: [{ date: dayOff, kind: 'DAY_OFF' }],
        },
      },
      expert,
    );
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishAvailability).toEqual(
      expect.objectContaining({ expertId: t.practitioner.expert, timeZone: 'Asia/Shanghai' }),
    );

    // 2. The county clinician registers the patient and asks for a video consultation naming the expert, with consent.
    const patientId = await registerPatient(api, doctor, '会诊患者');
    const consent = {
      signedBy: '会诊患者',
      relationship: '本人',
      signedAt: new Date(Date.now() - 600_000).toISOString(),
      documentUri: 'https://files.example/consent/e2e.pdf',
    };
    const requested = await api.gql(
      `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number state kind experts { practitionerId named assigned } } }`,
      {
        i: {
          kind: 'VIDEO',
          patientId,
          purpose: '疑难病例远程会诊',
          caseSummary: '男,67 岁,反复胸闷 2 月,心电图 ST 段压低',
          question: '是否需要冠脉造影?',
          attachments: [{ name: '心电图', type: 'ECG', uri: 'https://files.example/ecg/1.xml' }],
          urgency: 'URGENT',
          expertIds: [t.practitioner.expert],
          consent,
        },
      },
      doctor,
    );
    expect(requested.errors).toBeUndefined();
    const c = requested.data!.requestConsultation;
    expect(c).toEqual(
      expect.objectContaining({
        state: 'REQUESTED',
        kind: 'VIDEO',
        experts: [{ practitionerId: t.practitioner.expert, named: true, assigned: false }],
      }),
    );

    // 3. Finds the expert's free slots two days ahead and books the first one.
    const day = DateTime.now().setZone('Asia/Shanghai').startOf('day').plus({ days: 2 });
    const found = await api.gql(
      `query($e: ID!, $f: DateTime!, $t: DateTime!) { availableSlots(expertId: $e, from: $f, to: $t, durationMinutes: 30) { expert { id name } slots { start end mode } } }`,
      { e: t.practitioner.expert, f: day.toUTC().toISO(), t: day.plus({ days: 1 }).toUTC().toISO() },
      doctor,
    );
    expect(found.errors).toBeUndefined();
    const [offer] = found.data!.availableSlots;
    expect(offer.expert).toEqual({ id: t.practitioner.expert, name: '张专家' });
    expect(
      offer.slots.map((s: any) => DateTime.fromISO(s.start, { zone: 'Asia/Shanghai' }).toFormat('HH:mm')),
    ).toEqual(['13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30']);
    const slot = offer.slots[0];
    const booked = await api.gql(
      `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { state scheduledStart scheduledEnd meetingUrl experts { practitionerId assigned } } }`,
      { i: { id: c.id, start: slot.start, end: slot.end } },
      doctor,
    );
    expect(booked.errors).toBeUndefined();
    expect(booked.data!.bookConsultation).toEqual({
      state: 'SCHEDULED',
      scheduledStart: slot.start,
      scheduledEnd: slot.end,
      meetingUrl: expect.stringContaining(c.id),
      experts: [{ practitionerId: t.practitioner.expert, assigned: true }],
    });
    // The expert sees it (and hears about it); the slot is gone from the search.
    const mine = await api.gql(`query { consultations { nodes { id state } } }`, {}, expert);
    expect(mine.data!.consultations.nodes).toEqual([{ id: c.id, state: 'SCHEDULED' }]);
    await eventually(async () => {
      const n = await api.gql(`{ notifications { nodes { kind link } } }`, {}, expert);
      return n.data?.notifications.nodes.some(
        (x: any) => x.kind === 'consultation.scheduled' && x.link === `/consultations/${c.id}`,
      );
    }, WAIT_MS);

    // 4. Both join the live room; presence shows both. An unrelated user is refused.
    const doctorLive = connect(doctor);
    const expertLive = connect(expert);
    const outsiderLive = connect(outsider);
    const auditorLive = connect(auditor);
    await Promise.all([
      doctorLive.connected(),
      expertLive.connected(),
      outsiderLive.connected(),
      auditorLive.connected(),
    ]);

    const doctorJoin = await doctorLive.emit('consultation.join', { consultationId: c.id });
    expect(doctorJoin).toEqual(
      expect.objectContaining({
        ok: true,
        state: 'SCHEDULED',
        present: [expect.objectContaining({ userId: t.users.countyClinician.id })],
      }),
    );
    const expertJoin = await expertLive.emit('consultation.join', { consultationId: c.id });
    expect(expertJoin.ok).toBe(true);
    const both = [t.users.countyClinician.id, t.users.expert.id].sort();
    expect(expertJoin.present.map((p: any) => p.userId).sort()).toEqual(both);
    const seenByDoctor = await doctorLive.waitFor(
      'consultation.presence',
      (p) => p.consultationId === c.id && p.present.length === 2,
    );
    expect(seenByDoctor.present.map((p: any) => p.userId).sort()).toEqual(both);
    expect(seenByDoctor.present.find((p: any) => p.userId === t.users.expert.id)).toEqual({
      userId: t.users.expert.id,
      displayName: 'expert',
      roles: ['EXPERT'],
    });

    const refused = await outsiderLive.emit('consultation.join', { consultationId: c.id });
    expect(refused).toEqual({ ok: false, code: 'FORBIDDEN', message: expect.stringContaining('参与者') });
    expect(await outsiderLive.emit('consultation.join', { consultationId: 'not-a-uuid' })).toEqual(
      expect.objectContaining({ ok: false }),
    );
    expect(
      (await api.gql(`query($id: ID!) { consultation(id: $id) { id } }`, { id: c.id }, auditor)).data
        ?.consultation.id,
    ).toBe(c.id);
    expect(await auditorLive.emit('consultation.join', { consultationId: c.id })).toEqual(refused);
    // Not present, and told nothing about the room.
    const afterRefusal = await expertLive.emit('consultation.join', { consultationId: c.id });
    expect(afterRefusal.present.map((p: any) => p.userId).sort()).toEqual(both);

    // 5. The session starts: both hear IN_PROGRESS.
    const started = await api.gql(
      `mutation($id: ID!) { startConsultation(input: { id: $id }) { state startedAt } }`,
      { id: c.id },
      expert,
    );
    expect(started.data!.startConsultation.state).toBe('IN_PROGRESS');
    for (const live of [doctorLive, expertLive]) {
      const s = await live.waitFor('consultation.status', (x) => x.id === c.id && x.state === 'IN_PROGRESS');
      expect(s).toEqual({
        id: c.id,
        number: c.number,
        state: 'IN_PROGRESS',
        type: 'consultation.started',
        at: expect.any(String),
      });
    }

    // 6. The expert signs the report: REPORTED is pushed, and the clinician is notified.
    const report = await api.gql(
      `mutation($i: SubmitConsultationReportInput!) { submitConsultationReport(input: $i) { version contentHash signedAt authorUserId } }`,
      {
        i: {
          id: c.id,
          opinion: '考虑不稳定型心绞痛',
          suggestedDiagnoses: [{ code: 'I20.0', name: '不稳定型心绞痛' }],
          recommendations: '尽早行冠脉造影,必要时转上级医院',
        },
      },
      expert,
    );
    expect(report.errors).toBeUndefined();
    expect(report.data!.submitConsultationReport).toEqual(
      expect.objectContaining({
        version: 1,
        authorUserId: t.users.expert.id,
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    );
    for (const live of [doctorLive, expertLive]) {
      await live.waitFor(
        'consultation.status',
        (x) => x.id === c.id && x.state === 'REPORTED' && x.type === 'consultation.reported',
      );
    }
    await doctorLive.waitFor(
      'notification',
      (n) => n.kind === 'consultation.reported' && n.link === `/consultations/${c.id}`,
    );

    // 7. The clinician completes: COMPLETED is pushed.
    const done = await api.gql(
      `mutation($id: ID!) { completeConsultation(input: { id: $id }) { state reports { version } timeline { action fromState toState } } }`,
      { id: c.id },
      doctor,
    );
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeConsultation.state).toBe('COMPLETED');
    expect(done.data!.completeConsultation.timeline.map((s: any) => s.action)).toEqual([
      'request',
      'book',
      'start',
      'report',
      'complete',
    ]);
    for (const live of [doctorLive, expertLive]) {
      await live.waitFor('consultation.status', (x) => x.id === c.id && x.state === 'COMPLETED');
    }

    // 8. Leaving updates presence for whoever stays.
    expect(await doctorLive.emit('consultation.leave', { consultationId: c.id })).toEqual({ ok: true });
    const alone = await expertLive.waitFor(
      'consultation.presence',
      (p) => p.consultationId === c.id && p.present.length === 1,
    );
    expect(alone.present.map((p: any) => p.userId)).toEqual([t.users.expert.id]);
    // A later push reaches only who is still in the room: the expert joins again and the doctor hears nothing.
    const doctorPresenceFrames = doctorLive.of('consultation.presence').length;
    await expertLive.emit('consultation.join', { consultationId: c.id });
    await expertLive.waitFor(
      'consultation.presence',
      (p) => p.consultationId === c.id && p.present.length === 1,
    );
    expect(doctorLive.of('consultation.presence')).toHaveLength(doctorPresenceFrames);

    // The outsider heard nothing of this consultation at any point.
    for (const live of [outsiderLive, auditorLive]) {
      expect(live.frames.filter((f) => f.event.startsWith('consultation.'))).toEqual([]);
    }
    expect(outsiderLive.frames.filter((f) => JSON.stringify(f.data ?? null).includes(c.id))).toEqual([]);
    const statuses = expertLive
      .of('consultation.status')
      .filter((x) => x.id === c.id)
      .map((x) => x.state);
    expect(statuses).toEqual(expect.arrayContaining(['IN_PROGRESS', 'REPORTED', 'COMPLETED']));
  });

  it('tells whoever lists a consultation of each change without joining its room: the requesting side, its experts and the partner hospital admin, consortium admins; nobody else', async () => {
    const who = [
      'expert',
      'countyClinician',
      'coordinator',
      'admin',
      'auditor',
      'villageClinician',
      'instAdmin',
    ] as const;
    const tokens = Object.fromEntries(
      await Promise.all(who.map(async (k) => [k, await api.login(t.users[k].username)] as const)),
    ) as Record<(typeof who)[number], string>;
    const live = Object.fromEntries(who.map((k) => [k, connect(tokens[k])])) as Record<
      (typeof who)[number],
      LiveClient
    >;
    await Promise.all(who.map((k) => live[k].ready(t.users[k].id)));
    // The partner hospital's admin lists its experts' consultations.
    const partnerAdmin = await addUser(db.ds, t, `partner-admin-${t.tenantId.slice(0, 6)}`, t.inst.partner, [
      'INSTITUTION_ADMIN',
    ]);
    const partnerLive = connect(await api.login(partnerAdmin.username));
    await partnerLive.ready(partnerAdmin.id);

    const patientId = await registerPatient(api, tokens.countyClinician, '推送患者');
    const requested = await api.gql(
      `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number } }`,
      {
        i: {
          kind: 'ECG_READ',
          patientId,
          purpose: '心电图远程诊断',
          caseSummary: '女,58 岁,心悸 1 周',
          question: '是否为房颤?',
          attachments: [{ name: '心电图', type: 'ECG', uri: 'https://files.example/ecg/2.xml' }],
          urgency: 'ROUTINE',
          expertIds: [t.practitioner.expert],
          consent: {
            signedBy: '推送患者',
            relationship: '本人',
            signedAt: new Date(Date.now() - 600_000).toISOString(),
            documentUri: 'https://files.example/consent/push.pdf',
          },
        },
      },
      tokens.countyClinician,
    );
    expect(requested.errors).toBeUndefined();
    const c = requested.data!.requestConsultation;
    const told = ['expert', 'countyClinician', 'coordinator', 'admin'] as const;
    for (const l of [...told.map((k) => live[k]), partnerLive]) {
      const s = await l.waitFor('consultation.status', (x) => x.id === c.id && x.state === 'REQUESTED');
      expect(s).toEqual({
        id: c.id,
        number: c.number,
        state: 'REQUESTED',
        type: 'consultation.requested',
        at: expect.any(String),
      });
    }

    const cancelled = await api.gql(
      `mutation($i: ConsultationReasonInput!) { cancelConsultation(input: $i) { state } }`,
      { i: { id: c.id, reason: '患者已转上级医院' } },
      tokens.countyClinician,
    );
    expect(cancelled.data?.cancelConsultation.state).toBe('CANCELLED');
    for (const l of [...told.map((k) => live[k]), partnerLive]) {
      await l.waitFor('consultation.status', (x) => x.id === c.id && x.state === 'CANCELLED');
      // Once each, though some are in several of the rooms it goes to.
      expect(l.of('consultation.status').filter((x) => x.id === c.id)).toHaveLength(2);
    }
    // An auditor reads consultations but is not told; another institution's people hear nothing.
    for (const k of ['auditor', 'villageClinician', 'instAdmin'] as const) {
      expect(live[k].frames.filter((f) => JSON.stringify(f.data ?? null).includes(c.id))).toEqual([]);
    }
  });

  it('gives the windows a schedule offers in a range: weekly rules, a day off and an extra window, in the consortium zone', async () => {
    const expert = await api.login(t.users.expert.username);
    const published = await api.gql(
      `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { expertId } }`,
      {
        i: {
          rules: [1, 2, 3, 4, 5].map((weekday) => ({
            weekday,
            start: '14:00',
            end: '17:30',
            sessionMinutes: 30,
            mode: 'REMOTE',
            validFrom: '2020-01-01',
          })),
          exceptions: [
            { date: '2030-03-06', kind: 'DAY_OFF' },
            {
              date: '2030-03-09',
              kind: 'EXTRA_WINDOW',
              start: '09:00',
              end: '11:00',
              sessionMinutes: 60,
              mode: 'ON_SITE',
            },
          ],
        },
      },
      expert,
    );
    expect(published.errors).toBeUndefined();
    const WINDOWS = `query($e: ID!, $f: DateTime!, $t: DateTime!) { expertAvailability(expertId: $e) { windows(from: $f, to: $t) { start end sessionMinutes mode extra } } }`;
    // Monday 2030-03-04 to the next Monday, Asia/Shanghai.
    const week = await api.gql(
      WINDOWS,
      { e: t.practitioner.expert, f: '2030-03-03T16:00:00.000Z', t: '2030-03-10T16:00:00.000Z' },
      expert,
    );
    expect(week.errors).toBeUndefined();
    const local = (iso: string) =>
      DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm');
    expect(
      week.data!.expertAvailability.windows.map((w: any) => [
        local(w.start),
        local(w.end),
        w.sessionMinutes,
        w.mode,
        w.extra,
      ]),
    ).toEqual([
      ['2030-03-04 14:00', '2030-03-04 17:30', 30, 'REMOTE', false],
      ['2030-03-05 14:00', '2030-03-05 17:30', 30, 'REMOTE', false],
      ['2030-03-07 14:00', '2030-03-07 17:30', 30, 'REMOTE', false],
      ['2030-03-08 14:00', '2030-03-08 17:30', 30, 'REMOTE', false],
      ['2030-03-09 09:00', '2030-03-09 11:00', 60, 'ON_SITE', true],
    ]);
    // Anyone who may read the schedule may read its windows; the range is bounded.
    const doctor = await api.login(t.users.countyClinician.username);
    const seen = await api.gql(
      WINDOWS,
      { e: t.practitioner.expert, f: '2030-03-03T16:00:00.000Z', t: '2030-03-10T16:00:00.000Z' },
      doctor,
    );
    expect(seen.data!.expertAvailability.windows).toEqual(week.data!.expertAvailability.windows);
    const tooLong = await api.gql(
      WINDOWS,
      { e: t.practitioner.expert, f: '2030-03-03T16:00:00.000Z', t: '2030-05-03T16:00:00.000Z' },
      expert,
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
