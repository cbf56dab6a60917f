import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture, UserKey } from './utils/fixtures';
import { blankRefusal, errorCode, GqlResult, TestApi } from './utils/api';

// ---------- GraphQL documents ----------

const INST = 'id name kind tier parentId active divisionCode phone address version';
const CREATE_INSTITUTION = `mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { ${INST} } }`;
const UPDATE_INSTITUTION = `mutation($input: UpdateInstitutionInput!) { updateInstitution(input: $input) { ${INST} } }`;
const CREATE_DEPARTMENT = `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id institutionId code name } }`;
const CREATE_PRACTITIONER = `mutation($input: CreatePractitionerInput!) {
  createPractitioner(input: $input) { id institutionId departmentId licenceNumber } }`;
const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id username roles institutionId } }`;
const INSTITUTIONS = `query($kind: InstitutionKind, $tier: Tier, $parentId: ID, $search: String, $first: Int, $after: String) {
  institutions(kind: $kind, tier: $tier, parentId: $parentId, search: $search, first: $first, after: $after) {
    nodes { id name kind tier parentId }
    pageInfo { hasNextPage endCursor }
  } }`;
const STRUCTURE = `{ consortium { framework structure { framework known holds counts { kind expected actual holds } differences } } }`;

const CHINESE = /[\u4e00-\u9fff]/;
const ENGLISH = /[A-Za-z]{3,}/;
const ROLE_KEYS: UserKey[] = [
  'admin',
  'auditor',
  'instAdmin',
  'villageClinician',
  'coordinator',
  'countyClinician',
  'expert',
];

// jest reads testTimeout from the global config only, so the integration project's 60 s is
// lost when several projects run together (npm test); the hooks here log in a dozen users.
jest.setTimeout(60_000);

let seq = 0;
/** A short marker unique within the run, for names, codes and licence numbers. */
const uniq = () => `${process.pid % 1000}${String(++seq).padStart(5, '0')}`;

describe('consortium network (institutions, tree rules, staff, access)', () => {
  let db: TestDb;
  let api: TestApi;
  /** The main tenant; tests may add to it, never rely on its exact institution count. */
  let t: TenantFixture;
  /** A second tenant in the same database: must stay invisible to `t`. */
  let other: TenantFixture;
  const tokens = {} as Record<UserKey, string>;
  let otherAdmin: string;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    for (const key of ROLE_KEYS) tokens[key] = await api.login(t.users[key].username);
    otherAdmin = await api.login(other.users.admin.username);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  // ---------- small helpers ----------

  const gql = (query: string, variables: Record<string, unknown>, token?: string) =>
    api.gql(query, variables, token);
  const createInstitution = (input: Record<string, unknown>, token = tokens.admin) =>
    gql(CREATE_INSTITUTION, { input: { divisionCode: '500114', ...input } }, token);
  /** An edit on the version the institution has now, as a caller who just read it would send (unless given). */
  const updateInstitution = async (input: Record<string, unknown>, token = tokens.admin) =>
    gql(UPDATE_INSTITUTION, { input: { version: await versionOf(input.id as string), ...input } }, token);
  async function versionOf(id: string): Promise<number> {
    const [r] = await db.ds.query(`SELECT version FROM institution WHERE id::text = $1`, [id]);
    return r?.version ?? 1;
  }

  /** Creates through the API and fails loudly if refused: arranging state must not hide errors. */
  async function mustCreate(input: Record<string, unknown>, token = tokens.admin): Promise<string> {
    const res = await createInstitution(input, token);
    expect(res.errors).toBeUndefined();
    return res.data!.createInstitution.id as string;
  }

  function expectRefused(res: GqlResult, code: string, ext: Record<string, unknown> = {}) {
    expect(errorCode(res)).toBe(code);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject(ext);
    // A refused mutation or query returns no data for its field.
    const field = Object.values(res.data ?? {})[0];
    expect(field ?? null).toBeNull();
  }

  async function row(
    id: string,
  ): Promise<{ name: string; kind: string; tier: string; parent_id: string | null; active: boolean }> {
    const [r] = await db.ds.query(
      `SELECT name, kind, tier, parent_id, active FROM institution WHERE id = $1`,
      [id],
    );
    return r;
  }
  async function institutionsNamed(name: string): Promise<number> {
    const [r] = await db.ds.query(`SELECT count(*)::int AS n FROM institution WHERE name = $1`, [name]);
    return r.n;
  }
  async function count(sql: string, params: unknown[]): Promise<number> {
    const [r] = await db.ds.query(`SELECT count(*)::int AS n FROM (${sql}) q`, params);
    return r.n;
  }

  // ---------- 1. tier rules ----------

  describe('tier rules', () => {
    it('refuses a township centre under a village clinic (TIER_ORDER) and writes nothing', async () => {
      const name = `乡镇卫生院-${uniq()}`;
      const res = await createInstitution({
        name,
        kind: 'TOWNSHIP_HEALTH_CENTER',
        tier: 'TOWNSHIP',
        parentId: t.inst.village,
      });
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'TIER_ORDER', field: 'parentId' });
      expect(res.errors![0].message).toMatch(CHINESE);
      expect(res.errors![0].message).toContain('lower than child tier');
      expect(await institutionsNamed(name)).toBe(0);
    });

    it('refuses a county hospital under a township centre (TIER_ORDER) and writes nothing', async () => {
      const name = `专科医院-${uniq()}`;
      const res = await createInstitution({
        name,
        kind: 'SPECIALTY_HOSPITAL',
        tier: 'COUNTY',
        parentId: t.inst.township,
      });
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'TIER_ORDER' });
      expect(await institutionsNamed(name)).toBe(0);
    });

    it('refuses moving an institution under one of lower tier and keeps the old parent', async () => {
      const before = await row(t.inst.subcenter);
      const res = await updateInstitution({ id: t.inst.subcenter, parentId: t.inst.village });
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'TIER_ORDER', field: 'parentId' });
      expect(await row(t.inst.subcenter)).toEqual(before);
      expect(before.parent_id).toBe(t.inst.general);

      const res2 = await updateInstitution({ id: t.inst.general, parentId: t.inst.township });
      expectRefused(res2, 'BAD_USER_INPUT', { rule: 'TIER_ORDER' });
      expect((await row(t.inst.general)).parent_id).toBeNull();
    });

    it('refuses a kind with a tier it cannot have (KIND_TIER), on create and on update', async () => {
      const name = `村卫生室-${uniq()}`;
      const res = await createInstitution({ name, kind: 'VILLAGE_CLINIC', tier: 'COUNTY' });
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'KIND_TIER', field: 'tier' });
      expect(res.errors![0].message).toMatch(CHINESE);
      expect(res.errors![0].message).toContain('VILLAGE_CLINIC must have tier VILLAGE');
      expect(await institutionsNamed(name)).toBe(0);

      const up = await updateInstitution({ id: t.inst.village, tier: 'TOWNSHIP' });
      expectRefused(up, 'BAD_USER_INPUT', { rule: 'KIND_TIER' });
      const kindOnly = await updateInstitution({ id: t.inst.township, kind: 'GENERAL_HOSPITAL' });
      expectRefused(kindOnly, 'BAD_USER_INPUT', { rule: 'KIND_TIER' });
      expect((await row(t.inst.village)).tier).toBe('VILLAGE');
      expect((await row(t.inst.township)).kind).toBe('TOWNSHIP_HEALTH_CENTER');
    });

    it('keeps partner hospitals outside the tree: never a child, never a parent', async () => {
      const partnerName = `合作医院-${uniq()}`;
      const asChild = await createInstitution({
        name: partnerName,
        kind: 'PARTNER_HOSPITAL',
        tier: 'EXTERNAL',
        parentId: t.inst.general,
      });
      expectRefused(asChild, 'BAD_USER_INPUT', { rule: 'TIER_ORDER' });
      expect(asChild.errors![0].message).toContain('partner hospitals');
      expect(await institutionsNamed(partnerName)).toBe(0);

      const underPartner = `村卫生室-${uniq()}`;
      const asParent = await createInstitution({
        name: underPartner,
        kind: 'VILLAGE_CLINIC',
        tier: 'VILLAGE',
        parentId: t.inst.partner,
      });
      expectRefused(asParent, 'BAD_USER_INPUT', { rule: 'TIER_ORDER' });
      expect(await institutionsNamed(underPartner)).toBe(0);

      const move = await updateInstitution({ id: t.inst.township, parentId: t.inst.partner });
      expectRefused(move, 'BAD_USER_INPUT', { rule: 'TIER_ORDER' });
      expect((await row(t.inst.township)).parent_id).toBe(t.inst.subcenter);

      const movePartner = await updateInstitution({ id: t.inst.partner, parentId: t.inst.general });
      expectRefused(movePartner, 'BAD_USER_INPUT', { rule: 'TIER_ORDER' });
      expect((await row(t.inst.partner)).parent_id).toBeNull();

      // Turning an institution with children into a partner would put a partner inside the tree.
      const toPartner = await updateInstitution({
        id: t.inst.township,
        kind: 'PARTNER_HOSPITAL',
        tier: 'EXTERNAL',
        parentId: null,
      });
      expectRefused(toPartner, 'BAD_USER_INPUT', { rule: 'TIER_ORDER' });
      expect(await row(t.inst.township)).toMatchObject({
        kind: 'TOWNSHIP_HEALTH_CENTER',
        parent_id: t.inst.subcenter,
      });

      // A partner on its own, at the top, is fine.
      const alone = await mustCreate({
        name: `合作医院-${uniq()}`,
        kind: 'PARTNER_HOSPITAL',
        tier: 'EXTERNAL',
      });
      expect((await row(alone)).parent_id).toBeNull();
    });

    it('allows a parent of the same tier (and of a higher one)', async () => {
      const sameTier = await createInstitution({
        name: `乡镇卫生院-${uniq()}`,
        kind: 'TOWNSHIP_HEALTH_CENTER',
        tier: 'TOWNSHIP',
        parentId: t.inst.subcenter,
      });
      expect(sameTier.errors).toBeUndefined();
      expect(sameTier.data!.createInstitution).toMatchObject({
        tier: 'TOWNSHIP',
        parentId: t.inst.subcenter,
        active: true,
      });
      expect((await row(sameTier.data!.createInstitution.id)).parent_id).toBe(t.inst.subcenter);

      const countyUnderCounty = await mustCreate({
        name: `专科医院-${uniq()}`,
        kind: 'SPECIALTY_HOSPITAL',
        tier: 'COUNTY',
        parentId: t.inst.general,
      });
      expect((await row(countyUnderCounty)).parent_id).toBe(t.inst.general);

      // A township centre may be moved to sit directly under the county hospital.
      const moved = await updateInstitution({
        id: sameTier.data!.createInstitution.id,
        parentId: t.inst.general,
      });
      expect(moved.errors).toBeUndefined();
      expect((await row(sameTier.data!.createInstitution.id)).parent_id).toBe(t.inst.general);
    });

    it('refuses lowering a tier below a child’s, and allows it once the child fits', async () => {
      const group = await mustCreate({
        name: `社区医院集团-${uniq()}`,
        kind: 'COMMUNITY_HOSPITAL_GROUP',
        tier: 'COUNTY',
        parentId: t.inst.general,
      });
      const child = await mustCreate({
        name: `次中心-${uniq()}`,
        kind: 'REGIONAL_SUBCENTER',
        tier: 'COUNTY',
        parentId: group,
      });

      const lower = await updateInstitution({ id: group, tier: 'TOWNSHIP' });
      expectRefused(lower, 'BAD_USER_INPUT', { rule: 'TIER_ORDER', field: 'tier' });
      expect((await row(group)).tier).toBe('COUNTY');

      expect((await updateInstitution({ id: child, tier: 'TOWNSHIP' })).errors).toBeUndefined();
      const again = await updateInstitution({ id: group, tier: 'TOWNSHIP' });
      expect(again.errors).toBeUndefined();
      expect(again.data!.updateInstitution.tier).toBe('TOWNSHIP');
      expect((await row(group)).tier).toBe('TOWNSHIP');
    });

    it('names a parent of another tenant NOT_FOUND when creating or moving', async () => {
      const name = `村卫生室-${uniq()}`;
      const res = await createInstitution({
        name,
        kind: 'VILLAGE_CLINIC',
        tier: 'VILLAGE',
        parentId: other.inst.township,
      });
      expectRefused(res, 'NOT_FOUND');
      expect(await institutionsNamed(name)).toBe(0);

      const move = await updateInstitution({ id: t.inst.village, parentId: other.inst.township });
      expectRefused(move, 'NOT_FOUND');
      expect((await row(t.inst.village)).parent_id).toBe(t.inst.township);
    });
  });

  // ---------- 2. cycles ----------

  describe('cycles', () => {
    it('refuses moving an institution under its own child (CYCLE) and keeps the old parent', async () => {
      // subcenter → township is a parent/child pair of the same tier, so only the cycle rule stops it.
      const res = await updateInstitution({ id: t.inst.subcenter, parentId: t.inst.township });
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'CYCLE', field: 'parentId' });
      expect(res.errors![0].message).toMatch(CHINESE);
      expect(res.errors![0].message).toContain('cycle');
      expect((await row(t.inst.subcenter)).parent_id).toBe(t.inst.general);
      expect((await row(t.inst.township)).parent_id).toBe(t.inst.subcenter);
    });

    it('refuses moving the general hospital under a descendant two levels down', async () => {
      const group = await mustCreate({
        name: `社区医院集团-${uniq()}`,
        kind: 'COMMUNITY_HOSPITAL_GROUP',
        tier: 'COUNTY',
        parentId: t.inst.general,
      });
      const grandchild = await mustCreate({
        name: `次中心-${uniq()}`,
        kind: 'REGIONAL_SUBCENTER',
        tier: 'COUNTY',
        parentId: group,
      });
      const res = await updateInstitution({ id: t.inst.general, parentId: grandchild });
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'CYCLE' });
      expect((await row(t.inst.general)).parent_id).toBeNull();
    });

    it('refuses making an institution its own parent', async () => {
      const res = await updateInstitution({ id: t.inst.general, parentId: t.inst.general });
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'CYCLE' });
      expect((await row(t.inst.general)).parent_id).toBeNull();
    });

    it('lets exactly one of two concurrent opposite moves win, so no cycle is ever stored', async () => {
      for (let round = 0; round < 4; round++) {
        const a = await mustCreate({
          name: `社区医院集团-${uniq()}`,
          kind: 'COMMUNITY_HOSPITAL_GROUP',
          tier: 'TOWNSHIP',
        });
        const b = await mustCreate({
          name: `社区医院集团-${uniq()}`,
          kind: 'COMMUNITY_HOSPITAL_GROUP',
          tier: 'TOWNSHIP',
        });
        const [ab, ba] = await Promise.all([
          updateInstitution({ id: a, parentId: b }),
          updateInstitution({ id: b, parentId: a }),
        ]);
        const outcomes = [ab, ba].map((r) => (r.errors ? r.errors[0].extensions?.rule : 'ok')).sort();
        expect(outcomes).toEqual(['CYCLE', 'ok']);
        const parents = [(await row(a)).parent_id, (await row(b)).parent_id];
        expect(parents.filter((p) => p !== null)).toHaveLength(1);
      }
    });
  });

  // ---------- 3. structure against the declared framework ----------

  describe('structure check for framework "1224"', () => {
    let s: TenantFixture;
    let sAdmin: string;
    const structure = async () => {
      const res = await gql(STRUCTURE, {}, sAdmin);
      expect(res.errors).toBeUndefined();
      return res.data!.consortium.structure as {
        framework: string;
        known: boolean;
        holds: boolean;
        counts: { kind: string; expected: number | null; actual: number; holds: boolean }[];
        differences: string[];
      };
    };
    const countOf = (st: Awaited<ReturnType<typeof structure>>, kind: string) =>
      st.counts.find((c) => c.kind === kind);

    beforeAll(async () => {
      // Its own tenant, so that other tests adding institutions cannot disturb the counts.
      s = await buildTenant(db.ds);
      sAdmin = await api.login(s.users.admin.username);
    });

    it('does not hold for the fixture (1 general, 1 sub-centre) and says what is missing', async () => {
      const st = await structure();
      expect(st).toMatchObject({ framework: '1224', known: true, holds: false });
      expect(countOf(st, 'REGIONAL_SUBCENTER')).toEqual({
        kind: 'REGIONAL_SUBCENTER',
        expected: 4,
        actual: 1,
        holds: false,
      });
      expect(countOf(st, 'GENERAL_HOSPITAL')).toEqual({
        kind: 'GENERAL_HOSPITAL',
        expected: 1,
        actual: 1,
        holds: true,
      });
      expect(st.differences.some((d) => d.includes('SPECIALTY_HOSPITAL'))).toBe(true);
      expect(st.differences.some((d) => d.includes('COMMUNITY_HOSPITAL_GROUP'))).toBe(true);
      expect(st.differences.some((d) => d.includes('REGIONAL_SUBCENTER'))).toBe(true);
      expect(st.differences.some((d) => d.includes('GENERAL_HOSPITAL'))).toBe(false);
    });

    it('holds once the data has 1/2/2/4, then names the kind that breaks it', async () => {
      const add = (name: string, kind: string, tier: string) =>
        mustCreate({ name, kind, tier, parentId: s.inst.general }, sAdmin);
      await add('专科医院一', 'SPECIALTY_HOSPITAL', 'COUNTY');
      await add('专科医院二', 'SPECIALTY_HOSPITAL', 'COUNTY');
      await add('社区医院集团一', 'COMMUNITY_HOSPITAL_GROUP', 'COUNTY');
      await add('社区医院集团二', 'COMMUNITY_HOSPITAL_GROUP', 'TOWNSHIP');
      const subcentres = [s.inst.subcenter];
      for (const n of ['二', '三', '四'])
        subcentres.push(await add(`次中心${n}`, 'REGIONAL_SUBCENTER', 'TOWNSHIP'));

      const ok = await structure();
      expect(ok).toMatchObject({ framework: '1224', known: true, holds: true, differences: [] });
      for (const [kind, n] of [
        ['GENERAL_HOSPITAL', 1],
        ['SPECIALTY_HOSPITAL', 2],
        ['COMMUNITY_HOSPITAL_GROUP', 2],
        ['REGIONAL_SUBCENTER', 4],
      ] as const) {
        expect(countOf(ok, kind)).toEqual({ kind, expected: n, actual: n, holds: true });
      }
      // Kinds the framework does not count are reported without an expectation.
      expect(countOf(ok, 'VILLAGE_CLINIC')).toEqual({
        kind: 'VILLAGE_CLINIC',
        expected: null,
        actual: 1,
        holds: true,
      });

      // A third specialty hospital breaks 1224.
      const third = await add('专科医院三', 'SPECIALTY_HOSPITAL', 'COUNTY');
      const tooMany = await structure();
      expect(tooMany.holds).toBe(false);
      expect(tooMany.differences).toHaveLength(1);
      expect(tooMany.differences[0]).toContain('SPECIALTY_HOSPITAL');
      expect(tooMany.differences[0]).toContain('专科医院');
      expect(countOf(tooMany, 'SPECIALTY_HOSPITAL')).toEqual({
        kind: 'SPECIALTY_HOSPITAL',
        expected: 2,
        actual: 3,
        holds: false,
      });

      // Deactivated institutions do not count.
      expect((await updateInstitution({ id: third, active: false }, sAdmin)).errors).toBeUndefined();
      expect((await structure()).holds).toBe(true);

      // Deactivating a sub-centre leaves 3 of the 4 required.
      const off = await updateInstitution({ id: subcentres[2], active: false }, sAdmin);
      expect(off.errors).toBeUndefined();
      expect(off.data!.updateInstitution.active).toBe(false);
      expect((await row(subcentres[2])).active).toBe(false);
      const short = await structure();
      expect(short.holds).toBe(false);
      expect(short.differences).toHaveLength(1);
      expect(short.differences[0]).toContain('REGIONAL_SUBCENTER');
      expect(countOf(short, 'REGIONAL_SUBCENTER')).toEqual({
        kind: 'REGIONAL_SUBCENTER',
        expected: 4,
        actual: 3,
        holds: false,
      });
      expect(countOf(short, 'SPECIALTY_HOSPITAL')!.holds).toBe(true);

      // Another tenant's structure is untouched by all of this.
      const theirs = await gql(STRUCTURE, {}, otherAdmin);
      expect(
        theirs.data!.consortium.structure.counts.find(
          (c: { kind: string }) => c.kind === 'SPECIALTY_HOSPITAL',
        ).actual,
      ).toBe(0);
    });

    it('reports an unknown framework as known: false and not holding', async () => {
      await db.ds.query(`UPDATE consortium SET framework = '3x5' WHERE id = $1`, [s.tenantId]);
      try {
        const st = await structure();
        expect(st).toMatchObject({ framework: '3x5', known: false, holds: false });
        expect(st.counts.every((c) => c.expected === null)).toBe(true);
        expect(st.differences.some((d) => d.includes('unknown framework 3x5'))).toBe(true);
      } finally {
        await db.ds.query(`UPDATE consortium SET framework = '1224' WHERE id = $1`, [s.tenantId]);
      }
    });
  });

  // ---------- 4. listing: filters and cursor pagination ----------

  describe('institutions list', () => {
    let l: TenantFixture;
    let lAdmin: string;
    const VILLAGES = 23;

    beforeAll(async () => {
      // A tenant whose institutions only this block creates, so expected sets come from the DB.
      l = await buildTenant(db.ds);
      lAdmin = await api.login(l.users.admin.username);
      for (let i = 1; i <= VILLAGES; i++) {
        await db.ds.query(
          `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, division_code)
           VALUES ($1, $2, 'VILLAGE_CLINIC', 'VILLAGE', $3, '500114001')`,
          [
            l.tenantId,
            `青山村卫生室-${String(i).padStart(2, '0')}`,
            i % 2 ? l.inst.township : l.inst.subcenter,
          ],
        );
      }
      await db.ds.query(
        `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, division_code)
         VALUES ($1, '百分之百%诊所', 'VILLAGE_CLINIC', 'VILLAGE', $2, '500114')`,
        [l.tenantId, l.inst.township],
      );
    });

    const list = async (vars: Record<string, unknown>, token = lAdmin) => {
      const res = await gql(INSTITUTIONS, vars, token);
      expect(res.errors).toBeUndefined();
      return res.data!.institutions as {
        nodes: { id: string; name: string; kind: string; tier: string; parentId: string | null }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const idsWhere = async (where: string, params: unknown[] = []): Promise<string[]> =>
      (
        await db.ds.query(`SELECT id FROM institution WHERE tenant_id = $1 AND ${where} ORDER BY name, id`, [
          l.tenantId,
          ...params,
        ])
      ).map((r: { id: string }) => r.id);

    /** Follows endCursor with `first` per page; returns the ids in order and the page count. */
    async function pageThrough(vars: Record<string, unknown>, first: number) {
      const ids: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await list({ ...vars, first, after });
        pages++;
        expect(page.nodes.length).toBeLessThanOrEqual(first);
        ids.push(...page.nodes.map((n) => n.id));
        if (!page.pageInfo.hasNextPage) {
          return { ids, pages, last: page };
        }
        expect(page.nodes).toHaveLength(first);
        expect(page.pageInfo.endCursor).toBeTruthy();
        after = page.pageInfo.endCursor!;
        if (pages > 100) throw new Error('pagination does not end');
      }
    }

    it('filters by kind', async () => {
      const page = await list({ kind: 'VILLAGE_CLINIC', first: 100 });
      expect(page.nodes.every((n) => n.kind === 'VILLAGE_CLINIC')).toBe(true);
      expect(page.nodes.map((n) => n.id)).toEqual(await idsWhere(`kind = 'VILLAGE_CLINIC'`));
      expect(page.nodes).toHaveLength(VILLAGES + 2);
    });

    it('filters by tier', async () => {
      const page = await list({ tier: 'TOWNSHIP', first: 100 });
      expect(page.nodes.map((n) => n.id).sort()).toEqual([l.inst.subcenter, l.inst.township].sort());
      const ext = await list({ tier: 'EXTERNAL' });
      expect(ext.nodes.map((n) => n.id)).toEqual([l.inst.partner]);
    });

    it('filters by parent, alone and with kind', async () => {
      const underGeneral = await list({ parentId: l.inst.general, first: 100 });
      expect(underGeneral.nodes.map((n) => n.id)).toEqual([l.inst.subcenter]);
      const underSub = await list({ parentId: l.inst.subcenter, first: 100 });
      expect(underSub.nodes.map((n) => n.id)).toEqual(await idsWhere('parent_id = $2', [l.inst.subcenter]));
      expect(underSub.nodes.every((n) => n.parentId === l.inst.subcenter)).toBe(true);
      expect(underSub.nodes.length).toBeGreaterThan(5);
      const townshipsUnderSub = await list({ parentId: l.inst.subcenter, kind: 'TOWNSHIP_HEALTH_CENTER' });
      expect(townshipsUnderSub.nodes.map((n) => n.id)).toEqual([l.inst.township]);
    });

    it('searches by part of the name, taking % literally', async () => {
      const page = await list({ search: '卫生室-1', first: 100 });
      expect(page.nodes.map((n) => n.name)).toEqual(
        Array.from({ length: 10 }, (_, i) => `青山村卫生室-${10 + i}`).filter(
          (n) => Number(n.slice(-2)) <= VILLAGES,
        ),
      );
      const pct = await list({ search: '%', first: 100 });
      expect(pct.nodes.map((n) => n.name)).toEqual(['百分之百%诊所']);
      const none = await list({ search: '不存在的名字' });
      expect(none).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    });

    it('pages through everything with first: 2 — each id once, in order, none missing', async () => {
      const { ids, pages, last } = await pageThrough({}, 2);
      const expected = await idsWhere('true');
      expect(expected.length).toBe(VILLAGES + 6);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 2));
      expect(last.pageInfo.hasNextPage).toBe(false);
      // Never another tenant's institutions.
      for (const id of Object.values(t.inst)) expect(ids).not.toContain(id);
    });

    it('keeps the filter while paging and ends with hasNextPage false on an exact last page', async () => {
      const expected = await idsWhere('parent_id = $2', [l.inst.township]);
      const { ids, last } = await pageThrough({ parentId: l.inst.township }, 3);
      expect(ids).toEqual(expected);
      expect(last.pageInfo.hasNextPage).toBe(false);

      // A page size that divides the total exactly must not promise an empty next page.
      const total = (await idsWhere('true')).length;
      const exact = await list({ first: total });
      expect(exact.nodes).toHaveLength(total);
      expect(exact.pageInfo.hasNextPage).toBe(false);
      const beyond = await list({ first: total - 1 });
      expect(beyond.pageInfo.hasNextPage).toBe(true);
      const tail = await list({ first: 5, after: beyond.pageInfo.endCursor });
      expect(tail.nodes.map((n) => n.id)).toEqual((await idsWhere('true')).slice(total - 1));
      expect(tail.pageInfo.hasNextPage).toBe(false);
    });

    it.each([
      ['first: 0', { first: 0 }],
      ['first: -1', { first: -1 }],
      ['first: 1000', { first: 1000 }],
      ['first: 101', { first: 101 }],
    ])('refuses %s with BAD_USER_INPUT', async (_label, vars) => {
      // A small selection: with a wide one the cost limit refuses a huge page before validation does.
      const res = await gql(
        `query($first: Int) { institutions(first: $first) { nodes { id } } }`,
        vars,
        lAdmin,
      );
      expectRefused(res, 'BAD_USER_INPUT');
      expect(JSON.stringify(res.errors![0].extensions?.fields)).toContain('first');
    });

    it('accepts the largest page size, 100', async () => {
      const res = await gql(INSTITUTIONS, { first: 100 }, lAdmin);
      expect(res.errors).toBeUndefined();
    });

    it.each([
      ['not base64 JSON', 'garbage!!cursor'],
      ['JSON of the wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
      ['JSON of the wrong arity', Buffer.from(JSON.stringify(['青山村卫生室-01'])).toString('base64url')],
    ])('refuses a cursor that is %s with BAD_USER_INPUT', async (_label, after) => {
      const res = await gql(INSTITUTIONS, { first: 2, after }, lAdmin);
      expectRefused(res, 'BAD_USER_INPUT', { field: 'after' });
      expect(res.errors![0].message).toMatch(CHINESE);
      expect(res.errors![0].message).toContain('cursor');
    });
  });

  // ---------- 5. tenant isolation ----------

  describe('tenant isolation', () => {
    it('answers NOT_FOUND for another tenant’s institution, and finds its own', async () => {
      const own = await gql(
        `query($id: ID!) { institution(id: $id) { id name } }`,
        { id: t.inst.general },
        tokens.admin,
      );
      expect(own.errors).toBeUndefined();
      expect(own.data!.institution.id).toBe(t.inst.general);

      for (const id of Object.values(other.inst)) {
        const res = await gql(`query($id: ID!) { institution(id: $id) { id name } }`, { id }, tokens.admin);
        expectRefused(res, 'NOT_FOUND');
      }
    });

    it('lists no practitioners of another tenant’s institution, nor any of theirs unfiltered', async () => {
      const q = `query($inst: ID) { practitioners(institutionId: $inst, first: 100) { nodes { id institutionId } } }`;
      const own = await gql(q, { inst: t.inst.general }, tokens.admin);
      expect(own.errors).toBeUndefined();
      expect(own.data!.practitioners.nodes.map((n: { id: string }) => n.id)).toContain(t.practitioner.county);

      for (const inst of [other.inst.general, other.inst.village, other.inst.partner]) {
        const res = await gql(q, { inst }, tokens.admin);
        expect(res.errors).toBeUndefined();
        expect(res.data!.practitioners.nodes).toEqual([]);
      }
      const all = await gql(q, {}, tokens.admin);
      const ids = all.data!.practitioners.nodes.map((n: { id: string }) => n.id);
      expect(ids).toEqual(expect.arrayContaining(Object.values(t.practitioner)));
      for (const id of Object.values(other.practitioner)) expect(ids).not.toContain(id);
    });

    it('lists no institutions under another tenant’s parent', async () => {
      const res = await gql(INSTITUTIONS, { parentId: other.inst.general }, tokens.admin);
      expect(res.errors).toBeUndefined();
      expect(res.data!.institutions.nodes).toEqual([]);
    });

    it('answers NOT_FOUND (never FORBIDDEN) to writes naming another tenant’s institution, and writes nothing', async () => {
      const before = await db.ds.query(
        `SELECT name, address, tier, parent_id, active FROM institution WHERE id = $1`,
        [other.inst.township],
      );
      const depts = () => count(`SELECT 1 FROM department WHERE institution_id = $1`, [other.inst.township]);
      const pracs = () =>
        count(`SELECT 1 FROM practitioner WHERE institution_id = $1`, [other.inst.township]);
      const users = () => count(`SELECT 1 FROM app_user WHERE institution_id = $1`, [other.inst.township]);
      const [d0, p0, u0] = [await depts(), await pracs(), await users()];

      expectRefused(
        await updateInstitution({ id: other.inst.township, address: `地址-${uniq()}`, active: false }),
        'NOT_FOUND',
      );
      // The township institution admin names the other tenant's township: still NOT_FOUND, not FORBIDDEN.
      for (const token of [tokens.admin, tokens.instAdmin]) {
        const m = uniq();
        expectRefused(
          await gql(
            CREATE_DEPARTMENT,
            { input: { institutionId: other.inst.township, code: `X${m}`, name: '外科' } },
            token,
          ),
          'NOT_FOUND',
        );
        expectRefused(
          await gql(
            CREATE_PRACTITIONER,
            {
              input: {
                institutionId: other.inst.township,
                name: '赵医生',
                title: 'RESIDENT_PHYSICIAN',
                licenceNumber: `LIC${m}X`,
              },
            },
            token,
          ),
          'NOT_FOUND',
        );
        expectRefused(
          await gql(
            CREATE_USER,
            {
              input: {
                institutionId: other.inst.township,
                username: `cross-${m}`,
                displayName: '跨租户',
                password: 'Cross-pass-2026',
                roles: ['CLINICIAN'],
              },
            },
            token,
          ),
          'NOT_FOUND',
        );
      }
      expect(
        await db.ds.query(`SELECT name, address, tier, parent_id, active FROM institution WHERE id = $1`, [
          other.inst.township,
        ]),
      ).toEqual(before);
      expect([await depts(), await pracs(), await users()]).toEqual([d0, p0, u0]);
    });

    it('answers NOT_FOUND to a practitioner with another tenant’s department', async () => {
      const m = uniq();
      const res = await gql(
        CREATE_PRACTITIONER,
        {
          input: {
            institutionId: t.inst.general,
            departmentId: other.department.cardiology,
            name: '钱医生',
            title: 'ATTENDING_PHYSICIAN',
            licenceNumber: `LIC${m}Y`,
          },
        },
        tokens.admin,
      );
      expectRefused(res, 'NOT_FOUND');
      expect(await count(`SELECT 1 FROM practitioner WHERE licence_number = $1`, [`LIC${m}Y`])).toBe(0);
    });

    it('refuses a department, practitioner or user whose name is blank (BAD_USER_INPUT naming it) and writes nothing', async () => {
      const institutionId = t.inst.township;
      const m = uniq();
      const rows = () =>
        Promise.all([
          count(`SELECT 1 FROM department WHERE code = $1`, [`B${m}`]),
          count(`SELECT 1 FROM practitioner WHERE licence_number = $1`, [`LIC${m}B`]),
          count(`SELECT 1 FROM app_user WHERE username = $1`, [`blank-${m}`]),
        ]);
      const refused = [
        [CREATE_DEPARTMENT, { institutionId, code: `B${m}`, name: '\u3000\u3000' }, 'name'],
        [
          CREATE_PRACTITIONER,
          { institutionId, name: ' \t ', title: 'RESIDENT_PHYSICIAN', licenceNumber: `LIC${m}B` },
          'name',
        ],
        [
          CREATE_USER,
          {
            institutionId,
            username: `blank-${m}`,
            displayName: '   ',
            password: 'Blank-pass-2026',
            roles: ['CLINICIAN'],
          },
          'displayName',
        ],
      ] as const;
      for (const [mutation, input, field] of refused) {
        expect(await gql(mutation, { input }, tokens.admin)).toMatchObject({
          data: null,
          errors: [blankRefusal(field)],
        });
      }
      expect(await rows()).toEqual([0, 0, 0]);
    });

    it('answers BAD_USER_INPUT naming the argument, not an internal error, to an id that is not a UUID', async () => {
      const res = await gql(`query { institution(id: "not-a-uuid") { id } }`, {}, tokens.admin);
      expectRefused(res, 'BAD_USER_INPUT', {
        fields: [{ field: 'id', problems: ['无效的编号 (invalid id)'] }],
      });
    });
  });

  // ---------- 6. who may change the network ----------

  describe('roles', () => {
    type Target = 'own' | 'other';
    interface MutationCase {
      /** Sends the mutation at the target institution, marked with `m`. */
      send(token: string, institution: string, m: string): Promise<GqlResult>;
      /** Whether the mutation's effect is in the database. */
      written(m: string): Promise<boolean>;
      allowed(role: UserKey, target: Target): boolean;
    }
    const adminOnly = (role: UserKey) => role === 'admin';
    const adminOrOwnInstAdmin = (role: UserKey, target: Target) =>
      role === 'admin' || (role === 'instAdmin' && target === 'own');
    const exists = async (sql: string, param: string) => (await count(sql, [param])) > 0;

    const MUTATIONS: Record<string, MutationCase> = {
      createInstitution: {
        send: (token, parentId, m) =>
          createInstitution(
            { name: `角色机构-${m}`, kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentId },
            token,
          ),
        written: (m) => exists(`SELECT 1 FROM institution WHERE name = $1`, `角色机构-${m}`),
        allowed: adminOnly,
      },
      updateInstitution: {
        send: (token, id, m) => updateInstitution({ id, address: `角色地址-${m}` }, token),
        written: (m) => exists(`SELECT 1 FROM institution WHERE address = $1`, `角色地址-${m}`),
        allowed: adminOnly,
      },
      createDepartment: {
        send: (token, institutionId, m) =>
          gql(CREATE_DEPARTMENT, { input: { institutionId, code: `R-${m}`, name: '角色科室' } }, token),
        written: (m) => exists(`SELECT 1 FROM department WHERE code = $1`, `R-${m}`),
        allowed: adminOrOwnInstAdmin,
      },
      createPractitioner: {
        send: (token, institutionId, m) =>
          gql(
            CREATE_PRACTITIONER,
            {
              input: {
                institutionId,
                name: '角色医生',
                title: 'RESIDENT_PHYSICIAN',
                licenceNumber: `ROLE${m}`,
              },
            },
            token,
          ),
        written: (m) => exists(`SELECT 1 FROM practitioner WHERE licence_number = $1`, `ROLE${m}`),
        allowed: adminOrOwnInstAdmin,
      },
      createUser: {
        send: (token, institutionId, m) =>
          gql(
            CREATE_USER,
            {
              input: {
                institutionId,
                username: `role-${m}`,
                displayName: '角色用户',
                password: 'Role-pass-2026',
                roles: ['CLINICIAN'],
              },
            },
            token,
          ),
        written: (m) => exists(`SELECT 1 FROM app_user WHERE username = $1`, `role-${m}`),
        allowed: adminOrOwnInstAdmin,
      },
    };

    const cases = Object.keys(MUTATIONS).flatMap((mutation) =>
      ROLE_KEYS.flatMap((role) =>
        (['own', 'other'] as Target[]).map((target) => ({
          mutation,
          role,
          target,
          expected: MUTATIONS[mutation].allowed(role, target) ? 'allowed' : 'FORBIDDEN',
        })),
      ),
    );

    it.each(cases)(
      '$mutation by $role at $target institution: $expected',
      async ({ mutation, role, target, expected }) => {
        const c = MUTATIONS[mutation];
        // instAdmin's own institution is the township; "other" is the general hospital of the same tenant.
        const institution = target === 'own' ? t.inst.township : t.inst.general;
        const m = uniq();
        const res = await c.send(tokens[role as UserKey], institution, m);
        if (expected === 'allowed') {
          expect(res.errors).toBeUndefined();
          expect(await c.written(m)).toBe(true);
        } else {
          expectRefused(res, 'FORBIDDEN');
          expect(res.errors![0].message).toMatch(CHINESE);
          expect(await c.written(m)).toBe(false);
        }
      },
    );

    it.each([['CONSORTIUM_ADMIN'], ['AUDITOR']])(
      'forbids an institution admin to grant %s, even at their own institution',
      async (role) => {
        const m = uniq();
        const res = await gql(
          CREATE_USER,
          {
            input: {
              institutionId: t.inst.township,
              username: `grant-${m}`,
              displayName: '提权',
              password: 'Grant-pass-2026',
              roles: ['CLINICIAN', role],
            },
          },
          tokens.instAdmin,
        );
        expectRefused(res, 'FORBIDDEN');
        expect(await count(`SELECT 1 FROM app_user WHERE username = $1`, [`grant-${m}`])).toBe(0);
      },
    );

    it('lets an institution admin grant clinician, coordinator, expert and institution-admin roles; a consortium admin any', async () => {
      const m = uniq();
      const res = await gql(
        CREATE_USER,
        {
          input: {
            institutionId: t.inst.township,
            username: `grant-ok-${m}`,
            displayName: '授权',
            password: 'Grant-pass-2026',
            roles: ['CLINICIAN', 'REFERRAL_COORDINATOR', 'EXPERT', 'INSTITUTION_ADMIN'],
          },
        },
        tokens.instAdmin,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.createUser.roles.sort()).toEqual([
        'CLINICIAN',
        'EXPERT',
        'INSTITUTION_ADMIN',
        'REFERRAL_COORDINATOR',
      ]);

      const byAdmin = await gql(
        CREATE_USER,
        {
          input: {
            institutionId: t.inst.township,
            username: `grant-aud-${m}`,
            displayName: '审计',
            password: 'Grant-pass-2026',
            roles: ['AUDITOR'],
          },
        },
        tokens.admin,
      );
      expect(byAdmin.errors).toBeUndefined();
      expect(byAdmin.data!.createUser).toMatchObject({ roles: ['AUDITOR'], institutionId: t.inst.township });
    });

    it.each(Object.keys(MUTATIONS))(
      'refuses %s without a token: UNAUTHENTICATED, nothing written',
      async (mutation) => {
        const m = uniq();
        const res = await MUTATIONS[mutation].send('', t.inst.township, m);
        expectRefused(res, 'UNAUTHENTICATED');
        expect(await MUTATIONS[mutation].written(m)).toBe(false);
      },
    );

    it('refuses a forged token as UNAUTHENTICATED, for reads too', async () => {
      const [h, p] = tokens.admin.split('.');
      const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`;
      expectRefused(await gql(INSTITUTIONS, {}, forged), 'UNAUTHENTICATED');
      expectRefused(await gql(INSTITUTIONS, {}), 'UNAUTHENTICATED');
      const m = uniq();
      expectRefused(await MUTATIONS.createInstitution.send(forged, t.inst.township, m), 'UNAUTHENTICATED');
      expect(await MUTATIONS.createInstitution.written(m)).toBe(false);
    });
  });

  // ---------- 7. conflicts ----------

  describe('conflicts', () => {
    it('refuses a department code already used in the institution, allows it in another', async () => {
      const dup = await gql(
        CREATE_DEPARTMENT,
        { input: { institutionId: t.inst.general, code: 'CARD', name: '心内二科' } },
        tokens.admin,
      );
      expectRefused(dup, 'CONFLICT');
      expect(dup.errors![0].message).toMatch(CHINESE);
      expect(
        await count(`SELECT 1 FROM department WHERE institution_id = $1 AND code = 'CARD'`, [t.inst.general]),
      ).toBe(1);

      const elsewhere = await gql(
        CREATE_DEPARTMENT,
        { input: { institutionId: t.inst.township, code: 'CARD', name: '心内科' } },
        tokens.admin,
      );
      expect(elsewhere.errors).toBeUndefined();
      expect(elsewhere.data!.createDepartment).toMatchObject({
        institutionId: t.inst.township,
        code: 'CARD',
      });
    });

    it('refuses a licence number already registered in the consortium', async () => {
      const [{ licence_number: licence }] = await db.ds.query(
        `SELECT licence_number FROM practitioner WHERE id = $1`,
        [t.practitioner.county],
      );
      const res = await gql(
        CREATE_PRACTITIONER,
        {
          input: {
            institutionId: t.inst.township,
            name: '孙医生',
            title: 'RESIDENT_PHYSICIAN',
            licenceNumber: licence,
          },
        },
        tokens.admin,
      );
      expectRefused(res, 'CONFLICT', { field: 'licenceNumber' });
      expect(
        await count(`SELECT 1 FROM practitioner WHERE tenant_id = $1 AND licence_number = $2`, [
          t.tenantId,
          licence,
        ]),
      ).toBe(1);
    });

    it('refuses a user name already taken, in this tenant or another', async () => {
      for (const username of [t.users.coordinator.username, other.users.coordinator.username]) {
        const res = await gql(
          CREATE_USER,
          {
            input: {
              institutionId: t.inst.general,
              username,
              displayName: '重名',
              password: 'Dup-pass-2026x',
              roles: ['CLINICIAN'],
            },
          },
          tokens.admin,
        );
        expectRefused(res, 'CONFLICT', { field: 'username' });
        expect(await count(`SELECT 1 FROM app_user WHERE username = $1`, [username])).toBe(1);
      }
    });

    it('refuses an institution name already used in the consortium, also when renaming', async () => {
      const res = await createInstitution({ name: '县总医院', kind: 'SPECIALTY_HOSPITAL', tier: 'COUNTY' });
      expectRefused(res, 'CONFLICT');
      expect(
        await count(`SELECT 1 FROM institution WHERE tenant_id = $1 AND name = '县总医院'`, [t.tenantId]),
      ).toBe(1);

      const rename = await updateInstitution({ id: t.inst.village, name: '乡镇卫生院' });
      expectRefused(rename, 'CONFLICT');
      expect((await row(t.inst.village)).name).toBe('村卫生室');
    });

    it('treats names that differ only by surrounding spaces as the same name', async () => {
      const created = await createInstitution({
        name: '  县总医院  ',
        kind: 'SPECIALTY_HOSPITAL',
        tier: 'COUNTY',
      });
      expectRefused(created, 'CONFLICT');
      const renamed = await updateInstitution({ id: t.inst.village, name: ' 乡镇卫生院 ' });
      expectRefused(renamed, 'CONFLICT');
      expect((await row(t.inst.village)).name).toBe('村卫生室');

      const m = uniq();
      const ok = await updateInstitution({ id: t.inst.partner, name: `  合作医院-${m}  ` });
      expect(ok.errors).toBeUndefined();
      expect((await row(t.inst.partner)).name).toBe(`合作医院-${m}`);
    });

    it('refuses a name that is only spaces, on create and on rename', async () => {
      const before = await count(`SELECT 1 FROM institution WHERE tenant_id = $1`, [t.tenantId]);
      const created = await createInstitution({
        name: '     ',
        kind: 'VILLAGE_CLINIC',
        tier: 'VILLAGE',
        parentId: t.inst.township,
      });
      expect(created).toMatchObject({ data: null, errors: [blankRefusal('name')] });
      expect(await count(`SELECT 1 FROM institution WHERE tenant_id = $1`, [t.tenantId])).toBe(before);
      const renamed = await updateInstitution({ id: t.inst.village, name: ' 　 ' });
      expect(renamed).toMatchObject({ data: null, errors: [blankRefusal('name')] });
      expect((await row(t.inst.village)).name).toBe('村卫生室');
    });

    it('refuses an edit on a version changed meanwhile (CONFLICT naming the current one) and changes nothing', async () => {
      const id = await mustCreate({
        name: `村卫生室-${uniq()}`,
        kind: 'VILLAGE_CLINIC',
        tier: 'VILLAGE',
        parentId: t.inst.township,
      });
      const read = await gql(`query($id: ID!) { institution(id: $id) { version } }`, { id }, tokens.admin);
      expect(read.data!.institution.version).toBe(1);
      // Another admin changes the address on that version.
      const theirs = await updateInstitution({ id, version: 1, address: '滨江路 1 号' });
      expect(theirs.errors).toBeUndefined();
      expect(theirs.data!.updateInstitution).toMatchObject({ address: '滨江路 1 号', version: 2 });
      const all = async () => (await db.ds.query(`SELECT * FROM institution WHERE id = $1`, [id]))[0];
      const events = () =>
        count(`SELECT 1 FROM audit_event WHERE action = 'institution.update' AND entity_id = $1`, [id]);
      const [before, eventsBefore] = [await all(), await events()];
      // Saved on the version read (a field of its own, nothing at all) or one never issued: refused.
      for (const input of [
        { id, version: 1, phone: '023-7777777' },
        { id, version: 1 },
        { id, version: 3, active: false },
      ]) {
        const stale = await updateInstitution(input);
        expectRefused(stale, 'CONFLICT', { currentVersion: 2 });
        expect(stale.errors![0].message).toContain('已被他人修改');
        expect(await all()).toEqual(before);
        expect(await events()).toBe(eventsBefore);
      }
      // On the version read again, the change goes through and the other stands.
      const mine = await updateInstitution({ id, version: 2, phone: '023-7777777' });
      expect(mine.errors).toBeUndefined();
      expect(mine.data!.updateInstitution).toMatchObject({
        address: '滨江路 1 号',
        phone: '023-7777777',
        version: 3,
      });
      // A save that changes nothing keeps the version.
      const same = await updateInstitution({ id, version: 3, phone: '023-7777777' });
      expect(same.data!.updateInstitution.version).toBe(3);
    });

    it('lets exactly one of two admins saving on the same version at once win; the other gets CONFLICT', async () => {
      await db.ds.query(
        `INSERT INTO app_user (tenant_id, institution_id, username, display_name, password_hash, roles)
         SELECT tenant_id, institution_id, username || '-2', 'admin2', password_hash, roles FROM app_user WHERE id = $1
         ON CONFLICT DO NOTHING`,
        [t.users.admin.id],
      );
      const admin2 = await api.login(`${t.users.admin.username}-2`);
      for (let round = 0; round < 3; round++) {
        const id = await mustCreate({
          name: `村卫生室-${uniq()}`,
          kind: 'VILLAGE_CLINIC',
          tier: 'VILLAGE',
          parentId: t.inst.township,
        });
        // Each changes a field of its own: without the version both would go through.
        const results = await Promise.all([
          updateInstitution({ id, version: 1, address: `滨江路 ${round} 号` }),
          updateInstitution({ id, version: 1, phone: `023-700000${round}` }, admin2),
        ]);
        const won = results.filter((r) => !r.errors);
        expect(won).toHaveLength(1);
        const lost = results.filter((r) => errorCode(r) === 'CONFLICT');
        expect(lost).toHaveLength(1);
        expect(lost[0].errors![0].extensions).toMatchObject({ currentVersion: 2 });
        const [r] = await db.ds.query(`SELECT address, phone, version FROM institution WHERE id = $1`, [id]);
        const w = won[0].data!.updateInstitution;
        expect(r).toEqual({ address: w.address, phone: w.phone, version: 2 });
        expect([r.address, r.phone].filter((v) => v !== null)).toHaveLength(1);
      }
    });

    it('refuses a department of another institution for a practitioner (BAD_USER_INPUT)', async () => {
      const m = uniq();
      const res = await gql(
        CREATE_PRACTITIONER,
        {
          input: {
            institutionId: t.inst.general,
            departmentId: t.department.gp, // the village clinic's department
            name: '周医生',
            title: 'ATTENDING_PHYSICIAN',
            licenceNumber: `LIC${m}Z`,
          },
        },
        tokens.admin,
      );
      expectRefused(res, 'BAD_USER_INPUT', { field: 'departmentId' });
      expect(res.errors![0].message).toMatch(CHINESE);
      expect(await count(`SELECT 1 FROM practitioner WHERE licence_number = $1`, [`LIC${m}Z`])).toBe(0);

      const right = await gql(
        CREATE_PRACTITIONER,
        {
          input: {
            institutionId: t.inst.village,
            departmentId: t.department.gp,
            name: '周医生',
            title: 'VILLAGE_DOCTOR',
            licenceNumber: `LIC${m}Z`,
            specialties: [' 全科 ', '全科', '慢病'],
          },
        },
        tokens.admin,
      );
      expect(right.errors).toBeUndefined();
      expect(right.data!.createPractitioner).toMatchObject({
        institutionId: t.inst.village,
        departmentId: t.department.gp,
      });
    });
  });

  // ---------- 8. input validation ----------

  describe('input validation', () => {
    it.each([['50011'], ['5001140'], ['50011A'], ['5001140010011']])(
      'refuses division code %p with a bilingual message naming the field',
      async (divisionCode) => {
        const name = `机构-${uniq()}`;
        const res = await createInstitution({
          name,
          kind: 'VILLAGE_CLINIC',
          tier: 'VILLAGE',
          parentId: t.inst.township,
          divisionCode,
        });
        expectRefused(res, 'BAD_USER_INPUT');
        const msg = res.errors![0].message;
        expect(msg).toContain('行政区划代码');
        expect(msg).toContain('division code must be 6, 9 or 12 digits');
        expect(res.errors![0].extensions?.fields).toEqual([
          { field: 'divisionCode', problems: [expect.stringMatching(CHINESE)] },
        ]);
        expect(res.errors![0].extensions!.fields[0].problems[0]).toMatch(ENGLISH);
        expect(await institutionsNamed(name)).toBe(0);
      },
    );

    it.each([['500114'], ['500114001'], ['500114001002']])(
      'accepts division code %p',
      async (divisionCode) => {
        const res = await createInstitution({
          name: `机构-${uniq()}`,
          kind: 'VILLAGE_CLINIC',
          tier: 'VILLAGE',
          parentId: t.inst.township,
          divisionCode,
        });
        expect(res.errors).toBeUndefined();
        expect(res.data!.createInstitution.divisionCode).toBe(divisionCode);
      },
    );

    it('refuses a bad division code on update and leaves the row as it was', async () => {
      const res = await updateInstitution({ id: t.inst.village, divisionCode: '12ab56' });
      expectRefused(res, 'BAD_USER_INPUT');
      expect(res.errors![0].message).toContain('division code');
      const [r] = await db.ds.query(`SELECT division_code FROM institution WHERE id = $1`, [t.inst.village]);
      expect(r.division_code).toBe('500114');
    });

    it('refuses a bad phone number with a bilingual message', async () => {
      const res = await updateInstitution({ id: t.inst.village, phone: 'call me' });
      expectRefused(res, 'BAD_USER_INPUT');
      const problem: string = res.errors![0].extensions!.fields[0].problems[0];
      expect(res.errors![0].extensions!.fields[0].field).toBe('phone');
      expect(problem).toMatch(CHINESE);
      expect(problem).toMatch(ENGLISH);
      expect(problem).not.toContain('regular expression');
    });

    it('refuses a malformed department code and licence number with bilingual messages', async () => {
      const dept = await gql(
        CREATE_DEPARTMENT,
        { input: { institutionId: t.inst.general, code: 'card', name: '心内科' } },
        tokens.admin,
      );
      expectRefused(dept, 'BAD_USER_INPUT');
      expect(dept.errors![0].message).toContain('科室代码');
      expect(dept.errors![0].message).toContain('upper-case');

      const prac = await gql(
        CREATE_PRACTITIONER,
        {
          input: {
            institutionId: t.inst.general,
            name: '吴医生',
            title: 'RESIDENT_PHYSICIAN',
            licenceNumber: '12-34',
          },
        },
        tokens.admin,
      );
      expectRefused(prac, 'BAD_USER_INPUT');
      expect(prac.errors![0].message).toContain('执业证书编码');
      expect(prac.errors![0].message).toContain('licence number');
    });
  });

  // ---------- 9. constant SQL per list ----------

  describe('SQL statements per institutions page', () => {
    let n: TenantFixture;
    let nAdmin: string;
    const CHILDREN = 24;

    beforeAll(async () => {
      n = await buildTenant(db.ds);
      nAdmin = await api.login(n.users.admin.username);
      // The fixture's village clinic (under the township too) has GP; give it TCM like the others.
      await db.ds.query(
        `INSERT INTO department (tenant_id, institution_id, code, name) VALUES ($1, $2, 'TCM', '中医')`,
        [n.tenantId, n.inst.village],
      );
      for (let i = 0; i < CHILDREN; i++) {
        const [inst] = await db.ds.query(
          `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, division_code)
           VALUES ($1, $2, 'VILLAGE_CLINIC', 'VILLAGE', $3, '500114') RETURNING id`,
          [n.tenantId, `计数村-${String(i).padStart(2, '0')}`, n.inst.township],
        );
        for (const code of ['GP', 'TCM']) {
          await db.ds.query(
            `INSERT INTO department (tenant_id, institution_id, code, name) VALUES ($1, $2, $3, $4)`,
            [n.tenantId, inst.id, code, code === 'GP' ? '全科' : '中医'],
          );
        }
      }
    });

    /** Runs the query and counts the SQL statements the app's own DataSource sent meanwhile. */
    async function statementsFor(first: number) {
      const appDs = api.app.get(DataSource);
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      try {
        const res = await gql(
          `query($parent: ID, $first: Int) { institutions(parentId: $parent, first: $first) {
             nodes { id parent { id name } departments { id code } } } }`,
          { parent: n.inst.township, first },
          nAdmin,
        );
        expect(res.errors).toBeUndefined();
        // The session check (one read per user and SESSION_RECHECK_MS, not per page) is not counted.
        const statements = spy.mock.contexts.filter(
          (ctx, i) =>
            (ctx as PostgresQueryRunner).dataSource === appDs &&
            !/FROM app_user WHERE id = ANY/.test(String(spy.mock.calls[i][0])),
        ).length;
        return {
          nodes: res.data!.institutions.nodes as {
            parent: { id: string };
            departments: { code: string }[];
          }[],
          statements,
        };
      } finally {
        spy.mockRestore();
      }
    }

    it('resolves parent and departments in the same number of statements for 2 rows as for 20', async () => {
      const small = await statementsFor(2);
      const large = await statementsFor(20);
      expect(small.nodes).toHaveLength(2);
      expect(large.nodes).toHaveLength(20);
      for (const node of [...small.nodes, ...large.nodes]) {
        expect(node.parent.id).toBe(n.inst.township);
        expect(node.departments.map((d) => d.code)).toEqual(['GP', 'TCM']);
      }
      expect(small.statements).toBeGreaterThan(0);
      expect(large.statements).toBe(small.statements);
      // The page, the parents, the departments: a handful, not one per row.
      expect(large.statements).toBeLessThanOrEqual(4);
    });
  });
});
