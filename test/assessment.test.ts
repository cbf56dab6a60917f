import ExcelJS from 'exceljs';
import type { INestApplicationContext } from '@nestjs/common';
import { addMonths } from '@yg/indicators';
import { currentMonth } from '@yg/indicators/engine/months';
import { AssessmentMeasures, drawUnits, MatterTimers } from '@yg/assessment';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { blankRefusal, errorCode, GqlResult, TestApi } from './utils/api';
import { FixedMeasures } from './utils/fixed-measures';
import { eventually, startWorker } from './utils/worker';

/**
 * The key-task ledger and the monthly assessment through the api: tasks bound to indicators
 * (values from a fixed measure table, the measure-source seam) and reported ones, a month
 * opened, rated, scored, drawn, published in parallel, corrected; history; key-matter
 * reminders and overdue notices through the real worker. Expected numbers are worked out in
 * the comments beside them.
 */

const UNIT = `institutionId institutionName groupCode completion recognition ratings analysis total rank top bottom
  tasks { code value share points reason }`;
const VIEW = `month state edition version scheme { version completionWeight }
  groups { code units { ${UNIT} } } raterIds missingRatings { raterId institutionId }
  draw { seed units drawn algorithm } goodCase { institutionId title } badCase { institutionId title }
  editions { edition reason } publishedAt`;

type Unit = {
  institutionId: string;
  completion: number;
  recognition: number | null;
  ratings: number;
  analysis: number | null;
  total: number;
  rank: number;
  top: boolean;
  bottom: boolean;
  tasks: { code: string; value: number | null; share: number; points: number; reason: string | null }[];
};

describe('key tasks and the monthly assessment', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let other: TenantFixture;
  const fixed = new FixedMeasures();
  const tok: Record<string, string> = {};
  const NOW = currentMonth('Asia/Shanghai', new Date());
  const A = addMonths(NOW, -1);
  const YEAR = Number(A.slice(0, 4));
  const I: Record<string, string> = {};
  const task: Record<string, { id: string; version: number }> = {};

  const gql = (query: string, variables: Record<string, unknown>, token: string) =>
    api.gql(query, variables, token);
  const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await gql(query, variables, token);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const expectError = (res: GqlResult, code: string) =>
    expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
  const put = (key: string, inst: string, value: number) =>
    fixed.rows.push({ tenantId: t.tenantId, key, month: A, institutionId: inst, value });
  const view = async (token = tok.admin, edition?: number) =>
    (
      await gqlOk(
        `query($m: String!, $e: Int) { assessment(month: $m, edition: $e) { ${VIEW} } }`,
        { m: A, e: edition },
        token,
      )
    ).assessment;
  const unitsOf = (a: { groups: { units: Unit[] }[] }) =>
    new Map(a.groups.flatMap((g) => g.units).map((u) => [u.institutionId, u]));
  const CREATE = `mutation($i: CreateKeyTaskInput!) { createKeyTask(input: $i) { id version direction kind } }`;
  const RATE = `mutation($m: String!, $i: ID!, $s: Float!) { submitRecognitionRating(month: $m, institutionId: $i, score: $s) { version } }`;
  const ANALYSIS = `mutation($m: String!, $i: ID!, $s: Float!, $v: Int) { scoreAnalysis(month: $m, institutionId: $i, score: $s, version: $v) { version } }`;
  const PUBLISH = `mutation($m: String!, $v: Int!) { publishAssessment(month: $m, version: $v) { state version edition } }`;
  const inbox = async (token: string) =>
    (await gqlOk(`{ notifications(first: 100) { nodes { kind title link } } }`, {}, token)).notifications
      .nodes as { kind: string; title: string; link: string }[];

  beforeAll(async () => {
    db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000' });
    api = await TestApi.start(db.config, { measureSources: [fixed] });
    worker = await startWorker(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    tok.admin = await api.login(t.users.admin.username);
    tok.auditor = await api.login(t.users.auditor.username);
    tok.instAdmin = await api.login(t.users.instAdmin.username);
    tok.clinician = await api.login(t.users.villageClinician.username);
    tok.other = await api.login(other.users.admin.username);
    const extra = async (name: string) =>
      (
        await db.ds.query(
          `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, division_code)
           VALUES ($1, $2, 'TOWNSHIP_HEALTH_CENTER', 'TOWNSHIP', $3, '500114') RETURNING id`,
          [t.tenantId, name, t.inst.subcenter],
        )
      )[0].id as string;
    I.S = t.inst.subcenter;
    I.T = t.inst.township;
    I.T2 = await extra('二号卫生院');
    I.T3 = await extra('三号卫生院');
    I.T4 = await extra('四号卫生院');
    // N12 中医诊疗占比 = tcm / visits × 100; N10A 住院人均费用 = cost / discharges (lower is better).
    for (const [k, tcm, cost] of [
      ['S', 40, 800_000], // N12 40, N10A 8000
      ['T', 25, 750_000], // 25, 7500
      ['T2', 10, 900_000], // 10, 9000
      ['T3', 35, 950_000], // 35, 9500
      ['T4', 30, 850_000], // 30, 8500
    ] as const) {
      put('enc.visits', I[k], 100);
      put('enc.visits_tcm', I[k], tcm);
      put('enc.discharges_insured_resident', I[k], 100);
      put('enc.inpatient_cost_insured_resident', I[k], cost);
    }
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('keeps a ledger of key tasks bound to indicators or reported, refusing bad levels and other roles', async () => {
    const base = { year: YEAR, points: 10 };
    const n12 = await gqlOk(
      CREATE,
      {
        i: {
          ...base,
          code: 'TCM',
          title: '中医药服务占比',
          kind: 'INDICATOR',
          indicatorCode: 'N12',
          requiredLevel: 20,
          effortLevel: 30,
          challengeLevel: 40,
          points: 30,
        },
      },
      tok.admin,
    );
    expect(n12.createKeyTask).toMatchObject({ direction: 'HIGHER_BETTER', kind: 'INDICATOR', version: 1 });
    task.TCM = n12.createKeyTask;
    // The indicator is lower-is-better: the task takes its direction, levels falling.
    const cost = await gqlOk(
      CREATE,
      {
        i: {
          ...base,
          code: 'COST',
          title: '控制住院人均费用',
          kind: 'INDICATOR',
          indicatorCode: 'N10A',
          requiredLevel: 9000,
          effortLevel: 8000,
          challengeLevel: 7000,
          points: 20,
        },
      },
      tok.admin,
    );
    expect(cost.createKeyTask.direction).toBe('LOWER_BETTER');
    task.COST = cost.createKeyTask;
    task.SIGN = (
      await gqlOk(
        CREATE,
        {
          i: {
            ...base,
            code: 'SIGN',
            title: '家庭医生签约率',
            kind: 'REPORTED',
            direction: 'HIGHER_BETTER',
            requiredLevel: 60,
            effortLevel: 80,
            challengeLevel: 100,
          },
        },
        tok.admin,
      )
    ).createKeyTask;

    const before = (await db.ds.query(`SELECT count(*)::int AS n FROM key_task`))[0].n;
    const bad = {
      ...base,
      code: 'BAD',
      title: 'x',
      kind: 'REPORTED',
      direction: 'HIGHER_BETTER',
      requiredLevel: 80,
      effortLevel: 70,
      challengeLevel: 90,
    };
    expectError(await gql(CREATE, { i: bad }, tok.admin), 'BAD_USER_INPUT');
    expectError(
      await gql(
        CREATE,
        {
          i: {
            ...bad,
            kind: 'INDICATOR',
            direction: null,
            indicatorCode: 'N12',
            requiredLevel: 90,
            effortLevel: 80,
            challengeLevel: 70,
          },
        },
        tok.admin,
      ),
      'BAD_USER_INPUT',
    );
    expectError(
      await gql(
        CREATE,
        {
          i: {
            ...bad,
            kind: 'INDICATOR',
            direction: null,
            indicatorCode: 'ZZ99',
            requiredLevel: 1,
            effortLevel: 2,
            challengeLevel: 3,
          },
        },
        tok.admin,
      ),
      'NOT_FOUND',
    );
    expectError(
      await gql(
        CREATE,
        { i: { ...bad, requiredLevel: 1, effortLevel: 2, challengeLevel: 3 } },
        tok.instAdmin,
      ),
      'FORBIDDEN',
    );
    expectError(
      await gql(
        CREATE,
        {
          i: {
            ...bad,
            requiredLevel: 1,
            effortLevel: 2,
            challengeLevel: 3,
            institutionIds: [other.inst.township],
          },
        },
        tok.admin,
      ),
      'NOT_FOUND',
    );
    expectError(
      await gql(
        CREATE,
        { i: { ...bad, code: 'TCM', requiredLevel: 1, effortLevel: 2, challengeLevel: 3 } },
        tok.admin,
      ),
      'CONFLICT',
    );
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM key_task`))[0].n).toBe(before);

    const UPDATE = `mutation($i: UpdateKeyTaskInput!) { updateKeyTask(input: $i) { version title } }`;
    const upd = await gqlOk(
      UPDATE,
      { i: { id: task.SIGN.id, version: 1, title: '家庭医生签约服务覆盖率' } },
      tok.admin,
    );
    expect(upd.updateKeyTask).toEqual({ version: 2, title: '家庭医生签约服务覆盖率' });
    expectError(
      await gql(UPDATE, { i: { id: task.SIGN.id, version: 1, title: '旧版本' } }, tok.admin),
      'CONFLICT',
    );
    expectError(
      await gql(UPDATE, { i: { id: task.SIGN.id, version: 2, title: 'x' } }, tok.other),
      'NOT_FOUND',
    );
    expectError(await gql(UPDATE, { i: { id: 'not-a-uuid', version: 2 } }, tok.admin), 'BAD_USER_INPUT');

    const ledger = await gqlOk(
      `query($y: Int!) { keyTasks(year: $y) { code direction points } }`,
      { y: YEAR },
      tok.auditor,
    );
    expect(ledger.keyTasks.map((x: { code: string }) => x.code)).toEqual(['COST', 'SIGN', 'TCM']);
    expect(
      (await gqlOk(`query($y: Int!) { keyTasks(year: $y) { code } }`, { y: YEAR }, tok.other)).keyTasks,
    ).toEqual([]);
    const audits = await db.ds.query(
      `SELECT action FROM audit_event WHERE tenant_id = $1 AND action LIKE 'key-task.%'`,
      [t.tenantId],
    );
    expect(audits.map((a: { action: string }) => a.action).sort()).toEqual([
      'key-task.create',
      'key-task.create',
      'key-task.create',
      'key-task.update',
    ]);
  });

  it("clears a key task's description with null and keeps it when left out; a blank title or description is refused and changes nothing", async () => {
    const UPDATE = `mutation($i: UpdateKeyTaskInput!) { updateKeyTask(input: $i) { version title description } }`;
    const id = task.COST.id;
    const described = await gqlOk(
      UPDATE,
      { i: { id, version: 1, description: '不含分娩住院 (childbirth stays excluded)' } },
      tok.admin,
    );
    expect(described.updateKeyTask).toEqual({
      version: 2,
      title: '控制住院人均费用',
      description: '不含分娩住院 (childbirth stays excluded)',
    });
    // Left out, it stays.
    const retitled = await gqlOk(UPDATE, { i: { id, version: 2, title: '控制住院次均费用' } }, tok.admin);
    expect(retitled.updateKeyTask).toEqual({
      version: 3,
      title: '控制住院次均费用',
      description: '不含分娩住院 (childbirth stays excluded)',
    });
    // Blank is not a way to clear it, nor a title.
    for (const [field, value] of [
      ['title', ' \u3000 '],
      ['description', '\t\n'],
    ]) {
      const refused = await gql(UPDATE, { i: { id, version: 3, [field]: value } }, tok.admin);
      expect(refused).toMatchObject({ data: null, errors: [blankRefusal(field)] });
    }
    const stored = async () =>
      (
        await db.ds.query(`SELECT version, title, description FROM key_task WHERE id = $1`, [id])
      )[0] as Record<string, unknown>;
    expect(await stored()).toEqual({
      version: 3,
      title: '控制住院次均费用',
      description: '不含分娩住院 (childbirth stays excluded)',
    });
    // null clears it.
    const cleared = await gqlOk(UPDATE, { i: { id, version: 3, description: null } }, tok.admin);
    expect(cleared.updateKeyTask).toEqual({ version: 4, title: '控制住院次均费用', description: null });
    expect(await stored()).toEqual({ version: 4, title: '控制住院次均费用', description: null });
    task.COST.version = 4;
  });

  it('takes reported progress with evidence from the unit itself or a consortium admin', async () => {
    const REPORT = `mutation($i: ReportTaskProgressInput!) { reportTaskProgress(input: $i) { institutionId value evidenceSha256 } }`;
    const sha = 'a'.repeat(64);
    const mine = await gqlOk(
      REPORT,
      { i: { taskId: task.SIGN.id, month: A, value: 100, evidence: '签约台账', evidenceSha256: sha } },
      tok.instAdmin,
    );
    expect(mine.reportTaskProgress).toEqual({ institutionId: I.T, value: 100, evidenceSha256: sha });
    expectError(
      await gql(
        REPORT,
        { i: { taskId: task.SIGN.id, institutionId: I.S, month: A, value: 99, evidence: 'x' } },
        tok.instAdmin,
      ),
      'FORBIDDEN',
    );
    expectError(
      await gql(REPORT, { i: { taskId: task.TCM.id, month: A, value: 99, evidence: 'x' } }, tok.instAdmin),
      'BAD_USER_INPUT',
    );
    expectError(
      await gql(
        REPORT,
        { i: { taskId: task.SIGN.id, month: `${YEAR - 1}-12`, value: 1, evidence: 'x' } },
        tok.instAdmin,
      ),
      'BAD_USER_INPUT',
    );
    expectError(
      await gql(REPORT, { i: { taskId: task.SIGN.id, month: A, value: 1, evidence: 'x' } }, tok.other),
      'NOT_FOUND',
    );
    for (const [k, v] of [
      ['S', 70],
      ['T3', 80],
      ['T4', 60],
    ] as const) {
      await gqlOk(
        REPORT,
        { i: { taskId: task.SIGN.id, institutionId: I[k], month: A, value: v, evidence: '核查记录' } },
        tok.admin,
      );
    }
  });

  it('answers what a unit last reported on each task of the year; its own for an institution admin, its tenant only', async () => {
    const REPORT = `mutation($i: ReportTaskProgressInput!) { reportTaskProgress(input: $i) { id } }`;
    const Q = `query($y: Int!, $i: ID!) { keyTaskProgress(year: $y, institutionId: $i) { taskId institutionId month value evidence } }`;
    // The same month reported again: the later report is the one that counts (same value, so the
    // completion figures of the tests below stay as they are).
    await gqlOk(
      REPORT,
      { i: { taskId: task.SIGN.id, month: A, value: 100, evidence: '签约台账(复核后)' } },
      tok.instAdmin,
    );
    const latest = async (inst: string, token: string) =>
      (await gqlOk(Q, { y: YEAR, i: inst }, token)).keyTaskProgress;
    expect(await latest(I.T, tok.instAdmin)).toEqual([
      { taskId: task.SIGN.id, institutionId: I.T, month: A, value: 100, evidence: '签约台账(复核后)' },
    ]);
    expect(await latest(I.S, tok.admin)).toEqual([
      { taskId: task.SIGN.id, institutionId: I.S, month: A, value: 70, evidence: '核查记录' },
    ]);
    expect((await latest(I.T4, tok.auditor)).map((p: { value: number }) => p.value)).toEqual([60]);
    expect(await latest(I.T2, tok.admin)).toEqual([]);
    expect(await latest(I.T, tok.admin)).toHaveLength(1);
    expect((await gqlOk(Q, { y: YEAR - 1, i: I.T }, tok.instAdmin)).keyTaskProgress).toEqual([]);
    // An earlier month reported after a later one: the later month is still the one shown.
    if (A > `${YEAR}-01`) {
      await gqlOk(
        REPORT,
        { i: { taskId: task.SIGN.id, month: `${YEAR}-01`, value: 5, evidence: '补报一月' } },
        tok.instAdmin,
      );
      expect((await latest(I.T, tok.instAdmin)).map((p: { month: string }) => p.month)).toEqual([A]);
    }
    expectError(await gql(Q, { y: YEAR, i: I.S }, tok.instAdmin), 'FORBIDDEN');
    expectError(await gql(Q, { y: YEAR, i: I.T }, tok.other), 'NOT_FOUND');
    expectError(await gql(Q, { y: YEAR, i: I.T }, tok.clinician), 'FORBIDDEN');
  });

  it('versions the scheme; weights must add up to 100', async () => {
    const UPDATE = `mutation($i: UpdateAssessmentSchemeInput!) { updateAssessmentScheme(input: $i) { version groups { code } } }`;
    const groups = [
      { code: 'COUNTY', name: '县级医院', kinds: [], tiers: ['COUNTY'] },
      { code: 'TOWNSHIP', name: '乡镇卫生院(含次中心)', kinds: [], tiers: ['TOWNSHIP'] },
      { code: 'VILLAGE', name: '村卫生室', kinds: [], tiers: ['VILLAGE'] },
    ];
    const input = {
      basedOnVersion: 0,
      completionWeight: 60,
      recognitionWeight: 20,
      analysisWeight: 20,
      creditBelowRequired: false,
      groups,
      changeNote: '按层级分组',
    };
    expectError(await gql(UPDATE, { i: { ...input, analysisWeight: 25 } }, tok.admin), 'BAD_USER_INPUT');
    // A change note or a group name of blanks says nothing: refused, no version made (the first
    // one saved below is still version 1).
    expect(await gql(UPDATE, { i: { ...input, changeNote: ' \u3000\t' } }, tok.admin)).toMatchObject({
      data: null,
      errors: [blankRefusal('changeNote')],
    });
    const blankGroup = [{ ...groups[0], name: '\u3000\u3000' }, ...groups.slice(1)];
    expect(await gql(UPDATE, { i: { ...input, groups: blankGroup } }, tok.admin)).toMatchObject({
      data: null,
      errors: [blankRefusal('groups.0.name')],
    });
    // A code the network does not have would match no unit.
    for (const bad of [{ tiers: ['COUNTRY'] }, { kinds: ['CLINIC'] }]) {
      const i = { ...input, groups: [{ ...groups[0], ...bad }, ...groups.slice(1)] };
      expectError(await gql(UPDATE, { i }, tok.admin), 'BAD_USER_INPUT');
    }
    // A catch-all first would rank every unit together and leave the groups after it empty.
    const shadowed = await gql(
      UPDATE,
      { i: { ...input, groups: [{ code: 'ALL', name: '全部', kinds: [], tiers: [] }, ...groups] } },
      tok.admin,
    );
    expectError(shadowed, 'BAD_USER_INPUT');
    expect(shadowed.errors![0].message).toContain('group COUNTY can never take a unit');
    expectError(await gql(UPDATE, { i: input }, tok.auditor), 'FORBIDDEN');
    // Two admins save on the built-in default at once: one makes version 1, the other is refused.
    const results = await Promise.all([
      gql(UPDATE, { i: { ...input, changeNote: '按层级分组 A' } }, tok.admin),
      gql(UPDATE, { i: { ...input, changeNote: '按层级分组 B' } }, tok.admin),
    ]);
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    expect(won[0].data!.updateAssessmentScheme.version).toBe(1);
    const lost = results.filter((r) => errorCode(r) === 'CONFLICT');
    expect(lost).toHaveLength(1);
    expect(lost[0].errors![0].extensions).toMatchObject({ currentVersion: 1 });
    expect(lost[0].errors![0].message).toContain('已被他人修改');
    const LIST = `{ assessmentSchemes { version changeNote } }`;
    const list = (await gqlOk(LIST, {}, tok.auditor)).assessmentSchemes;
    expect(list.map((s: { version: number }) => s.version)).toEqual([1, 0]);
    const events = async () =>
      (
        await db.ds.query(
          `SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1 AND action = 'assessment-scheme.update'`,
          [t.tenantId],
        )
      )[0].n;
    expect(await events()).toBe(1);
    // Saved on a version no longer (or never) in force: refused, no version made.
    for (const basedOnVersion of [0, 2]) {
      const stale = await gql(UPDATE, { i: { ...input, basedOnVersion } }, tok.admin);
      expectError(stale, 'CONFLICT');
      expect(stale.errors![0].extensions).toMatchObject({ currentVersion: 1 });
    }
    expect((await gqlOk(LIST, {}, tok.auditor)).assessmentSchemes).toEqual(list);
    expect(await events()).toBe(1);
  });

  it('opens a month with completion computed at and between the target levels', async () => {
    const OPEN = `mutation($m: String!, $r: [ID!]!) { openAssessment(month: $m, raterIds: $r) { state version scheme { version } } }`;
    expectError(await gql(OPEN, { m: A, r: [] }, tok.instAdmin), 'FORBIDDEN');
    expectError(await gql(OPEN, { m: A, r: [other.users.admin.id] }, tok.admin), 'NOT_FOUND');
    const opened = await gqlOk(OPEN, { m: A, r: [t.users.admin.id, t.users.auditor.id] }, tok.admin);
    expect(opened.openAssessment).toEqual({ state: 'OPEN', version: 1, scheme: { version: 1 } });
    expectError(await gql(OPEN, { m: A, r: [] }, tok.admin), 'CONFLICT');

    const u = unitsOf(await view());
    // Points: TCM 30, COST 20, SIGN 10 = 60; completion = 60 × earned / 60.
    // S:  TCM 40 → 100 % (30); COST 8000 → 80 % (16); SIGN 70 → 70 % (7): 53
    // T:  TCM 25 → 70 % (21); COST 7500 → 90 % (18); SIGN 100 → 100 % (10): 49
    // T2: TCM 10 → 0; COST 9000 → 60 % (12); SIGN none → 0: 12
    // T3: TCM 35 → 90 % (27); COST 9500 → 0 (below 考核); SIGN 80 → 80 % (8): 35
    // T4: TCM 30 → 80 % (24); COST 8500 → 70 % (14); SIGN 60 → 60 % (6): 44
    expect(['S', 'T', 'T2', 'T3', 'T4'].map((k) => u.get(I[k])!.completion)).toEqual([53, 49, 12, 35, 44]);
    const tTasks = Object.fromEntries(u.get(I.T)!.tasks.map((x) => [x.code, [x.value, x.share]]));
    expect(tTasks.TCM[0]).toBe(25);
    expect(tTasks.TCM[1]).toBeCloseTo(0.7, 10);
    expect(tTasks.COST[0]).toBe(7500);
    expect(tTasks.COST[1]).toBeCloseTo(0.9, 10);
    expect(tTasks.SIGN).toEqual([100, 1]);
    expect(u.get(I.T2)!.tasks.find((x) => x.code === 'SIGN')!.reason).toContain('no progress reported');
    // Late data: completion is recomputed on request while the month is open.
    const RECOMPUTE = `mutation($m: String!) { recomputeAssessmentCompletion(month: $m) { groups { units { institutionId completion } } } }`;
    const tcm = fixed.rows.find((r) => r.key === 'enc.visits_tcm' && r.institutionId === I.T2)!;
    tcm.value = 20; // N12 20 → 60 % of 30 = 18: 18 + 12 = 30
    expect(
      unitsOf((await gqlOk(RECOMPUTE, { m: A }, tok.admin)).recomputeAssessmentCompletion).get(I.T2)!
        .completion,
    ).toBe(30);
    tcm.value = 10;
    expect(
      unitsOf((await gqlOk(RECOMPUTE, { m: A }, tok.admin)).recomputeAssessmentCompletion).get(I.T2)!
        .completion,
    ).toBe(12);
    expectError(await gql(RECOMPUTE, { m: A }, tok.auditor), 'FORBIDDEN');
    expectError(await gql(OPEN, { m: addMonths(NOW, 1), r: [] }, tok.admin), 'BAD_USER_INPUT');
    // The partner hospital is in no group: not assessed.
    expect(u.has(t.inst.partner)).toBe(false);
    expect(u.get(t.inst.general)!.completion).toBe(0);
  });

  it('takes each rater’s single rating per unit, the mean scaled to 20; missing ones listed', async () => {
    const ratings: [string, string, number][] = [
      ['admin', 'S', 80],
      ['auditor', 'S', 90], // 17
      ['admin', 'T', 100],
      ['auditor', 'T', 90], // 19
      ['admin', 'T2', 50], // 10; the auditor's is missing
      ['admin', 'T3', 75],
      ['auditor', 'T3', 75], // 15
      ['admin', 'T4', 75],
      ['auditor', 'T4', 85], // 16
    ];
    for (const [who, k, s] of ratings) await gqlOk(RATE, { m: A, i: I[k], s }, tok[who]);
    expectError(await gql(RATE, { m: A, i: I.S, s: 10 }, tok.admin), 'CONFLICT');
    expectError(await gql(RATE, { m: A, i: I.S, s: 10 }, tok.instAdmin), 'FORBIDDEN');
    expectError(await gql(RATE, { m: A, i: I.S, s: 101 }, tok.auditor), 'BAD_USER_INPUT');
    expectError(await gql(RATE, { m: A, i: other.inst.township, s: 10 }, tok.auditor), 'NOT_FOUND');
    expectError(await gql(RATE, { m: A, i: I.S, s: 10 }, tok.other), 'NOT_FOUND');
    const [{ score }] = await db.ds.query(
      `SELECT score FROM assessment_rating WHERE rater_id = $1 AND institution_id = $2`,
      [t.users.admin.id, I.S],
    );
    expect(Number(score)).toBe(80);

    for (const [k, s] of [
      ['S', 10],
      ['T', 15],
      ['T2', 5],
      ['T3', 14],
      ['T4', 20],
    ] as const) {
      await gqlOk(ANALYSIS, { m: A, i: I[k], s }, tok.admin);
    }
    expectError(await gql(ANALYSIS, { m: A, i: I.S, s: 21 }, tok.admin), 'BAD_USER_INPUT');
    expectError(await gql(ANALYSIS, { m: A, i: I.S, s: 10, v: 1 }, tok.admin), 'CONFLICT');

    const a = await view();
    const u = unitsOf(a);
    expect(['S', 'T', 'T2', 'T3', 'T4'].map((k) => [u.get(I[k])!.recognition, u.get(I[k])!.ratings])).toEqual(
      [
        [17, 2],
        [19, 2],
        [10, 1],
        [15, 2],
        [16, 2],
      ],
    );
    expect(a.missingRatings).toContainEqual({ raterId: t.users.auditor.id, institutionId: I.T2 });
    expect(a.missingRatings).not.toContainEqual({ raterId: t.users.admin.id, institutionId: I.T2 });
    // The rater reads the open month; an institution admin not yet.
    expect((await view(tok.auditor)).state).toBe('OPEN');
    expectError(
      await gql(`query($m: String!) { assessment(month: $m) { month } }`, { m: A }, tok.instAdmin),
      'NOT_FOUND',
    );
  });

  it('ranks within the group with the tie rule, top 3 and bottom 3 marked', async () => {
    const a = await view();
    const town = a.groups.find((g: { code: string }) => g.code === 'TOWNSHIP');
    // Totals: T 49+19+15 = 83; S 53+17+10 = 80; T4 44+16+20 = 80 (tie: S has more completion);
    // T3 35+15+14 = 64; T2 12+10+5 = 27.
    expect(town.units.map((x: Unit) => [x.institutionId, x.total, x.rank, x.top, x.bottom])).toEqual([
      [I.T, 83, 1, true, false],
      [I.S, 80, 2, true, false],
      [I.T4, 80, 3, true, false],
      [I.T3, 64, 4, false, true],
      [I.T2, 27, 5, false, true],
    ]);
    expect(a.groups.map((g: { code: string }) => g.code)).toEqual(['COUNTY', 'TOWNSHIP', 'VILLAGE']);
  });

  it('draws 2 units reproducibly from a recorded seed, once', async () => {
    const DRAW = `mutation($m: String!, $s: String) { drawAnalysisUnits(month: $m, seed: $s) { draw { seed units drawn } } }`;
    const d = (await gqlOk(DRAW, { m: A, s: 'review-meeting-1' }, tok.admin)).drawAnalysisUnits.draw;
    expect(d.seed).toBe('review-meeting-1');
    expect(d.units).toHaveLength(7);
    expect(d.drawn).toHaveLength(2);
    // Anyone can re-run it from the seed and the list.
    expect(drawUnits(d.seed, d.units, 2)).toEqual(d.drawn);
    expectError(await gql(DRAW, { m: A, s: 'another' }, tok.admin), 'CONFLICT');
    const [audit] = await db.ds.query(
      `SELECT details FROM audit_event WHERE tenant_id = $1 AND action = 'assessment.draw'`,
      [t.tenantId],
    );
    expect(audit.details).toMatchObject({ seed: 'review-meeting-1', units: d.units, drawn: d.drawn });

    const CASE = `mutation($m: String!, $k: AssessmentCaseKind!, $i: ID!, $t: String!, $s: String!) {
      recordAssessmentCase(month: $m, kind: $k, institutionId: $i, title: $t, summary: $s) { goodCase { institutionId } badCase { institutionId } } }`;
    await gqlOk(CASE, { m: A, k: 'GOOD', i: I.T, t: '签约服务全覆盖', s: '做法…' }, tok.admin);
    const c = await gqlOk(CASE, { m: A, k: 'BAD', i: I.T2, t: '进展未填报', s: '原因…' }, tok.admin);
    expect(c.recordAssessmentCase).toEqual({
      goodCase: { institutionId: I.T },
      badCase: { institutionId: I.T2 },
    });
  });

  it('publishes once when two publish at the same time, then locks the month and tells every unit', async () => {
    const { version } = await view();
    const [r1, r2] = await Promise.all([
      gql(PUBLISH, { m: A, v: version }, tok.admin),
      gql(PUBLISH, { m: A, v: version }, tok.admin),
    ]);
    const codes = [errorCode(r1), errorCode(r2)].sort();
    expect(codes).toEqual(['CONFLICT', undefined].sort());
    const a = await view();
    expect(a.state).toBe('PUBLISHED');
    expect(a.editions).toEqual([{ edition: 1, reason: '首次发布 (first publication)' }]);
    expectError(await gql(ANALYSIS, { m: A, i: I.S, s: 1 }, tok.admin), 'CONFLICT');
    expectError(await gql(RATE, { m: A, i: I.T2, s: 1 }, tok.auditor), 'CONFLICT');
    // The lock holds in the database too.
    await expect(
      db.ds.query(`UPDATE assessment_score SET analysis = 0 WHERE tenant_id = $1 AND month = $2`, [
        t.tenantId,
        A,
      ]),
    ).rejects.toThrow(/published/);
    await expect(
      db.ds.query(
        `INSERT INTO assessment_score (tenant_id, month, edition, institution_id, group_code, completion, completion_detail)
         VALUES ($1, $2, 1, $3, 'TOWNSHIP', 60, '[]')`,
        [t.tenantId, A, t.inst.partner],
      ),
    ).rejects.toThrow(/published/);
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1 AND action = 'assessment.publish'`,
      [t.tenantId],
    );
    expect(n).toBe(1);
    // Institution admins now read it, and are told.
    expect(unitsOf(await view(tok.instAdmin)).get(I.T)!.rank).toBe(1);
    await eventually(async () => (await inbox(tok.instAdmin)).find((x) => x.kind === 'assessment.published'));
  });

  it('corrects a published month as a new edition with a reason, re-ranked and notified', async () => {
    const CORRECT = `mutation($i: CorrectAssessmentInput!) { correctAssessment(input: $i) { edition version editions { edition reason } } }`;
    const { version } = await view();
    expectError(
      await gql(CORRECT, { i: { month: A, version, institutionId: I.S, reason: '无' } }, tok.admin),
      'BAD_USER_INPUT',
    );
    expectError(
      await gql(
        CORRECT,
        { i: { month: A, version: version - 1, institutionId: I.S, completion: 40, reason: '旧' } },
        tok.admin,
      ),
      'CONFLICT',
    );
    expectError(
      await gql(
        CORRECT,
        { i: { month: A, version, institutionId: I.S, completion: 61, reason: '超' } },
        tok.admin,
      ),
      'BAD_USER_INPUT',
    );
    expectError(
      await gql(
        CORRECT,
        { i: { month: A, version, institutionId: I.S, completion: 40, reason: 'x' } },
        tok.auditor,
      ),
      'FORBIDDEN',
    );
    // A reason of blanks is no reason: refused, and no edition made (the correction below is edition 2).
    expect(
      await gql(
        CORRECT,
        { i: { month: A, version, institutionId: I.S, completion: 40, reason: '\u3000 \t' } },
        tok.admin,
      ),
    ).toMatchObject({ data: null, errors: [blankRefusal('reason')] });
    const c = await gqlOk(
      CORRECT,
      { i: { month: A, version, institutionId: I.S, completion: 40, reason: '次中心签约数据重复统计' } },
      tok.admin,
    );
    expect(c.correctAssessment.edition).toBe(2);
    expect(c.correctAssessment.editions[1]).toEqual({ edition: 2, reason: '次中心签约数据重复统计' });
    // S: 40 + 17 + 10 = 67 → third; T4 moves up to second.
    const town = (await view()).groups.find((g: { code: string }) => g.code === 'TOWNSHIP');
    expect(town.units.map((x: Unit) => [x.institutionId, x.total, x.rank])).toEqual([
      [I.T, 83, 1],
      [I.T4, 80, 2],
      [I.S, 67, 3],
      [I.T3, 64, 4],
      [I.T2, 27, 5],
    ]);
    // The first edition stays as published.
    const first = unitsOf(await view(tok.admin, 1));
    expect([first.get(I.S)!.total, first.get(I.S)!.rank]).toEqual([80, 2]);
    await eventually(async () => (await inbox(tok.instAdmin)).find((x) => x.kind === 'assessment.corrected'));
  });

  it('shows a unit’s history and the consortium’s spread; own institution only, own tenant only', async () => {
    const H = `query($i: ID!) { assessmentHistory(institutionId: $i) { months { month edition total rank groupSize }
      distribution { month count min q1 median q3 max } } }`;
    const h = (await gqlOk(H, { i: I.T }, tok.instAdmin)).assessmentHistory;
    expect(h.months).toEqual([{ month: A, edition: 2, total: 83, rank: 1, groupSize: 5 }]);
    // Totals 0 (county), 0 (village), 27, 64, 67, 80, 83: quartiles interpolated.
    expect(h.distribution).toEqual([{ month: A, count: 7, min: 0, q1: 13.5, median: 64, q3: 73.5, max: 83 }]);
    expectError(await gql(H, { i: I.S }, tok.instAdmin), 'FORBIDDEN');
    expectError(await gql(H, { i: I.T }, tok.other), 'NOT_FOUND');
    expectError(await gql(H, { i: I.T }, tok.clinician), 'FORBIDDEN');
    expectError(
      await gql(`query($m: String!) { assessment(month: $m) { month } }`, { m: A }, tok.other),
      'NOT_FOUND',
    );
    expectError(
      await gql(`query($m: String!) { assessment(month: $m) { month } }`, { m: '2026-13' }, tok.admin),
      'BAD_USER_INPUT',
    );
  });

  it('exports the month as CSV and XLSX', async () => {
    const get = (query: string, token: string) =>
      api.http
        .get(`/assessments/export?${query}`)
        .set('authorization', `Bearer ${token}`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (x: Buffer) => chunks.push(x));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
    const csv = await get(`month=${A}&format=csv`, tok.auditor);
    expect(csv.status).toBe(200);
    const text = (csv.body as Buffer).toString('utf8');
    expect(text).toContain('分组 Group,名次 Rank');
    expect(text).toContain('乡镇卫生院(含次中心),1,乡镇卫生院,49,19,2,15,83,是,,2');
    const xlsx = await get(`month=${A}&format=xlsx&edition=1`, tok.admin);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    expect(book.worksheets[0].rowCount).toBe(8);
    expect((await get(`month=${A}`, tok.other)).status).toBe(404);
  });

  it('answers asm.participated for units scored in a published month', async () => {
    const src = new AssessmentMeasures();
    const rows = await src.monthly(
      db.ds.manager,
      { tenantId: t.tenantId, institutionIds: null },
      ['asm.participated'],
      { from: A, to: A },
    );
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.value === 1 && r.month === A)).toBe(true);
    const one = await src.monthly(
      db.ds.manager,
      { tenantId: t.tenantId, institutionIds: [I.T] },
      ['asm.participated'],
      { from: A, to: A },
    );
    expect(one).toEqual([{ key: 'asm.participated', month: A, institutionId: I.T, value: 1 }]);
    expect(
      await src.monthly(
        db.ds.manager,
        { tenantId: other.tenantId, institutionIds: null },
        ['asm.participated'],
        { from: A, to: A },
      ),
    ).toEqual([]);
    expect(
      (
        await src.contributors(
          db.ds.manager,
          { tenantId: t.tenantId, institutionIds: null },
          'asm.participated',
          { from: A, to: A },
          { offset: 0, limit: 3 },
        )
      ).total,
    ).toBe(7);
  });

  it('reminds the responsible unit before a key matter is due and tells of it once overdue, each once', async () => {
    const MATTER = `mutation($i: CreateKeyMatterInput!) { createKeyMatter(input: $i) { id } }`;
    const soon = new Date(Date.now() + 3 * 24 * 3600 * 1000 + 2000); // reminder due in ~2 s
    const past = new Date(Date.now() + 1500); // overdue in ~1.5 s; too late for a reminder
    expectError(
      await gql(MATTER, { i: { taskId: task.SIGN.id, quarter: 2, title: 'x', dueAt: soon } }, tok.admin),
      'BAD_USER_INPUT',
    );
    const m1 = (
      await gqlOk(
        MATTER,
        {
          i: {
            taskId: task.SIGN.id,
            quarter: 2,
            title: '签约数据核查',
            responsibleInstitutionId: I.T,
            dueAt: soon,
          },
        },
        tok.admin,
      )
    ).createKeyMatter.id;
    const m2 = (
      await gqlOk(
        MATTER,
        {
          i: {
            taskId: task.TCM.id,
            quarter: 2,
            title: '中医馆建设',
            responsibleInstitutionId: I.T,
            department: '中医科',
            dueAt: past,
          },
        },
        tok.admin,
      )
    ).createKeyMatter.id;
    const jobs = await db.ds.query(
      `SELECT job_name FROM outbox_message WHERE payload->>'keyMatterId' = ANY($1) ORDER BY job_name`,
      [[m1, m2]],
    );
    expect(jobs.map((j: { job_name: string }) => j.job_name)).toEqual([
      'key-matter.overdue',
      'key-matter.overdue',
      'key-matter.reminder',
    ]);
    const link = `/key-tasks/${task.SIGN.id}`;
    await eventually(
      async () =>
        (await inbox(tok.instAdmin)).find((x) => x.kind === 'key-matter.reminder' && x.link === link),
      20_000,
    );
    await eventually(
      async () =>
        (await inbox(tok.admin)).find(
          (x) => x.kind === 'key-matter.overdue' && x.link === `/key-tasks/${task.TCM.id}`,
        ),
      20_000,
    );
    const timers = worker.get(MatterTimers);
    expect(await timers.reminder(m1)).toEqual({ done: true, changed: false });
    expect(await timers.overdue(m2)).toEqual({ done: true, changed: false });
    expect(await timers.sweep()).toBe(0);
    const [row1] = await db.ds.query(`SELECT reminded_at, overdue_at FROM key_matter WHERE id = $1`, [m1]);
    expect(row1.reminded_at).not.toBeNull();
    expect(row1.overdue_at).toBeNull();
    // An early overdue job waits for its moment.
    const early = await timers.overdue(m1);
    expect(early.done).toBe(false);
    // Done matters need no more notices; only the responsible unit (or the consortium) closes them.
    const DONE = `mutation($id: ID!) { completeKeyMatter(id: $id) { doneAt } }`;
    const m3 = (
      await gqlOk(
        MATTER,
        {
          i: {
            taskId: task.SIGN.id,
            quarter: 3,
            title: '季度复核',
            responsibleInstitutionId: I.S,
            dueAt: past,
          },
        },
        tok.admin,
      )
    ).createKeyMatter.id;
    expectError(await gql(DONE, { id: m3 }, tok.instAdmin), 'FORBIDDEN');
    expectError(await gql(DONE, { id: m3 }, tok.other), 'NOT_FOUND');
    expect((await gqlOk(DONE, { id: m1 }, tok.instAdmin)).completeKeyMatter.doneAt).not.toBeNull();
    expect(await timers.overdue(m1)).toEqual({ done: true, changed: false });
    const kinds = (await inbox(tok.instAdmin))
      .filter((x) => x.kind.startsWith('key-matter.'))
      .map((x) => x.kind)
      .sort();
    expect(kinds).toEqual(['key-matter.overdue', 'key-matter.reminder']);
  });
});
