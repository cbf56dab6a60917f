import type { INestApplicationContext } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { LiveClient } from './utils/live-client';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { addUser } from './pipeline-helpers';
import { IntakeFileImporter, MERGE_BATCH } from '@yg/intake';

/**
 * Visit-data files (CSV with Chinese headers, NDJSON with English or Chinese keys) uploaded over
 * HTTP multipart and imported by a job: bad lines reported by file line, good rows kept,
 * corrections moving month, repeats changing nothing, rollups as worked out by hand.
 */

const RUN = `query($id: ID!) { dataImport(id: $id) { id kind channel status rowsTotal rowsDone accepted replaced
  unchanged rejectedCount rejected { line sourceRecordId reason } failure } }`;

describe('visit data file imports', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let other: TenantFixture;
  const tok: Record<string, string> = {};
  let live: LiveClient;

  const upload = (token: string, body: string, name: string, fields: Record<string, string> = {}) => {
    const req = api.http.post('/intake/imports/upload').set('authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries({ sourceSystem: 'HIS-F', ...fields })) req.field(k, v);
    return req.attach('file', Buffer.from(body, 'utf8'), { filename: name, contentType: 'text/csv' });
  };
  const finished = (id: string, token = tok.town) =>
    eventually(async () => {
      const res = await api.gql(RUN, { id }, token);
      const run = res.data?.dataImport;
      return run && ['DONE', 'FAILED'].includes(run.status) ? run : null;
    }, 30_000);
  const importFile = async (
    token: string,
    body: string,
    name: string,
    fields: Record<string, string> = {},
  ) => {
    const res = await upload(token, body, name, fields);
    expect(res.status).toBe(202);
    return finished(res.body.importId, token);
  };
  const rollup = async (institutionId: string) =>
    Object.fromEntries(
      (
        await db.ds.query(
          `SELECT to_char(month, 'YYYY-MM') AS month, visits, visits_resident, visits_tcm, admissions, discharges,
                  discharges_insured_resident AS dir, inpatient_cost_insured_resident::float8 AS cost_ir,
                  fund_paid::float8 AS fund_paid, fund_paid_insured_resident::float8 AS fund_ir, chronic_admissions AS chronic
             FROM encounter_rollup WHERE institution_id = $1 ORDER BY month`,
          [institutionId],
        )
      ).map((r: Record<string, unknown>) => [r.month, { ...r, month: undefined }]),
    );
  const row = (r: Partial<Record<string, number>>) => ({
    month: undefined,
    visits: 0,
    visits_resident: 0,
    visits_tcm: 0,
    admissions: 0,
    discharges: 0,
    dir: 0,
    cost_ir: 0,
    fund_paid: 0,
    fund_ir: 0,
    chronic: 0,
    ...r,
  });

  beforeAll(async () => {
    db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000' });
    api = await TestApi.start(db.config);
    await api.app.listen(0, '127.0.0.1');
    worker = await startWorker(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    const tag = t.tenantId.slice(0, 6);
    const town = await addUser(db.ds, t, `if-town-${tag}`, t.inst.township, ['DATA_INTEGRATION']);
    tok.town = await api.login(town.username);
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    live = new LiveClient(`http://127.0.0.1:${port}`, tok.town);
    await live.ready(town.id);
    tok.ybj = await api.login(
      (await addUser(db.ds, t, `if-ybj-${tag}`, t.inst.general, ['DATA_INTEGRATION'])).username,
    );
    tok.clinician = await api.login(t.users.villageClinician.username);
    tok.otherAdmin = await api.login(other.users.admin.username);
  });

  afterAll(async () => {
    live?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('imports a CSV with Chinese headers: bad lines by line and reason, good rows rolled up', async () => {
    const csv = [
      '诊疗数据导出 2026年9月',
      '记录号,就诊类型,就诊(入院)日期,出院日期,身份证号,科室,中医类,诊断编码,参保,县域居民,慢病管理,总费用,医保基金支付',
      'C1,门诊,2026-09-01,,,,否,I10,是,是,否,120.50,80',
      'C2,急诊,2026-09-02,,,急诊科,是,,是,否,否,300,100',
      'C3,住院,2026-09-05,2026-09-12,,心内科,否,I21.9,是,是,是,9000,6000',
      'C4,门诊,2026/09/31,,,,否,,是,是,否,10,0',
      'C1,门诊,2026-09-03,,,,否,,是,是,否,1,0',
      'C5,住院,2026-09-20,,,,否,,否,是,否,5000,0',
      '',
    ].join('\r\n');
    const run = await importFile(tok.town, '\ufeff' + csv, '九月.csv');
    expect(run).toMatchObject({
      kind: 'ENCOUNTERS',
      channel: 'FILE',
      status: 'DONE',
      rowsTotal: 6,
      rowsDone: 6,
      accepted: 4,
      replaced: 0,
      unchanged: 0,
      rejectedCount: 2,
    });
    expect(run.rejected).toEqual([
      { line: 6, sourceRecordId: 'C4', reason: expect.stringMatching(/not a calendar day/) },
      {
        line: 7,
        sourceRecordId: 'C1',
        reason: expect.stringMatching(/duplicate sourceRecordId; first on line 3/),
      },
    ]);
    // By hand: C1 and C2 visits (C1 resident, C2 TCM); C3 and C5 admitted (C3 chronic), C3
    // discharged in September as an insured resident (9,000, fund 6,000); fund 80 + 100 + 6,000,
    // of which 80 + 6,000 for insured residents.
    expect(await rollup(t.inst.township)).toEqual({
      '2026-09': row({
        visits: 2,
        visits_resident: 1,
        visits_tcm: 1,
        admissions: 2,
        chronic: 1,
        discharges: 1,
        dir: 1,
        cost_ir: 9000,
        fund_paid: 6180,
        fund_ir: 6080,
      }),
    });
    // Followed live: the uploader's socket saw the run's progress up to its end.
    const pushed = await live.waitFor(
      'intake.import.progress',
      (p) => p.id === run.id && p.status === 'DONE',
    );
    expect(pushed).toMatchObject({ rowsDone: 6, rowsTotal: 6, rejected: 2 });
    expect(
      live.of('intake.import.progress').filter((p) => p.id === run.id && p.status === 'RUNNING').length,
    ).toBeGreaterThan(0);
    const chunks = await db.ds.query(`SELECT count(*)::int AS n FROM intake_upload_chunk`);
    expect(chunks[0].n).toBe(0);
  });

  it('imports NDJSON corrections (one moving month) and then changes nothing on a repeat', async () => {
    const ndjson = [
      JSON.stringify({
        sourceRecordId: 'C1',
        kind: 'OUTPATIENT',
        occurredOn: '2026-10-02',
        tcm: false,
        diagnosisCode: 'I10',
        insured: true,
        resident: true,
        chronicManaged: false,
        totalCost: 120.5,
        fundPaid: 80,
      }),
      '{not json',
      JSON.stringify({
        记录号: 'C5',
        就诊类型: '住院',
        入院日期: '2026-09-20',
        出院日期: '2026-10-03',
        参保: '否',
        县域居民: '是',
        慢病管理: '否',
        总费用: 5000,
      }),
      '',
    ].join('\n');
    const run = await importFile(tok.town, ndjson, 'fix.ndjson');
    expect(run).toMatchObject({
      status: 'DONE',
      rowsTotal: 3,
      accepted: 0,
      replaced: 2,
      unchanged: 0,
      rejectedCount: 1,
    });
    expect(run.rejected).toEqual([
      { line: 2, sourceRecordId: null, reason: expect.stringMatching(/not valid JSON/) },
    ]);
    expect(await rollup(t.inst.township)).toEqual({
      '2026-09': row({
        visits: 1,
        visits_tcm: 1,
        admissions: 2,
        chronic: 1,
        discharges: 1,
        dir: 1,
        cost_ir: 9000,
        fund_paid: 6100,
        fund_ir: 6000,
      }),
      '2026-10': row({ visits: 1, visits_resident: 1, discharges: 1, fund_paid: 80, fund_ir: 80 }),
    });
    const again = await importFile(tok.town, ndjson, 'fix-again.ndjson');
    expect(again).toMatchObject({ status: 'DONE', accepted: 0, replaced: 0, unchanged: 2, rejectedCount: 1 });
    expect((await rollup(t.inst.township))['2026-10']).toEqual(
      row({ visits: 1, visits_resident: 1, discharges: 1, fund_paid: 80, fund_ir: 80 }),
    );
  });

  it('merges a file batch by batch with the same outcome: duplicates across batches, a correction, a repeat', async () => {
    const importer = worker.get(IntakeFileImporter);
    importer.batchRows = 2;
    try {
      const line = (id: string, day: string, cost: number) =>
        `${id},OUTPATIENT,${day},false,true,true,${cost},0`;
      const header = 'sourceRecordId,kind,occurredOn,tcm,insured,resident,totalCost,fundPaid';
      const first = await importFile(
        tok.town,
        [
          header,
          line('B1', '2025-03-01', 10),
          line('B2', '2025-03-02', 20),
          'B9,OUTPATIENT,2025-03-40,false,true,true,1,0',
          line('B3', '2025-03-03', 30),
          line('B1', '2025-03-04', 40),
          line('B4', '2025-03-05', 50),
          line('B5', '2025-03-06', 60),
          '',
        ].join('\n'),
        'batches.csv',
        { sourceSystem: 'HIS-BATCH' },
      );
      expect(first).toMatchObject({
        status: 'DONE',
        rowsTotal: 7,
        accepted: 5,
        replaced: 0,
        rejectedCount: 2,
      });
      expect(
        first.rejected.map((r: { line: number; sourceRecordId: string }) => [r.line, r.sourceRecordId]),
      ).toEqual([
        [4, 'B9'],
        [6, 'B1'],
      ]);
      // B2 corrected into April, the rest repeated, in batches of two again.
      const second = await importFile(
        tok.town,
        [
          header,
          line('B1', '2025-03-01', 10),
          line('B2', '2025-04-02', 25),
          line('B3', '2025-03-03', 30),
          line('B4', '2025-03-05', 50),
          line('B5', '2025-03-06', 60),
          '',
        ].join('\n'),
        'batches-2.csv',
        { sourceSystem: 'HIS-BATCH' },
      );
      expect(second).toMatchObject({
        status: 'DONE',
        accepted: 0,
        replaced: 1,
        unchanged: 4,
        rejectedCount: 0,
      });
      const rolled = await rollup(t.inst.township);
      expect(rolled['2025-03']).toEqual(row({ visits: 4, visits_resident: 4 }));
      expect(rolled['2025-04']).toEqual(row({ visits: 1, visits_resident: 1 }));
      const [{ n, keys }] = await db.ds.query(
        `SELECT (SELECT count(*)::int FROM encounter WHERE source_system = 'HIS-BATCH') AS n,
                (SELECT count(*)::int FROM encounter_key WHERE source_system = 'HIS-BATCH') AS keys`,
      );
      expect({ n, keys }).toEqual({ n: 5, keys: 5 });
    } finally {
      importer.batchRows = MERGE_BATCH;
    }
  });

  it('imports out-of-county settlements and fails a file without a header cleanly', async () => {
    const csv = [
      '结算号,结算日期,住院,就诊医院,医院等级,总费用,医保基金支付',
      'O1,2026-09-09,否,重庆某医院,三级甲等,400,200',
      'O2,2026-09-10,是,,三级,1,0',
    ].join('\n');
    const run = await importFile(tok.ybj, csv, 'ooc.csv', { kind: 'OUT_OF_COUNTY', sourceSystem: 'YB' });
    expect(run).toMatchObject({ kind: 'OUT_OF_COUNTY', status: 'DONE', accepted: 1, rejectedCount: 1 });
    expect(run.rejected[0]).toMatchObject({ line: 3, sourceRecordId: 'O2' });
    const [ooc] = await db.ds.query(
      `SELECT visits, admissions, cost::float8 AS cost FROM ooc_rollup WHERE tenant_id = $1 AND month = '2026-09-01'`,
      [t.tenantId],
    );
    expect(ooc).toEqual({ visits: 1, admissions: 0, cost: 400 });
    const bad = await importFile(tok.town, 'a,b,c\n1,2,3\n', 'nohead.csv');
    expect(bad.status).toBe('FAILED');
    expect(bad.failure).toMatch(/no header row/);
  });

  it('refuses uploads from the wrong people and of the wrong kind, storing nothing', async () => {
    const runs = async () => (await db.ds.query(`SELECT count(*)::int AS n FROM intake_run`))[0].n;
    const before = await runs();
    const body = 'sourceRecordId,kind,occurredOn,totalCost\nZ1,OUTPATIENT,2026-09-01,1\n';
    const clinician = await upload(tok.clinician, body, 'a.csv');
    expect(clinician.status).toBe(403);
    const forOther = await upload(tok.town, body, 'a.csv', { institutionId: t.inst.general });
    expect([forOther.status, forOther.body.code]).toEqual([403, 'FORBIDDEN']);
    const otherTenant = await upload(tok.town, body, 'a.csv', { institutionId: other.inst.township });
    expect([otherTenant.status, otherTenant.body.code]).toEqual([404, 'NOT_FOUND']);
    const xlsx = await upload(tok.town, body, 'a.xlsx');
    expect([xlsx.status, xlsx.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const noSystem = await upload(tok.town, body, 'a.csv', { sourceSystem: '' });
    expect([noSystem.status, noSystem.body.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect(await runs()).toBe(before);
  });
});
