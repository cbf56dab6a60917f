import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ContinuityRateService, ContinuityService, ContinuityTrigger } from '@yg/drugs';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient, upReferralInput } from './utils/referrals';
import { addUser } from './pipeline-helpers';
import { LiveClient } from './utils/live-client';
import { addFormularyItem, addLocalItem, CODES, DOWN_CONTENT, loadDictionary, planItem } from './utils/drugs';

/**
 * Medication continuity on down-referral (用药衔接): the plan checked against the receiving
 * village clinic at submission (every outcome), stored as it was, re-checked when stock
 * changes, pushed to both ends, and the 用药衔接率 of a month built from the checks.
 */

const CHECK = `id trigger current itemsTotal available substitute outOfStock notListed unknown snapshot
  receivingInstitution { id }
  items { position drug nationalCode dose resolvedBy outcome note onHand plannedItemId formularyItemId
          plannedItem { id spec } formularyItem { id spec } localItem { localCode spec unit } }`;
const REFERRAL = `id number state medicationPlan { drug nationalCode formularyItemId dose }
  medicationContinuity { ${CHECK} } medicationContinuityChecks { id trigger current }`;
const RATE = `query($m: String!, $i: ID) { medicationContinuityRate(month: $m, institutionId: $i) {
  month institutionId numerator denominator rate
  byInstitution { institutionId numerator denominator rate institution { id } }
  items { referralId referralNumber position drug outcome counted basis reason supplyRequestNumber suppliedAt arrivedAt } } }`;

describe('medication continuity on down-referral', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let other: TenantFixture;
  let villageLive: LiveClient;
  let countyLive: LiveClient;
  let patientId: string;
  const tok: Record<string, string> = {};
  const F: Record<string, string> = {};
  const local: Record<string, string> = {};
  let leadPharmacist: { id: string; username: string };
  let villagePharmacist: { id: string; username: string };

  const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await api.gql(query, variables, token);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const expectError = (res: GqlResult, code: string) =>
    expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });

  const down = (plan: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    upReferralInput(patientId, t.inst.village, {
      ...DOWN_CONTENT,
      toDepartmentId: t.department.gp,
      urgency: 'ROUTINE',
      medicationPlan: plan,
      ...extra,
    });
  const createDown = async (plan: Record<string, unknown>[]) =>
    (
      await gqlOk(
        `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state } }`,
        { i: down(plan) },
        tok.county,
      )
    ).createReferral as { id: string; number: string; state: string };
  const readReferral = async (id: string, token = tok.village) =>
    (await gqlOk(`query($id: ID!) { referral(id: $id) { ${REFERRAL} } }`, { id }, token)).referral;
  const inbox = async (token: string) =>
    (await gqlOk(`{ notifications(first: 50) { nodes { kind title link } } }`, {}, token)).notifications
      .nodes as { kind: string; title: string; link: string }[];
  const requestRecheck = (trigger = ContinuityTrigger.STOCK_CHANGE) =>
    api.app.get(DataSource).transaction(async (em) => {
      const continuity = api.app.get(ContinuityService);
      // Asked twice in one transaction: one job.
      await continuity.requestRecheck(em, t.tenantId, t.inst.village, trigger);
      await continuity.requestRecheck(em, t.tenantId, t.inst.village, trigger);
    });
  const recheckRows = (): Promise<{ id: string; payload: any }[]> =>
    db.ds.query(
      `SELECT id::text, payload FROM outbox_message WHERE job_name = 'drug.continuity-recheck' ORDER BY id`,
    );

  beforeAll(async () => {
    // Sweeps once at start only: the statement counts below see the api's statements alone.
    db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000' });
    api = await TestApi.start(db.config);
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    worker = await startWorker(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    await loadDictionary(api);
    leadPharmacist = await addUser(db.ds, t, `lead-ph-${t.tenantId.slice(0, 6)}`, t.inst.general, [
      'PHARMACIST',
    ]);
    villagePharmacist = await addUser(db.ds, t, `vil-ph-${t.tenantId.slice(0, 6)}`, t.inst.village, [
      'PHARMACIST',
    ]);
    const townPharmacist = await addUser(db.ds, t, `town-ph-${t.tenantId.slice(0, 6)}`, t.inst.township, [
      'PHARMACIST',
    ]);
    const townClinician = await addUser(db.ds, t, `town-dr-${t.tenantId.slice(0, 6)}`, t.inst.township, [
      'CLINICIAN',
    ]);
    tok.admin = await api.login(t.users.admin.username);
    tok.county = await api.login(t.users.countyClinician.username);
    tok.village = await api.login(t.users.villageClinician.username);
    tok.lead = await api.login(leadPharmacist.username);
    tok.villagePh = await api.login(villagePharmacist.username);
    tok.townPh = await api.login(townPharmacist.username);
    tok.townDr = await api.login(townClinician.username);
    tok.auditor = await api.login(t.users.auditor.username);
    tok.other = await api.login(other.users.admin.username);
    for (const [key, code] of Object.entries(CODES)) F[key] = await addFormularyItem(api, tok.admin, code);
    F.otherTenant = await addFormularyItem(api, tok.other, CODES.METF);
    const v = (spec: Parameters<typeof addLocalItem>[3]) =>
      addLocalItem(db.ds, t.tenantId, t.inst.village, spec);
    local.metf = await v({
      localCode: 'V-MET',
      genericName: '二甲双胍片',
      spec: '0.25g*48片',
      formularyItemId: F.METF,
      onHand: 100,
    });
    local.amlo5 = await v({
      localCode: 'V-AML5',
      genericName: '氨氯地平片',
      spec: '5mg',
      formularyItemId: F.AMLO_5,
      onHand: 0,
    });
    local.amlo10 = await v({
      localCode: 'V-AML10',
      genericName: '络活喜',
      spec: '10mg*7片',
      formularyItemId: F.AMLO_10,
      onHand: 40,
    });
    local.ator = await v({
      localCode: 'V-ATO',
      genericName: '阿托伐他汀钙片',
      spec: '20mg',
      formularyItemId: F.ATOR,
    });
    // Proposed only: never counts as listed.
    local.asp = await v({
      localCode: 'V-ASP',
      genericName: '阿司匹林',
      spec: '100mg',
      formularyItemId: F.ASP,
      status: 'PROPOSED',
      onHand: 500,
    });
    patientId = await registerPatient(api, tok.county, '下转患者');
    const url = `http://127.0.0.1:${port}`;
    villageLive = new LiveClient(url, tok.village);
    countyLive = new LiveClient(url, tok.county);
    await villageLive.ready(t.users.villageClinician.id);
    await countyLive.ready(t.users.countyClinician.id);
  });

  afterAll(async () => {
    villageLive?.close();
    countyLive?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  const PLAN = [
    planItem('盐酸二甲双胍片 0.25g', { dose: '0.5g', frequency: '每日三次' }),
    planItem('氨氯地平片', { formularyItemId: '' }),
    planItem('阿托伐他汀钙片', { dose: '20mg' }),
    planItem('阿司匹林肠溶片', { dose: '100mg' }),
    planItem('自拟降压汤', { dose: '1剂' }),
  ];
  const plan = () => [
    PLAN[0],
    { ...PLAN[1], formularyItemId: F.AMLO_5 },
    { ...PLAN[2], nationalCode: CODES.ATOR },
    { ...PLAN[3], formularyItemId: F.ASP },
    PLAN[4],
  ];
  let r1: { id: string; number: string };

  it('checks every plan item against the receiving clinic at submission, in the same transaction', async () => {
    r1 = await createDown(plan());
    const r = await readReferral(r1.id);
    expect(r.medicationPlan.map((m: any) => [m.drug, m.nationalCode, m.formularyItemId])).toEqual([
      ['盐酸二甲双胍片 0.25g', null, null],
      ['氨氯地平片', null, F.AMLO_5],
      ['阿托伐他汀钙片', CODES.ATOR, null],
      ['阿司匹林肠溶片', null, F.ASP],
      ['自拟降压汤', null, null],
    ]);
    const c = r.medicationContinuity;
    expect(c).toMatchObject({
      trigger: 'SUBMISSION',
      current: true,
      itemsTotal: 5,
      available: 1,
      substitute: 1,
      outOfStock: 1,
      notListed: 1,
      unknown: 1,
      receivingInstitution: { id: t.inst.village },
    });
    expect(c.items.map((i: any) => [i.position, i.resolvedBy, i.outcome])).toEqual([
      [0, 'MATCHED', 'AVAILABLE'],
      [1, 'FORMULARY_ITEM', 'SUBSTITUTE'],
      [2, 'NATIONAL_CODE', 'OUT_OF_STOCK'],
      [3, 'FORMULARY_ITEM', 'NOT_LISTED'],
      [4, 'UNRESOLVED', 'UNKNOWN'],
    ]);
    const [metf, amlo, ator, asp, unknown] = c.items;
    expect(metf).toMatchObject({
      plannedItemId: F.METF,
      formularyItemId: F.METF,
      onHand: 100,
      localItem: { localCode: 'V-MET' },
    });
    // The substitute: another strength, with how to give the planned dose.
    expect(amlo).toMatchObject({
      plannedItem: { id: F.AMLO_5, spec: '5mg' },
      formularyItem: { id: F.AMLO_10, spec: '10mg' },
      localItem: { localCode: 'V-AML10' },
      onHand: 40,
    });
    expect(amlo.note).toContain('计划 5mg,本机构 10mg');
    expect(amlo.note).toContain('每次 0.5片');
    expect(ator).toMatchObject({ plannedItemId: F.ATOR, localItem: { localCode: 'V-ATO' }, onHand: null });
    expect(ator.note).toMatch(/未登记库存.*no stock recorded/);
    // A mapping still awaiting a pharmacist does not list it.
    expect(asp).toMatchObject({ plannedItemId: F.ASP, localItem: null });
    expect(unknown).toMatchObject({ plannedItemId: null, formularyItemId: null });
    expect(unknown.note).toMatch(/统一目录中没有相近的药品|no unified-list item confirmed/);
    // The inputs behind the figures are stored with the check.
    expect(c.snapshot).toMatchObject({
      receivingTier: 'VILLAGE',
      mappings: {
        [local.amlo5]: { formularyItemId: F.AMLO_5, status: 'CONFIRMED', version: 1 },
        [local.amlo10]: { formularyItemId: F.AMLO_10, status: 'CONFIRMED', version: 1 },
      },
      stock: {
        [local.amlo5]: { onHand: 0, version: 1 },
        [local.amlo10]: { onHand: 40, version: 1 },
        [local.ator]: null,
      },
      formulary: { [F.AMLO_5]: 1, [F.AMLO_10]: 1, [F.AMLO_5B]: 1 },
    });
    // The sender sees the same check.
    expect((await readReferral(r1.id, tok.county)).medicationContinuity.id).toBe(c.id);

    // The referral's own push told the clinic; its pharmacist finds the gaps in the inbox.
    await villageLive.waitFor('referral.updated', (u) => u.id === r1.id && u.state === 'SUBMITTED');
    const note = await eventually(async () =>
      (await inbox(tok.villagePh)).find((n) => n.kind === 'medication.continuity-checked'),
    );
    expect(note).toMatchObject({ link: `/referrals/${r1.id}` });
    expect(note.title).toContain(r1.number);
  });

  it('keeps the submission check as it was; a stock change re-checks into a new current check, pushed to both ends', async () => {
    await db.ds.query(
      `INSERT INTO drug_stock (catalogue_item_id, tenant_id, institution_id, on_hand, source) VALUES ($1, $2, $3, 30, 'MANUAL')`,
      [local.ator, t.tenantId, t.inst.village],
    );
    // Nothing re-checks by itself: the stored check is the one made at submission.
    const before = (await readReferral(r1.id)).medicationContinuity;
    expect(before.trigger).toBe('SUBMISSION');
    expect(before.items[2].outcome).toBe('OUT_OF_STOCK');

    await requestRecheck();
    expect(await recheckRows()).toHaveLength(1);
    const pushed = await villageLive.waitFor(
      'referral.updated',
      (u) => u.id === r1.id && u.type === 'medication.continuity',
    );
    expect(pushed).toMatchObject({ trigger: 'STOCK_CHANGE', state: 'SUBMITTED' });
    await countyLive.waitFor('referral.updated', (u) => u.id === r1.id && u.checkId === pushed.checkId);

    const after = await readReferral(r1.id);
    expect(after.medicationContinuityChecks.map((c: any) => [c.trigger, c.current])).toEqual([
      ['SUBMISSION', false],
      ['STOCK_CHANGE', true],
    ]);
    expect(after.medicationContinuity).toMatchObject({ id: pushed.checkId, available: 2, outOfStock: 0 });
    expect(after.medicationContinuity.items[2]).toMatchObject({ outcome: 'AVAILABLE', onHand: 30 });
    expect(after.medicationContinuity.snapshot.stock[local.ator]).toMatchObject({ onHand: 30 });
    // The submission check and its results are unchanged.
    const [first] = (
      await gqlOk(
        `query($id: ID!) { medicationContinuityChecks(referralId: $id) { ${CHECK} } }`,
        { id: r1.id },
        tok.village,
      )
    ).medicationContinuityChecks;
    expect(first).toEqual({ ...before, current: false });

    // Both ends hear of the change in their inbox.
    for (const token of [tok.county, tok.village]) {
      await eventually(async () =>
        (await inbox(token)).find(
          (n) => n.kind === 'medication.continuity-changed' && n.link === `/referrals/${r1.id}`,
        ),
      );
    }
  });

  it('re-checks once per request: a redelivered job and a re-check that changes nothing add no check', async () => {
    const [row] = await recheckRows();
    const continuity = worker.get(ContinuityService);
    expect(await continuity.recheck(row.id, row.payload)).toBe(0);
    await requestRecheck(ContinuityTrigger.MAPPING_CHANGE);
    const rows = await recheckRows();
    expect(rows).toHaveLength(2);
    await eventually(async () => {
      const [done] = await db.ds.query(
        `SELECT 1 FROM processed_event WHERE message_id = $1 AND handler = 'drugs.continuity-recheck'`,
        [rows[1].id],
      );
      return done;
    });
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM medication_continuity_check WHERE referral_id = $1`,
      [r1.id],
    );
    expect(n).toBe(2);
  });

  it('refuses plan items naming an unknown code or list item, or both disagreeing, creating nothing', async () => {
    const count = async () =>
      (await db.ds.query(`SELECT count(*)::int AS n FROM referral WHERE tenant_id = $1`, [t.tenantId]))[0].n;
    const n = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ nationalCode: 'XC08CAA123A001990100001' }, 'medicationPlan[0].nationalCode'],
      [{ nationalCode: 'YC08' }, 'medicationPlan.0.nationalCode'],
      [{ formularyItemId: F.otherTenant }, 'medicationPlan[0].formularyItemId'],
      [{ formularyItemId: F.METF, nationalCode: CODES.ATOR }, 'medicationPlan[0].nationalCode'],
    ];
    for (const [extra, field] of cases) {
      const res = await api.gql(
        `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
        { i: down([planItem('某药', extra)]) },
        tok.county,
      );
      expectError(res, 'BAD_USER_INPUT');
      expect(JSON.stringify(res.errors![0].extensions)).toContain(field);
    }
    expect(await count()).toBe(n);
  });

  it('leaves referrals without a plan as they were', async () => {
    const villagePatient = await registerPatient(api, tok.village, '上转患者');
    const res = await gqlOk(
      `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id state medicationContinuity { id } medicationContinuityChecks { id } } }`,
      { i: upReferralInput(villagePatient, t.inst.general) },
      tok.village,
    );
    expect(res.createReferral).toMatchObject({
      state: 'SUBMITTED',
      medicationContinuity: null,
      medicationContinuityChecks: [],
    });
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM medication_plan_item WHERE referral_id = $1`,
      [res.createReferral.id],
    );
    expect(n).toBe(0);
  });

  it('shows a referral’s continuity only to those who see the referral', async () => {
    const q = `query($id: ID!) { medicationContinuity(referralId: $id) { id } }`;
    // A nullable field: the error comes with `medicationContinuity: null`.
    for (const token of [tok.townDr, tok.other]) {
      const res = await api.gql(q, { id: r1.id }, token);
      expect({ code: errorCode(res), data: res.data }).toEqual({
        code: 'NOT_FOUND',
        data: { medicationContinuity: null },
      });
    }
    expect((await gqlOk(q, { id: r1.id }, tok.admin)).medicationContinuity.id).toBeDefined();
  });

  describe('用药衔接率', () => {
    let r2: { id: string; number: string };
    let r3: { id: string; number: string };

    const supply = async (referralId: string, formularyItemId: string, key: string) => {
      const created = (
        await gqlOk(
          `mutation($i: CreateSupplyRequestInput!) { createSupplyRequest(input: $i) { id version planItemId } }`,
          { i: { formularyItemId, quantity: 30, referralId, reason: '下转患者需要', idempotencyKey: key } },
          tok.village,
        )
      ).createSupplyRequest;
      await gqlOk(
        `mutation($i: ApproveSupplyRequestInput!) { approveSupplyRequest(input: $i) { state } }`,
        { i: { id: created.id, expectedVersion: created.version } },
        tok.lead,
      );
      await gqlOk(
        `mutation($i: DispatchSupplyRequestInput!) { dispatchSupplyRequest(input: $i) { state } }`,
        { i: { id: created.id } },
        tok.lead,
      );
      return created as { id: string; planItemId: string };
    };
    const receive = (id: string) =>
      gqlOk(
        `mutation($i: ReceiveSupplyRequestInput!) { receiveSupplyRequest(input: $i) { state } }`,
        { i: { id, receivedQuantity: 30 } },
        tok.village,
      );
    const acceptAndArrive = async (id: string) => {
      await gqlOk(
        `mutation($i: AcceptReferralInput!) { acceptReferral(input: $i) { state } }`,
        { i: { id, appointmentAt: new Date(Date.now() + 86_400_000).toISOString(), place: '全科诊室' } },
        tok.village,
      );
      await gqlOk(
        `mutation($i: ReferralNoteInput!) { recordReferralArrival(input: $i) { state } }`,
        { i: { id } },
        tok.village,
      );
    };

    it('a supply received before arrival puts stock on the clinic’s item and re-checks the referral', async () => {
      // Plan item 1 was a substitute: its own item, supplied, becomes available.
      const s = await supply(r1.id, F.AMLO_5, 'rate-r1-amlo5');
      const [{ position }] = await db.ds.query(`SELECT position FROM medication_plan_item WHERE id = $1`, [
        s.planItemId,
      ]);
      expect(position).toBe(1);
      await receive(s.id);
      const [stock] = await db.ds.query(
        `SELECT on_hand, source FROM drug_stock WHERE catalogue_item_id = $1`,
        [local.amlo5],
      );
      expect(stock).toEqual({ on_hand: '30.000', source: 'SUPPLY' });
      await villageLive.waitFor(
        'referral.updated',
        (u) => u.id === r1.id && u.type === 'medication.continuity' && u.trigger === 'SUPPLY',
      );
      const r = await readReferral(r1.id);
      expect(r.medicationContinuity).toMatchObject({ trigger: 'SUPPLY', available: 3, substitute: 0 });
      expect(r.medicationContinuity.items[1]).toMatchObject({
        outcome: 'AVAILABLE',
        formularyItemId: F.AMLO_5,
      });
      await acceptAndArrive(r1.id);
    });

    it('counts items available or substitutable at submission, or supplied before arrival, per month in the consortium’s time zone', async () => {
      // r2: aspirin not listed, supplied only after the patient arrived; metformin available.
      r2 = await createDown([
        { ...PLAN[3], formularyItemId: F.ASP },
        planItem('二甲双胍', { nationalCode: CODES.METF, dose: '0.5g' }),
      ]);
      const s2 = await supply(r2.id, F.ASP, 'rate-r2-asp');
      await acceptAndArrive(r2.id);
      await receive(s2.id);
      const [received] = await db.ds.query(
        `SELECT details, note FROM supply_request_step WHERE supply_request_id = $1 AND action = 'receive'`,
        [s2.id],
      );
      expect(received.details).toMatchObject({ stockUpdated: false, reason: 'NO_MAPPED_CATALOGUE_ITEM' });
      expect(received.note).toMatch(/库存未更新/);
      // r3: one item, in October.
      r3 = await createDown([planItem('二甲双胍', { nationalCode: CODES.METF, dose: '0.5g' })]);
      // Submission moments as the months need them: 00:30 on 1 November in Shanghai is still
      // 31 October in UTC; 23:30 on 31 October in Shanghai.
      const place = (id: string, at: string) =>
        db.ds.query(
          `UPDATE medication_continuity_check SET referral_submitted_at = $2 WHERE referral_id = $1`,
          [id, at],
        );
      await place(r1.id, '2026-10-31T16:30:00Z');
      await place(r2.id, '2026-11-20T02:00:00Z');
      await place(r3.id, '2026-10-31T15:30:00Z');

      const nov = (await gqlOk(RATE, { m: '2026-11' }, tok.admin)).medicationContinuityRate;
      expect(nov).toMatchObject({
        month: '2026-11',
        institutionId: null,
        numerator: 3,
        denominator: 7,
        rate: 0.4286,
      });
      expect(nov.byInstitution).toEqual([
        {
          institutionId: t.inst.village,
          numerator: 3,
          denominator: 7,
          rate: 0.4286,
          institution: { id: t.inst.village },
        },
      ]);
      const row = (i: any) => [i.referralNumber, i.position, i.outcome, i.counted, i.basis];
      expect(nov.items.map(row)).toEqual([
        [r1.number, 0, 'AVAILABLE', true, 'AVAILABLE'],
        // Counted by the check at submission, whatever the later re-checks said.
        [r1.number, 1, 'SUBSTITUTE', true, 'SUBSTITUTE'],
        // Stocked by hand, not supplied: still out of stock when submitted.
        [r1.number, 2, 'OUT_OF_STOCK', false, 'NOT_COUNTED'],
        [r1.number, 3, 'NOT_LISTED', false, 'NOT_COUNTED'],
        [r1.number, 4, 'UNKNOWN', false, 'NOT_COUNTED'],
        [r2.number, 0, 'NOT_LISTED', false, 'NOT_COUNTED'],
        [r2.number, 1, 'AVAILABLE', true, 'AVAILABLE'],
      ]);
      expect(nov.items[5].reason).toMatch(/after the patient arrived/);
      expect(nov.items[5].supplyRequestNumber).toMatch(/^QY-/);
      expect(nov.items[2].reason).toMatch(/OUT_OF_STOCK when submitted.*not supplied before arrival/);

      const oct = (await gqlOk(RATE, { m: '2026-10' }, tok.admin)).medicationContinuityRate;
      expect(oct).toMatchObject({ numerator: 1, denominator: 1, rate: 1 });
      expect(oct.items.map(row)).toEqual([[r3.number, 0, 'AVAILABLE', true, 'AVAILABLE']]);

      const township = (await gqlOk(RATE, { m: '2026-11', i: t.inst.township }, tok.admin))
        .medicationContinuityRate;
      expect(township).toMatchObject({
        numerator: 0,
        denominator: 0,
        rate: null,
        items: [],
        byInstitution: [],
      });
    });

    it('counts an item supplied before the patient arrived', async () => {
      const r4 = await createDown([{ ...PLAN[3], formularyItemId: F.ASP }]);
      const s = await supply(r4.id, F.ASP, 'rate-r4-asp');
      await receive(s.id);
      await acceptAndArrive(r4.id);
      await db.ds.query(
        `UPDATE medication_continuity_check SET referral_submitted_at = '2026-09-10T02:00:00Z' WHERE referral_id = $1`,
        [r4.id],
      );
      const sep = (await gqlOk(RATE, { m: '2026-09' }, tok.lead)).medicationContinuityRate;
      expect(sep).toMatchObject({ numerator: 1, denominator: 1 });
      expect(sep.items[0]).toMatchObject({ outcome: 'NOT_LISTED', counted: true, basis: 'SUPPLIED' });
      expect(sep.items[0].reason).toMatch(/supplied before the patient arrived/);
      expect(new Date(sep.items[0].suppliedAt) <= new Date(sep.items[0].arrivedAt)).toBe(true);
    });

    it('gives the indicators the same figures as the item list, counted from the monthly rollup', async () => {
      const rates = api.app.get(ContinuityRateService);
      const em = api.app.get<DataSource>(getDataSourceToken()).manager;
      const counts = await rates.counts(em, t.tenantId, '2026-09', '2026-11', null);
      const listed: [string, string, number, number][] = [];
      for (const m of ['2026-09', '2026-10', '2026-11']) {
        const r = (await gqlOk(RATE, { m }, tok.admin)).medicationContinuityRate;
        for (const row of r.byInstitution)
          listed.push([m, row.institutionId, row.numerator, row.denominator]);
      }
      // Both kinds of supply are here: before the arrival (September) and after it (November).
      expect(listed).toHaveLength(3);
      expect(
        counts
          .map((c) => [c.month, c.institutionId, c.counted, c.items])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual(listed);
    });

    it('is read by consortium admins, auditors and the lead pharmacists; others for their own institution only', async () => {
      expect((await gqlOk(RATE, { m: '2026-11' }, tok.auditor)).medicationContinuityRate.denominator).toBe(7);
      expect((await gqlOk(RATE, { m: '2026-11' }, tok.villagePh)).medicationContinuityRate).toMatchObject({
        institutionId: t.inst.village,
        denominator: 7,
      });
      expect((await gqlOk(RATE, { m: '2026-11' }, tok.townPh)).medicationContinuityRate.denominator).toBe(0);
      expectError(await api.gql(RATE, { m: '2026-11', i: t.inst.village }, tok.townPh), 'FORBIDDEN');
      expectError(await api.gql(RATE, { m: '2026-11' }, tok.village), 'FORBIDDEN');
      expectError(await api.gql(RATE, { m: '2026-11', i: t.inst.village }, tok.other), 'NOT_FOUND');
      expect((await gqlOk(RATE, { m: '2026-11' }, tok.other)).medicationContinuityRate.denominator).toBe(0);
      expectError(await api.gql(RATE, { m: '2026-13' }, tok.admin), 'BAD_USER_INPUT');
    });

    it('reads lists in a constant number of statements, whatever their length', async () => {
      const statements = async (run: () => Promise<unknown>) => {
        const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
        try {
          await run();
          return spy.mock.calls.filter(([sql]) =>
            /medication_|formulary_item|drug_catalogue_item|supply_request|FROM "referral"|FROM referral/.test(
              String(sql),
            ),
          ).length;
        } finally {
          spy.mockRestore();
        }
      };
      const list = (first: number) =>
        gqlOk(
          `query($n: Int) { referrals(box: INCOMING, direction: DOWN, first: $n) { nodes { id
             medicationContinuity { receivingInstitution { id } items { plannedItem { id } formularyItem { id } localItem { id } } }
             medicationContinuityChecks { id } } } }`,
          { n: first },
          tok.village,
        );
      // No re-check still running in the worker.
      await eventually(async () => {
        const [{ n }] = await db.ds.query(
          `SELECT count(*)::int AS n FROM outbox_message o WHERE job_name = 'drug.continuity-recheck'
              AND NOT EXISTS (SELECT 1 FROM processed_event p WHERE p.message_id = o.id)`,
        );
        return n === 0;
      });
      expect((await list(4)).referrals.nodes).toHaveLength(4);
      const four = await statements(() => list(4));
      expect(four).toBeGreaterThanOrEqual(4);
      expect(four).toBe(await statements(() => list(1)));
      expect(await statements(() => gqlOk(RATE, { m: '2026-11' }, tok.admin))).toBe(
        await statements(() => gqlOk(RATE, { m: '2026-10' }, tok.admin)),
      );
    });
  });
  it('re-checks open down-referrals when the clinic’s stock or mappings change through the catalogue', async () => {
    const setStock = (onHand: number) =>
      gqlOk(
        `mutation($i: UpdateStockInput!) { updateStock(input: $i) { updated } }`,
        { i: { institutionId: t.inst.village, items: [{ catalogueItemId: local.amlo5, onHand }] } },
        tok.villagePh,
      );
    await setStock(0);
    const r = await createDown([
      { ...PLAN[1], formularyItemId: F.AMLO_5 },
      { ...PLAN[3], formularyItemId: F.ASP },
    ]);
    const current = async () => (await readReferral(r.id)).medicationContinuity;
    const atSubmission = await current();
    expect(atSubmission.items[0].outcome).not.toBe('AVAILABLE');
    expect(atSubmission.items[1].outcome).toBe('NOT_LISTED');

    // The planned strength comes into stock: the catalogue's stock event re-checks the referral.
    await setStock(20);
    const afterStock = await eventually(async () => {
      const c = await current();
      return c.items[0].outcome === 'AVAILABLE' ? c : undefined;
    });
    expect(afterStock).toMatchObject({ trigger: 'STOCK_CHANGE', current: true });

    // The pharmacist confirms the proposed aspirin mapping: listed (and in stock) now.
    const [{ version }] = await db.ds.query(`SELECT version FROM drug_mapping WHERE catalogue_item_id = $1`, [
      local.asp,
    ]);
    await gqlOk(
      `mutation($id: ID!, $v: Int!) { confirmMapping(id: $id, expectedVersion: $v) { status } }`,
      { id: local.asp, v: version },
      tok.villagePh,
    );
    const afterMapping = await eventually(async () => {
      const c = await current();
      return c.items[1].outcome === 'AVAILABLE' ? c : undefined;
    });
    expect(afterMapping).toMatchObject({ trigger: 'MAPPING_CHANGE', current: true });
    // The submission check is kept as it was.
    const checks = (
      await gqlOk(
        `query($id: ID!) { medicationContinuityChecks(referralId: $id) { trigger current } }`,
        { id: r.id },
        tok.village,
      )
    ).medicationContinuityChecks;
    expect(checks).toEqual([
      { trigger: 'SUBMISSION', current: false },
      { trigger: 'STOCK_CHANGE', current: false },
      { trigger: 'MAPPING_CHANGE', current: true },
    ]);
  });
});
