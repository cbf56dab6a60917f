import ExcelJS from 'exceljs';
import { addMonths } from '@yg/indicators';
import { currentMonth } from '@yg/indicators/engine/months';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { blankRefusal, errorCode, GqlResult, TestApi } from './utils/api';
import { registerPatient, upReferralInput } from './utils/referrals';
import { addFormularyItem, addLocalItem, CODES, DOWN_CONTENT, loadDictionary, planItem } from './utils/drugs';
import { FixedMeasures } from './utils/fixed-measures';

/**
 * Consortium indicators: both seeded sets, every computable formula on a small hand-computed
 * data set, period maths, levels against flows, zero denominators, versioning with published
 * months, drill-down, roles and tenants, and the export. Encounter, out-of-county and
 * statistics measures come from a fixed table (the measure-source seam); referral,
 * consultation and medication-continuity measures from records made through the real api.
 */

const RESULT = `code value numerator denominator reason met target { source value }
  previousValue changeFromPrevious lastYearValue changeFromLastYear definition { version kind own }`;
const REPORT = `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) {
  indicatorReport(scope: $s, period: $p) { published scope { kind tier institutionId }
    period { kind label from to } results { ${RESULT} } } }`;

type Result = {
  code: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  reason: string | null;
  met: boolean | null;
  target: { source: string; value: number } | null;
  previousValue: number | null;
  changeFromPrevious: number | null;
  lastYearValue: number | null;
  changeFromLastYear: number | null;
  definition: { version: number; kind: string; own: boolean };
};

describe('consortium indicators', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let other: TenantFixture;
  const fixed = new FixedMeasures();
  const tok: Record<string, string> = {};
  const NOW = currentMonth('Asia/Shanghai', new Date());
  const A = addMonths(NOW, -1); // the report month
  const Y = addMonths(A, -12); // the same month a year earlier
  const P = String(Number(NOW.slice(0, 4)) - 3); // a past year for period maths
  const PP = String(Number(P) - 1);

  const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await api.gql(query, variables, token);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const expectError = (res: GqlResult, code: string) =>
    expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
  const consortium = { kind: 'CONSORTIUM' };
  const month = (m: string) => ({ kind: 'MONTH', month: m });
  const report = async (
    scope: Record<string, unknown>,
    period: Record<string, unknown>,
    token = tok.admin,
  ) => {
    const r = (await gqlOk(REPORT, { s: scope, p: period }, token)).indicatorReport;
    return {
      ...r,
      by: Object.fromEntries(r.results.map((x: Result) => [x.code, x])) as Record<string, Result>,
    };
  };
  const put = (key: string, m: string, inst: string | null, value: number, tenantId = t.tenantId) =>
    fixed.rows.push({ tenantId, key, month: m, institutionId: inst, value });

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config, { measureSources: [fixed] });
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    tok.admin = await api.login(t.users.admin.username);
    tok.auditor = await api.login(t.users.auditor.username);
    tok.instAdmin = await api.login(t.users.instAdmin.username);
    tok.village = await api.login(t.users.villageClinician.username);
    tok.county = await api.login(t.users.countyClinician.username);
    tok.coord = await api.login(t.users.coordinator.username);
    tok.expert = await api.login(t.users.expert.username);
    tok.other = await api.login(other.users.admin.username);

    const { general: G, subcenter: S, township: T, village: V, partner: X } = t.inst;
    // ---- month A ----
    for (const [inst, n] of [
      [G, 600],
      [S, 150],
      [T, 200],
      [V, 50],
      [X, 100],
    ] as const)
      put('enc.visits', A, inst, n);
    put('enc.visits_tcm', A, G, 60);
    put('enc.visits_tcm', A, T, 40);
    for (const [inst, n] of [
      [G, 540],
      [S, 150],
      [T, 190],
      [V, 50],
    ] as const)
      put('enc.visits_resident', A, inst, n);
    put('ooc.visits', A, null, 70);
    for (const [inst, n] of [
      [G, 8000],
      [S, 1000],
      [T, 800],
      [V, 200],
    ] as const)
      put('enc.fund_paid', A, inst, n);
    for (const [inst, n] of [
      [G, 7000],
      [S, 500],
      [T, 500],
    ] as const)
      put('enc.fund_paid_insured_resident', A, inst, n);
    put('ooc.fund_paid', A, null, 2000);
    put('enc.discharges_insured_resident', A, G, 80);
    put('enc.discharges_insured_resident', A, T, 20);
    put('enc.inpatient_cost_insured_resident', A, G, 720_000);
    put('enc.inpatient_cost_insured_resident', A, T, 80_000);
    put('ooc.admissions', A, null, 25);
    put('enc.chronic_admissions', A, G, 12);
    put('enc.chronic_admissions', A, T, 3);
    put('stat.chronic_managed', A, null, 3000);
    put('stat.population', A, null, 480_000);
    for (const [inst, n] of [
      [T, 30],
      [V, 6],
      [G, 4],
    ] as const)
      put('stat.dispatched_doctors', A, inst, n);
    put('stat.village_clinics', A, null, 200);
    put('stat.village_clinics_ecg', A, null, 150);
    for (const [inst, n] of [
      [G, 1000],
      [T, 100],
      [S, 80],
      [V, 20],
    ] as const)
      put('stat.staff_count', A, inst, n);
    for (const [inst, n] of [
      [G, 150e6],
      [T, 10e6],
      [S, 9e6],
      [V, 1e6],
    ] as const) {
      put('stat.staff_income_total', A, inst, n);
    }
    put('stat.chronic_premature_deaths', A, null, 24);
    put('stat.population_30_70', A, null, 240_000);
    // ---- the same month a year earlier ----
    for (const [inst, n] of [
      [G, 620],
      [S, 150],
      [T, 180],
      [V, 50],
    ] as const)
      put('enc.visits', Y, inst, n);
    put('enc.discharges_insured_resident', Y, G, 100);
    put('enc.inpatient_cost_insured_resident', Y, G, 750_000);
    // ---- Q1 of year P (flows and levels), Q1 of the year before ----
    for (const [m, g, d] of [
      ['01', 100, 30],
      ['02', 200, 36],
      ['03', 300, 42],
    ] as const) {
      put('enc.visits', `${P}-${m}`, G, g);
      put('enc.visits', `${P}-${m}`, T, 50);
      put('stat.dispatched_doctors', `${P}-${m}`, T, d);
      put('stat.population', `${P}-${m}`, null, 480_000);
    }
    put('enc.visits', `${PP}-02`, G, 500);
    put('enc.visits', `${PP}-02`, T, 100);
    // Another consortium's data never shows.
    put('enc.visits', A, other.inst.general, 999, other.tenantId);
    put('enc.visits', A, other.inst.township, 1, other.tenantId);
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('seeds both sets for every consortium, with editions, kinds, targets and working definitions', async () => {
    const data = await gqlOk(
      `{ indicatorSets { code name edition } indicatorDefinitions { code setCode version kind unit direction own
           nameZh workingDefinition targets { source value } formula { multiplier numerator { terms { key tiers kinds consortiumLevel } } } } }`,
      {},
      tok.auditor,
    );
    expect(data.indicatorSets.map((s: { edition: string }) => s.edition)).toEqual([
      '国家监测指标 2024',
      '本医共体',
    ]);
    const defs = data.indicatorDefinitions as {
      code: string;
      setCode: string;
      kind: string;
      own: boolean;
      version: number;
    }[];
    expect(defs.filter((d) => d.setCode === 'NATIONAL_2024').map((d) => d.code)).toEqual([
      'N01',
      'N02',
      'N03',
      'N04',
      'N05A',
      'N05B',
      'N06',
      'N07',
      'N08',
      'N09',
      'N10A',
      'N10B',
      'N11',
      'N12',
      'N13',
      'N14',
    ]);
    expect(defs.filter((d) => d.setCode === 'CONSORTIUM')).toHaveLength(17);
    // The three qualitative ones read the seven-unification scorecard since their version 2.
    expect(defs.filter((d) => d.version === 2).map((d) => [d.code, d.kind])).toEqual([
      ['N01', 'VALUE'],
      ['N02', 'VALUE'],
      ['N03', 'VALUE'],
    ]);
    expect(defs.every((d) => (d.version === 1 || ['N01', 'N02', 'N03'].includes(d.code)) && !d.own)).toBe(
      true,
    );
    const c01 = data.indicatorDefinitions.find((d: { code: string }) => d.code === 'C01');
    expect(c01.targets).toEqual([{ source: 'CONSORTIUM', value: 91 }]);
    expect(c01.workingDefinition).toContain('工作定义');
    // A consortium created later reads the same templates.
    const late = await buildTenant(db.ds);
    const lateToken = await api.login(late.users.admin.username);
    const lateDefs = (await gqlOk(`{ indicatorDefinitions { code } }`, {}, lateToken)).indicatorDefinitions;
    expect(lateDefs).toHaveLength(33);
  });

  it('computes every national formula on the hand-made month, the qualitative ones from the seven-unification scorecard', async () => {
    const r = await report(consortium, month(A));
    expect(r.published).toBe(false);
    expect(r.period).toEqual({ kind: 'MONTH', label: A, from: A, to: A });
    const v = (code: string) => [r.by[code].value, r.by[code].numerator, r.by[code].denominator];
    // From the seven-unification scorecard (its own test covers it): no evidence recorded here, but
    // doctors dispatched to the township and village (2 of the 4 members) make 人员 partly met.
    expect(['N01', 'N02', 'N03'].map((q) => [r.by[q].value, r.by[q].met])).toEqual([
      [0.5, false],
      [0, false],
      [0, false],
    ]);
    // 派驻: (30 + 6) township and village, the county hospital's 4 not; ÷ 480 000 × 10 000
    expect(v('N04')).toEqual([0.75, 36, 480_000]);
    expect(v('N05B')).toEqual([75, 150, 200]);
    // (10e6 + 9e6 + 1e6) / (100 + 80 + 20) = 100 000 ÷ 150e6 / 1000 = 150 000
    expect(v('N06')).toEqual([0.6667, 100_000, 150_000]);
    // 150 + 200 + 50 of 600 + 150 + 200 + 50 (the partner hospital's 100 is outside the county)
    expect(v('N07')).toEqual([40, 400, 1000]);
    expect(v('N08')).toEqual([80, 8000, 10_000]);
    expect(v('N09')).toEqual([20, 2000, 10_000]);
    expect(v('N10A')).toEqual([8000, 800_000, 100]);
    // (8000 − 7500) ÷ 7500
    expect(v('N10B')).toEqual([6.6667, 8000, 7500]);
    expect(v('N11')).toEqual([80, 100, 125]);
    expect(v('N12')).toEqual([10, 100, 1000]);
    expect(v('N13')).toEqual([0.5, 15, 3000]);
    expect(v('N14')).toEqual([10, 24, 240_000]);
    // the consortium's own, from the same table
    expect(v('C01')).toEqual([93, 930, 1000]);
    expect([r.by.C01.met, r.by.C01.target]).toEqual([true, { source: 'CONSORTIUM', value: 91 }]);
    // 40 % now against (150 + 180 + 50) ÷ 1000 = 38 % a year ago: +2 points, the target exactly
    expect(v('C02')).toEqual([2, 40, 38]);
    expect(r.by.C02.met).toBe(true);
    expect(r.by.N07.target).toEqual({ source: 'NATIONAL', value: 65 });
    expect(r.by.N07.met).toBe(false);
    // vs last year's month: 38 % then
    expect([r.by.N07.lastYearValue, r.by.N07.changeFromLastYear]).toEqual([38, 2]);
    // the previous month has no visits: a null value, not 0
    expect([r.by.N07.previousValue, r.by.N07.changeFromPrevious]).toEqual([null, null]);
  });

  it('narrows to a tier or one institution; consortium-wide indicators only for the whole consortium', async () => {
    const tier = await report({ kind: 'TIER', tier: 'TOWNSHIP' }, month(A));
    // Townships' TCM visits of their own visits: 40 of 150 + 200
    expect([tier.by.N12.value, tier.by.N12.numerator, tier.by.N12.denominator]).toEqual([11.4286, 40, 350]);
    const general = await report({ kind: 'INSTITUTION', institutionId: t.inst.general }, month(A));
    expect(general.scope).toEqual({ kind: 'INSTITUTION', tier: 'COUNTY', institutionId: t.inst.general });
    expect([general.by.N12.value, general.by.N12.numerator, general.by.N12.denominator]).toEqual([
      10, 60, 600,
    ]);
    // The primary tier's share of all visits is 100 % for the townships and 0 % for the county
    // hospital by construction; the township's own visits against the county's out-of-county
    // settlements (190 of 190 + 70) mean nothing: neither is computed below the consortium.
    const town = await report(
      { kind: 'INSTITUTION', institutionId: t.inst.township },
      month(A),
      tok.instAdmin,
    );
    for (const r of [tier, general, town]) {
      for (const code of ['N04', 'N07', 'N08', 'C01', 'C02']) {
        expect(r.by[code]).toMatchObject({ value: null, numerator: null, denominator: null, met: null });
        expect(r.by[code].reason).toMatch(/^全医共体口径指标.*not computed for a tier or an institution/);
      }
    }
    const whole = await report(consortium, month(A));
    expect([whole.by.N07.value, whole.by.C01.value]).toEqual([40, 93]);
  });

  it('sums flows and averages levels over quarters, years and year to date, with previous and last-year periods', async () => {
    const q1 = await report(consortium, { kind: 'QUARTER', month: `${P}-02` });
    expect(q1.period).toEqual({ kind: 'QUARTER', label: `${P}-Q1`, from: `${P}-01`, to: `${P}-03` });
    // visits summed: township 150 of 600 + 150
    expect([q1.by.N07.value, q1.by.N07.numerator, q1.by.N07.denominator]).toEqual([20, 150, 750]);
    // dispatched doctors averaged (30, 36, 42 → 36), population averaged (480 000)
    expect([q1.by.N04.value, q1.by.N04.numerator, q1.by.N04.denominator]).toEqual([0.75, 36, 480_000]);
    // the quarter before has nothing: no value, and no change
    expect([q1.by.N04.previousValue, q1.by.N04.changeFromPrevious]).toEqual([null, null]);
    // a year earlier: 100 of 600
    expect([q1.by.N07.lastYearValue, q1.by.N07.changeFromLastYear]).toEqual([16.6667, 3.3333]);

    const march = await report(consortium, month(`${P}-03`));
    expect(march.by.N04.value).toBe(0.875);

    const year = await report(consortium, { kind: 'YEAR', month: `${P}-07` });
    expect(year.period.label).toBe(P);
    // levels averaged over the year's 12 months: 108 ÷ 12 doctors, 1 440 000 ÷ 12 residents
    expect([year.by.N04.value, year.by.N04.numerator, year.by.N04.denominator]).toEqual([0.75, 9, 120_000]);
    expect(year.by.N07.value).toBe(20);

    const ytd = await report(consortium, { kind: 'YEAR_TO_DATE', month: `${P}-02` });
    expect(ytd.period).toEqual({
      kind: 'YEAR_TO_DATE',
      label: `${P}-01..${P}-02`,
      from: `${P}-01`,
      to: `${P}-02`,
    });
    // 100 of 400; the previous period is January alone: 50 of 150
    expect([ytd.by.N07.value, ytd.by.N07.previousValue, ytd.by.N07.changeFromPrevious]).toEqual([
      25, 33.3333, -8.3333,
    ]);
    const january = await report(consortium, { kind: 'YEAR_TO_DATE', month: `${P}-01` });
    expect(january.by.N07.previousValue).toBeNull();
  });

  it('answers a zero denominator with a reason, not 0 or NaN', async () => {
    const empty = await report(consortium, month(`${P}-06`));
    expect(empty.by.N07).toMatchObject({ value: null, numerator: 0, denominator: 0, met: null });
    expect(empty.by.N07.reason).toContain('分母为零');
    expect(empty.by.N06.reason).toContain('人均');
    expect(empty.by.N10B.value).toBeNull();
    expect(empty.by.C04).toMatchObject({ value: 0, numerator: 0, reason: null });
  });

  describe('measures from referrals, consultations and medication continuity', () => {
    let referrals: { id: string }[];
    // Bookings and no-shows count in the month of the booked start, 1–2.5 h ahead: in the last
    // hours of a month (Asia/Shanghai) that is the next month, not NOW.
    const slotMonths: string[] = [];
    let noShowMonth = NOW;
    beforeAll(async () => {
      const patient = await registerPatient(api, tok.village, '指标患者');
      const create = async (input: Record<string, unknown>, token: string) =>
        (
          await gqlOk(
            `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
            { i: input },
            token,
          )
        ).createReferral as { id: string };
      const accept = (id: string) =>
        gqlOk(
          `mutation($i: AcceptReferralInput!) { acceptReferral(input: $i) { state } }`,
          { i: { id, appointmentAt: new Date(Date.now() + 3600_000).toISOString(), place: '门诊三楼' } },
          tok.coord,
        );
      const up = () => create(upReferralInput(patient, t.inst.general), tok.village);
      const r1 = await up();
      await accept(r1.id);
      const r2 = await up();
      await gqlOk(
        `mutation($i: RejectReferralInput!) { rejectReferral(input: $i) { state } }`,
        { i: { id: r2.id, reasonCode: 'NO_CAPACITY', reason: '床位已满' } },
        tok.coord,
      );
      const r4 = await up();
      await gqlOk(
        `mutation($i: CancelReferralInput!) { cancelReferral(input: $i) { state } }`,
        { i: { id: r4.id, reason: '患者改变主意' } },
        tok.village,
      );
      const r5 = await up();
      // Its response deadline passed before the answer.
      await db.ds.query(`UPDATE referral SET response_due_at = now() - interval '1 minute' WHERE id = $1`, [
        r5.id,
      ]);
      await accept(r5.id);

      await loadDictionary(api);
      const metf = await addFormularyItem(api, tok.admin, CODES.METF);
      await addLocalItem(db.ds, t.tenantId, t.inst.village, {
        localCode: 'V-MET',
        genericName: '二甲双胍片',
        spec: '0.25g*48片',
        formularyItemId: metf,
        onHand: 100,
      });
      const r3 = await create(
        upReferralInput(patient, t.inst.village, {
          ...DOWN_CONTENT,
          toDepartmentId: t.department.gp,
          urgency: 'ROUTINE',
          medicationPlan: [
            planItem('盐酸二甲双胍片 0.25g', { formularyItemId: metf }),
            planItem('自拟降压汤', { dose: '1剂' }),
          ],
        }),
        tok.county,
      );
      referrals = [r1, r2, r3, r4, r5];

      // Consultations: one done with its report, one booked and missed, one read requested, one cancelled.
      const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday,
        start: '00:00',
        end: '24:00',
        sessionMinutes: 30,
        mode: 'REMOTE',
        validFrom: '2026-01-01',
      }));
      await gqlOk(
        `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { rules { weekday } } }`,
        { i: { rules: week, exceptions: [] } },
        tok.expert,
      );
      const consent = {
        signedBy: '患者本人',
        relationship: '本人',
        signedAt: new Date().toISOString(),
        documentUri: 'https://files.example/c.pdf',
      };
      const request = async (kind: string) =>
        (
          await gqlOk(
            `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id } }`,
            {
              i: {
                kind,
                patientId: patient,
                purpose: '疑难病例',
                caseSummary: '反复头晕',
                question: '下一步如何处理?',
                urgency: 'URGENT',
                expertIds: [t.practitioner.expert],
                consent,
              },
            },
            tok.county,
          )
        ).requestConsultation as { id: string };
      const book = async (id: string, offsetMinutes: number) => {
        const start = new Date(Math.ceil((Date.now() + offsetMinutes * 60_000) / 1800_000) * 1800_000);
        const slotMonth = currentMonth('Asia/Shanghai', start);
        if (!slotMonths.includes(slotMonth)) slotMonths.push(slotMonth);
        await gqlOk(
          `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { state } }`,
          { i: { id, start: start.toISOString(), end: new Date(start.getTime() + 1800_000).toISOString() } },
          tok.county,
        );
      };
      const c1 = await request('VIDEO');
      await book(c1.id, 60);
      await gqlOk(
        `mutation($id: ID!) { startConsultation(input: { id: $id }) { state } }`,
        { id: c1.id },
        tok.expert,
      );
      await gqlOk(
        `mutation($i: SubmitConsultationReportInput!) { submitConsultationReport(input: $i) { version } }`,
        { i: { id: c1.id, opinion: '调整用药', suggestedDiagnoses: [], recommendations: '随访' } },
        tok.expert,
      );
      await gqlOk(
        `mutation($id: ID!) { completeConsultation(input: { id: $id }) { state } }`,
        { id: c1.id },
        tok.county,
      );
      const c2 = await request('VIDEO');
      await book(c2.id, 120);
      noShowMonth = slotMonths[slotMonths.length - 1];
      // What the no-show timer does once the start has passed unattended.
      await db.ds.query(`UPDATE consultation SET state = 'NO_SHOW' WHERE id = $1`, [c2.id]);
      await request('ECG_READ');
      const c4 = await request('IMAGING_READ');
      await gqlOk(
        `mutation($i: ConsultationReasonInput!) { cancelConsultation(input: $i) { state } }`,
        { i: { id: c4.id, reason: '无需会诊' } },
        tok.county,
      );
    });

    it('counts referrals by direction at the sender and answers at the receiver', async () => {
      const r = await report(consortium, month(NOW));
      const v = (code: string) => [r.by[code].value, r.by[code].numerator, r.by[code].denominator];
      expect(v('C04')).toEqual([4, 4, null]);
      expect(v('C05')).toEqual([1, 1, null]);
      expect(v('C06')).toEqual([20, 1, 5]);
      // received: 4 (the one withdrawn unanswered is not); answered in time: 2 (the late one is not)
      expect(v('C07')).toEqual([50, 2, 4]);
      // accepted 2 of the 3 answered
      expect(v('C08')).toEqual([66.6667, 2, 3]);
      // the metformin line was in stock at the village clinic; the decoction is unknown
      expect(v('C03')).toEqual([50, 1, 2]);
      expect(r.by.C03.met).toBe(false);
      const village = await report({ kind: 'INSTITUTION', institutionId: t.inst.village }, month(NOW));
      expect(village.by.C04.value).toBe(4);
      expect(village.by.C05.value).toBe(0);
      expect(village.by.C03.value).toBe(50);
    });

    it('counts consultations by kind, reports on time and no-shows', async () => {
      const r = await report(consortium, month(NOW));
      const v = (code: string) => [r.by[code].value, r.by[code].numerator, r.by[code].denominator];
      expect(v('C09A')).toEqual([2, 2, null]); // VIDEO, the missed one included
      expect(v('C09B')).toEqual([0, 0, null]); // IMAGING_READ cancelled
      expect(v('C09C')).toEqual([1, 1, null]); // ECG_READ
      expect(v('N05A')).toEqual([1, 1, null]);
      expect(v('C10')).toEqual([100, 1, 1]);
      // one no-show of the two booked, summed over the months their starts fall in
      const booked = await Promise.all(slotMonths.map((m) => report(consortium, month(m))));
      const sum = (f: 'numerator' | 'denominator') => booked.reduce((s, b) => s + b.by.C11[f]!, 0);
      expect([sum('numerator'), sum('denominator')]).toEqual([1, 2]);
      if (slotMonths.length === 1) expect(booked[0].by.C11.value).toBe(50);
    });

    it('drills down to the records behind a measure, paged', async () => {
      const q = `query($c: String!, $s: IndicatorScopeInput!, $p: IndicatorPeriodInput!, $m: String!, $o: Int, $l: Int) {
        indicatorContributors(code: $c, scope: $s, period: $p, measure: $m, offset: $o, limit: $l) {
          measure total rows { kind id month institutionId value label } } }`;
      const page1 = (
        await gqlOk(q, { c: 'C06', s: consortium, p: month(NOW), m: 'ref.up', o: 0, l: 3 }, tok.auditor)
      ).indicatorContributors;
      const page2 = (
        await gqlOk(q, { c: 'C06', s: consortium, p: month(NOW), m: 'ref.up', o: 3, l: 3 }, tok.auditor)
      ).indicatorContributors;
      expect([page1.total, page1.rows.length, page2.rows.length]).toEqual([4, 3, 1]);
      const ids = [...page1.rows, ...page2.rows].map((x: { id: string }) => x.id).sort();
      expect(ids).toEqual([referrals[0], referrals[1], referrals[3], referrals[4]].map((x) => x.id).sort());
      expect(page1.rows[0]).toMatchObject({
        kind: 'Referral',
        month: NOW,
        institutionId: t.inst.village,
        value: 1,
      });
      // Named in words: the number, 上转 and the state's name, no codes.
      for (const row of [...page1.rows, ...page2.rows])
        expect(row.label).toMatch(
          /^ZZ-\d{4}-\d{6} 上转 (草稿|已提交待接收|已接收|已退回|已到诊|已结案|已撤销|未到诊)$/,
        );
      const items = (
        await gqlOk(q, { c: 'C03', s: consortium, p: month(NOW), m: 'drug.continuity_ok' }, tok.admin)
      ).indicatorContributors;
      expect([items.total, items.rows[0].kind]).toEqual([1, 'MedicationPlanItem']);
      const reads = (
        await gqlOk(q, { c: 'C11', s: consortium, p: month(noShowMonth), m: 'con.no_shows' }, tok.admin)
      ).indicatorContributors;
      expect(reads.total).toBe(1);
      // the fixed table's rows, limited to the tiers the term asks for
      const visits = (await gqlOk(q, { c: 'N07', s: consortium, p: month(A), m: 'enc.visits' }, tok.admin))
        .indicatorContributors;
      expect(visits.total).toBe(4);
      const wrong = await api.gql(q, { c: 'N07', s: consortium, p: month(A), m: 'ref.up' }, tok.admin);
      expectError(wrong, 'BAD_USER_INPUT');
      const tooMany = await api.gql(
        q,
        { c: 'N07', s: consortium, p: month(A), m: 'enc.visits', l: 1000 },
        tok.admin,
      );
      expectError(tooMany, 'BAD_USER_INPUT');
    });
  });

  it('gives one indicator with a 12- or 24-month trend', async () => {
    const q = `query($c: String!, $s: IndicatorScopeInput!, $p: IndicatorPeriodInput!, $n: Int) {
      indicator(code: $c, scope: $s, period: $p, trendMonths: $n) { result { value } trend { month value reason definitionVersion } } }`;
    const twelve = (await gqlOk(q, { c: 'N07', s: consortium, p: month(A), n: 12 }, tok.admin)).indicator;
    expect(twelve.result.value).toBe(40);
    expect(twelve.trend).toHaveLength(12);
    expect(twelve.trend[11]).toMatchObject({ month: A, value: 40, definitionVersion: 1 });
    expect(twelve.trend[0].month).toBe(addMonths(A, -11));
    expect(twelve.trend[0].value).toBeNull();
    const long = (await gqlOk(q, { c: 'N07', s: consortium, p: month(A), n: 24 }, tok.admin)).indicator;
    expect(long.trend).toHaveLength(24);
    expect(long.trend.find((p: { month: string }) => p.month === Y).value).toBe(38);
    expectError(
      await api.gql(q, { c: 'N07', s: consortium, p: month(A), n: 6 }, tok.admin),
      'BAD_USER_INPUT',
    );
    expectError(await api.gql(q, { c: 'ZZ9', s: consortium, p: month(A), n: 12 }, tok.admin), 'NOT_FOUND');
  });

  it('versions an edit; a published month keeps the version it was published with', async () => {
    const publish = `mutation($m: String!) { publishIndicatorMonth(month: $m) { month definitions } }`;
    expect((await gqlOk(publish, { m: A }, tok.admin)).publishIndicatorMonth).toEqual({
      month: A,
      definitions: 33,
    });
    expectError(await api.gql(publish, { m: A }, tok.admin), 'CONFLICT');
    expectError(await api.gql(publish, { m: NOW }, tok.admin), 'BAD_USER_INPUT');
    expectError(await api.gql(publish, { m: Y }, tok.auditor), 'FORBIDDEN');
    const [pub] = await db.ds.query(
      `SELECT details FROM audit_event WHERE action = 'indicator.month.publish' AND tenant_id = $1`,
      [t.tenantId],
    );
    expect(pub.details).toMatchObject({ month: A, versions: { N07: 1, C01: 1 } });

    const update = `mutation($i: UpdateIndicatorDefinitionInput!) { updateIndicatorDefinition(input: $i) {
      code version own changeNote formula { numerator { terms { key tiers } } } targets { source value } } }`;
    // Village clinics only, and the consortium's own target.
    const input = {
      code: 'N07',
      version: 1,
      changeNote: '只计村级 (village clinics only)',
      formula: {
        numerator: { terms: [{ key: 'enc.visits', tiers: ['VILLAGE'] }] },
        denominator: { terms: [{ key: 'enc.visits', tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'] }] },
        multiplier: 100,
      },
      targets: [
        { source: 'NATIONAL', value: 65 },
        { source: 'CONSORTIUM', value: 4 },
      ],
    };
    const before = await db.ds.query(`SELECT count(*)::int AS n FROM indicator_definition`);
    expectError(await api.gql(update, { i: input }, tok.auditor), 'FORBIDDEN');
    expectError(
      await api.gql(update, { i: { ...input, formula: { ...input.formula, denominator: null } } }, tok.admin),
      'BAD_USER_INPUT',
    );
    expectError(await api.gql(update, { i: { ...input, code: 'N99' } }, tok.admin), 'NOT_FOUND');
    // Saved over a version that is not the current one: someone else's change would be lost.
    const stale = await api.gql(update, { i: { ...input, version: 0 } }, tok.admin);
    expectError(stale, 'CONFLICT');
    expect(stale.errors![0].extensions!.currentVersion).toBe(1);
    // A change note of blanks says nothing of why, nor does a blank name name anything.
    for (const [field, value] of [
      ['changeNote', '\u3000\u3000'],
      ['nameZh', ' \t '],
    ]) {
      expect(await api.gql(update, { i: { ...input, [field]: value } }, tok.admin)).toMatchObject({
        data: null,
        errors: [blankRefusal(field)],
      });
    }
    expect(await db.ds.query(`SELECT count(*)::int AS n FROM indicator_definition`)).toEqual(before);

    const edited = (await gqlOk(update, { i: input }, tok.admin)).updateIndicatorDefinition;
    expect(edited).toMatchObject({ code: 'N07', version: 2, own: true, changeNote: input.changeNote });
    const [audit] = await db.ds.query(
      `SELECT details FROM audit_event WHERE action = 'indicator.definition.update' AND tenant_id = $1`,
      [t.tenantId],
    );
    expect(audit.details).toMatchObject({ code: 'N07', version: 2, previousVersion: 1 });

    // The published month: version 1, 40 %.
    const published = await report(consortium, month(A));
    expect(published.published).toBe(true);
    expect([published.by.N07.value, published.by.N07.definition.version]).toEqual([40, 1]);
    // Any other period: version 2, village clinics only — 50 of 1000 a year ago.
    const lastYear = await report(consortium, month(Y));
    expect([lastYear.by.N07.value, lastYear.by.N07.definition.version, lastYear.by.N07.met]).toEqual([
      5,
      2,
      true,
    ]);
    expect(lastYear.by.N07.target).toEqual({ source: 'CONSORTIUM', value: 4 });
    const versions = (
      await gqlOk(`{ indicatorDefinitionVersions(code: "N07") { version own } }`, {}, tok.instAdmin)
    ).indicatorDefinitionVersions;
    expect(versions).toEqual([
      { version: 2, own: true },
      { version: 1, own: false },
    ]);
    const trend = (
      await gqlOk(
        `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) { indicator(code: "N07", scope: $s, period: $p, trendMonths: 24) {
          trend { month value definitionVersion } } }`,
        { s: consortium, p: month(A) },
        tok.admin,
      )
    ).indicator.trend;
    expect(trend.find((p: { month: string }) => p.month === A)).toEqual({
      month: A,
      value: 40,
      definitionVersion: 1,
    });
    expect(trend.find((p: { month: string }) => p.month === Y)).toEqual({
      month: Y,
      value: 5,
      definitionVersion: 2,
    });
    // Another consortium still reads the template.
    const theirs = await report(consortium, month(A), tok.other);
    expect([theirs.by.N07.definition.version, theirs.by.N07.value]).toEqual([1, 0.1]);
  });

  it('of parallel edits of one version exactly one wins, the others CONFLICT and change nothing; edits in turn are numbered without gaps', async () => {
    const edit = (n: number, version: number) =>
      api.gql(
        `mutation($i: UpdateIndicatorDefinitionInput!) { updateIndicatorDefinition(input: $i) { version } }`,
        {
          i: {
            code: 'C05',
            version,
            changeNote: `第 ${n} 次修改 (edit ${n})`,
            targets: [{ source: 'CONSORTIUM', value: n }],
          },
        },
        tok.admin,
      );
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => edit(n, 1)));
    expect(results.filter((r) => !r.errors).map((r) => r.data!.updateIndicatorDefinition.version)).toEqual([
      2,
    ]);
    expect(results.filter((r) => r.errors).map(errorCode)).toEqual(Array(5).fill('CONFLICT'));
    for (const [n, version] of [
      [7, 2],
      [8, 3],
    ]) {
      expect((await edit(n, version)).data!.updateIndicatorDefinition.version).toBe(version + 1);
    }
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'indicator.definition.update' AND details->>'code' = 'C05'`,
    );
    expect(n).toBe(3);
    const [{ v }] = await db.ds.query(
      `SELECT array_agg(version ORDER BY version) AS v FROM indicator_definition WHERE code = 'C05' AND tenant_id = $1`,
      [t.tenantId],
    );
    expect(v).toEqual([2, 3, 4]);
  });

  it('lets auditors and consortium admins see every scope, an institution admin only its own, others nothing', async () => {
    const q = (scope: Record<string, unknown>, token: string) =>
      api.gql(REPORT, { s: scope, p: month(A) }, token);
    expect((await q(consortium, tok.auditor)).errors).toBeUndefined();
    expect(
      (await q({ kind: 'INSTITUTION', institutionId: t.inst.village }, tok.auditor)).errors,
    ).toBeUndefined();
    expectError(await q(consortium, tok.instAdmin), 'FORBIDDEN');
    expectError(await q({ kind: 'TIER', tier: 'TOWNSHIP' }, tok.instAdmin), 'FORBIDDEN');
    expectError(await q({ kind: 'INSTITUTION', institutionId: t.inst.general }, tok.instAdmin), 'FORBIDDEN');
    expect(
      (await q({ kind: 'INSTITUTION', institutionId: t.inst.township }, tok.instAdmin)).errors,
    ).toBeUndefined();
    expectError(await q(consortium, tok.village), 'FORBIDDEN');
    expectError(await api.gql(`{ indicatorSets { code } }`, {}, tok.village), 'FORBIDDEN');
    expectError(await q({ kind: 'INSTITUTION', institutionId: other.inst.general }, tok.admin), 'NOT_FOUND');
    expectError(
      await q({ kind: 'INSTITUTION', institutionId: other.inst.township }, tok.instAdmin),
      'NOT_FOUND',
    );
    expectError(await q({ kind: 'INSTITUTION', institutionId: 'not-a-uuid' }, tok.admin), 'BAD_USER_INPUT');
    expectError(await q({ kind: 'TIER' }, tok.admin), 'BAD_USER_INPUT');
    expectError(
      await api.gql(REPORT, { s: consortium, p: { kind: 'MONTH', month: '2026-13' } }, tok.admin),
      'BAD_USER_INPUT',
    );
    // Another consortium sees only its own figures.
    const theirs = await report(consortium, month(A), tok.other);
    expect([theirs.by.N07.numerator, theirs.by.N07.denominator]).toEqual([1, 1000]);
    expect(theirs.by.C04.value).toBe(0);
  });

  it('exports a month as CSV and XLSX with Chinese headers', async () => {
    const get = (query: string, token?: string) => {
      const req = api.http
        .get(`/indicators/export?${query}`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      return token ? req.set('authorization', `Bearer ${token}`) : req;
    };
    const xlsx = await get(`month=${A}&format=xlsx`, tok.auditor);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 8)).toEqual(['指标体系', '代码', '指标', '维度', '单位', '值', '分子', '分母']);
    expect(sheet.rowCount).toBe(34);
    const rows = new Map<string, unknown[]>();
    sheet.eachRow((row, n) => {
      if (n > 1) rows.set(String(row.getCell(2).value), (row.values as unknown[]).slice(1));
    });
    expect(rows.get('N07')!.slice(0, 8)).toEqual([
      '国家监测指标 2024',
      'N07',
      '县域内基层医疗卫生机构诊疗人次数占比',
      '促分工',
      '%',
      40,
      400,
      1000,
    ]);
    expect(rows.get('C01')![10]).toBe('是');
    const about = book.getWorksheet('范围 Scope')!;
    expect([about.getCell('A2').value, about.getCell('B2').value]).toEqual([
      '范围 Scope',
      '全医共体 (the whole consortium)',
    ]);

    const csv = await get(`month=${A}&format=csv`, tok.admin);
    expect(csv.status).toBe(200);
    const text = (csv.body as Buffer).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(34);
    expect(lines[0].split(',').slice(0, 3)).toEqual(['指标体系', '代码', '指标']);
    expect(lines.find((l) => l.includes(',N04,'))).toContain(',0.75,36,480000,');

    // A quarter, for one tier: the same figures as indicatorReport for that period and scope.
    const quarter = await report({ kind: 'TIER', tier: 'TOWNSHIP' }, { kind: 'QUARTER', month: A });
    const wide = await get(`month=${A}&period=QUARTER&scope=TIER&tier=TOWNSHIP&format=xlsx`, tok.admin);
    expect(wide.status).toBe(200);
    expect(wide.headers['content-disposition']).toBe(
      `attachment; filename="indicators-${quarter.period.from}_${quarter.period.to}-tier-TOWNSHIP.xlsx"`,
    );
    const qBook = new ExcelJS.Workbook();
    await qBook.xlsx.load(wide.body as never);
    const qSheet = qBook.worksheets[0];
    expect(qSheet.name).toBe(`指标 ${quarter.period.from}至${quarter.period.to}`);
    const qValues: [unknown, unknown][] = [];
    qSheet.eachRow((row, n) => n > 1 && qValues.push([row.getCell(2).value, row.getCell(6).value]));
    expect(qValues).toEqual(quarter.results.map((r: Result) => [r.code, r.value ?? null]));
    expect(qValues.some(([, v]) => v !== null)).toBe(true);
    expect((await get(`month=${A}&period=WEEK`, tok.admin)).status).toBe(400);

    expect(qBook.getWorksheet('范围 Scope')!.getCell('B2').value).toBe('乡镇(街道)医疗机构 (tier TOWNSHIP)');

    // An institution admin's export is its own institution's, and says so.
    const own = await get(`month=${A}&format=xlsx`, tok.instAdmin);
    expect(own.status).toBe(200);
    expect(own.headers['content-disposition']).toBe(
      `attachment; filename="indicators-${A}-institution-${t.inst.township}.xlsx"`,
    );
    const ownBook = new ExcelJS.Workbook();
    await ownBook.xlsx.load(own.body as never);
    const [{ name: townName }] = await db.ds.query(`SELECT name FROM institution WHERE id = $1`, [
      t.inst.township,
    ]);
    expect(ownBook.getWorksheet('范围 Scope')!.getCell('B2').value).toBe(townName);
    expect((await get(`month=${A}&scope=CONSORTIUM`, tok.instAdmin)).status).toBe(403);
    expect((await get(`month=${A}`)).status).toBe(401);
    expect((await get(`month=${A}`, tok.village)).status).toBe(403);
    expect((await get(`month=2026-1&format=csv`, tok.admin)).status).toBe(400);
  });
});
