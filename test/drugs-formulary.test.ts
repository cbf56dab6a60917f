import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrugDictionaryImporter } from '@yg/drugs';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { addUser } from './pipeline-helpers';

/**
 * The consortium's unified drug list (统一药品目录) over GraphQL: who keeps it, keyed by national
 * code or product key + spec, versions, substitution groups, retirement, tenant isolation.
 */

const HEADER = '国标代码,注册名称,注册剂型,注册规格,药品企业';
const AMLO_5 = 'XC08CAA123A001010100001'; // 苯磺酸氨氯地平片 5mg, maker 00001
const AMLO_5B = 'XC08CAA123A001010100002'; // same product and strength, another maker
const AMLO_10 = 'XC08CAA123A001020100001'; // same product, 10mg
const METF = 'XA10BAE001A001010100003';
const GONE = 'XA10BAE001A001020100003'; // dropped by the second edition
const YMC = 'ZD03AAY0318010100004';

const FIELDS = `id nationalCode productKey genericName dosageForm spec tiers substitutionGroup substitutionKey status version note retireReason`;
const ADD = `mutation($i: AddFormularyItemInput!) { addFormularyItem(input: $i) { ${FIELDS} drug { code status } versions { version action changed } } }`;
const UPDATE = `mutation($i: UpdateFormularyItemInput!) { updateFormularyItem(input: $i) { ${FIELDS} versions { version action changed note snapshot actorUserId } } }`;
const RETIRE = `mutation($i: RetireFormularyItemInput!) { retireFormularyItem(input: $i) { ${FIELDS} retiredAt versions { version action } } }`;
const GET = `query($id: ID!) { formularyItem(id: $id) { ${FIELDS} substitutes { id nationalCode spec } } }`;
const LIST = `query($s: String, $t: FormularyTier, $st: FormularyStatus) { formulary(search: $s, tier: $t, status: $st, first: 50) { nodes { id nationalCode genericName tiers status } } }`;

function expectError(res: GqlResult, code: string, message?: RegExp) {
  expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
  if (message) expect(res.errors![0].message).toMatch(message);
}

describe('unified drug list (formulary)', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let other: TenantFixture;
  let dir: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    dir = mkdtempSync(join(tmpdir(), 'yg-formulary-'));
    const importer = api.app.get(DrugDictionaryImporter);
    const load = async (edition: string, rows: string[]) => {
      const path = join(dir, `${edition}.csv`);
      writeFileSync(path, [HEADER, ...rows].join('\n'));
      const req = await importer.request({ path, edition, full: true, requestedBy: 'test' });
      const run = await importer.run(req.id, { finalAttempt: true });
      expect(run.status).toBe('DONE');
    };
    const rows = [
      `${AMLO_5},苯磺酸氨氯地平片,片剂,5mg,甲厂`,
      `${AMLO_5B},苯磺酸氨氯地平片,片剂,5mg,乙厂`,
      `${AMLO_10},苯磺酸氨氯地平片,片剂,10mg,甲厂`,
      `${METF},盐酸二甲双胍片,片剂,0.25g,丙厂`,
      `${YMC},益母草颗粒,颗粒剂,15g,丁厂`,
    ];
    await load('2025', [...rows, `${GONE},盐酸二甲双胍片,片剂,0.5g,丙厂`]);
    await load('2026', rows);

    const leadPharmacist = await addUser(db.ds, t, `ph-lead-${t.tenantId.slice(0, 6)}`, t.inst.general, [
      'PHARMACIST',
    ]);
    const townPharmacist = await addUser(db.ds, t, `ph-town-${t.tenantId.slice(0, 6)}`, t.inst.township, [
      'PHARMACIST',
    ]);
    const otherAdmin = other.users.admin;
    tokens.admin = await api.login(t.users.admin.username);
    tokens.lead = await api.login(leadPharmacist.username);
    tokens.town = await api.login(townPharmacist.username);
    tokens.clinician = await api.login(t.users.villageClinician.username);
    tokens.instAdmin = await api.login(t.users.instAdmin.username);
    tokens.other = await api.login(otherAdmin.username);
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await api?.close();
    await db?.drop();
  });

  const add = (input: Record<string, unknown>, token = tokens.lead) => api.gql(ADD, { i: input }, token);

  it('is kept by consortium admins and the lead hospital’s pharmacists only', async () => {
    const input = { nationalCode: METF, tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'] };
    expectError(await add(input, tokens.clinician), 'FORBIDDEN');
    expectError(await add(input, tokens.instAdmin), 'FORBIDDEN');
    expectError(await add(input, tokens.town), 'FORBIDDEN', /lead hospital/);
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM formulary_item WHERE tenant_id = $1`, [
      t.tenantId,
    ]);
    expect(n).toBe(0);

    const byAdmin = await add(input, tokens.admin);
    expect(byAdmin.data!.addFormularyItem).toMatchObject({
      nationalCode: METF,
      productKey: 'XA10BAE001A001',
      genericName: '盐酸二甲双胍片',
      dosageForm: '片剂',
      spec: '0.25g',
      tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'],
      substitutionKey: 'XA10BAE001A001',
      status: 'ACTIVE',
      version: 1,
      drug: { code: METF, status: 'ACTIVE' },
      versions: [{ version: 1, action: 'CREATE' }],
    });
    // Everyone of the consortium reads it.
    for (const token of [tokens.clinician, tokens.town]) {
      const list = await api.gql(LIST, {}, token);
      expect(list.data!.formulary.nodes.map((n: any) => n.nationalCode)).toEqual([METF]);
    }
    const [audit] = await db.ds.query(
      `SELECT actor_user_id, details FROM audit_event WHERE action = 'formulary.create' AND entity_id = $1`,
      [byAdmin.data!.addFormularyItem.id],
    );
    expect(audit).toMatchObject({
      actor_user_id: t.users.admin.id,
      details: { version: 1, nationalCode: METF },
    });
  });

  it('lets an institution admin make their pharmacy head a pharmacist', async () => {
    const res = await api.gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { roles institutionId } }`,
      {
        i: {
          username: `ph-head-${t.tenantId.slice(0, 6)}`,
          displayName: '药剂科主任',
          password: 'Pharmacy-Head-2026',
          institutionId: t.inst.township,
          roles: ['PHARMACIST'],
        },
      },
      tokens.instAdmin,
    );
    expect(res.data!.createUser).toEqual({ roles: ['PHARMACIST'], institutionId: t.inst.township });
  });

  it('refuses bad national codes with a clear reason, changing nothing', async () => {
    const tiers = ['COUNTY'];
    expectError(
      await add({ nationalCode: 'XC08CAA123', tiers }),
      'BAD_USER_INPUT',
      /malformed national code/,
    );
    expectError(
      await add({ nationalCode: 'XC08CAA123A001010199999', tiers }),
      'BAD_USER_INPUT',
      /unknown national code: import the dictionary edition/,
    );
    const retired = await add({ nationalCode: GONE, tiers });
    expectError(retired, 'BAD_USER_INPUT', /retired by a newer edition/);
    expect(retired.errors![0].message).toContain('2026');
    expect(retired.errors![0].extensions).toMatchObject({ retiredIn: '2026' });
    expectError(await add({ tiers }), 'BAD_USER_INPUT', /give a national code/);
    expectError(
      await add({ nationalCode: AMLO_5, productKey: 'XA10BAE001A001', tiers }),
      'BAD_USER_INPUT',
      /does not match/,
    );
    expectError(await add({ nationalCode: AMLO_5, tiers: [] }), 'BAD_USER_INPUT');
    expectError(await add({ nationalCode: AMLO_5, tiers: ['COUNTY', 'COUNTY'] }), 'BAD_USER_INPUT');
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM formulary_item WHERE national_code = $1`,
      [AMLO_5],
    );
    expect(n).toBe(0);
  });

  it('takes an item by product key and spec when there is no code, and refuses a second of the same', async () => {
    expectError(
      await add({ productKey: 'ZD03AAY0318', tiers: ['VILLAGE'] }),
      'BAD_USER_INPUT',
      /spec is required/,
    );
    expectError(
      await add({ productKey: 'ZD03AAY9999', spec: '15g', tiers: ['VILLAGE'] }),
      'BAD_USER_INPUT',
      /unknown product key/,
    );
    expectError(
      await add({ productKey: 'ZD03AAY03', spec: '15g', tiers: ['VILLAGE'] }),
      'BAD_USER_INPUT',
      /malformed product key/,
    );
    const res = await add({ productKey: 'zd03aay0318', spec: '15g*10袋', tiers: ['VILLAGE', 'TOWNSHIP'] });
    expect(res.data!.addFormularyItem).toMatchObject({
      nationalCode: null,
      productKey: 'ZD03AAY0318',
      genericName: '益母草颗粒',
      spec: '15g*10袋',
      tiers: ['TOWNSHIP', 'VILLAGE'],
      drug: null,
    });
    const dup = await add({ productKey: 'ZD03AAY0318', spec: ' １５G*10袋 ', tiers: ['COUNTY'] });
    expectError(dup, 'CONFLICT', /already on the unified list/);
    expect(dup.errors![0].extensions).toMatchObject({ existingId: res.data!.addFormularyItem.id });
    expectError(await add({ nationalCode: METF, tiers: ['COUNTY'] }), 'CONFLICT');
  });

  it('groups substitutes by product key, or by an explicit group', async () => {
    const a = (await add({ nationalCode: AMLO_5, tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'] })).data!
      .addFormularyItem;
    const b = (await add({ nationalCode: AMLO_5B, tiers: ['COUNTY'] })).data!.addFormularyItem;
    const c = (
      await add({ nationalCode: AMLO_10, tiers: ['COUNTY', 'TOWNSHIP'], substitutionGroup: '钙拮抗剂-独立' })
    ).data!.addFormularyItem;
    const get = async (id: string) => (await api.gql(GET, { id }, tokens.clinician)).data!.formularyItem;
    expect((await get(a.id)).substitutes.map((s: any) => s.nationalCode)).toEqual([AMLO_5B]);
    expect((await get(c.id)).substitutes).toEqual([]);
    // Clearing the explicit group puts it back with its product.
    const cleared = await api.gql(
      UPDATE,
      { i: { id: c.id, expectedVersion: 1, substitutionGroup: null } },
      tokens.lead,
    );
    expect(cleared.data!.updateFormularyItem).toMatchObject({
      substitutionGroup: null,
      substitutionKey: 'XC08CAA123A001',
      version: 2,
    });
    expect((await get(a.id)).substitutes.map((s: any) => s.nationalCode).sort()).toEqual(
      [AMLO_5B, AMLO_10].sort(),
    );
    const villages = await api.gql(LIST, { t: 'VILLAGE', s: '氨氯地平' }, tokens.clinician);
    expect(villages.data!.formulary.nodes.map((n: any) => n.id)).toEqual([a.id]);
    expect(b.version).toBe(1);
  });

  it('keeps every version: changes, no-op changes, stale writes, retirement', async () => {
    const item = (await add({ nationalCode: 'ZD03AAY0318010100004', tiers: ['COUNTY'] }, tokens.admin)).data!
      .addFormularyItem;
    const changed = await api.gql(
      UPDATE,
      {
        i: {
          id: item.id,
          expectedVersion: 1,
          tiers: ['VILLAGE', 'COUNTY'],
          note: '送药下乡',
          reason: '村卫生室需要',
        },
      },
      tokens.lead,
    );
    expect(changed.data!.updateFormularyItem).toMatchObject({
      version: 2,
      tiers: ['COUNTY', 'VILLAGE'],
      note: '送药下乡',
    });
    const versions = changed.data!.updateFormularyItem.versions;
    expect(versions.map((v: any) => [v.version, v.action])).toEqual([
      [1, 'CREATE'],
      [2, 'UPDATE'],
    ]);
    expect(versions[1]).toMatchObject({ changed: ['tiers', 'note'], note: '村卫生室需要' });
    expect(versions[0].snapshot).toMatchObject({ tiers: ['COUNTY'], note: null });
    expect(versions[1].snapshot).toMatchObject({ tiers: ['COUNTY', 'VILLAGE'], note: '送药下乡' });

    const same = await api.gql(
      UPDATE,
      { i: { id: item.id, expectedVersion: 2, tiers: ['COUNTY', 'VILLAGE'] } },
      tokens.lead,
    );
    expect(same.data!.updateFormularyItem.version).toBe(2);
    expectError(
      await api.gql(UPDATE, { i: { id: item.id, expectedVersion: 1, tiers: ['COUNTY'] } }, tokens.lead),
      'CONFLICT',
    );
    expectError(
      await api.gql(UPDATE, { i: { id: item.id, expectedVersion: 2, tiers: ['COUNTY'] } }, tokens.town),
      'FORBIDDEN',
    );

    expectError(await api.gql(RETIRE, { i: { id: item.id, reason: ' ' } }, tokens.lead), 'BAD_USER_INPUT');
    const retired = await api.gql(
      RETIRE,
      { i: { id: item.id, expectedVersion: 2, reason: '改用其他规格' } },
      tokens.lead,
    );
    expect(retired.data!.retireFormularyItem).toMatchObject({
      status: 'RETIRED',
      version: 3,
      retireReason: '改用其他规格',
      versions: [{ version: 1 }, { version: 2 }, { version: 3, action: 'RETIRE' }],
    });
    expectError(
      await api.gql(UPDATE, { i: { id: item.id, expectedVersion: 3, note: 'x' } }, tokens.lead),
      'INVALID_TRANSITION',
    );
    expectError(
      await api.gql(RETIRE, { i: { id: item.id, reason: '再次停用' } }, tokens.lead),
      'INVALID_TRANSITION',
    );
    const active = await api.gql(LIST, { s: '益母草' }, tokens.clinician);
    expect(active.data!.formulary.nodes.map((n: any) => n.id)).not.toContain(item.id);
    const gone = await api.gql(LIST, { st: 'RETIRED' }, tokens.clinician);
    expect(gone.data!.formulary.nodes.map((n: any) => n.id)).toEqual([item.id]);
    // A retired item's code may be listed again, as a new item.
    expect(
      (await add({ nationalCode: 'ZD03AAY0318010100004', tiers: ['COUNTY'] })).data!.addFormularyItem.version,
    ).toBe(1);
    // History rows cannot be rewritten.
    await expect(
      db.ds.query(`DELETE FROM formulary_item_version WHERE formulary_item_id = $1`, [item.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('requires the version read to change an item: left out it is refused by the schema, stale it is CONFLICT naming the current one; neither changes anything', async () => {
    const item = (await add({ productKey: 'XC08CAA123A001', spec: '2.5mg', tiers: ['COUNTY'] }, tokens.admin))
      .data!.addFormularyItem;
    const read = async () => (await api.gql(GET, { id: item.id }, tokens.clinician)).data!.formularyItem;
    const before = await read();
    const versions = () =>
      db.ds.query(`SELECT version, action FROM formulary_item_version WHERE formulary_item_id = $1`, [
        item.id,
      ]);
    const history = await versions();

    // Without it, the request does not reach the service: as a literal and as a variable.
    const literal = await api.gql(
      `mutation { updateFormularyItem(input: { id: "${item.id}", tiers: [VILLAGE] }) { id version } }`,
      {},
      tokens.lead,
    );
    expect(errorCode(literal)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(literal.errors![0].message).toMatch(/expectedVersion/);
    const variable = await api.gql(UPDATE, { i: { id: item.id, tiers: ['VILLAGE'] } }, tokens.lead);
    expect(variable).toMatchObject({ status: 400, data: null });
    expect(errorCode(variable)).toBe('BAD_USER_INPUT');
    expect(variable.errors![0].message).toMatch(/"expectedVersion" of required type "Int!" was not provided/);

    // Changed by someone else after this one read version 1.
    const first = await api.gql(UPDATE, { i: { id: item.id, expectedVersion: 1, note: '甲' } }, tokens.admin);
    expect(first.data!.updateFormularyItem.version).toBe(2);
    const stale = await api.gql(
      UPDATE,
      { i: { id: item.id, expectedVersion: 1, tiers: ['VILLAGE'], note: '乙' } },
      tokens.lead,
    );
    expectError(stale, 'CONFLICT', /当前版本 2/);
    expect(stale.errors![0].extensions).toMatchObject({ currentVersion: 2 });
    expect(await read()).toEqual({ ...before, note: '甲', version: 2 });
    expect(await versions()).toEqual([...history, { version: 2, action: 'UPDATE' }]);
  });

  it('answers NOT_FOUND for another consortium’s items', async () => {
    const mine = await api.gql(LIST, {}, tokens.admin);
    const id = mine.data!.formulary.nodes[0].id;
    expectError(await api.gql(GET, { id }, tokens.other), 'NOT_FOUND');
    expectError(
      await api.gql(UPDATE, { i: { id, expectedVersion: 1, note: '越权' } }, tokens.other),
      'NOT_FOUND',
    );
    expectError(await api.gql(RETIRE, { i: { id, reason: '越权停用' } }, tokens.other), 'NOT_FOUND');
    expect((await api.gql(LIST, {}, tokens.other)).data!.formulary.nodes).toEqual([]);
    expectError(
      await api.gql(GET, { id: '00000000-0000-4000-8000-000000000000' }, tokens.admin),
      'NOT_FOUND',
    );
  });
});
