import { createHash } from 'node:crypto';
import { addMonths } from '@yg/indicators';
import { currentMonth } from '@yg/indicators/engine/months';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { blankRefusal, errorCode, GqlResult, TestApi } from './utils/api';
import { registerPatient, upReferralInput } from './utils/referrals';
import { addFormularyItem, addLocalItem, CODES, loadDictionary } from './utils/drugs';
import { ScorecardFixedMeasures } from './utils/unification-measures';
import { eventually, startWorker } from './utils/worker';

/**
 * The seven-unification scorecard through the api: every dimension of every institution on a
 * hand-written month (visit days, dispatched doctors and assessment participation from a fixed
 * table; evidence recorded and reviewed through the api), the current month's referral and
 * catalogue data from real records, item versions, evidence review rules, roles and tenants,
 * and the qualitative national indicators read from it.
 */

const ITEM = `code version outcome value numerator denominator reason evidenceIds`;
const CARD = `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) {
  sevenUnifications(scope: $s, period: $p) {
    scope { kind tier institutionId } period { kind label from to } rule
    institutions { institutionId name tier dimensions { dimension nameZh outcome reason items { ${ITEM} } } }
    rollup { dimension met partial notMet outcome }
    qualitative { key outcome value } } }`;
const EVIDENCE = `id institutionId evidenceKind title documentDate sha256 location recordedBy status reviewedBy reviewReason`;
const RECORD = `mutation($i: RecordUnificationEvidenceInput!) { recordUnificationEvidence(input: $i) { ${EVIDENCE} } }`;
const REVIEW = `mutation($i: ReviewUnificationEvidenceInput!) { reviewUnificationEvidence(input: $i) { ${EVIDENCE} } }`;
const UPDATE = `mutation($i: UpdateUnificationItemInput!) { updateUnificationItem(input: $i) {
  code version own changeNote data { numerator denominator multiplier comparator met partial } } }`;

type Item = { code: string; version: number; outcome: string; value: number | null; reason: string };
type Dim = { dimension: string; outcome: string; reason: string | null; items: Item[] };

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('seven-unification scorecard', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let other: TenantFixture;
  const fixed = new ScorecardFixedMeasures();
  const tok: Record<string, string> = {};
  const NOW = currentMonth('Asia/Shanghai', new Date());
  const A = addMonths(NOW, -1);
  const daysA = new Date(Date.UTC(Number(A.slice(0, 4)), Number(A.slice(5, 7)), 0)).getUTCDate();

  const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await api.gql(query, variables, token);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const expectError = (res: GqlResult, code: string) =>
    expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
  const card = async (scope: Record<string, unknown>, month: string, token = tok.admin) => {
    const c = (await gqlOk(CARD, { s: scope, p: { kind: 'MONTH', month } }, token)).sevenUnifications;
    const of = (inst: string) => {
      const found = c.institutions.find((i: { institutionId: string }) => i.institutionId === inst);
      return Object.fromEntries(found.dimensions.map((d: Dim) => [d.dimension, d])) as Record<string, Dim>;
    };
    const item = (inst: string, code: string) =>
      Object.values(of(inst))
        .flatMap((d) => d.items)
        .find((i) => i.code === code)!;
    return { ...c, of, item };
  };
  const outcomes = (dims: Record<string, Dim>) => Object.values(dims).map((d) => d.outcome);
  const record = (
    token: string,
    institutionId: string,
    evidenceKind: string,
    title: string,
    documentDate = `${A}-05`,
  ) =>
    api.gql(
      RECORD,
      {
        i: {
          institutionId,
          evidenceKind,
          title,
          documentDate,
          sha256: sha(title),
          location: `/docs/${title}.pdf`,
        },
      },
      token,
    );
  const recordOk = async (...args: Parameters<typeof record>) => {
    const res = await record(...args);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.recordUnificationEvidence as { id: string; status: string };
  };
  const review = (token: string, evidenceId: string, decision: string, reason?: string) =>
    api.gql(REVIEW, { i: { evidenceId, decision, reason } }, token);

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config, { measureSources: [fixed] });
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    // A second consortium admin: nobody reviews their own record.
    await db.ds.query(
      `INSERT INTO app_user (tenant_id, institution_id, username, display_name, password_hash, roles)
       SELECT tenant_id, institution_id, username || '-2', 'admin2', password_hash, roles FROM app_user WHERE id = $1`,
      [t.users.admin.id],
    );
    tok.admin = await api.login(t.users.admin.username);
    tok.admin2 = await api.login(`${t.users.admin.username}-2`);
    tok.auditor = await api.login(t.users.auditor.username);
    tok.instAdmin = await api.login(t.users.instAdmin.username);
    tok.village = await api.login(t.users.villageClinician.username);
    tok.coord = await api.login(t.users.coordinator.username);
    tok.other = await api.login(other.users.admin.username);

    const { general: G, subcenter: S, township: T } = t.inst;
    // ---- month A, hand-written ----
    fixed.put(t.tenantId, 'enc.days_reported', A, G, daysA);
    fixed.put(t.tenantId, 'enc.days_reported', A, S, daysA);
    fixed.put(t.tenantId, 'enc.days_reported', A, T, daysA - 3); // ≥ 80 %, < 100 %: PARTIAL
    fixed.put(t.tenantId, 'stat.dispatched_doctors', A, S, 2);
    fixed.put(t.tenantId, 'stat.dispatched_doctors', A, T, 1);
    fixed.put(t.tenantId, 'asm.participated', A, G, 1);
    fixed.put(t.tenantId, 'asm.participated', A, S, 1);
    // the other consortium: a full month everywhere, which must not leak
    fixed.put(other.tenantId, 'asm.participated', A, other.inst.township, 1);

    // ---- evidence for month A ----
    const accept = async (id: string, token = tok.admin2) => {
      const res = await review(token, id, 'ACCEPTED');
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    };
    for (const [kind, title] of [
      ['POLICY_DOCUMENT', '医共体统一管理办法'],
      ['APPOINTMENT_LETTER', '总医院院长任命文件'],
      ['COMMITTEE_MINUTES', '管委会第三次会议纪要'],
      ['STAFF_DEPLOYMENT_PLAN', '人员统一调配方案'],
      ['LEDGER_STATEMENT', '集中核算合并报表'],
    ])
      await accept((await recordOk(tok.admin, G, kind, title)).id);
    await recordOk(tok.admin, G, 'MUTUAL_RECOGNITION', '检查检验互认清单'); // left pending
    const sPolicy = await recordOk(tok.admin, S, 'POLICY_DOCUMENT', '次中心制度汇编');
    const rejected = await review(
      tok.admin2,
      sPolicy.id,
      'REJECTED',
      '非医共体印发 (not issued by the consortium)',
    );
    expect(rejected.data!.reviewUnificationEvidence).toMatchObject({
      status: 'REJECTED',
      reviewReason: expect.any(String),
    });
    await recordOk(tok.instAdmin, T, 'POLICY_DOCUMENT', '卫生院执行医共体制度的通知'); // pending
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('lists the default items of the seven dimensions, seeded for every consortium', async () => {
    const items = (
      await gqlOk(`{ unificationItems { code dimension kind version own tiers } }`, {}, tok.admin)
    ).unificationItems as { code: string; dimension: string; kind: string; version: number; own: boolean }[];
    expect(new Set(items.map((i) => i.dimension))).toEqual(
      new Set(['ADMINISTRATION', 'PERSONNEL', 'FINANCE', 'BUSINESS', 'DRUGS', 'INFORMATION', 'PERFORMANCE']),
    );
    expect(items.filter((i) => i.kind === 'EVIDENCE').map((i) => i.code)).toEqual([
      'POLICY_DOCUMENT',
      'APPOINTMENT_LETTER',
      'COMMITTEE_MINUTES',
      'STAFF_DEPLOYMENT_PLAN',
      'LEDGER_STATEMENT',
      'MUTUAL_RECOGNITION',
    ]);
    expect(items.every((i) => i.version === 1 && !i.own)).toBe(true);
    const theirs = (await gqlOk(`{ unificationItems { code } }`, {}, tok.other)).unificationItems;
    expect(theirs).toHaveLength(items.length);
  });

  it('judges every dimension of every institution on the hand-written month, with reasons', async () => {
    const c = await card({ kind: 'CONSORTIUM' }, A);
    const { general: G, subcenter: S, township: T, village: V } = t.inst;
    // Partner hospitals are not members.
    expect(c.institutions.map((i: { institutionId: string }) => i.institutionId).sort()).toEqual(
      [G, S, T, V].sort(),
    );
    expect(c.period).toEqual({ kind: 'MONTH', label: A, from: A, to: A });
    // Order: 行政 人员 财务 业务 药械 信息 绩效
    // G: all three 行政 documents accepted; its staff plan and ledger accepted; 业务 has the pending mutual
    // recognition but no referral or consultation; no catalogue yet (nothing to measure); visits every day
    // but no referral or consultation in the system; took part in the assessment.
    expect(outcomes(c.of(G))).toEqual(['MET', 'MET', 'MET', 'PARTIAL', 'NOT_MET', 'PARTIAL', 'MET']);
    expect(c.of(G).DRUGS.reason).toBe('没有可评价的项目 (no item could be judged)');
    expect(c.item(G, 'CATALOGUE_MAPPED')).toMatchObject({ outcome: 'NOT_APPLICABLE', value: null });
    expect(c.item(G, 'MUTUAL_RECOGNITION').outcome).toBe('PARTIAL');
    expect(c.item(G, 'VISIT_DAYS_REPORTED')).toMatchObject({ outcome: 'MET', value: 100 });
    expect(c.item(G, 'REFERRAL_RESPONSE_IN_DEADLINE').outcome).toBe('NOT_APPLICABLE');
    expect(c.item(G, 'ASSESSMENT_PARTICIPATION')).toMatchObject({ outcome: 'MET', value: 100 });
    // S: its policy document rejected, no appointment letter; two doctors dispatched; no ledger; no
    // referral or consultation; visits every day; took part.
    expect(outcomes(c.of(S))).toEqual(['NOT_MET', 'MET', 'NOT_MET', 'NOT_MET', 'NOT_MET', 'PARTIAL', 'MET']);
    expect(c.item(S, 'POLICY_DOCUMENT').reason).toContain('材料均被退回 1 份');
    expect(c.item(S, 'DISPATCHED_DOCTORS')).toMatchObject({ outcome: 'MET', value: 2 });
    // T: policy document awaiting review; one doctor; visits on all but 3 days; not scored in the assessment.
    expect(outcomes(c.of(T))).toEqual([
      'PARTIAL',
      'MET',
      'NOT_MET',
      'NOT_MET',
      'NOT_MET',
      'PARTIAL',
      'NOT_MET',
    ]);
    const visitsT = Math.round(((daysA - 3) / daysA) * 100 * 10_000) / 10_000;
    expect(c.item(T, 'VISIT_DAYS_REPORTED')).toMatchObject({ outcome: 'PARTIAL', value: visitsT });
    expect(c.item(T, 'VISIT_DAYS_REPORTED').reason).toBe(
      `${visitsT} (${daysA - 3} / ${daysA}); 达标 met ≥ 100; 部分达标 partial ≥ 80: 部分达标 partly met`,
    );
    expect(c.item(T, 'POLICY_DOCUMENT').outcome).toBe('PARTIAL');
    // V: nothing at all.
    expect(outcomes(c.of(V))).toEqual([
      'NOT_MET',
      'NOT_MET',
      'NOT_MET',
      'NOT_MET',
      'NOT_MET',
      'NOT_MET',
      'NOT_MET',
    ]);
    expect(c.item(V, 'DISPATCHED_DOCTORS')).toMatchObject({ outcome: 'NOT_MET', value: 0 });
    expect(c.item(V, 'CONSULTATIONS_IN_SYSTEM')).toBeUndefined(); // not a village clinic's item

    // Roll-up: all MET → MET; more than half NOT_MET → NOT_MET; else PARTIAL.
    expect(c.rollup).toEqual([
      { dimension: 'ADMINISTRATION', met: 1, partial: 1, notMet: 2, outcome: 'PARTIAL' },
      { dimension: 'PERSONNEL', met: 3, partial: 0, notMet: 1, outcome: 'PARTIAL' },
      { dimension: 'FINANCE', met: 1, partial: 0, notMet: 3, outcome: 'NOT_MET' },
      { dimension: 'BUSINESS', met: 0, partial: 1, notMet: 3, outcome: 'NOT_MET' },
      { dimension: 'DRUGS', met: 0, partial: 0, notMet: 4, outcome: 'NOT_MET' },
      { dimension: 'INFORMATION', met: 0, partial: 3, notMet: 1, outcome: 'PARTIAL' },
      { dimension: 'PERFORMANCE', met: 2, partial: 0, notMet: 2, outcome: 'PARTIAL' },
    ]);
    // 资源统一管理: 人员 P, 财务 N, 业务 N, 药械 N, 信息 P → PARTIAL; 民主决策: accepted minutes;
    // 服务协同联动: no referral or consultation in the system, recognition pending → PARTIAL.
    expect(c.qualitative).toEqual([
      { key: 'uni.resource_unified', outcome: 'PARTIAL', value: 0.5 },
      { key: 'uni.democratic_decision', outcome: 'MET', value: 1 },
      { key: 'uni.service_coordination', outcome: 'PARTIAL', value: 0.5 },
    ]);
  });

  it('feeds the qualitative national indicators from the scorecard', async () => {
    const REPORT = `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) {
      indicatorReport(scope: $s, period: $p) { results { code value reason met definition { version kind } } } }`;
    const r = (await gqlOk(REPORT, { s: { kind: 'CONSORTIUM' }, p: { kind: 'MONTH', month: A } }, tok.admin))
      .indicatorReport.results as {
      code: string;
      value: number;
      met: boolean;
      definition: { version: number; kind: string };
    }[];
    const by = Object.fromEntries(r.map((x) => [x.code, x]));
    expect([by.N01.value, by.N02.value, by.N03.value]).toEqual([0.5, 1, 0.5]);
    expect([by.N01.met, by.N02.met, by.N03.met]).toEqual([false, true, false]);
    expect(by.N02.definition).toEqual({ version: 2, kind: 'VALUE' });
    // An institution's report: the consortium-level value whatever the scope.
    const inst = (
      await gqlOk(
        REPORT,
        { s: { kind: 'INSTITUTION', institutionId: t.inst.township }, p: { kind: 'MONTH', month: A } },
        tok.admin,
      )
    ).indicatorReport.results.find((x: { code: string }) => x.code === 'N02');
    expect(inst.value).toBe(1);
    // The other consortium has no evidence at all.
    const theirs = (
      await gqlOk(REPORT, { s: { kind: 'CONSORTIUM' }, p: { kind: 'MONTH', month: A } }, tok.other)
    ).indicatorReport.results.filter((x: { code: string }) => ['N01', 'N02', 'N03'].includes(x.code));
    expect(theirs.map((x: { value: number }) => x.value)).toEqual([0, 0, 0]);
  });

  it('reads this month’s referrals and catalogue mapping from the real records', async () => {
    const { general: G, subcenter: S, township: T, village: V } = t.inst;
    const patientId = await registerPatient(api, tok.village);
    const created = (
      await gqlOk(
        `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
        { i: upReferralInput(patientId, G) },
        tok.village,
      )
    ).createReferral;
    await gqlOk(
      `mutation($i: AcceptReferralInput!) { acceptReferral(input: $i) { state } }`,
      {
        i: {
          id: created.id,
          appointmentAt: new Date(Date.now() + 3600_000).toISOString(),
          place: '心内科门诊',
        },
      },
      tok.coord,
    );
    await loadDictionary(api);
    const metf = await addFormularyItem(api, tok.admin, CODES.METF);
    // T: 19 of 20 mapped (95 %: MET); S: 8 of 10 (80 %: PARTIAL), a proposal not counted.
    for (let i = 0; i < 20; i++)
      await addLocalItem(db.ds, t.tenantId, T, {
        localCode: `T${i}`,
        genericName: '盐酸二甲双胍片',
        formularyItemId: i < 19 ? metf : undefined,
      });
    for (let i = 0; i < 10; i++)
      await addLocalItem(db.ds, t.tenantId, S, {
        localCode: `S${i}`,
        genericName: '盐酸二甲双胍片',
        formularyItemId: i < 9 ? metf : undefined,
        status: i === 8 ? 'PROPOSED' : 'CONFIRMED',
      });
    const c = await card({ kind: 'CONSORTIUM' }, NOW);
    expect(c.item(V, 'REFERRAL_PARTICIPATION')).toMatchObject({ outcome: 'MET', value: 1 });
    expect(c.item(V, 'REFERRALS_IN_SYSTEM')).toMatchObject({ outcome: 'MET', value: 1 });
    expect(c.item(G, 'REFERRAL_PARTICIPATION')).toMatchObject({ outcome: 'MET', value: 1 });
    expect(c.item(G, 'REFERRAL_RESPONSE_IN_DEADLINE')).toMatchObject({ outcome: 'MET', value: 100 });
    expect(c.item(T, 'CATALOGUE_MAPPED')).toMatchObject({ outcome: 'MET', value: 95 });
    expect(c.item(S, 'CATALOGUE_MAPPED')).toMatchObject({ outcome: 'PARTIAL', value: 80 });
    // This month nobody is in the fixed table: no visit days, no assessment.
    expect(c.item(G, 'ASSESSMENT_PARTICIPATION')).toMatchObject({ outcome: 'NOT_MET', value: 0 });
  });

  it('versions an item: this month uses the edit, last month keeps what it was judged with', async () => {
    const bad = await api.gql(
      UPDATE,
      {
        i: {
          code: 'CATALOGUE_MAPPED',
          version: 1,
          changeNote: 'x',
          data: {
            numerator: ['drug.catalogue_mapped'],
            denominator: ['drug.catalogue_items'],
            multiplier: 100,
            comparator: 'GTE',
            met: 90,
            partial: 95,
          },
        },
      },
      tok.admin,
    );
    expectError(bad, 'BAD_USER_INPUT');
    expectError(
      await api.gql(
        UPDATE,
        { i: { code: 'CATALOGUE_MAPPED', version: 1, changeNote: 'x', active: false } },
        tok.instAdmin,
      ),
      'FORBIDDEN',
    );
    expectError(
      await api.gql(
        UPDATE,
        { i: { code: 'NO_SUCH_ITEM', version: 1, changeNote: 'x', active: false } },
        tok.admin,
      ),
      'NOT_FOUND',
    );
    // A change note or a name of blanks: refused before anything is looked at (the edit below is version 2).
    for (const [field, value] of [
      ['changeNote', '\u3000 \t'],
      ['nameZh', '   '],
    ]) {
      const i = { code: 'CATALOGUE_MAPPED', version: 1, changeNote: '改名 (renamed)', [field]: value };
      expect(await api.gql(UPDATE, { i }, tok.admin)).toMatchObject({
        data: null,
        errors: [blankRefusal(field)],
      });
    }
    const updated = (
      await gqlOk(
        UPDATE,
        {
          i: {
            code: 'CATALOGUE_MAPPED',
            version: 1,
            changeNote: '2026 年起对照率要求提高到 99 %',
            data: {
              numerator: ['drug.catalogue_mapped'],
              denominator: ['drug.catalogue_items'],
              multiplier: 100,
              comparator: 'GTE',
              met: 99,
              partial: 90,
            },
          },
        },
        tok.admin,
      )
    ).updateUnificationItem;
    expect(updated).toMatchObject({
      code: 'CATALOGUE_MAPPED',
      version: 2,
      own: true,
      data: { met: 99, partial: 90 },
    });
    const versions = (
      await gqlOk(`{ unificationItems(code: "CATALOGUE_MAPPED") { version own } }`, {}, tok.auditor)
    ).unificationItems;
    expect(versions).toEqual([
      { version: 2, own: true },
      { version: 1, own: false },
    ]);
    // The other consortium still reads the template.
    const theirs = (await gqlOk(`{ unificationItems(code: "CATALOGUE_MAPPED") { version } }`, {}, tok.other))
      .unificationItems;
    expect(theirs).toEqual([{ version: 1 }]);
    const now = await card({ kind: 'CONSORTIUM' }, NOW);
    expect(now.item(t.inst.township, 'CATALOGUE_MAPPED')).toMatchObject({
      version: 2,
      outcome: 'PARTIAL',
      value: 95,
    });
    const before = await card({ kind: 'CONSORTIUM' }, A);
    expect(before.item(t.inst.general, 'CATALOGUE_MAPPED').version).toBe(1);
    const [audit] = await db.ds.query(
      `SELECT details FROM audit_event WHERE tenant_id = $1 AND action = 'unification.item.update'`,
      [t.tenantId],
    );
    expect(audit.details).toMatchObject({
      code: 'CATALOGUE_MAPPED',
      version: 2,
      previousVersion: 1,
      changed: ['data'],
    });
  });

  it('switches an item off and changes a check without a denominator, for this month only', async () => {
    const off = await gqlOk(
      UPDATE,
      {
        i: {
          code: 'MUTUAL_RECOGNITION',
          version: 1,
          changeNote: '本年度不考核互认 (not assessed this year)',
          active: false,
        },
      },
      tok.admin,
    );
    expect(off.updateUnificationItem).toMatchObject({ version: 2, own: true });
    const two = await gqlOk(
      UPDATE,
      {
        i: {
          code: 'DISPATCHED_DOCTORS',
          version: 1,
          changeNote: '至少派驻 2 名 (at least two)',
          data: {
            numerator: ['stat.dispatched_doctors'],
            multiplier: 1,
            comparator: 'GTE',
            met: 2,
            partial: 1,
          },
        },
      },
      tok.admin,
    );
    expect(two.updateUnificationItem.data).toEqual({
      numerator: ['stat.dispatched_doctors'],
      denominator: null,
      multiplier: 1,
      comparator: 'GTE',
      met: 2,
      partial: 1,
    });
    const now = await card({ kind: 'CONSORTIUM' }, NOW);
    expect(now.item(t.inst.general, 'MUTUAL_RECOGNITION')).toBeUndefined();
    expect(now.item(t.inst.township, 'DISPATCHED_DOCTORS')).toMatchObject({
      version: 2,
      outcome: 'NOT_MET',
      value: 0,
    });
    const before = await card({ kind: 'CONSORTIUM' }, A);
    expect(before.item(t.inst.general, 'MUTUAL_RECOGNITION')).toMatchObject({
      version: 1,
      outcome: 'PARTIAL',
    });
    expect(before.item(t.inst.township, 'DISPATCHED_DOCTORS')).toMatchObject({
      version: 1,
      outcome: 'MET',
      value: 1,
    });
  });

  it('adds an item of the consortium’s own, judged from this month on, whose evidence can then be recorded', async () => {
    const CREATE = `mutation($i: CreateUnificationItemInput!) { createUnificationItem(input: $i) {
      code version own position dimension kind tiers evidence { evidenceKind validMonths } } }`;
    const qc = {
      code: 'QC_AUDIT_REPORT',
      dimension: 'BUSINESS',
      kind: 'EVIDENCE',
      nameZh: '医疗质量统一质控报告',
      nameEn: 'Unified quality-control report',
      tiers: ['COUNTY', 'TOWNSHIP'],
      evidence: { evidenceKind: 'QC_AUDIT_REPORT', validMonths: 6 },
      changeNote: '质控纳入业务统一考核 (QC joins the business dimension)',
    };
    expectError(await api.gql(CREATE, { i: qc }, tok.instAdmin), 'FORBIDDEN');
    expectError(await api.gql(CREATE, { i: { ...qc, evidence: null } }, tok.admin), 'BAD_USER_INPUT');
    expectError(await api.gql(CREATE, { i: { ...qc, code: 'POLICY_DOCUMENT' } }, tok.admin), 'CONFLICT');
    const made = (await gqlOk(CREATE, { i: qc }, tok.admin)).createUnificationItem;
    expect(made).toMatchObject({
      code: 'QC_AUDIT_REPORT',
      version: 1,
      own: true,
      kind: 'EVIDENCE',
      tiers: ['COUNTY', 'TOWNSHIP'],
    });
    expectError(await api.gql(CREATE, { i: qc }, tok.admin), 'CONFLICT');
    // The other consortium does not see it.
    expectError(
      await api.gql(`{ unificationItems(code: "QC_AUDIT_REPORT") { version } }`, {}, tok.other),
      'NOT_FOUND',
    );
    const rec = await recordOk(
      tok.instAdmin,
      t.inst.township,
      'QC_AUDIT_REPORT',
      '卫生院质控报告',
      `${NOW}-01`,
    );
    expect(rec.status).toBe('PENDING');
    const now = await card({ kind: 'CONSORTIUM' }, NOW);
    expect(now.item(t.inst.township, 'QC_AUDIT_REPORT').outcome).toBe('PARTIAL');
    expect(now.item(t.inst.village, 'QC_AUDIT_REPORT')).toBeUndefined();
    const before = await card({ kind: 'CONSORTIUM' }, A);
    expect(before.item(t.inst.township, 'QC_AUDIT_REPORT')).toBeUndefined();
  });

  it('refuses an edit on a version changed meanwhile and changes nothing; of two admins saving on one version at once, one wins', async () => {
    const code = 'QC_AUDIT_REPORT';
    const read = async () =>
      (
        await gqlOk(
          `query($c: String!) { unificationItems(code: $c) { version nameZh nameEn active changeNote } }`,
          { c: code },
          tok.admin,
        )
      ).unificationItems;
    const [{ version }] = await read();
    // Another admin renames it on the version read.
    const theirs = await gqlOk(
      UPDATE,
      { i: { code, version, changeNote: '英文名改短 (shorter name)', nameEn: 'QC report' } },
      tok.admin2,
    );
    expect(theirs.updateUnificationItem.version).toBe(version + 1);
    const events = async () =>
      (
        await db.ds.query(
          `SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1 AND action = 'unification.item.update'`,
          [t.tenantId],
        )
      )[0].n;
    const [before, eventsBefore] = [await read(), await events()];
    // Saved on the version read (or on one never issued): refused, nothing written.
    for (const stale of [version, version + 2]) {
      const res = await api.gql(
        UPDATE,
        { i: { code, version: stale, changeNote: '停用 (off)', active: false } },
        tok.admin,
      );
      expectError(res, 'CONFLICT');
      expect(res.errors![0].extensions).toMatchObject({ currentVersion: version + 1 });
      expect(res.errors![0].message).toContain('已被他人修改');
      expect(await read()).toEqual(before);
      expect(await events()).toBe(eventsBefore);
    }
    // Two admins save on the version now read at once: one new version, the other refused.
    const results = await Promise.all([
      api.gql(
        UPDATE,
        { i: { code, version: version + 1, changeNote: 'A', nameEn: 'QC report A' } },
        tok.admin,
      ),
      api.gql(UPDATE, { i: { code, version: version + 1, changeNote: 'B', nameZh: '质控报告' } }, tok.admin2),
    ]);
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(1);
    const after = await read();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0].version).toBe(version + 2);
    expect(after[0].changeNote).toBe(won[0].data!.updateUnificationItem.changeNote);
    // The loser's change is nowhere: the winner's version carries the one before's other fields.
    const { nameZh, nameEn, active } = before[0];
    expect(after[0]).toEqual(
      after[0].changeNote === 'A'
        ? { version: version + 2, nameZh, nameEn: 'QC report A', active, changeNote: 'A' }
        : { version: version + 2, nameZh: '质控报告', nameEn, active, changeNote: 'B' },
    );
  });

  it('reviews evidence once, by someone other than its recorder', async () => {
    const mine = await recordOk(
      tok.admin,
      t.inst.general,
      'LEDGER_STATEMENT',
      '第二季度合并报表',
      `${NOW}-01`,
    );
    expectError(await review(tok.admin, mine.id, 'ACCEPTED'), 'FORBIDDEN');
    expectError(await review(tok.admin2, mine.id, 'REJECTED'), 'BAD_USER_INPUT'); // a rejection needs a reason
    expectError(await review(tok.auditor, mine.id, 'ACCEPTED'), 'FORBIDDEN');
    expectError(await review(tok.other, mine.id, 'ACCEPTED'), 'NOT_FOUND');
    expectError(await review(tok.admin2, '00000000-0000-4000-8000-000000000000', 'ACCEPTED'), 'NOT_FOUND');
    expectError(await review(tok.admin2, 'not-an-id', 'ACCEPTED'), 'BAD_USER_INPUT');
    const [{ status }] = await db.ds.query(`SELECT status FROM unification_evidence WHERE id = $1`, [
      mine.id,
    ]);
    expect(status).toBe('PENDING');

    // Two admins review the institution admin's record at once: one wins, the other gets CONFLICT.
    const theirs = await recordOk(
      tok.instAdmin,
      t.inst.township,
      'LEDGER_STATEMENT',
      '卫生院并表',
      `${NOW}-01`,
    );
    const results = await Promise.all([
      review(tok.admin, theirs.id, 'ACCEPTED'),
      review(tok.admin2, theirs.id, 'REJECTED', '数据不全 (incomplete)'),
    ]);
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(1);
    const [row] = await db.ds.query(`SELECT status, reviewed_by FROM unification_evidence WHERE id = $1`, [
      theirs.id,
    ]);
    expect(row.status).toBe(won[0].data!.reviewUnificationEvidence.status);
    const audits = await db.ds.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'unification.evidence.review' AND entity_id = $1`,
      [theirs.id],
    );
    expect(audits[0].n).toBe(1);
    // The recorder is told the decision through the outbox, in the review's transaction.
    const events = await db.ds.query(
      `SELECT payload FROM outbox_message WHERE payload->>'aggregateId' = $1 ORDER BY id`,
      [theirs.id],
    );
    expect(events.map((e: { payload: { type: string } }) => e.payload.type)).toEqual([
      'unification.evidence.recorded',
      'unification.evidence.reviewed',
    ]);
    expect(events[1].payload.notify[0].audience).toEqual([{ userIds: [t.users.instAdmin.id] }]);
    // A reviewed record never changes, even for the owner.
    await expect(
      db.ds.query(`UPDATE unification_evidence SET title = 'x' WHERE id = $1`, [theirs.id]),
    ).rejects.toThrow(/review may be set/);
  });

  it('checks what is recorded and who may record it', async () => {
    const { general: G, township: T, partner: X } = t.inst;
    expectError(await record(tok.instAdmin, G, 'POLICY_DOCUMENT', '越权'), 'FORBIDDEN');
    expectError(await record(tok.village, T, 'POLICY_DOCUMENT', '临床'), 'FORBIDDEN');
    expectError(await record(tok.auditor, T, 'POLICY_DOCUMENT', '审计'), 'FORBIDDEN');
    expectError(await record(tok.other, T, 'POLICY_DOCUMENT', '他人'), 'NOT_FOUND');
    expectError(await record(tok.admin, X, 'POLICY_DOCUMENT', '合作医院'), 'BAD_USER_INPUT');
    expectError(await record(tok.admin, T, 'BIRTHDAY_CARD', '未知类型'), 'BAD_USER_INPUT');
    expectError(
      await record(tok.admin, T, 'POLICY_DOCUMENT', '未来', `${addMonths(NOW, 2)}-01`),
      'BAD_USER_INPUT',
    );
    const badHash = await api.gql(
      RECORD,
      {
        i: {
          institutionId: T,
          evidenceKind: 'POLICY_DOCUMENT',
          title: 'x',
          documentDate: `${A}-01`,
          sha256: 'abc',
          location: '/x',
        },
      },
      tok.admin,
    );
    expectError(badHash, 'BAD_USER_INPUT');
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM unification_evidence WHERE title IN ('越权','临床','审计','他人','合作医院','未知类型','未来','x')`,
    );
    expect(n).toBe(0);
    const rec = await recordOk(tok.instAdmin, T, 'APPOINTMENT_LETTER', '院长聘任书');
    const [audit] = await db.ds.query(`SELECT action, actor_user_id FROM audit_event WHERE entity_id = $1`, [
      rec.id,
    ]);
    expect(audit).toEqual({ action: 'unification.evidence.record', actor_user_id: t.users.instAdmin.id });
  });

  it('lets auditors and consortium admins read everything, an institution admin its own, other tenants nothing', async () => {
    const { general: G, township: T } = t.inst;
    expect((await card({ kind: 'CONSORTIUM' }, A, tok.auditor)).institutions).toHaveLength(4);
    const own = await card({ kind: 'INSTITUTION', institutionId: T }, A, tok.instAdmin);
    expect(own.scope).toEqual({ kind: 'INSTITUTION', tier: 'TOWNSHIP', institutionId: T });
    expect(own.institutions).toHaveLength(1);
    const tier = await card({ kind: 'TIER', tier: 'TOWNSHIP' }, A, tok.auditor);
    expect(tier.institutions).toHaveLength(2);
    const q = (s: Record<string, unknown>, token: string, month = A) =>
      api.gql(CARD, { s, p: { kind: 'MONTH', month } }, token);
    expectError(await q({ kind: 'CONSORTIUM' }, tok.instAdmin), 'FORBIDDEN');
    expectError(await q({ kind: 'INSTITUTION', institutionId: G }, tok.instAdmin), 'FORBIDDEN');
    expectError(await q({ kind: 'CONSORTIUM' }, tok.village), 'FORBIDDEN');
    expectError(await q({ kind: 'INSTITUTION', institutionId: G }, tok.other), 'NOT_FOUND');
    expectError(await q({ kind: 'INSTITUTION', institutionId: 'nope' }, tok.admin), 'BAD_USER_INPUT');
    expectError(await q({ kind: 'CONSORTIUM' }, tok.admin, addMonths(NOW, 1)), 'BAD_USER_INPUT');
    const list = (await gqlOk(`{ unificationEvidence { institutionId } }`, {}, tok.instAdmin))
      .unificationEvidence;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((e: { institutionId: string }) => e.institutionId === T)).toBe(true);
    expect((await gqlOk(`{ unificationEvidence { id } }`, {}, tok.other)).unificationEvidence).toEqual([]);
    const all = (await gqlOk(`{ unificationEvidence(status: REJECTED) { title } }`, {}, tok.auditor))
      .unificationEvidence;
    expect(all.map((e: { title: string }) => e.title)).toContain('次中心制度汇编');
    expectError(
      await api.gql(`{ unificationEvidence(institutionId: "${G}") { id } }`, {}, tok.instAdmin),
      'FORBIDDEN',
    );
  });

  it('judges a quarter with levels averaged over its months', async () => {
    const c = (
      await gqlOk(
        CARD,
        { s: { kind: 'INSTITUTION', institutionId: t.inst.general }, p: { kind: 'QUARTER', month: A } },
        tok.admin,
      )
    ).sevenUnifications;
    const items = c.institutions[0].dimensions.flatMap((d: Dim) => d.items);
    const asm = items.find((i: Item) => i.code === 'ASSESSMENT_PARTICIPATION');
    // Scored in month A only; months after the current one are not counted.
    const counted = Number(c.period.to.slice(5, 7)) - Number(c.period.from.slice(5, 7)) + 1;
    expect(asm.value).toBe(Math.round((100 / counted) * 10_000) / 10_000);
  });

  it('tells the recorder the decision and the consortium admins what awaits review, through the worker', async () => {
    const worker = await startWorker(db.config);
    try {
      const rec = await recordOk(tok.instAdmin, t.inst.township, 'APPOINTMENT_LETTER', '副院长聘任书');
      const inbox = (token: string, kind: string) =>
        eventually(async () => {
          const res = await api.gql(`{ notifications(first: 50) { nodes { kind title body } } }`, {}, token);
          return res.data?.notifications.nodes.find(
            (n: { kind: string; title: string }) => n.kind === kind && n.title.includes('副院长聘任书'),
          );
        });
      expect(await inbox(tok.admin2, 'unification.evidence.recorded')).toBeTruthy();
      await review(tok.admin, rec.id, 'REJECTED', '缺少医共体印章 (no consortium seal)');
      const told = await inbox(tok.instAdmin, 'unification.evidence.reviewed');
      expect(told).toMatchObject({
        title: expect.stringContaining('被退回'),
        body: '缺少医共体印章 (no consortium seal)',
      });
    } finally {
      await worker.close();
    }
  });
});
