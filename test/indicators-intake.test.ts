import { EncounterMeasureSource } from '@yg/intake';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { addUser } from './pipeline-helpers';
import { statementsOf } from './utils/statements';

/**
 * The indicators over real intake: visits and out-of-county settlements pushed by member
 * systems through the api, rolled up, and read by the engine through the encounter measure
 * source — no fixed table in between. The expected figures are worked out from the records.
 */

const REPORT_VISITS = `mutation($i: ReportEncountersInput!) { reportEncounters(input: $i) {
  accepted replaced unchanged rejected { line reason } } }`;
const REPORT_OOC = `mutation($i: ReportOutOfCountySettlementsInput!) { reportOutOfCountySettlements(input: $i) {
  accepted replaced unchanged rejected { line reason } } }`;
const REPORT = `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) {
  indicatorReport(scope: $s, period: $p) { results { code value numerator denominator reason } } }`;

type Rec = Record<string, unknown>;
const visit = (id: string, extra: Rec = {}): Rec => ({
  sourceRecordId: id,
  kind: 'OUTPATIENT',
  occurredOn: '2026-09-08',
  tcm: false,
  insured: true,
  resident: true,
  chronicManaged: false,
  totalCost: 100,
  fundPaid: 60,
  ...extra,
});

describe('indicators computed from reported visit data', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  const tok: Record<string, string> = {};

  const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await api.gql(query, variables, token);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const push = async (token: string, records: Rec[]) => {
    const r = (await gqlOk(REPORT_VISITS, { i: { sourceSystem: 'HIS', records } }, token)).reportEncounters;
    expect(r.rejected).toEqual([]);
    return r;
  };
  const september = async () => {
    const r = await gqlOk(
      REPORT,
      { s: { kind: 'CONSORTIUM' }, p: { kind: 'MONTH', month: '2026-09' } },
      tok.admin,
    );
    return Object.fromEntries(r.indicatorReport.results.map((x: { code: string }) => [x.code, x])) as Record<
      string,
      { value: number | null; numerator: number; denominator: number }
    >;
  };

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config);
    t = await buildTenant(db.ds);
    const tag = t.tenantId.slice(0, 6);
    for (const inst of ['general', 'township', 'village'] as const) {
      const u = await addUser(db.ds, t, `int-${inst}-${tag}`, t.inst[inst], ['DATA_INTEGRATION']);
      tok[inst] = await api.login(u.username);
    }
    tok.admin = await api.login(t.users.admin.username);
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('gives the primary-care share, TCM share, in-region rate and in-county fund share from the records', async () => {
    // General hospital (county tier): 6 visits, one by a non-resident, one TCM.
    await push(tok.general, [
      visit('G1'),
      visit('G2'),
      visit('G3'),
      visit('G4', { tcm: true }),
      visit('G5'),
      visit('G6', { resident: false }),
    ]);
    // Township centre: 3 visits, one TCM; village clinic: 1 visit. All residents, all insured.
    await push(tok.township, [visit('T1'), visit('T2', { tcm: true }), visit('T3')]);
    await push(tok.village, [visit('V1')]);
    // Two insured residents treated outside the county, the fund paying 100 each.
    const ooc = (
      await gqlOk(
        REPORT_OOC,
        {
          i: {
            sourceSystem: 'YB',
            records: ['S1', 'S2'].map((id) => ({
              sourceRecordId: id,
              settledOn: '2026-09-12',
              inpatient: false,
              hospitalName: '重庆医科大学附属第一医院',
              hospitalLevel: '三级甲等',
              totalCost: 400,
              fundPaid: 100,
            })),
          },
        },
        tok.general,
      )
    ).reportOutOfCountySettlements;
    expect(ooc).toMatchObject({ accepted: 2, rejected: [] });

    const r = await september();
    // 基层诊疗人次占比: (3 + 1) primary-care visits of 10 in the county.
    expect(r.N07).toMatchObject({ value: 40, numerator: 4, denominator: 10 });
    // 中医类诊疗量占比: 2 of 10.
    expect(r.N12).toMatchObject({ value: 20, numerator: 2, denominator: 10 });
    // 区域内就诊率: 9 resident visits in the county of 9 + 2 out of it.
    expect(r.C01).toMatchObject({ numerator: 9, denominator: 11 });
    expect(r.C01.value).toBeCloseTo(900 / 11, 3);
    // 医保基金县域内支出占比: 9 × 60 paid in the county, of 540 + 2 × 100.
    expect(r.N08).toMatchObject({ numerator: 540, denominator: 740 });
    expect(r.N08.value).toBeCloseTo(54000 / 740, 3);
  });

  it('follows a corrected record and a late one into the month’s figures', async () => {
    // T3 was TCM after all (a correction), and a visit of the 30th arrives late.
    const corrected = await push(tok.township, [visit('T3', { tcm: true })]);
    expect(corrected).toMatchObject({ accepted: 0, replaced: 1, unchanged: 0 });
    const repeat = await push(tok.township, [visit('T3', { tcm: true })]);
    expect(repeat).toMatchObject({ accepted: 0, replaced: 0, unchanged: 1 });
    await push(tok.village, [visit('V2', { occurredOn: '2026-09-30' })]);

    const r = await september();
    expect(r.N07).toMatchObject({ numerator: 5, denominator: 11 });
    expect(r.N12).toMatchObject({ numerator: 3, denominator: 11 });
  });

  it('counts the days of the month with visit data per institution, and a moved record moves its day', async () => {
    const source = api.app.get(EncounterMeasureSource);
    const days = async () =>
      Object.fromEntries(
        (
          await source.monthly(
            db.ds.manager,
            { tenantId: t.tenantId, institutionIds: null },
            ['enc.days_reported'],
            { from: '2026-09', to: '2026-09' },
          )
        ).map((v) => [v.institutionId, v.value]),
      );
    // Everything so far on the 8th, and the village's late visit on the 30th.
    expect(await days()).toEqual({ [t.inst.general]: 1, [t.inst.township]: 1, [t.inst.village]: 2 });
    // The late visit was really on the 29th: the 30th empties, the 29th fills.
    await push(tok.village, [visit('V2', { occurredOn: '2026-09-29' })]);
    await push(tok.general, [visit('G7', { occurredOn: '2026-09-09' })]);
    expect(await days()).toEqual({ [t.inst.general]: 2, [t.inst.township]: 1, [t.inst.village]: 2 });
    const page = await source.contributors(
      db.ds.manager,
      { tenantId: t.tenantId, institutionIds: [t.inst.village] },
      'enc.days_reported',
      { from: '2026-09', to: '2026-09' },
      { offset: 0, limit: 10 },
    );
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.occurredAt)).toEqual(['2026-09-29', '2026-09-08']);
  });

  it('reads each measure table once for a month’s report, though it needs months a year apart', async () => {
    // A visit in August: the month before September, read in the same statement.
    await push(tok.general, [visit('G8', { occurredOn: '2026-08-20' })]);
    await september(); // definitions and plans warm, as in service
    const { sql } = await statementsOf(api.app, september);
    // The report needs September, August and last year's September and August (growth): runs
    // a year apart, each table read once for all of them.
    const reads = (table: string) => sql.filter((q) => new RegExp(`(FROM|JOIN) ${table}\\b`).test(q)).length;
    for (const table of [
      'encounter_rollup',
      'ooc_rollup',
      'intake_statistic',
      'dispatch_record',
      'referral_fact_rollup',
      'consultation_fact_rollup',
      'continuity_rollup',
    ])
      expect({ table, reads: reads(table) }).toEqual({ table, reads: 1 });
    // Days reported come with the monthly sums, not from the day rows.
    expect(reads('encounter_day_rollup')).toBe(0);
    // The snapshot begins in one statement, and ends in one.
    expect(sql[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    expect(sql.filter((q) => /^(START|SET) TRANSACTION/.test(q))).toEqual([]);
    expect(sql[sql.length - 1]).toBe('COMMIT');
    expect(sql.length).toBeLessThanOrEqual(24);
  });

  it('reads a consortium’s monthly sums from the rollup’s key alone: every column is covered', async () => {
    // A column added to encounter_rollup without joining the key's INCLUDE list would cost a
    // heap page per institution-month again (rows of one consortium are scattered in the heap).
    const plan: { 'QUERY PLAN': string }[] = await db.ds.transaction(async (em) => {
      await em.query(`SET LOCAL enable_seqscan = off`);
      await em.query(`SET LOCAL enable_bitmapscan = off`);
      return em.query(
        `EXPLAIN SELECT * FROM encounter_rollup WHERE tenant_id = $1 AND month = ANY($2::date[])`,
        [t.tenantId, ['2026-08-01', '2026-09-01']],
      );
    });
    expect(plan[0]['QUERY PLAN']).toMatch(/^Index Only Scan using encounter_rollup_pkey/);
  });

  it('answers only the months asked when a range carries a selection', async () => {
    const source = api.app.get(EncounterMeasureSource);
    const visits = await source.monthly(
      db.ds.manager,
      { tenantId: t.tenantId, institutionIds: null },
      ['enc.visits', 'enc.days_reported'],
      { from: '2026-07', to: '2026-09', months: ['2026-07', '2026-09'] },
    );
    expect(new Set(visits.map((v) => v.month))).toEqual(new Set(['2026-09']));
    const all = await source.monthly(
      db.ds.manager,
      { tenantId: t.tenantId, institutionIds: null },
      ['enc.visits', 'enc.days_reported'],
      { from: '2026-07', to: '2026-09' },
    );
    expect(new Set(all.map((v) => v.month))).toEqual(new Set(['2026-08', '2026-09']));
  });
});
