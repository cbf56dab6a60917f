import { EncounterMeasureSource } from '@yg/intake';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { addUser } from './pipeline-helpers';
import { randomResidentId } from './utils/referrals';

/**
 * Visit data intake (诊疗数据上报) over GraphQL: bad rows rejected by line and the rest kept,
 * repeats that change nothing, corrections (one moving month) and late records, with the
 * monthly rollups checked against numbers worked out by hand from the records below; who may
 * report for whom; out-of-county settlements; the yearly forms; the measure source.
 */

const REPORT = `mutation($i: ReportEncountersInput!) { reportEncounters(input: $i) {
  runId accepted replaced unchanged rejected { line sourceRecordId reason } } }`;
const OOC = `mutation($i: ReportOutOfCountySettlementsInput!) { reportOutOfCountySettlements(input: $i) {
  runId accepted replaced unchanged rejected { line sourceRecordId reason } } }`;
const STATS = `mutation($i: SubmitStatisticsInput!) { submitStatistics(input: $i) { year values dispatches } }`;
const RUN = `query($id: ID!) { dataImport(id: $id) { id kind channel status rowsTotal rowsDone accepted replaced
  unchanged rejectedCount rejected { line reason } } }`;

type Rec = Record<string, unknown>;
const visit = (id: string, extra: Rec = {}): Rec => ({
  sourceRecordId: id,
  kind: 'OUTPATIENT',
  occurredOn: '2026-09-03',
  tcm: false,
  insured: true,
  resident: true,
  chronicManaged: false,
  totalCost: 100,
  fundPaid: 60,
  ...extra,
});

describe('visit data intake (诊疗数据上报)', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let other: TenantFixture;
  const tok: Record<string, string> = {};
  let patientId: string;
  const patientIdNumber = randomResidentId();
  let firstRunId: string;

  const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await api.gql(query, variables, token);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const expectError = (res: GqlResult, code: string) =>
    expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
  const report = (records: Rec[], token = tok.town, extra: Rec = {}) =>
    api.gql(REPORT, { i: { sourceSystem: 'HIS-A', records, ...extra } }, token);
  const rollup = async (institutionId: string) =>
    Object.fromEntries(
      (
        await db.ds.query(
          `SELECT to_char(month, 'YYYY-MM') AS month, visits, visits_resident, visits_tcm, admissions, discharges,
                  discharges_insured_resident, inpatient_cost_insured_resident::float8 AS cost_ir,
                  fund_paid::float8 AS fund_paid, fund_paid_insured_resident::float8 AS fund_ir, chronic_admissions
             FROM encounter_rollup WHERE institution_id = $1 ORDER BY month`,
          [institutionId],
        )
      ).map((r: Rec) => [r.month, { ...r, month: undefined }]),
    );
  const encounterCount = async () =>
    (await db.ds.query(`SELECT count(*)::int AS n FROM encounter WHERE tenant_id = $1`, [t.tenantId]))[0].n;
  const row = (r: Partial<Record<string, number>>) => ({
    month: undefined,
    visits: 0,
    visits_resident: 0,
    visits_tcm: 0,
    admissions: 0,
    discharges: 0,
    discharges_insured_resident: 0,
    cost_ir: 0,
    fund_paid: 0,
    fund_ir: 0,
    chronic_admissions: 0,
    ...r,
  });

  beforeAll(async () => {
    db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000' });
    api = await TestApi.start(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    const tag = t.tenantId.slice(0, 6);
    const town = await addUser(db.ds, t, `int-town-${tag}`, t.inst.township, ['DATA_INTEGRATION']);
    const ybj = await addUser(db.ds, t, `int-ybj-${tag}`, t.inst.general, ['DATA_INTEGRATION']);
    const otherInt = await addUser(db.ds, other, `int-oth-${tag}`, other.inst.township, ['DATA_INTEGRATION']);
    tok.town = await api.login(town.username);
    tok.ybj = await api.login(ybj.username);
    tok.otherInt = await api.login(otherInt.username);
    tok.clinician = await api.login(t.users.villageClinician.username);
    tok.admin = await api.login(t.users.admin.username);
    tok.instAdmin = await api.login(t.users.instAdmin.username);
    tok.auditor = await api.login(t.users.auditor.username);
    tok.otherAdmin = await api.login(other.users.admin.username);
    const res = await api.gql(
      `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`,
      {
        i: {
          name: '测试患者',
          idNumber: patientIdNumber,
          phone: '13900000000',
          residenceDivisionCode: '500114101',
          chronicConditions: ['HYPERTENSION'],
        },
      },
      tok.clinician,
    );
    patientId = res.data!.registerPatient.id;
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('keeps the good rows, rejects the bad ones by line with the reason, and rolls up by month', async () => {
    const records = [
      visit('V1', { idNumber: patientIdNumber }),
      visit('V2', { occurredOn: '2026-09-10', resident: false, tcm: true, totalCost: 50, fundPaid: 20 }),
      visit('V3', {
        kind: 'EMERGENCY',
        occurredOn: '2026-09-15',
        insured: false,
        totalCost: 300,
        fundPaid: 0,
      }),
      visit('B4', { dischargedOn: '2026-09-04' }),
      visit('I1', {
        kind: 'INPATIENT',
        occurredOn: '2026-09-28',
        dischargedOn: '2026-10-05',
        chronicManaged: true,
        diagnosisCode: 'i10',
        totalCost: 8000,
        fundPaid: 5000,
      }),
      visit('B6', { totalCost: 10, fundPaid: 11 }),
      visit('B7', { occurredOn: '2099-01-01' }),
      visit('V1', { occurredOn: '2026-09-09' }),
      visit('I2', {
        kind: 'INPATIENT',
        occurredOn: '2026-10-02',
        resident: false,
        totalCost: 2000,
        fundPaid: 0,
      }),
      visit('B10', { idNumber: '500114199001011230' }),
      visit('B11', { diagnosisCode: 'hypertension' }),
    ];
    const r = (await gqlOk(REPORT, { i: { sourceSystem: 'HIS-A', records } }, tok.town)).reportEncounters;
    firstRunId = r.runId;
    expect({ accepted: r.accepted, replaced: r.replaced, unchanged: r.unchanged }).toEqual({
      accepted: 5,
      replaced: 0,
      unchanged: 0,
    });
    expect(r.rejected.map((x: Rec) => [x.line, x.sourceRecordId])).toEqual([
      [4, 'B4'],
      [6, 'B6'],
      [7, 'B7'],
      [8, 'V1'],
      [10, 'B10'],
      [11, 'B11'],
    ]);
    const reasons = r.rejected.map((x: Rec) => x.reason as string);
    expect(reasons[0]).toMatch(/出院日期.*discharge date/);
    expect(reasons[1]).toMatch(/fundPaid exceeds totalCost/);
    expect(reasons[2]).toMatch(/future/);
    expect(reasons[3]).toMatch(/duplicate sourceRecordId; first at 1/);
    expect(reasons[4]).toMatch(/ID number is not valid/);
    expect(reasons[4]).not.toContain('500114199001011230');
    expect(reasons[5]).toMatch(/ICD-10/);

    // By hand: September holds V1, V2, V3 (V1 and V3 residents, V2 TCM; fund 60 + 20, of which
    // 60 for an insured resident) and I1's admission (chronic); October holds I2's admission and
    // I1's discharge (insured resident: cost 8,000, fund 5,000, paid at discharge).
    expect(await rollup(t.inst.township)).toEqual({
      '2026-09': row({
        visits: 3,
        visits_resident: 2,
        visits_tcm: 1,
        admissions: 1,
        chronic_admissions: 1,
        fund_paid: 80,
        fund_ir: 60,
      }),
      '2026-10': row({
        admissions: 1,
        discharges: 1,
        discharges_insured_resident: 1,
        cost_ir: 8000,
        fund_paid: 5000,
        fund_ir: 5000,
      }),
    });
    const [v1] = await db.ds.query(
      `SELECT e.patient_id, e.id_number_hash IS NOT NULL AS hashed, e.diagnosis_code, e.tableoid::regclass::text AS part,
              row_to_json(e)::text AS raw
         FROM encounter e JOIN encounter_key k USING (tenant_id, institution_id, source_system, source_record_id, occurred_on) WHERE k.source_record_id = 'V1'`,
    );
    expect(v1).toMatchObject({ patient_id: patientId, hashed: true, part: 'encounter_202609' });
    expect(v1.raw).not.toContain(patientIdNumber);
    const [i1] = await db.ds.query(
      `SELECT e.diagnosis_code FROM encounter e JOIN encounter_key k USING (tenant_id, institution_id, source_system, source_record_id, occurred_on) WHERE k.source_record_id = 'I1'`,
    );
    expect(i1.diagnosis_code).toBe('I10');

    const run = (await gqlOk(RUN, { id: r.runId }, tok.town)).dataImport;
    expect(run).toMatchObject({
      kind: 'ENCOUNTERS',
      channel: 'PUSH',
      status: 'DONE',
      rowsTotal: 11,
      rowsDone: 11,
      accepted: 5,
      rejectedCount: 6,
    });
    expect(run.rejected.map((x: Rec) => x.line)).toEqual([4, 6, 7, 8, 10, 11]);
    const [audit] = await db.ds.query(
      `SELECT details FROM audit_event WHERE action = 'intake.encounters.report' AND entity_id = $1`,
      [r.runId],
    );
    expect(audit.details).toMatchObject({ records: 11, accepted: 5, rejected: 6 });
  });

  it('changes nothing when the same records come again', async () => {
    const before = await rollup(t.inst.township);
    const records = [
      visit('V1', { idNumber: patientIdNumber }),
      visit('V2', { occurredOn: '2026-09-10', resident: false, tcm: true, totalCost: 50, fundPaid: 20 }),
      visit('V3', {
        kind: 'EMERGENCY',
        occurredOn: '2026-09-15',
        insured: false,
        totalCost: 300,
        fundPaid: 0,
      }),
    ];
    const r = (await gqlOk(REPORT, { i: { sourceSystem: 'HIS-A', records } }, tok.town)).reportEncounters;
    expect(r).toMatchObject({ accepted: 0, replaced: 0, unchanged: 3, rejected: [] });
    expect(await rollup(t.inst.township)).toEqual(before);
    expect(await encounterCount()).toBe(5);
  });

  it('replaces corrected records (the old month loses what the new one gains) and takes late ones', async () => {
    const records = [
      // V1 moves from September to October.
      visit('V1', { idNumber: patientIdNumber, occurredOn: '2026-10-01' }),
      // I2 is discharged: an uninsured-resident-free discharge (non-resident), fund paid 1,500.
      visit('I2', {
        kind: 'INPATIENT',
        occurredOn: '2026-10-02',
        dischargedOn: '2026-10-20',
        resident: false,
        totalCost: 2000,
        fundPaid: 1500,
      }),
      // A year late: its month's partition did not exist yet.
      visit('V4', { occurredOn: '2025-11-20', tcm: true, totalCost: 30, fundPaid: 0 }),
    ];
    const r = (await gqlOk(REPORT, { i: { sourceSystem: 'HIS-A', records } }, tok.town)).reportEncounters;
    expect(r).toMatchObject({ accepted: 1, replaced: 2, unchanged: 0, rejected: [] });
    // September: V2, V3 (V3 the only resident visit), fund 20 (V2 is no resident). October: V1
    // (resident, fund 60), I1's and I2's discharges (only I1 an insured resident), admissions I2.
    expect(await rollup(t.inst.township)).toEqual({
      '2025-11': row({ visits: 1, visits_resident: 1, visits_tcm: 1 }),
      '2026-09': row({
        visits: 2,
        visits_resident: 1,
        visits_tcm: 1,
        admissions: 1,
        chronic_admissions: 1,
        fund_paid: 20,
        fund_ir: 0,
      }),
      '2026-10': row({
        visits: 1,
        visits_resident: 1,
        admissions: 1,
        discharges: 2,
        discharges_insured_resident: 1,
        cost_ir: 8000,
        fund_paid: 60 + 5000 + 1500,
        fund_ir: 60 + 5000,
      }),
    });
    expect(await encounterCount()).toBe(6);
    const [v1] = await db.ds.query(
      `SELECT e.tableoid::regclass::text AS part, count(*) OVER ()::int AS n FROM encounter e
        WHERE e.tenant_id = $1 AND e.source_record_id = 'V1'`,
      [t.tenantId],
    );
    expect(v1).toEqual({ part: 'encounter_202610', n: 1 });
    // The same record id from another system is another record.
    const again = (
      await gqlOk(
        REPORT,
        { i: { sourceSystem: 'HIS-B', records: [visit('V4', { occurredOn: '2025-11-21' })] } },
        tok.town,
      )
    ).reportEncounters;
    expect(again).toMatchObject({ accepted: 1, replaced: 0 });
    expect((await rollup(t.inst.township))['2025-11'].visits).toBe(2);
  });

  it('lets only an integration account report, for its own institution', async () => {
    const before = await encounterCount();
    expectError(await report([visit('X1')], tok.clinician), 'FORBIDDEN');
    expectError(await report([visit('X1')], tok.admin), 'FORBIDDEN');
    expectError(await report([visit('X1')], tok.town, { institutionId: t.inst.general }), 'FORBIDDEN');
    expectError(await report([visit('X1')], tok.town, { institutionId: other.inst.township }), 'NOT_FOUND');
    expectError(await report([visit('X1')], tok.town, { institutionId: 'not-a-uuid' }), 'BAD_USER_INPUT');
    expectError(await report([visit('X1')], tok.town, { sourceSystem: 'HIS A' }), 'BAD_USER_INPUT');
    expectError(await report([], tok.town), 'BAD_USER_INPUT');
    const tooMany = Array.from({ length: 1001 }, (_, i) =>
      visit(`M${i}`, { department: '中医内科门诊', diagnosisCode: 'E11.900', idNumber: patientIdNumber }),
    );
    expectError(await report(tooMany, tok.town), 'BAD_USER_INPUT');
    expect(await encounterCount()).toBe(before);
    // Another consortium's account works in its own tenant only, and sees nothing of this one.
    const theirs = (
      await gqlOk(REPORT, { i: { sourceSystem: 'HIS-A', records: [visit('V1')] } }, tok.otherInt)
    ).reportEncounters;
    expect(theirs).toMatchObject({ accepted: 1 });
    expect(await encounterCount()).toBe(before);
    expectError(await api.gql(RUN, { id: firstRunId }, tok.otherAdmin), 'NOT_FOUND');
    expectError(await api.gql(RUN, { id: firstRunId }, tok.otherInt), 'NOT_FOUND');
    expectError(await api.gql(RUN, { id: firstRunId }, tok.ybj), 'NOT_FOUND');
    expectError(await api.gql(RUN, { id: firstRunId }, tok.clinician), 'FORBIDDEN');
    expect((await gqlOk(RUN, { id: firstRunId }, tok.instAdmin)).dataImport.id).toBe(firstRunId);
    expect((await gqlOk(RUN, { id: firstRunId }, tok.auditor)).dataImport.id).toBe(firstRunId);
  });

  it('takes a full push of 1,000 records in one call', async () => {
    const full = Array.from({ length: 1000 }, (_, i) =>
      visit(`F${i}`, {
        occurredOn: '2026-08-01',
        department: '中医内科门诊',
        diagnosisCode: 'E11.900',
        idNumber: patientIdNumber,
      }),
    );
    const r = (await gqlOk(REPORT, { i: { sourceSystem: 'HIS-F', records: full } }, tok.town))
      .reportEncounters;
    expect(r).toMatchObject({ accepted: 1000, rejected: [] });
    expect((await rollup(t.inst.township))['2026-08']).toEqual(
      row({ visits: 1000, visits_resident: 1000, fund_paid: 60000, fund_ir: 60000 }),
    );
  });

  it('counts records sent twice at once only once', async () => {
    const records = Array.from({ length: 50 }, (_, i) => visit(`P${i}`, { occurredOn: '2026-07-15' }));
    const results = await Promise.all(
      Array.from({ length: 4 }, () => gqlOk(REPORT, { i: { sourceSystem: 'HIS-P', records } }, tok.town)),
    );
    const sums = results.map((r) => r.reportEncounters).map((r) => [r.accepted, r.unchanged]);
    expect(sums.reduce((a, [acc]) => a + acc, 0)).toBe(50);
    expect(sums.reduce((a, [, same]) => a + same, 0)).toBe(150);
    expect((await rollup(t.inst.township))['2026-07']).toEqual(
      row({ visits: 50, visits_resident: 50, fund_paid: 3000, fund_ir: 3000 }),
    );
  });

  it('takes out-of-county settlements per consortium month, corrections included', async () => {
    const s = (id: string, extra: Rec) => ({
      sourceRecordId: id,
      settledOn: '2026-09-05',
      inpatient: false,
      hospitalName: '重庆医科大学附属第一医院',
      hospitalLevel: '三级甲等',
      totalCost: 500,
      fundPaid: 300,
      ...extra,
    });
    const first = (
      await gqlOk(
        OOC,
        {
          i: {
            sourceSystem: 'YB',
            records: [
              s('S1', {}),
              s('S2', { inpatient: true, settledOn: '2026-09-20', totalCost: 20000, fundPaid: 12000 }),
              s('S3', { settledOn: '2026-10-02', totalCost: 200, fundPaid: 100 }),
              s('S4', { hospitalName: '' }),
            ],
          },
        },
        tok.ybj,
      )
    ).reportOutOfCountySettlements;
    expect(first).toMatchObject({ accepted: 3, replaced: 0, unchanged: 0 });
    expect(first.rejected).toEqual([
      { line: 4, sourceRecordId: 'S4', reason: expect.stringMatching(/hospitalName/) },
    ]);
    const second = (
      await gqlOk(
        OOC,
        {
          i: {
            sourceSystem: 'YB',
            records: [
              s('S1', { settledOn: '2026-10-08', totalCost: 600, fundPaid: 400 }),
              s('S3', { settledOn: '2026-10-02', totalCost: 200, fundPaid: 100 }),
            ],
          },
        },
        tok.ybj,
      )
    ).reportOutOfCountySettlements;
    expect(second).toMatchObject({ accepted: 0, replaced: 1, unchanged: 1 });
    const rows = await db.ds.query(
      `SELECT to_char(month, 'YYYY-MM') AS month, visits, admissions, cost::float8 AS cost, fund_paid::float8 AS fund
         FROM ooc_rollup WHERE tenant_id = $1 ORDER BY month`,
      [t.tenantId],
    );
    // September keeps S2 (inpatient); October S3 and the moved S1: 200 + 600, fund 100 + 400.
    expect(rows).toEqual([
      { month: '2026-09', visits: 0, admissions: 1, cost: 20000, fund: 12000 },
      { month: '2026-10', visits: 2, admissions: 0, cost: 800, fund: 500 },
    ]);
    expectError(
      await api.gql(OOC, { i: { sourceSystem: 'YB', records: [s('S9', {})] } }, tok.admin),
      'FORBIDDEN',
    );
  });

  it('takes the yearly forms and dispatch records from the right people', async () => {
    const ok = (
      await gqlOk(
        STATS,
        {
          i: {
            year: 2026,
            values: [
              { key: 'POPULATION', value: 480000 },
              { key: 'POPULATION_30_70', value: 210000 },
              { key: 'CHRONIC_PREMATURE_DEATHS', value: 240 },
              { key: 'VILLAGE_CLINICS', value: 40 },
              { key: 'VILLAGE_CLINICS_ECG', value: 30 },
              { key: 'STAFF_COUNT', institutionId: t.inst.township, value: 100 },
              { key: 'STAFF_INCOME_TOTAL', institutionId: t.inst.township, value: 12000000 },
            ],
            dispatches: [
              {
                reference: 'D1',
                fromInstitutionId: t.inst.general,
                toInstitutionId: t.inst.township,
                startsOn: '2026-08-15',
                endsOn: '2026-09-10',
              },
              {
                reference: 'D2',
                fromInstitutionId: t.inst.general,
                toInstitutionId: t.inst.township,
                startsOn: '2026-09-20',
              },
              {
                reference: 'D3',
                fromInstitutionId: t.inst.general,
                toInstitutionId: t.inst.village,
                startsOn: '2026-10-01',
                endsOn: '2026-10-31',
              },
            ],
          },
        },
        tok.admin,
      )
    ).submitStatistics;
    expect(ok).toEqual({ year: 2026, values: 7, dispatches: 3 });
    // The township's administrator corrects its own staff count; nothing else.
    const own = await gqlOk(
      STATS,
      { i: { year: 2026, values: [{ key: 'STAFF_COUNT', institutionId: t.inst.township, value: 120 }] } },
      tok.instAdmin,
    );
    expect(own.submitStatistics.values).toBe(1);
    const stat = (i: Rec, token = tok.instAdmin) => api.gql(STATS, { i: { year: 2026, ...i } }, token);
    expectError(await stat({ values: [{ key: 'POPULATION', value: 1 }] }), 'FORBIDDEN');
    expectError(
      await stat({ values: [{ key: 'STAFF_COUNT', institutionId: t.inst.general, value: 1 }] }),
      'FORBIDDEN',
    );
    expectError(
      await stat({
        dispatches: [
          {
            reference: 'D9',
            fromInstitutionId: t.inst.general,
            toInstitutionId: t.inst.township,
            startsOn: '2026-01-01',
          },
        ],
      }),
      'FORBIDDEN',
    );
    expectError(
      await stat(
        { values: [{ key: 'STAFF_COUNT', institutionId: other.inst.township, value: 1 }] },
        tok.admin,
      ),
      'NOT_FOUND',
    );
    expectError(await stat({ values: [{ key: 'STAFF_COUNT', value: 1 }] }, tok.admin), 'BAD_USER_INPUT');
    expectError(await stat({ values: [{ key: 'POPULATION', value: 1.5 }] }, tok.admin), 'BAD_USER_INPUT');
    expectError(await stat({ values: [{ key: 'POPULATION', value: -1 }] }, tok.admin), 'BAD_USER_INPUT');
    expectError(await stat({ values: [{ key: 'POPULATION', value: 1 }] }, tok.clinician), 'FORBIDDEN');
    const [pop] = await db.ds.query(
      `SELECT value::float8 AS v FROM intake_statistic WHERE tenant_id = $1 AND key = 'POPULATION'`,
      [t.tenantId],
    );
    expect(pop.v).toBe(480000);

    // Read back: the consortium's admins and auditors see every value; an institution admin the
    // consortium's items and its own institution's; another consortium none of them.
    const READ = `query($y: Int!) { statistics(year: $y) { key institutionId value } }`;
    const read = async (token: string, y = 2026) => (await gqlOk(READ, { y }, token)).statistics;
    const sorted = (xs: Rec[]) =>
      [...xs].sort((a, b) =>
        `${a.key}${a.institutionId ?? ''}`.localeCompare(`${b.key}${b.institutionId ?? ''}`),
      );
    const y2026 = sorted([
      { key: 'CHRONIC_PREMATURE_DEATHS', institutionId: null, value: 240 },
      { key: 'POPULATION', institutionId: null, value: 480000 },
      { key: 'POPULATION_30_70', institutionId: null, value: 210000 },
      { key: 'STAFF_COUNT', institutionId: t.inst.township, value: 120 },
      { key: 'STAFF_INCOME_TOTAL', institutionId: t.inst.township, value: 12000000 },
      { key: 'VILLAGE_CLINICS', institutionId: null, value: 40 },
      { key: 'VILLAGE_CLINICS_ECG', institutionId: null, value: 30 },
    ]);
    expect(sorted(await read(tok.admin))).toEqual(y2026);
    expect(sorted(await read(tok.auditor))).toEqual(y2026);
    expect(await read(tok.otherAdmin)).toEqual([]);
    // Another institution's figure (a year the measure checks below do not read) stays the consortium's.
    await gqlOk(
      STATS,
      {
        i: {
          year: 2025,
          values: [
            { key: 'POPULATION', value: 470000 },
            { key: 'STAFF_COUNT', institutionId: t.inst.general, value: 300 },
          ],
        },
      },
      tok.admin,
    );
    const population2025 = { key: 'POPULATION', institutionId: null, value: 470000 };
    expect(sorted(await read(tok.admin, 2025))).toEqual([
      population2025,
      { key: 'STAFF_COUNT', institutionId: t.inst.general, value: 300 },
    ]);
    expect(await read(tok.instAdmin, 2025)).toEqual([population2025]);
    expect(await read(tok.admin, 2024)).toEqual([]);
    expectError(await api.gql(READ, { y: 1999 }, tok.admin), 'BAD_USER_INPUT');

    // The year's dispatches: D1–D3 all overlap 2026; the township's admin sees those to its institution.
    const DISPATCHES = `query($y: Int!) { dispatchRecords(year: $y) { reference fromInstitutionId toInstitutionId startsOn endsOn } }`;
    const dispatches = async (token: string, y = 2026) =>
      (await gqlOk(DISPATCHES, { y }, token)).dispatchRecords;
    const d1 = {
      reference: 'D1',
      fromInstitutionId: t.inst.general,
      toInstitutionId: t.inst.township,
      startsOn: '2026-08-15',
      endsOn: '2026-09-10',
    };
    const d2 = { ...d1, reference: 'D2', startsOn: '2026-09-20', endsOn: null };
    const d3 = {
      ...d1,
      reference: 'D3',
      toInstitutionId: t.inst.village,
      startsOn: '2026-10-01',
      endsOn: '2026-10-31',
    };
    expect(await dispatches(tok.admin)).toEqual([d1, d2, d3]);
    expect(await dispatches(tok.auditor)).toEqual([d1, d2, d3]);
    expect(await dispatches(tok.instAdmin)).toEqual([d1, d2]);
    // D2 is still running: it overlaps every later year; the others ended in 2026.
    expect((await dispatches(tok.admin, 2027)).map((d: Rec) => d.reference)).toEqual(['D2']);
    expect(await dispatches(tok.admin, 2025)).toEqual([]);
    expect(await dispatches(tok.otherAdmin)).toEqual([]);
    expectError(await api.gql(DISPATCHES, { y: 3000 }, tok.admin), 'BAD_USER_INPUT');
    expectError(await api.gql(DISPATCHES, { y: 2026 }, tok.clinician), 'FORBIDDEN');
    expectError(await api.gql(READ, { y: 2026 }, tok.clinician), 'FORBIDDEN');
  });

  it('answers every measure of its keys from the rollups, forms and dispatches', async () => {
    const source = new EncounterMeasureSource();
    const em = db.ds.manager;
    const all = { tenantId: t.tenantId, institutionIds: null };
    const got = await source.monthly(
      em,
      all,
      [
        'enc.visits',
        'enc.discharges',
        'enc.fund_paid_insured_resident',
        'ooc.fund_paid',
        'ooc.visits',
        'stat.population',
        'stat.chronic_premature_deaths',
        'stat.staff_count',
        'stat.staff_income_total',
        'stat.dispatched_doctors',
      ],
      { from: '2026-09', to: '2026-10' },
    );
    const view = (key: string) =>
      got
        .filter((v) => v.key === key)
        .map((v) => [v.month, v.institutionId, v.value])
        .sort((a, b) => String(a).localeCompare(String(b)));
    const T = t.inst.township;
    expect(view('enc.visits')).toEqual([
      ['2026-09', T, 2],
      ['2026-10', T, 1],
    ]);
    expect(view('enc.discharges')).toEqual([['2026-10', T, 2]]);
    expect(view('enc.fund_paid_insured_resident')).toEqual([['2026-10', T, 5060]]);
    expect(view('ooc.fund_paid')).toEqual([
      ['2026-09', null, 12000],
      ['2026-10', null, 500],
    ]);
    expect(view('ooc.visits')).toEqual([['2026-10', null, 2]]);
    // Levels (staff income included) hold the year's value in each month; yearly event counts are spread 1/12 a month.
    expect(view('stat.population')).toEqual([
      ['2026-09', null, 480000],
      ['2026-10', null, 480000],
    ]);
    expect(view('stat.chronic_premature_deaths')).toEqual([
      ['2026-09', null, 20],
      ['2026-10', null, 20],
    ]);
    expect(view('stat.staff_count')).toEqual([
      ['2026-09', T, 120],
      ['2026-10', T, 120],
    ]);
    expect(view('stat.staff_income_total')).toEqual([
      ['2026-09', T, 12000000],
      ['2026-10', T, 12000000],
    ]);
    // D1 (to 10 Sep) and D2 (from 20 Sep) are both at the township in September; D3 at the village in October.
    expect(view('stat.dispatched_doctors')).toEqual(
      [
        ['2026-09', T, 2],
        ['2026-10', T, 1],
        ['2026-10', t.inst.village, 1],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    );
    expect(source.levelKeys).toEqual(
      expect.arrayContaining(['stat.population', 'stat.staff_count', 'stat.dispatched_doctors']),
    );
    expect(source.levelKeys).toContain('stat.staff_income_total');
    expect(source.levelKeys).not.toContain('stat.chronic_premature_deaths');
    expect(source.levelKeys).not.toContain('enc.visits');

    // An institution scope: its own rows only, no consortium-level values, no other tenant.
    const village = await source.monthly(
      em,
      { tenantId: t.tenantId, institutionIds: [t.inst.village] },
      ['enc.visits', 'ooc.fund_paid', 'stat.population', 'stat.dispatched_doctors'],
      { from: '2026-09', to: '2026-10' },
    );
    expect(village.map((v) => [v.key, v.month, v.value])).toEqual([
      ['stat.dispatched_doctors', '2026-10', 1],
    ]);
    const theirs = await source.monthly(
      em,
      { tenantId: other.tenantId, institutionIds: null },
      ['enc.visits'],
      { from: '2026-09', to: '2026-10' },
    );
    expect(theirs.map((v) => [v.month, v.institutionId, v.value])).toEqual([
      ['2026-09', other.inst.township, 1],
    ]);

    const page = await source.contributors(
      em,
      all,
      'enc.fund_paid',
      { from: '2026-09', to: '2026-10' },
      { offset: 0, limit: 2 },
    );
    // V2 (Sep, 20), V1 (Oct 1, 60), I1 (discharged Oct 5, 5,000), I2 (discharged Oct 20, 1,500): newest first.
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => [r.kind, r.occurredAt, r.value])).toEqual([
      ['Encounter', '2026-10-20', 1500],
      ['Encounter', '2026-10-05', 5000],
    ]);
    expect(page.rows[1].label).toMatch(/住院 INPATIENT/);
    expect(JSON.stringify(page)).not.toContain(patientIdNumber);
    const ooc = await source.contributors(
      em,
      all,
      'ooc.admissions',
      { from: '2026-09', to: '2026-09' },
      { offset: 0, limit: 10 },
    );
    expect(ooc.rows.map((r) => [r.kind, r.value, r.occurredAt])).toEqual([
      ['OutOfCountySettlement', 1, '2026-09-20'],
    ]);
  });
});
