import type { INestApplicationContext } from '@nestjs/common';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';

const WEEK = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
  weekday,
  start: '08:00',
  end: '20:00',
  sessionMinutes: 30,
  mode: 'REMOTE',
  validFrom: '2026-01-01',
}));

describe('consultation flow (smoke)', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    worker = await startWorker(db.config);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('requests, books, starts, reports and completes; a second booking of the same time conflicts', async () => {
    const expert = await api.login(t.users.expert.username);
    const doctor = await api.login(t.users.countyClinician.username);
    const pub = await api.gql(
      `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { rules { weekday } } }`,
      { i: { rules: WEEK, exceptions: [] } },
      expert,
    );
    expect(pub.errors).toBeUndefined();
    const patientId = await registerPatient(api, doctor);
    const consent = {
      signedBy: '患者本人',
      relationship: '本人',
      signedAt: new Date().toISOString(),
      documentUri: 'https://files.example/consent/1.pdf',
    };
    const request = async () => {
      const r = await api.gql(
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number state } }`,
        {
          i: {
            kind: 'VIDEO',
            patientId,
            purpose: '疑难病例',
            caseSummary: '反复消化道出血',
            question: '是否需要 TIPS?',
            urgency: 'URGENT',
            expertIds: [t.practitioner.expert],
            consent,
          },
        },
        doctor,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.requestConsultation;
    };
    const c = await request();
    expect(c.number).toMatch(/^HZ-\d{4}-\d{6}$/);
    const from = new Date(Date.now() + 2 * 86400_000);
    const slots = await api.gql(
      `query($f: DateTime!, $t: DateTime!) { availableSlots(expertId: "${t.practitioner.expert}", from: $f, to: $t, durationMinutes: 60) { expert { name } slots { start end } } }`,
      { f: from.toISOString(), t: new Date(from.getTime() + 86400_000).toISOString() },
      doctor,
    );
    expect(slots.errors).toBeUndefined();
    const slot = slots.data!.availableSlots[0].slots[0];
    const booked = await api.gql(
      `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { state meetingUrl scheduledStart } }`,
      { i: { id: c.id, start: slot.start, end: slot.end } },
      doctor,
    );
    expect(booked.errors).toBeUndefined();
    expect(booked.data!.bookConsultation.state).toBe('SCHEDULED');

    const c2 = await request();
    const clash = await api.gql(
      `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { state } }`,
      { i: { id: c2.id, start: slot.start, end: slot.end } },
      doctor,
    );
    expect(errorCode(clash)).toBe('CONFLICT');
    expect(clash.errors![0].extensions!.busyExpertId).toBe(t.practitioner.expert);
    expect(clash.errors![0].extensions!.nextSlots.length).toBeGreaterThan(0);

    const started = await api.gql(
      `mutation($id: ID!) { startConsultation(input: { id: $id }) { state } }`,
      { id: c.id },
      expert,
    );
    expect(started.data?.startConsultation.state).toBe('IN_PROGRESS');
    const report = await api.gql(
      `mutation($i: SubmitConsultationReportInput!) { submitConsultationReport(input: $i) { version contentHash signedAt } }`,
      {
        i: {
          id: c.id,
          opinion: '建议行 TIPS',
          suggestedDiagnoses: [{ code: 'K76.6', name: '门静脉高压' }],
          recommendations: '转上级医院',
        },
      },
      expert,
    );
    expect(report.errors).toBeUndefined();
    expect(report.data!.submitConsultationReport.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const done = await api.gql(
      `mutation($id: ID!) { completeConsultation(input: { id: $id }) { state reports { version } timeline { action } } }`,
      { id: c.id },
      doctor,
    );
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeConsultation.timeline.map((s: { action: string }) => s.action)).toEqual([
      'request',
      'book',
      'start',
      'report',
      'complete',
    ]);
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM consultation_booking a JOIN consultation_booking b
         ON a.practitioner_id = b.practitioner_id AND a.id < b.id AND a.active AND b.active AND a.during && b.during`,
    );
    expect(n).toBe(0);
  });
});
