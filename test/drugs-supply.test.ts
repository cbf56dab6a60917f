import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { SupplyTimers } from '@yg/drugs';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient, upReferralInput } from './utils/referrals';
import { addUser } from './pipeline-helpers';
import { LiveClient } from './utils/live-client';
import { addFormularyItem, addLocalItem, CODES, DOWN_CONTENT, loadDictionary, planItem } from './utils/drugs';

/**
 * Supply requests (基层缺药登记) over GraphQL: raised by a clinic, decided and sent by the
 * central pharmacy, received into stock; illegal steps, parallel decisions, who sees what,
 * deadlines as jobs, notifications in the inbox and live.
 */

const FIELDS = `id number state urgency version requestingInstitutionId supplyingInstitutionId formularyItemId
  catalogueItemId quantity unit quantityDispatched quantityReceived referralId planItemId reason rejectReason
  decideDueAt deliverDueAt decideOverdueAt deliverOverdueAt requestedBy decidedBy createdAt
  formularyItem { id genericName } requestingInstitution { id } supplyingInstitution { id }
  steps { action fromState toState actorUserId note details }`;
const CREATE = `mutation($i: CreateSupplyRequestInput!) { createSupplyRequest(input: $i) { ${FIELDS} } }`;
const APPROVE = `mutation($i: ApproveSupplyRequestInput!) { approveSupplyRequest(input: $i) { ${FIELDS} } }`;
const REJECT = `mutation($i: RejectSupplyRequestInput!) { rejectSupplyRequest(input: $i) { ${FIELDS} } }`;
const DISPATCH = `mutation($i: DispatchSupplyRequestInput!) { dispatchSupplyRequest(input: $i) { ${FIELDS} } }`;
const RECEIVE = `mutation($i: ReceiveSupplyRequestInput!) { receiveSupplyRequest(input: $i) { ${FIELDS} } }`;
const GET = `query($id: ID!) { supplyRequest(id: $id) { ${FIELDS} } }`;
const LIST = `query($b: SupplyBox, $s: [SupplyRequestState!]) { supplyRequests(box: $b, states: $s, first: 50) { nodes { id state } } }`;

describe('supply requests (基层缺药登记)', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let other: TenantFixture;
  let live: LiveClient;
  const tok: Record<string, string> = {};
  const F: Record<string, string> = {};
  let villageAmlo: string;
  let lead: { id: string; username: string };
  let seq = 0;

  const key = () => `supply-${process.pid}-${++seq}`;
  const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await api.gql(query, variables, token);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const expectError = (res: GqlResult, code: string, message?: RegExp) => {
    expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
    if (message) expect(res.errors![0].message).toMatch(message);
  };
  const request = async (extra: Record<string, unknown> = {}, token = tok.village) =>
    (
      await gqlOk(
        CREATE,
        {
          i: {
            formularyItemId: F.AMLO_5,
            quantity: 60,
            reason: '库存不足,慢病患者需要',
            idempotencyKey: key(),
            ...extra,
          },
        },
        token,
      )
    ).createSupplyRequest;
  const count = async () =>
    (await db.ds.query(`SELECT count(*)::int AS n FROM supply_request WHERE tenant_id = $1`, [t.tenantId]))[0]
      .n;
  const inbox = async (token: string) =>
    (await gqlOk(`{ notifications(first: 100) { nodes { kind title link } } }`, {}, token)).notifications
      .nodes as { kind: string; title: string; link: string }[];
  const notified = (token: string, id: string, kind: string) =>
    eventually(async () =>
      (await inbox(token)).find((n) => n.kind === kind && n.link === `/supply-requests/${id}`),
    );
  const setTimings = (supply: Record<string, unknown>) =>
    db.ds.query(`UPDATE consortium SET settings = jsonb_set(settings, '{supply}', $2::jsonb) WHERE id = $1`, [
      t.tenantId,
      JSON.stringify(supply),
    ]);

  beforeAll(async () => {
    db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000' });
    api = await TestApi.start(db.config);
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    worker = await startWorker(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    await loadDictionary(api);
    const tag = t.tenantId.slice(0, 6);
    lead = await addUser(db.ds, t, `lead-ph-${tag}`, t.inst.general, ['PHARMACIST']);
    const town = await addUser(db.ds, t, `town-ph-${tag}`, t.inst.township, ['PHARMACIST']);
    const townDr = await addUser(db.ds, t, `town-dr-${tag}`, t.inst.township, ['CLINICIAN']);
    tok.admin = await api.login(t.users.admin.username);
    tok.auditor = await api.login(t.users.auditor.username);
    tok.village = await api.login(t.users.villageClinician.username);
    tok.county = await api.login(t.users.countyClinician.username);
    tok.expert = await api.login(t.users.expert.username);
    tok.lead = await api.login(lead.username);
    tok.town = await api.login(town.username);
    tok.townDr = await api.login(townDr.username);
    tok.other = await api.login(other.users.admin.username);
    F.AMLO_5 = await addFormularyItem(api, tok.admin, CODES.AMLO_5);
    F.METF = await addFormularyItem(api, tok.admin, CODES.METF);
    F.otherTenant = await addFormularyItem(api, tok.other, CODES.AMLO_5);
    villageAmlo = await addLocalItem(db.ds, t.tenantId, t.inst.village, {
      localCode: 'V-AML5',
      genericName: '氨氯地平片',
      spec: '5mg',
      unit: '片',
      formularyItemId: F.AMLO_5,
      onHand: 10,
    });
    live = new LiveClient(`http://127.0.0.1:${port}`, tok.village);
    await live.ready(t.users.villageClinician.id);
  });

  afterAll(async () => {
    live?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('is raised by the clinic to the central pharmacy, idempotently, and reaches its pharmacists', async () => {
    const k = key();
    const input = {
      formularyItemId: F.AMLO_5,
      quantity: 60,
      reason: '库存不足',
      urgency: 'URGENT',
      idempotencyKey: k,
    };
    const s = (await gqlOk(CREATE, { i: input }, tok.village)).createSupplyRequest;
    expect(s).toMatchObject({
      number: expect.stringMatching(/^QY-\d{4}-\d{6}$/),
      state: 'REQUESTED',
      urgency: 'URGENT',
      version: 1,
      requestingInstitutionId: t.inst.village,
      supplyingInstitutionId: t.inst.general,
      catalogueItemId: villageAmlo,
      quantity: 60,
      unit: '片',
      requestedBy: t.users.villageClinician.id,
      formularyItem: { id: F.AMLO_5, genericName: '苯磺酸氨氯地平片' },
      steps: [
        {
          action: 'request',
          fromState: null,
          toState: 'REQUESTED',
          actorUserId: t.users.villageClinician.id,
        },
      ],
    });
    // Urgent: four hours to decide (the default).
    const window = new Date(s.decideDueAt).getTime() - new Date(s.createdAt).getTime();
    expect(Math.abs(window - 4 * 3600_000)).toBeLessThan(60_000);
    const timers = await db.ds.query(
      `SELECT job_name, run_at FROM outbox_message WHERE queue = 'drug-tasks' AND payload->>'supplyRequestId' = $1 ORDER BY run_at`,
      [s.id],
    );
    expect(timers.map((r: any) => r.job_name)).toEqual(['supply.reminder', 'supply.decision-due']);
    expect(new Date(timers[1].run_at).toISOString()).toBe(s.decideDueAt);

    // A retry answers the same request; the same key with other content is a conflict.
    expect((await gqlOk(CREATE, { i: input }, tok.village)).createSupplyRequest.id).toBe(s.id);
    expectError(await api.gql(CREATE, { i: { ...input, quantity: 61 } }, tok.village), 'CONFLICT');
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM supply_request WHERE idempotency_key = $1`,
      [k],
    );
    expect(n).toBe(1);

    const note = await notified(tok.lead, s.id, 'supply.requested');
    expect(note.title).toContain(s.number);
    expect(note.title).toContain('苯磺酸氨氯地平片 5mg × 60');
    const [audit] = await db.ds.query(
      `SELECT actor_user_id FROM audit_event WHERE action = 'supply.request' AND entity_id = $1`,
      [s.id],
    );
    expect(audit.actor_user_id).toBe(t.users.villageClinician.id);
  });

  it('refuses bad requests with a reason, changing nothing', async () => {
    const n = await count();
    const base = { formularyItemId: F.AMLO_5, quantity: 10, reason: '缺药', idempotencyKey: key() };
    const refused: [Record<string, unknown>, string, string][] = [
      [{ quantity: 0 }, tok.village, 'BAD_USER_INPUT'],
      [{ quantity: 1.2345 }, tok.village, 'BAD_USER_INPUT'],
      [{ quantity: 2_000_000 }, tok.village, 'BAD_USER_INPUT'],
      // Exponent notation once made the validator itself fail.
      [{ quantity: 5e-324 }, tok.village, 'BAD_USER_INPUT'],
      [{ quantity: 1e21 }, tok.village, 'BAD_USER_INPUT'],
      [{ reason: '  ' }, tok.village, 'BAD_USER_INPUT'],
      [{ idempotencyKey: 'short' }, tok.village, 'BAD_USER_INPUT'],
      [{ neededBy: new Date(Date.now() - 86_400_000).toISOString() }, tok.village, 'BAD_USER_INPUT'],
      [{ formularyItemId: randomUUID() }, tok.village, 'NOT_FOUND'],
      [{ formularyItemId: F.otherTenant }, tok.village, 'NOT_FOUND'],
      // The central pharmacy does not request from itself.
      [{}, tok.lead, 'BAD_USER_INPUT'],
      // Another institution's shortage, without a referral that makes it mine to raise.
      [{ institutionId: t.inst.township }, tok.village, 'FORBIDDEN'],
      [{ institutionId: other.inst.village }, tok.village, 'NOT_FOUND'],
      [{}, tok.expert, 'FORBIDDEN'],
    ];
    for (const [extra, token, code] of refused) {
      expectError(await api.gql(CREATE, { i: { ...base, ...extra } }, token), code);
    }
    expect(await count()).toBe(n);
  });

  it('is seen by the clinic, the central pharmacy and the consortium only', async () => {
    const s = await request();
    for (const token of [tok.village, tok.lead, tok.admin, tok.auditor]) {
      expect((await gqlOk(GET, { id: s.id }, token)).supplyRequest.id).toBe(s.id);
    }
    // A clinician of the lead hospital is not its pharmacy; other institutions and tenants see nothing.
    for (const token of [tok.county, tok.townDr, tok.town, tok.other]) {
      expectError(await api.gql(GET, { id: s.id }, token), 'NOT_FOUND');
    }
    const ids = async (token: string, b: string) =>
      (await gqlOk(LIST, { b }, token)).supplyRequests.nodes.map((x: any) => x.id);
    expect(await ids(tok.lead, 'INCOMING')).toContain(s.id);
    expect(await ids(tok.village, 'OUTGOING')).toContain(s.id);
    expect(await ids(tok.village, 'INCOMING')).toEqual([]);
    expect(await ids(tok.townDr, 'ALL')).toEqual([]);
    expect(await ids(tok.other, 'ALL')).toEqual([]);
  });

  it('goes REQUESTED → APPROVED → DISPATCHED → RECEIVED, refusing illegal steps and naming the state', async () => {
    const s = await request({ quantity: 50 });
    expectError(
      await api.gql(RECEIVE, { i: { id: s.id, receivedQuantity: 50 } }, tok.village),
      'INVALID_TRANSITION',
      /REQUESTED/,
    );
    expectError(await api.gql(DISPATCH, { i: { id: s.id } }, tok.lead), 'INVALID_TRANSITION', /REQUESTED/);
    expectError(await api.gql(APPROVE, { i: { id: s.id, expectedVersion: 1 } }, tok.village), 'FORBIDDEN');
    expectError(await api.gql(APPROVE, { i: { id: s.id, expectedVersion: 1 } }, tok.town), 'NOT_FOUND');
    expectError(await api.gql(APPROVE, { i: { id: s.id, expectedVersion: 7 } }, tok.lead), 'CONFLICT');

    const approved = (await gqlOk(APPROVE, { i: { id: s.id, expectedVersion: 1, note: '同意' } }, tok.lead))
      .approveSupplyRequest;
    expect(approved).toMatchObject({ state: 'APPROVED', version: 2, decidedBy: lead.id });
    expect(approved.deliverDueAt).toBeTruthy();
    expectError(
      await api.gql(APPROVE, { i: { id: s.id, expectedVersion: 2 } }, tok.lead),
      'INVALID_TRANSITION',
      /APPROVED/,
    );
    expectError(
      await api.gql(REJECT, { i: { id: s.id, expectedVersion: 2, reason: '无货' } }, tok.lead),
      'INVALID_TRANSITION',
    );

    const sent = (await gqlOk(DISPATCH, { i: { id: s.id, quantity: 40 } }, tok.lead)).dispatchSupplyRequest;
    expect(sent).toMatchObject({ state: 'DISPATCHED', quantityDispatched: 40, version: 3 });
    await live.waitFor('supply.updated', (u) => u.id === s.id && u.state === 'DISPATCHED');
    expectError(await api.gql(RECEIVE, { i: { id: s.id, receivedQuantity: 40 } }, tok.lead), 'FORBIDDEN');
    expectError(
      await api.gql(RECEIVE, { i: { id: s.id, receivedQuantity: 41 } }, tok.village),
      'BAD_USER_INPUT',
    );

    const got = (await gqlOk(RECEIVE, { i: { id: s.id, receivedQuantity: 40 } }, tok.village))
      .receiveSupplyRequest;
    expect(got).toMatchObject({ state: 'RECEIVED', quantityReceived: 40, version: 4 });
    expect(got.steps.map((x: any) => [x.action, x.fromState, x.toState, x.actorUserId])).toEqual([
      ['request', null, 'REQUESTED', t.users.villageClinician.id],
      ['approve', 'REQUESTED', 'APPROVED', lead.id],
      ['dispatch', 'APPROVED', 'DISPATCHED', lead.id],
      ['receive', 'DISPATCHED', 'RECEIVED', t.users.villageClinician.id],
    ]);
    expect(got.steps[3].details).toMatchObject({
      stockUpdated: true,
      catalogueItemId: villageAmlo,
      onHand: 50,
    });
    // Received into the clinic's stock, and its open down-referrals asked to be re-checked.
    const [stock] = await db.ds.query(
      `SELECT on_hand, source, version FROM drug_stock WHERE catalogue_item_id = $1`,
      [villageAmlo],
    );
    expect(stock).toEqual({ on_hand: '50.000', source: 'SUPPLY', version: 2 });
    const rechecks = await db.ds.query(
      `SELECT payload FROM outbox_message WHERE job_name = 'drug.continuity-recheck' AND payload->>'institutionId' = $1`,
      [t.inst.village],
    );
    expect(rechecks.map((r: any) => r.payload.trigger)).toContain('SUPPLY');

    for (const kind of ['supply.approved', 'supply.dispatched']) await notified(tok.village, s.id, kind);
    await notified(tok.lead, s.id, 'supply.received');
    const audited = await db.ds.query(`SELECT action FROM audit_event WHERE entity_id = $1 ORDER BY id`, [
      s.id,
    ]);
    expect(audited.map((a: any) => a.action)).toEqual([
      'supply.request',
      'supply.approve',
      'supply.dispatch',
      'supply.receive',
    ]);
  });

  it('lets exactly one of a parallel approve and reject win; the other is a CONFLICT', async () => {
    for (let round = 0; round < 4; round++) {
      const s = await request();
      const results = await Promise.all([
        api.gql(APPROVE, { i: { id: s.id, expectedVersion: 1 } }, tok.lead),
        api.gql(REJECT, { i: { id: s.id, expectedVersion: 1, reason: '中心药房无货' } }, tok.admin),
      ]);
      const codes = results.map((r) => errorCode(r) ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
      const [row] = await db.ds.query(
        `SELECT s.state, s.version, (SELECT count(*)::int FROM supply_request_step WHERE supply_request_id = s.id) AS steps
           FROM supply_request s WHERE s.id = $1`,
        [s.id],
      );
      const winner = results.find((r) => !r.errors)!.data!;
      expect(row).toEqual({
        state: winner.approveSupplyRequest ? 'APPROVED' : 'REJECTED',
        version: 2,
        steps: 2,
      });
    }
  });

  it('is rejected with a reason the requester is told', async () => {
    const s = await request();
    expectError(
      await api.gql(REJECT, { i: { id: s.id, expectedVersion: 1, reason: ' ' } }, tok.lead),
      'BAD_USER_INPUT',
    );
    const r = (
      await gqlOk(
        REJECT,
        { i: { id: s.id, expectedVersion: 1, reason: '已集中采购,下周统一配送' } },
        tok.lead,
      )
    ).rejectSupplyRequest;
    expect(r).toMatchObject({
      state: 'REJECTED',
      rejectReason: '已集中采购,下周统一配送',
      decidedBy: lead.id,
    });
    const note = await notified(tok.village, s.id, 'supply.rejected');
    expect(note.title).toContain('已集中采购');
  });

  it('receives without stock where no catalogue item maps to the drug, and says so', async () => {
    const s = await request({ formularyItemId: F.METF, quantity: 5 }, tok.town);
    expect(s).toMatchObject({ requestingInstitutionId: t.inst.township, catalogueItemId: null });
    await gqlOk(APPROVE, { i: { id: s.id, expectedVersion: 1 } }, tok.lead);
    await gqlOk(DISPATCH, { i: { id: s.id } }, tok.lead);
    const got = (await gqlOk(RECEIVE, { i: { id: s.id, receivedQuantity: 5 } }, tok.town))
      .receiveSupplyRequest;
    expect(got.state).toBe('RECEIVED');
    expect(got.steps[3].details).toEqual({
      quantity: 5,
      stockUpdated: false,
      reason: 'NO_MAPPED_CATALOGUE_ITEM',
    });
    expect(got.steps[3].note).toMatch(/库存未更新.*stock not updated/);
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM drug_stock WHERE institution_id = $1`, [
      t.inst.township,
    ]);
    expect(n).toBe(0);
  });

  it('may be raised by the sender of a down-referral for its receiver, tied to the plan item', async () => {
    const patientId = await registerPatient(api, tok.county, '缺药患者');
    const res = await gqlOk(
      `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
      {
        i: upReferralInput(patientId, t.inst.village, {
          ...DOWN_CONTENT,
          medicationPlan: [
            planItem('二甲双胍片', { nationalCode: CODES.METF }),
            planItem('氨氯地平片', { formularyItemId: F.AMLO_5 }),
          ],
        }),
      },
      tok.county,
    );
    const referralId = res.createReferral.id;
    const s = await request({ institutionId: t.inst.village, referralId }, tok.county);
    const [plan] = await db.ds.query(
      `SELECT id, position FROM medication_plan_item WHERE referral_id = $1 AND position = 1`,
      [referralId],
    );
    expect(s).toMatchObject({ requestingInstitutionId: t.inst.village, referralId, planItemId: plan.id });
    // The sender sees what it raised; the clinic too.
    expect((await gqlOk(GET, { id: s.id }, tok.county)).supplyRequest.id).toBe(s.id);
    expect((await gqlOk(GET, { id: s.id }, tok.village)).supplyRequest.id).toBe(s.id);
    // Not for a drug off the plan, nor for an institution the referral does not go to.
    const aspirin = await addFormularyItem(api, tok.admin, CODES.ASP);
    expectError(
      await api.gql(
        CREATE,
        {
          i: {
            formularyItemId: aspirin,
            quantity: 1,
            reason: '缺药',
            institutionId: t.inst.village,
            referralId,
            idempotencyKey: key(),
          },
        },
        tok.county,
      ),
      'BAD_USER_INPUT',
    );
    expectError(
      await api.gql(
        CREATE,
        {
          i: {
            formularyItemId: F.AMLO_5,
            quantity: 1,
            reason: '缺药',
            institutionId: t.inst.township,
            referralId,
            idempotencyKey: key(),
          },
        },
        tok.county,
      ),
      'BAD_USER_INPUT',
    );
    expectError(
      await api.gql(
        CREATE,
        {
          i: {
            formularyItemId: F.AMLO_5,
            quantity: 1,
            reason: '缺药',
            institutionId: t.inst.village,
            idempotencyKey: key(),
          },
        },
        tok.county,
      ),
      'FORBIDDEN',
    );
  });

  it('reminds before the decision deadline, then marks it overdue and the delivery too, each once', async () => {
    await setTimings({
      decideSeconds: { URGENT: 3, ROUTINE: 3 },
      deliverSeconds: { URGENT: 2, ROUTINE: 2 },
      reminderBeforeSeconds: 2,
    });
    try {
      const s = await request();
      await notified(tok.lead, s.id, 'supply.reminder');
      const overdue = await notified(tok.admin, s.id, 'supply.decision-overdue');
      expect(overdue.title).toContain('审批时限');
      await notified(tok.village, s.id, 'supply.decision-overdue');
      const [row] = await db.ds.query(
        `SELECT reminded_at, decide_overdue_at FROM supply_request WHERE id = $1`,
        [s.id],
      );
      expect(row.reminded_at).not.toBeNull();
      expect(row.decide_overdue_at).not.toBeNull();
      // A second run of either changes nothing.
      const timers = worker.get(SupplyTimers);
      expect(await timers.decisionDue(s.id)).toEqual({ done: true, changed: false });
      expect(await timers.reminder(s.id)).toEqual({ done: true, changed: false });

      // Approved late, it still must arrive: the delivery deadline runs from the approval.
      await gqlOk(APPROVE, { i: { id: s.id, expectedVersion: 1 } }, tok.lead);
      await notified(tok.village, s.id, 'supply.delivery-overdue');
      expect(await timers.deliveryDue(s.id)).toEqual({ done: true, changed: false });
      const steps = await db.ds.query(
        `SELECT action FROM supply_request_step WHERE supply_request_id = $1 ORDER BY id`,
        [s.id],
      );
      expect(steps.map((x: any) => x.action)).toEqual([
        'request',
        'remind',
        'decision-overdue',
        'approve',
        'delivery-overdue',
      ]);
    } finally {
      await setTimings({});
    }
  });

  it('has the sweep catch a deadline whose job was lost', async () => {
    const s = await request();
    // Its decision job waits a day; the deadline is moved into the past as if the job were lost.
    await db.ds.query(`UPDATE supply_request SET decide_due_at = now() - interval '1 minute' WHERE id = $1`, [
      s.id,
    ]);
    const timers = worker.get(SupplyTimers);
    expect(await timers.sweep()).toBeGreaterThanOrEqual(1);
    await timers.sweep();
    const steps = await db.ds.query(
      `SELECT action FROM supply_request_step WHERE supply_request_id = $1 AND action = 'decision-overdue'`,
      [s.id],
    );
    expect(steps).toHaveLength(1);
  });

  it('keeps its timings in the consortium settings, changed by consortium admins', async () => {
    const Q = `{ supplySettings { decideSeconds { URGENT ROUTINE } deliverSeconds { URGENT ROUTINE } reminderBeforeSeconds } }`;
    expect((await gqlOk(Q, {}, tok.village)).supplySettings).toEqual({
      decideSeconds: { URGENT: 14400, ROUTINE: 86400 },
      deliverSeconds: { URGENT: 86400, ROUTINE: 259200 },
      reminderBeforeSeconds: 3600,
    });
    const M = `mutation($i: SupplySettingsInput!) { updateSupplySettings(input: $i) { decideSeconds { URGENT ROUTINE } } }`;
    expectError(await api.gql(M, { i: { version: 1, urgentDecideSeconds: 7200 } }, tok.lead), 'FORBIDDEN');
    expectError(
      await api.gql(M, { i: { version: 1, urgentDecideSeconds: 10 } }, tok.admin),
      'BAD_USER_INPUT',
    );
    expect(
      (await gqlOk(M, { i: { version: 1, urgentDecideSeconds: 7200 } }, tok.admin)).updateSupplySettings,
    ).toEqual({
      decideSeconds: { URGENT: 7200, ROUTINE: 86400 },
    });
    const s = await request({ urgency: 'URGENT' });
    const window = new Date(s.decideDueAt).getTime() - new Date(s.createdAt).getTime();
    expect(Math.abs(window - 7200_000)).toBeLessThan(60_000);
    const [audit] = await db.ds.query(
      `SELECT 1 FROM audit_event WHERE action = 'supply.settings.update' AND entity_id = $1`,
      [t.tenantId],
    );
    expect(audit).toBeDefined();
  });
  const SETTINGS = `{ supplySettings { version decideSeconds { URGENT ROUTINE } deliverSeconds { URGENT ROUTINE } reminderBeforeSeconds } }`;
  const UPDATE_SETTINGS = `mutation($i: SupplySettingsInput!) { updateSupplySettings(input: $i) {
    version decideSeconds { URGENT ROUTINE } deliverSeconds { URGENT ROUTINE } reminderBeforeSeconds } }`;
  const settingsRead = async () => (await gqlOk(SETTINGS, {}, tok.admin)).supplySettings;
  const stored = async () =>
    (await db.ds.query(`SELECT settings, settings_versions FROM consortium WHERE id = $1`, [t.tenantId]))[0];
  const settingsEvents = async () =>
    (
      await db.ds.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1 AND action = 'supply.settings.update'`,
        [t.tenantId],
      )
    )[0].n;

  it('refuses a timings change on a version changed meanwhile (CONFLICT naming the current one) and keeps them', async () => {
    const { version } = await settingsRead();
    // Another admin changes the reminder on that version.
    const theirs = (await gqlOk(UPDATE_SETTINGS, { i: { version, reminderBeforeSeconds: 7200 } }, tok.admin))
      .updateSupplySettings;
    expect(theirs).toMatchObject({ version: version + 1, reminderBeforeSeconds: 7200 });
    const [before, eventsBefore] = [await stored(), await settingsEvents()];
    for (const stale of [version, version + 2]) {
      const res = await api.gql(
        UPDATE_SETTINGS,
        { i: { version: stale, routineDeliverSeconds: 172800 } },
        tok.admin,
      );
      expectError(res, 'CONFLICT', /已被他人修改/);
      expect(res.errors![0].extensions).toMatchObject({ currentVersion: version + 1 });
      expect(await stored()).toEqual(before);
      expect(await settingsEvents()).toBe(eventsBefore);
    }
    // On the version read again, the change goes through and the other stands.
    const mine = (
      await gqlOk(UPDATE_SETTINGS, { i: { version: version + 1, routineDeliverSeconds: 172800 } }, tok.admin)
    ).updateSupplySettings;
    expect(mine).toMatchObject({
      version: version + 2,
      reminderBeforeSeconds: 7200,
      deliverSeconds: { ROUTINE: 172800 },
    });
    expect(await settingsRead()).toEqual(mine);
  });

  it('lets exactly one of two admins saving the timings on the same version at once win; the other gets CONFLICT', async () => {
    for (let round = 1; round <= 3; round++) {
      const was = await settingsRead();
      // Each changes a value of its own: without the version both would go through.
      const results = await Promise.all([
        api.gql(
          UPDATE_SETTINGS,
          { i: { version: was.version, routineDecideSeconds: 3600 * (24 + round) } },
          tok.admin,
        ),
        api.gql(
          UPDATE_SETTINGS,
          { i: { version: was.version, urgentDeliverSeconds: 3600 * (12 + round) } },
          tok.admin,
        ),
      ]);
      const won = results.filter((r) => !r.errors);
      expect(won).toHaveLength(1);
      const lost = results.filter((r) => errorCode(r) === 'CONFLICT');
      expect(lost).toHaveLength(1);
      expect(lost[0].errors![0].extensions).toMatchObject({ currentVersion: was.version + 1 });
      const now = await settingsRead();
      expect(now).toEqual(won[0].data!.updateSupplySettings);
      expect(now.version).toBe(was.version + 1);
      const changed = [
        now.decideSeconds.ROUTINE !== was.decideSeconds.ROUTINE,
        now.deliverSeconds.URGENT !== was.deliverSeconds.URGENT,
      ];
      expect(changed.filter(Boolean)).toHaveLength(1);
    }
  });
});
