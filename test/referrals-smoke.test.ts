import type { INestApplicationContext } from '@nestjs/common';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { REFERRAL_FIELDS, registerPatient, upReferralInput } from './utils/referrals';

describe('referral flow (smoke)', () => {
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

  it('goes up, gets accepted, arrives, completes, and notifies', async () => {
    const village = await api.login(t.users.villageClinician.username);
    const coord = await api.login(t.users.coordinator.username);
    const patientId = await registerPatient(api, village);
    const created = await api.gql(
      `mutation($i: CreateReferralInput!) { createReferral(input: $i) { ${REFERRAL_FIELDS} } }`,
      { i: upReferralInput(patientId, t.inst.general) },
      village,
    );
    expect(created.errors).toBeUndefined();
    const r = created.data!.createReferral;
    expect(r.state).toBe('SUBMITTED');
    expect(r.number).toMatch(/^ZZ-\d{4}-\d{6}$/);

    const inbox = await eventually(async () => {
      const res = await api.gql(`{ notifications { unreadCount nodes { kind title link } } }`, {}, coord);
      return res.data!.notifications.unreadCount > 0 ? res.data!.notifications : null;
    });
    expect(inbox.nodes[0].kind).toBe('referral.submitted');

    const accepted = await api.gql(
      `mutation($i: AcceptReferralInput!) { acceptReferral(input: $i) { state appointmentAt } }`,
      {
        i: {
          id: r.id,
          appointmentAt: new Date(Date.now() + 3600_000).toISOString(),
          place: '门诊三楼心内科',
        },
      },
      coord,
    );
    expect(accepted.data?.acceptReferral.state).toBe('ACCEPTED');
    const again = await api.gql(
      `mutation($i: RejectReferralInput!) { rejectReferral(input: $i) { state } }`,
      { i: { id: r.id, reasonCode: 'NO_CAPACITY', reason: '床位已满' } },
      coord,
    );
    expect(errorCode(again)).toBe('CONFLICT');
    const done = await api.gql(
      `mutation($id: ID!) { a: recordReferralArrival(input: { id: $id }) { state } }`,
      { id: r.id },
      coord,
    );
    expect(done.data?.a.state).toBe('ARRIVED');
    const closed = await api.gql(
      `mutation($id: ID!) { completeReferral(input: { id: $id }) { state timeline { action } } }`,
      { id: r.id },
      coord,
    );
    expect(closed.data?.completeReferral.timeline.map((s: { action: string }) => s.action)).toEqual([
      'create',
      'submit',
      'accept',
      'arrive',
      'complete',
    ]);
    const list = await api.gql(
      `{ referrals(box: INCOMING) { nodes { number patient { name } } } referralCounts(box: INCOMING) { total byState { state count } } }`,
      {},
      coord,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data!.referralCounts.total).toBe(1);
  });
});
