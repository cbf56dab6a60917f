import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '@yg/core';
import { PLATFORM_TENANT } from '@yg/audit';
import {
  createDictionaryContext,
  DrugDictionaryImporter,
  ImportFileError,
  importDictionaryFromCli,
} from '@yg/drugs';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { configEnv, eventually, startWorker } from './utils/worker';

/**
 * The national dictionary import (医保药品分类与代码) end to end on the real Postgres: the real
 * published subset through the command line's path, bad rows by line, re-import, editions that
 * retire and bring back codes, XLSX, the queued job and its redelivery, and the read queries.
 */

const ROOT = resolve(__dirname, '..');
const REAL = resolve(ROOT, '../shared/data/drugs/nhsa_rulebase_drug_codes.csv');

const HEADER = '国标代码,注册名称,注册剂型,注册规格,药品企业,甲乙类,基药';
/** Small synthetic rows with well-formed codes (X: 23, Z: 20 characters). */
const X1 = 'XA01ABD075A002010100483';
const X2 = 'XA01ABD075A002010100594'; // same product, another maker
const X3 = 'XC08CAA123A001010101234';
const Z1 = 'ZA04CAE0023010100166';

/** The command line itself (TypeScript through swc) against the suite's database and queues. */
function cli(db: TestDb, args: string[]): Promise<{ code: number; out: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT,
    env: configEnv(db.config),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code: code ?? -1, out })));
}

describe('national drug dictionary import', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let importer: DrugDictionaryImporter;
  let dir: string;
  let admin: string;
  let clinician: string;

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const importFile = async (
    path: string,
    edition: string,
    full = true,
    essentialEdition: string | null = null,
  ) => {
    const req = await importer.request({ path, edition, full, essentialEdition, requestedBy: 'test' });
    return importer.run(req.id, { finalAttempt: true });
  };
  const code = async (c: string) =>
    (await db.ds.query(`SELECT * FROM drug_code WHERE code = $1`, [c]))[0] as Record<string, any> | undefined;

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config);
    t = await buildTenant(db.ds);
    importer = api.app.get(DrugDictionaryImporter);
    dir = mkdtempSync(join(tmpdir(), 'yg-drugs-'));
    admin = await api.login(t.users.admin.username);
    clinician = await api.login(t.users.countyClinician.username);
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await api?.close();
    await db?.drop();
  });

  /** drug_code's key and checks and the foreign keys that reference it. */
  const constraints = (): Promise<{ t: string; name: string; def: string }[]> =>
    db.ds.query(
      `SELECT conrelid::regclass::text AS t, conname AS name, pg_get_constraintdef(oid) AS def
         FROM pg_constraint
        WHERE conrelid = 'drug_code'::regclass OR confrelid = 'drug_code'::regclass
        ORDER BY 1, 2`,
    );

  it('bulk-loads an empty dictionary only whole: unfinished, it cannot commit; the key, checks and references always come back', async () => {
    const before = await constraints();
    expect(before.map((c) => c.name)).toContain('drug_code_pkey');
    expect(
      before.filter((c) => c.t !== 'drug_code' && c.def.includes('REFERENCES drug_code(code)')).length,
    ).toBeGreaterThan(0);
    // As the apps connect (no right to alter tables): only through the owner's functions.
    const app = api.app.get(DataSource);
    const qr = app.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      expect((await qr.query(`SELECT drug_code_bulk_load_begin() AS empty`))[0].empty).toBe(true);
      expect(
        (
          await qr.query(
            `SELECT count(*)::int AS n FROM pg_constraint WHERE confrelid = 'drug_code'::regclass`,
          )
        )[0].n,
      ).toBe(0);
      await expect(qr.commitTransaction()).rejects.toThrow(/bulk load not finished/);
    } finally {
      await qr.rollbackTransaction().catch(() => undefined);
      await qr.release();
    }
    expect(await constraints()).toEqual(before);
    await expect(app.query(`DELETE FROM drug_code_bulk_load`)).rejects.toThrow(/permission denied/);
    await expect(app.query(`ALTER TABLE drug_code DROP CONSTRAINT drug_code_pkey CASCADE`)).rejects.toThrow(
      /must be owner/,
    );
    await app.transaction(async (em) => {
      expect((await em.query(`SELECT drug_code_bulk_load_begin() AS empty`))[0].empty).toBe(true);
      await em.query(`SELECT drug_code_bulk_load_end()`);
    });
    expect(await constraints()).toEqual(before);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM drug_code_bulk_load`))[0].n).toBe(0);
  });

  it('a bulk load takes status and editions as defaults only while it lasts: drug_code keeps its own defaults', async () => {
    const defaults = (q: { query: DataSource['query'] }): Promise<{ name: string; def: string | null }[]> =>
      q.query(
        `SELECT a.attname AS name, pg_get_expr(d.adbin, d.adrelid) AS def
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = 'drug_code'::regclass AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
      );
    const before = await defaults(db.ds);
    expect(before.filter((c) => c.name.endsWith('_edition_id') || c.name === 'status')).toEqual([
      { name: 'status', def: null },
      { name: 'first_seen_edition_id', def: null },
      { name: 'last_seen_edition_id', def: null },
      { name: 'retired_in_edition_id', def: null },
    ]);
    const app = api.app.get(DataSource);
    const edition = '00000000-0000-4000-8000-0000000000e1';
    // Only inside a bulk load of the same transaction, and never without the first edition.
    await expect(app.query(`SELECT drug_code_bulk_load_defaults($1, NULL)`, [edition])).rejects.toThrow(
      /no bulk load/,
    );
    await expect(app.query(`ALTER TABLE drug_code ALTER COLUMN status SET DEFAULT 'ACTIVE'`)).rejects.toThrow(
      /must be owner/,
    );
    const qr = app.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      expect((await qr.query(`SELECT drug_code_bulk_load_begin() AS empty`))[0].empty).toBe(true);
      await expect(qr.query(`SELECT drug_code_bulk_load_defaults(NULL, NULL)`)).rejects.toThrow(/first saw/);
      await qr.rollbackTransaction();
      await qr.startTransaction();
      await qr.query(`SELECT drug_code_bulk_load_begin()`);
      await qr.query(`SELECT drug_code_bulk_load_defaults($1, NULL)`, [edition]);
      // A second call (another last-seen edition) still leaves the columns' own defaults to come back.
      await qr.query(`SELECT drug_code_bulk_load_defaults($1, $1)`, [edition]);
      await qr.query(
        `INSERT INTO drug_code (code, kind, class_code, product_key, spec_no, pack_no, maker_code, generic_name)
         VALUES ($1, 'Z', 'ZA04CA', 'ZA04CAE0023', '01', '01', '00166', '儿童清肺口服液')`,
        [Z1],
      );
      await qr.query(`SELECT drug_code_bulk_load_end()`);
      expect(await defaults(qr)).toEqual(before);
      const [row] = await qr.query(
        `SELECT status, first_seen_edition_id AS first, last_seen_edition_id AS last FROM drug_code WHERE code = $1`,
        [Z1],
      );
      expect(row).toEqual({ status: 'ACTIVE', first: edition, last: edition });
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.release();
    }
    expect(await defaults(db.ds)).toEqual(before);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM drug_code`))[0].n).toBe(0);
  });

  it('loads the real published list through the command line: 13,738 distinct codes of 13,827 rows, then the same file changes nothing', async () => {
    const first = await importDictionaryFromCli(db.config, {
      file: REAL,
      edition: '规则库 2024',
      full: true,
    });
    expect(first).toMatchObject({
      status: 'DONE',
      rowsTotal: 13827,
      rowsOk: 13827,
      rowsBad: 0,
      codesDistinct: 13738,
      inserted: 13738,
      updated: 0,
      retired: 0,
      format: 'CSV',
    });
    expect(first.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    const [counts] = await db.ds.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE kind = 'X')::int AS x, count(*) FILTER (WHERE kind = 'Z')::int AS z,
              max(updated_at) AS last FROM drug_code`,
    );
    expect(counts).toMatchObject({ n: 13738 });
    expect(counts.x + counts.z).toBe(13738);
    expect(await code('ZA04CAE0023010100166')).toMatchObject({
      generic_name: '儿童清肺口服液',
      kind: 'Z',
      class_code: 'ZA04CA',
      product_key: 'ZA04CAE0023',
      status: 'ACTIVE',
    });
    // A code on several lines (one per rule) keeps the first line's name.
    const pediatric = await code('XB05BAX104B002010100309');
    expect(pediatric?.product_key).toBe('XB05BAX104B002');

    const again = await importDictionaryFromCli(db.config, {
      file: REAL,
      edition: '规则库 2024',
      full: true,
    });
    // Recognised by its hash before it is read: the counts are those of the run it repeats.
    expect(again).toMatchObject({
      status: 'SKIPPED',
      duplicateOf: first.id,
      fileSha256: first.fileSha256,
      rowsTotal: 13827,
      codesDistinct: 13738,
      inserted: 0,
      updated: 0,
      retired: 0,
    });
    const [after] = await db.ds.query(`SELECT count(*)::int AS n, max(updated_at) AS last FROM drug_code`);
    expect(after).toEqual({ n: 13738, last: counts.last });

    const [audit] = await db.ds.query(
      `SELECT tenant_id, details FROM audit_event WHERE action = 'drug.dictionary.import' AND entity_id = $1`,
      [first.id],
    );
    expect(audit.tenant_id).toBe(PLATFORM_TENANT);
    expect(audit.details).toMatchObject({ status: 'DONE', inserted: 13738 });

    // Read over GraphQL by anyone signed in.
    const one = await api.gql(
      `query($c: String!) { drug(code: $c) { code genericName kind productKey status firstSeenEdition { name } } }`,
      { c: 'ZA04CAE0023010100166' },
      clinician,
    );
    expect(one.data!.drug).toEqual({
      code: 'ZA04CAE0023010100166',
      genericName: '儿童清肺口服液',
      kind: 'Z',
      productKey: 'ZA04CAE0023',
      status: 'ACTIVE',
      firstSeenEdition: { name: '规则库 2024' },
    });
    const byName = await api.gql(
      `{ drugs(search: "儿童清肺", first: 50) { nodes { code genericName } pageInfo { hasNextPage } } }`,
      {},
      clinician,
    );
    expect(byName.data!.drugs.nodes.length).toBeGreaterThan(0);
    expect(byName.data!.drugs.nodes.every((n: any) => n.genericName.includes('儿童清肺'))).toBe(true);
    const byPrefix = await api.gql(
      `{ drugs(search: "za04cae0023", first: 100) { nodes { code } } }`,
      {},
      clinician,
    );
    const prefixed = byPrefix.data!.drugs.nodes.map((n: any) => n.code);
    expect(prefixed.length).toBeGreaterThan(0);
    expect(prefixed.every((c: string) => c.startsWith('ZA04CAE0023'))).toBe(true);
    expect([...prefixed].sort()).toEqual(prefixed);
    const page1 = await api.gql(
      `{ drugs(kind: X, first: 3) { nodes { code } pageInfo { endCursor hasNextPage } } }`,
      {},
      clinician,
    );
    const page2 = await api.gql(
      `query($a: String) { drugs(kind: X, first: 3, after: $a) { nodes { code } } }`,
      { a: page1.data!.drugs.pageInfo.endCursor },
      clinician,
    );
    expect(page1.data!.drugs.pageInfo.hasNextPage).toBe(true);
    expect(page2.data!.drugs.nodes[0].code > page1.data!.drugs.nodes[2].code).toBe(true);
    const unknown = await api.gql(`{ drug(code: "XA00AAA000A000000000000") { code } }`, {}, clinician);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
  });

  it('a first import leaves drug_code keyed, checked and referenced as before; a loaded dictionary is never bulk-loaded again', async () => {
    // The first test's import went into an empty dictionary: the key and the rest were set aside.
    const after = await constraints();
    expect(after.map((c) => c.name)).toContain('drug_code_pkey');
    expect(after.filter((c) => c.t !== 'drug_code').length).toBeGreaterThan(0);
    const app = api.app.get(DataSource);
    await app.transaction(async (em) => {
      expect((await em.query(`SELECT drug_code_bulk_load_begin() AS empty`))[0].empty).toBe(false);
    });
    expect(await constraints()).toEqual(after);
    await expect(
      db.ds.query(`INSERT INTO drug_code (code, kind, class_code, product_key, spec_no, pack_no, maker_code,
         generic_name, status, first_seen_edition_id) SELECT code, kind, class_code, product_key, spec_no, pack_no,
         maker_code, generic_name, status, first_seen_edition_id FROM drug_code LIMIT 1`),
    ).rejects.toThrow(/drug_code_pkey/);
  });

  it('keeps good rows and reports each bad row by its line and reason', async () => {
    const path = file(
      'bad-rows.csv',
      [
        HEADER, // line 1
        `${X1},地喹氯铵含片,含片,0.25mg,汕头明治医药,甲,是`, // 2
        `${Z1},儿童清肺口服液,口服液,10ml,某药业,乙类,2026`, // 3
        `XA01ABD075A00201010048,短了一位,片剂,1g,某厂,甲,否`, // 4: 22 characters
        `${X3},"多行
说明的药名",片剂,5mg,某厂,,否`, // 5–6: a quoted line break
        `${X2},,片剂,0.25mg,另一厂,甲,否`, // 7: no name
        `XC08CAA123A001010109999,硝苯地平片,片剂,10mg,某厂,丙,否`, // 8: bad insurance class
        `XC08CAA123A001010108888,硝苯地平片,片剂,10mg,某厂,乙,也许`, // 9: bad essential flag
        `${X1},重复的代码,含片,0.25mg,汕头明治医药,甲,是`, // 10: repeats line 2: skipped
        ``,
        `XC08CAA123A001010107777,硝苯地平片,片剂,10mg,某厂,乙,2009`, // 12: unknown edition
      ].join('\r\n'),
    );
    const run = await importFile(path, '测试版 bad', false, '2018');
    expect(run).toMatchObject({ status: 'DONE', rowsTotal: 9, rowsOk: 4, rowsBad: 5, codesDistinct: 3 });
    expect(run.errors.map((e) => [e.line, e.code])).toEqual([
      [4, 'XA01ABD075A00201010048'],
      [7, X2],
      [8, 'XC08CAA123A001010109999'],
      [9, 'XC08CAA123A001010108888'],
      [12, 'XC08CAA123A001010107777'],
    ]);
    expect(run.errors[0].reason).toMatch(/malformed national code/);
    expect(run.errors[1].reason).toMatch(/no drug name/);
    expect(run.errors[2].reason).toMatch(/insurance class/);
    expect(run.errors[3].reason).toMatch(/essential flag/);
    expect(run.errors[4].reason).toMatch(/unknown essential-list edition/);
    expect(await code(X1)).toMatchObject({
      generic_name: '地喹氯铵含片',
      insurance_class: 'A',
      essential: true,
      essential_edition: '2018',
      spec: '0.25mg',
    });
    expect(await code(Z1)).toMatchObject({
      insurance_class: 'B',
      essential: true,
      essential_edition: '2026',
    });
    expect(await code(X3)).toMatchObject({
      generic_name: '多行\n说明的药名',
      insurance_class: null,
      essential: false,
    });
    expect(await code(X2)).toBeUndefined();

    const res = await api.gql(
      `query($id: ID!) { drugDictionaryImport(id: $id) { status rowsBad errors(first: 2, offset: 1) { line code reason } edition { name } } }`,
      { id: run.id },
      admin,
    );
    expect(res.data!.drugDictionaryImport).toMatchObject({
      status: 'DONE',
      rowsBad: 5,
      edition: { name: '测试版 bad' },
      errors: [{ line: 7 }, { line: 8 }],
    });
    const denied = await api.gql(
      `query($id: ID!) { drugDictionaryImport(id: $id) { id } }`,
      { id: run.id },
      clinician,
    );
    expect(errorCode(denied)).toBe('FORBIDDEN');
  });

  it('a newer full edition updates names and retires the codes it no longer lists; a later one brings them back', async () => {
    const a = 'XJ01CAA001A001010100001';
    const b = 'XJ01CAA001A001010200001';
    const c = 'XJ01CAA001A001010300001';
    const d = 'XJ01CAA001A001010400001';
    // A full edition retires every code it lacks, so these run on a database of their own.
    const own = await createTestDb();
    const ownApi = await TestApi.start(own.config);
    try {
      const imp = ownApi.app.get(DrugDictionaryImporter);
      const load = async (name: string, rows: string[], edition: string) => {
        const path = file(name, [HEADER, ...rows].join('\n'));
        const req = await imp.request({ path, edition, full: true, requestedBy: 'test' });
        return imp.run(req.id, { finalAttempt: true });
      };
      // last_seen: the last edition that listed the code (an empty column: the current edition).
      const get = async (x: string) =>
        (
          await own.ds.query(
            `SELECT c.*, coalesce(c.last_seen_edition_id,
                      (SELECT id FROM drug_dictionary_edition WHERE current)) AS last_seen
               FROM drug_code c WHERE code = $1`,
            [x],
          )
        )[0];
      const reader = await ownApi.login((await buildTenant(own.ds)).users.countyClinician.username);
      const search = async (text: string) =>
        (
          await ownApi.gql(
            `query($s: String!) { drugs(search: $s, first: 10) { nodes { code genericName } } }`,
            { s: text },
            reader,
          )
        ).data!.drugs.nodes.map((n: any) => n.code);
      const e1 = await load(
        'e1.csv',
        [
          `${a},阿莫西林胶囊,胶囊剂,0.25g,甲厂,甲,否`,
          `${b},阿莫西林胶囊,胶囊剂,0.5g,甲厂,甲,否`,
          `${c},阿莫西林胶囊,胶囊剂,0.125g,甲厂,甲,否`,
        ],
        '2025 版',
      );
      expect(e1).toMatchObject({ status: 'DONE', inserted: 3 });
      const e2 = await load(
        'e2.csv',
        [
          `${a},阿莫西林胶囊(新名),胶囊剂,0.25g,甲厂,甲,否`,
          `${b},阿莫西林胶囊,胶囊剂,0.5g,甲厂,甲,否`,
          `${d},阿莫西林胶囊,胶囊剂,1g,甲厂,甲,否`,
        ],
        '2026 版',
      );
      expect(e2).toMatchObject({ status: 'DONE', inserted: 1, updated: 1, retired: 1, reactivated: 0 });
      const e2id = (await own.ds.query(`SELECT id FROM drug_dictionary_edition WHERE name = '2026 版'`))[0]
        .id;
      expect(await get(a)).toMatchObject({
        generic_name: '阿莫西林胶囊(新名)',
        status: 'ACTIVE',
        last_seen: e2id,
      });
      expect(await get(b)).toMatchObject({ status: 'ACTIVE', last_seen: e2id });
      expect(await get(c)).toMatchObject({ status: 'RETIRED', retired_in_edition_id: e2id });
      expect((await get(c)).last_seen).not.toBe(e2id);
      expect(await get(d)).toMatchObject({ status: 'ACTIVE', first_seen_edition_id: e2id });
      // Never deleted.
      expect((await own.ds.query(`SELECT count(*)::int AS n FROM drug_code`))[0].n).toBe(4);
      // Name search follows the renaming: the new name finds the code, the old one only the others.
      expect(await search('新名')).toEqual([a]);
      expect(await search('阿莫西林胶囊')).toEqual([a, b, c, d]);
      expect(await search('阿莫西林胶囊(')).toEqual([a]);
      expect(await search('胶囊(旧')).toEqual([]);
      expect(
        await own.ds.query(`SELECT product_key, generic_name FROM drug_product_name ORDER BY 2`),
      ).toEqual([
        { product_key: 'XJ01CAA001A001', generic_name: '阿莫西林胶囊' },
        { product_key: 'XJ01CAA001A001', generic_name: '阿莫西林胶囊(新名)' },
      ]);

      const e3 = await load(
        'e3.csv',
        [
          `${a},阿莫西林胶囊(新名),胶囊剂,0.25g,甲厂,甲,否`,
          `${b},阿莫西林胶囊,胶囊剂,0.5g,甲厂,甲,否`,
          `${c},阿莫西林胶囊,胶囊剂,0.125g,甲厂,甲,否`,
          `${d},阿莫西林胶囊,胶囊剂,1g,甲厂,甲,否`,
        ],
        '2027 版',
      );
      expect(e3).toMatchObject({ inserted: 0, updated: 0, retired: 0, reactivated: 1 });
      expect(await get(c)).toMatchObject({ status: 'ACTIVE', retired_in_edition_id: null });

      // An edition recorded before the next one but loaded after it is older: it overwrites
      // nothing the newer one listed, and what only it lists keeps it as last seen.
      const e = 'XJ01CAA001A001010500001';
      const olderPath = file(
        'older.csv',
        [
          HEADER,
          `${a},阿莫西林胶囊(旧名),胶囊剂,0.25g,甲厂,甲,否`,
          `${e},阿莫西林胶囊,胶囊剂,2g,乙厂,甲,否`,
        ].join('\n'),
      );
      const older = await imp.request({
        path: olderPath,
        edition: '2027 增补',
        full: false,
        requestedBy: 'test',
      });
      // The same content again as a new full edition writes no row, yet every code now shows it.
      const versions = async () => own.ds.query(`SELECT code, xmin::text AS v FROM drug_code ORDER BY code`);
      const before = await versions();
      const e4 = await load(
        'e4.csv',
        [
          `${a},阿莫西林胶囊(新名),胶囊剂,0.25g,甲厂,甲,否`,
          `${b},阿莫西林胶囊,胶囊剂,0.5g,甲厂,甲,否`,
          `${c},阿莫西林胶囊,胶囊剂,0.125g,甲厂,甲,否`,
          `${d},阿莫西林胶囊,胶囊剂,1g,甲厂,甲,否`,
        ],
        '2028 版',
      );
      expect(e4).toMatchObject({ status: 'DONE', inserted: 0, updated: 0, retired: 0, reactivated: 0 });
      expect(await versions()).toEqual(before);
      const lastSeen = async (x: string) =>
        (
          await ownApi.gql(
            `query($c: String!) { drug(code: $c) { status lastSeenEdition { name } retiredInEdition { name } } }`,
            { c: x },
            reader,
          )
        ).data!.drug;
      for (const x of [a, b, c, d]) {
        expect(await lastSeen(x)).toEqual({
          status: 'ACTIVE',
          lastSeenEdition: { name: '2028 版' },
          retiredInEdition: null,
        });
      }
      const olderDone = await imp.run(older.id, { finalAttempt: true });
      expect(olderDone).toMatchObject({ status: 'DONE', inserted: 1, updated: 0, retired: 0 });
      expect(await get(a)).toMatchObject({ generic_name: '阿莫西林胶囊(新名)' });
      expect(await lastSeen(a)).toMatchObject({ lastSeenEdition: { name: '2028 版' } });
      expect(await lastSeen(e)).toMatchObject({ status: 'ACTIVE', lastSeenEdition: { name: '2027 增补' } });

      // A newer partial edition: what it lists shows it; the rest still shows the current one.
      const partial = await imp.request({
        path: file('partial.csv', [HEADER, `${b},阿莫西林胶囊,胶囊剂,0.5g,丙厂,甲,否`].join('\n')),
        edition: '2029 增补',
        full: false,
        requestedBy: 'test',
      });
      expect(await imp.run(partial.id, { finalAttempt: true })).toMatchObject({ updated: 1, retired: 0 });
      expect(await lastSeen(b)).toMatchObject({ lastSeenEdition: { name: '2029 增补' } });
      expect(await get(b)).toMatchObject({ maker: '丙厂' });
      expect(await lastSeen(d)).toMatchObject({ lastSeenEdition: { name: '2028 版' } });

      // A full edition recorded now but loaded after the next one is older: it retires nothing.
      const olderFull = await imp.request({
        path: file(
          'older-full.csv',
          [HEADER, `${a},阿莫西林胶囊(又一名),胶囊剂,0.25g,甲厂,甲,否`].join('\n'),
        ),
        edition: '2029 全量',
        full: true,
        requestedBy: 'test',
      });
      // The next full edition lacks e and d: each retired with the edition that last listed it.
      const e5 = await load(
        'e5.csv',
        [
          `${a},阿莫西林胶囊(新名),胶囊剂,0.25g,甲厂,甲,否`,
          `${b},阿莫西林胶囊,胶囊剂,0.5g,丙厂,甲,否`,
          `${c},阿莫西林胶囊,胶囊剂,0.125g,甲厂,甲,否`,
        ],
        '2030 版',
      );
      expect(e5).toMatchObject({ status: 'DONE', inserted: 0, updated: 0, retired: 2, reactivated: 0 });
      expect(await lastSeen(e)).toEqual({
        status: 'RETIRED',
        lastSeenEdition: { name: '2027 增补' },
        retiredInEdition: { name: '2030 版' },
      });
      expect(await lastSeen(d)).toEqual({
        status: 'RETIRED',
        lastSeenEdition: { name: '2028 版' },
        retiredInEdition: { name: '2030 版' },
      });
      for (const x of [a, b, c]) {
        expect(await lastSeen(x)).toMatchObject({ status: 'ACTIVE', lastSeenEdition: { name: '2030 版' } });
      }
      expect((await own.ds.query(`SELECT count(*)::int AS n FROM drug_code`))[0].n).toBe(5);
      expect(await imp.run(olderFull.id, { finalAttempt: true })).toMatchObject({
        status: 'DONE',
        updated: 0,
        retired: 0,
      });
      expect(await lastSeen(b)).toMatchObject({ status: 'ACTIVE', lastSeenEdition: { name: '2030 版' } });
      expect(await get(a)).toMatchObject({ generic_name: '阿莫西林胶囊(新名)' });

      // A second file of the current edition retires what the first listed and it does not.
      const again = await load(
        'e5-again.csv',
        [`${a},阿莫西林胶囊(新名),胶囊剂,0.25g,甲厂,甲,否`, `${b},阿莫西林胶囊,胶囊剂,0.5g,丙厂,甲,否`],
        '2030 版',
      );
      expect(again).toMatchObject({ status: 'DONE', inserted: 0, updated: 0, retired: 1 });
      expect(await lastSeen(c)).toEqual({
        status: 'RETIRED',
        lastSeenEdition: { name: '2030 版' },
        retiredInEdition: { name: '2030 版' },
      });
      expect(await lastSeen(b)).toMatchObject({ status: 'ACTIVE', lastSeenEdition: { name: '2030 版' } });
    } finally {
      await ownApi.close();
      await own.drop();
    }
  });

  it('reads XLSX, finding the header under a title row and skipping a sheet without codes', async () => {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('说明');
    notes.addRow(['本表为测试数据']);
    const sheet = wb.addWorksheet('药品');
    sheet.addRow(['国家医保药品分类与代码(测试)']); // row 1: a title
    sheet.addRow(['药品代码', '药品名称', '剂型', '规格', '生产企业', '甲乙类']); // row 2
    sheet.addRow(['XN02BEA001A001010100011', '对乙酰氨基酚片', '片剂', '0.5g', '某厂', '甲']);
    sheet.addRow(['XN02BEA001A00101010001', '对乙酰氨基酚片', '片剂', '0.5g', '某厂', '甲']); // row 4: short
    sheet.addRow([
      { richText: [{ text: 'ZA01AAB0001' }, { text: '010100001' }] },
      '感冒清热颗粒',
      '颗粒剂',
      '12g',
      '某厂',
      '乙',
    ]);
    const path = join(dir, 'dictionary.xlsx');
    await wb.xlsx.writeFile(path);
    const run = await importFile(path, 'XLSX 版', false);
    expect(run).toMatchObject({ status: 'DONE', format: 'XLSX', rowsTotal: 3, rowsOk: 2, rowsBad: 1 });
    expect(run.errors).toEqual([
      expect.objectContaining({ line: 4, sheet: 2, code: 'XN02BEA001A00101010001' }),
    ]);
    expect(await code('ZA01AAB0001010100001')).toMatchObject({
      generic_name: '感冒清热颗粒',
      insurance_class: 'B',
    });
    expect(run.fileSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses files it cannot use, changing nothing', async () => {
    await expect(
      importer.request({ path: file('list.xls', 'x'), edition: 'x', full: false, requestedBy: 'test' }),
    ).rejects.toThrow(ImportFileError);
    await expect(
      importer.request({ path: join(dir, 'missing.csv'), edition: 'x', full: false, requestedBy: 'test' }),
    ).rejects.toThrow(/cannot read the file/);
    const before = (await db.ds.query(`SELECT count(*)::int AS n FROM drug_code`))[0].n;
    const noHeader = await importFile(file('no-header.csv', `a,b,c\n${X1},x,y\n`), '无表头', true);
    expect(noHeader.status).toBe('FAILED');
    expect(noHeader.failure).toMatch(/no header with a code and a name column/);
    const emptyFull = await importFile(file('empty.csv', `${HEADER}\nBAD,x,y,z,w,甲,否\n`), '空版本', true);
    expect(emptyFull.status).toBe('FAILED');
    expect(emptyFull.failure).toMatch(/would retire every code/);
    const broken = await importFile(
      file('broken.csv', `${HEADER}\n${X1},"unterminated,x\n`),
      '坏文件',
      false,
    );
    expect(broken).toMatchObject({ status: 'FAILED' });
    expect(broken.failure).toMatch(/unterminated quoted field starting on line 2/);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM drug_code`))[0].n).toBe(before);
  });

  describe('as a job', () => {
    let worker: INestApplicationContext;
    beforeAll(async () => {
      worker = await startWorker(db.config);
    });
    afterAll(async () => {
      await worker?.close();
    });

    it('runs a queued import once, however often the job is delivered', async () => {
      const path = file(
        'queued.csv',
        [HEADER, `XR05CAA001A001010100077,氨溴索片,片剂,30mg,某厂,乙,否`].join('\n'),
      );
      const req = await importer.request(
        { path, edition: '队列版', full: false, requestedBy: 'test' },
        { enqueue: true },
      );
      expect(req.status).toBe('QUEUED');
      const done = await eventually(async () => {
        const [r] = await db.ds.query(
          `SELECT status, attempts, inserted FROM drug_dictionary_import WHERE id = $1`,
          [req.id],
        );
        return r.status === 'DONE' ? r : null;
      });
      expect(done).toEqual({ status: 'DONE', attempts: 1, inserted: 1 });

      // BullMQ delivers at least once: the same job again finds the run finished.
      const queue = api.app.get<Queue>(getQueueToken(QUEUES.DRUG_IMPORTS), { strict: false });
      const again = await queue.add(JOBS.DRUG_DICTIONARY_IMPORT, {
        messageId: 'redelivery',
        payload: { importId: req.id },
      });
      const result = await eventually(async () => {
        const job = await queue.getJob(again.id!);
        return job && (await job.isCompleted()) ? job.returnvalue : null;
      });
      expect(result).toEqual({ importId: req.id, status: 'DONE', attempts: 1 });
      const [row] = await db.ds.query(`SELECT status, attempts FROM drug_dictionary_import WHERE id = $1`, [
        req.id,
      ]);
      expect(row).toEqual({ status: 'DONE', attempts: 1 });
      expect(
        (
          await db.ds.query(`SELECT count(*)::int AS n FROM drug_code WHERE code = 'XR05CAA001A001010100077'`)
        )[0].n,
      ).toBe(1);
    });

    it('drugs:import-dictionary --queue hands the file to the worker; the job again and the command again change nothing', async () => {
      const path = file(
        'cli-queued.csv',
        [
          HEADER,
          `XR05CAA001A001010100101,氨溴索片,片剂,30mg,队列一厂,乙,否`,
          `XR05CAA001A001010200101,氨溴索片,片剂,30mg,队列一厂,乙,否`,
          `XR05CAA001A00101,短代码,片剂,30mg,某厂,乙,否`,
        ].join('\n'),
      );
      const queued = await cli(db, ['drugs:import-dictionary', path, '--edition', '命令行队列版', '--queue']);
      expect(queued.code).toBe(0);
      const importId = queued.out.match(/queued dictionary import ([0-9a-f-]{36})/)?.[1];
      expect(importId).toBeDefined();
      // The command only records the run: the worker (through the outbox relay) does it.
      const done = await eventually(async () => {
        const [r] = await db.ds.query(
          `SELECT status, attempts, rows_total, rows_ok, rows_bad, inserted, errors, requested_by
             FROM drug_dictionary_import WHERE id = $1`,
          [importId],
        );
        return r.status === 'DONE' ? r : null;
      }, 60_000);
      expect(done).toMatchObject({
        status: 'DONE',
        attempts: 1,
        rows_total: 3,
        rows_ok: 2,
        rows_bad: 1,
        inserted: 2,
      });
      expect(done.requested_by).toMatch(/^cli:/);
      expect(done.errors).toEqual([expect.objectContaining({ line: 4, code: 'XR05CAA001A00101' })]);
      const codes = `SELECT code, generic_name, maker, status, updated_at FROM drug_code
                      WHERE code IN ('XR05CAA001A001010100101', 'XR05CAA001A001010200101') ORDER BY code`;
      const loaded = await db.ds.query(codes);
      expect(loaded.map((r: { maker: string; status: string }) => [r.maker, r.status])).toEqual([
        ['队列一厂', 'ACTIVE'],
        ['队列一厂', 'ACTIVE'],
      ]);

      // The outbox's job delivered again (BullMQ delivers at least once) finds the run finished.
      const [outbox] = await db.ds.query(
        `SELECT id::text AS id, payload FROM outbox_message WHERE payload->>'importId' = $1`,
        [importId],
      );
      expect(outbox).toBeDefined();
      const queue = api.app.get<Queue>(getQueueToken(QUEUES.DRUG_IMPORTS), { strict: false });
      const again = await queue.add(JOBS.DRUG_DICTIONARY_IMPORT, {
        messageId: outbox.id,
        payload: outbox.payload,
      });
      const result = await eventually(async () => {
        const job = await queue.getJob(again.id!);
        return job && (await job.isCompleted()) ? job.returnvalue : null;
      });
      expect(result).toEqual({ importId, status: 'DONE', attempts: 1 });

      // The same command again: a new run, recognised as the same file, SKIPPED.
      const repeated = await cli(db, [
        'drugs:import-dictionary',
        path,
        '--edition',
        '命令行队列版',
        '--queue',
      ]);
      expect(repeated.code).toBe(0);
      const secondId = repeated.out.match(/queued dictionary import ([0-9a-f-]{36})/)?.[1];
      expect(secondId).toBeDefined();
      expect(secondId).not.toBe(importId);
      const skipped = await eventually(async () => {
        const [r] = await db.ds.query(
          `SELECT status, duplicate_of, inserted, updated FROM drug_dictionary_import WHERE id = $1`,
          [secondId],
        );
        return r.status === 'SKIPPED' ? r : null;
      }, 60_000);
      expect(skipped).toEqual({ status: 'SKIPPED', duplicate_of: importId, inserted: 0, updated: 0 });
      expect(await db.ds.query(codes)).toEqual(loaded);
    });

    it('does again, from the start, a run whose worker died mid-way', async () => {
      const path = file(
        'died.csv',
        [HEADER, `XR05CAA001A001010100088,氨溴索片,片剂,30mg,另一厂,乙,否`].join('\n'),
      );
      const req = await importer.request({ path, edition: '重做版', full: false, requestedBy: 'test' });
      // What a killed worker leaves: the run claimed, its transaction gone.
      await db.ds.query(`UPDATE drug_dictionary_import SET status = 'RUNNING', attempts = 1 WHERE id = $1`, [
        req.id,
      ]);
      const queue = api.app.get<Queue>(getQueueToken(QUEUES.DRUG_IMPORTS), { strict: false });
      const job = await queue.add(JOBS.DRUG_DICTIONARY_IMPORT, {
        messageId: 'retry',
        payload: { importId: req.id },
      });
      const result = await eventually(async () => {
        const j = await queue.getJob(job.id!);
        return j && (await j.isCompleted()) ? j.returnvalue : null;
      });
      expect(result).toEqual({ importId: req.id, status: 'DONE', attempts: 2 });
    });
  });

  it('lists imports newest first for admins and pharmacists', async () => {
    const res = await api.gql(
      `{ drugDictionaryImports(first: 2) { nodes { status fileName createdAt } pageInfo { hasNextPage } } }`,
      {},
      admin,
    );
    expect(res.data!.drugDictionaryImports.nodes).toHaveLength(2);
    const [n1, n2] = res.data!.drugDictionaryImports.nodes;
    expect(new Date(n1.createdAt).getTime()).toBeGreaterThanOrEqual(new Date(n2.createdAt).getTime());
    const editions = await api.gql(
      `{ essentialDrugEditions { code documentNo effectiveOn entries } }`,
      {},
      clinician,
    );
    expect(editions.data!.essentialDrugEditions).toEqual([
      { code: '2018', documentNo: '国卫药政发〔2018〕31号', effectiveOn: '2018-11-01', entries: 685 },
      { code: '2026', documentNo: '国卫药政发〔2026〕17号', effectiveOn: '2026-09-01', entries: 794 },
    ]);
  });
});

describe('national drug dictionary import, concurrently into an empty dictionary', () => {
  let db: TestDb;
  let app: INestApplicationContext;
  let importer: DrugDictionaryImporter;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDb();
    app = await createDictionaryContext(db.config);
    importer = app.get(DrugDictionaryImporter);
    dir = mkdtempSync(join(tmpdir(), 'yg-drugs-concurrent-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await app?.close();
    await db?.drop();
  });

  const constraints = () =>
    db.ds.query(
      `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'drug_code'::regclass OR confrelid = 'drug_code'::regclass ORDER BY 1, 2`,
    );

  it('a first import that fails after its rows went in leaves the dictionary empty, keyed and referenced', async () => {
    const before = await constraints();
    // 1,500 valid rows, then a line the CSV reader refuses: a first batch is loaded before it.
    const path = join(dir, 'broken-first.csv');
    const rows = Array.from(
      { length: 1500 },
      (_, i) => `XA01ABD075A0020101${String(i).padStart(5, '0')},甲药,片剂,1mg,甲厂,甲,否`,
    );
    writeFileSync(path, [HEADER, ...rows, `${X2},"open,片剂`].join('\n'));
    const req = await importer.request({ path, edition: '坏的首版', full: true, requestedBy: 'test' });
    const run = await importer.run(req.id, { finalAttempt: true });
    expect(run).toMatchObject({ status: 'FAILED' });
    expect(run.failure).toMatch(/line 1502/);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM drug_code`))[0].n).toBe(0);
    expect(await constraints()).toEqual(before);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM drug_code_bulk_load`))[0].n).toBe(0);
  });

  it('two first imports at once: one bulk-loads, the other merges after it; the same file twice at once loads once', async () => {
    const before = await constraints();
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    writeFileSync(a, [HEADER, `${X1},甲药,片剂,1mg,甲厂,甲,否`, `${X2},甲药,片剂,1mg,乙厂,甲,否`].join('\n'));
    writeFileSync(b, [HEADER, `${X2},甲药,片剂,1mg,乙厂,甲,否`, `${X3},丙药,胶囊,2mg,丙厂,乙,否`].join('\n'));
    const runs = await Promise.all(
      [
        { path: a, edition: '并发甲' },
        { path: b, edition: '并发乙' },
        { path: a, edition: '并发甲' },
      ].map(async (r) => {
        const req = await importer.request({ ...r, full: false, requestedBy: 'test' });
        return importer.run(req.id, { finalAttempt: true });
      }),
    );
    expect(runs.map((r) => r.status).sort()).toEqual(['DONE', 'DONE', 'SKIPPED']);
    expect(runs.reduce((n, r) => n + r.inserted, 0)).toBe(3);
    expect(
      (await db.ds.query(`SELECT code FROM drug_code ORDER BY code`)).map((r: { code: string }) => r.code),
    ).toEqual([X1, X2, X3].sort());
    expect(await constraints()).toEqual(before);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM drug_code_bulk_load`))[0].n).toBe(0);
  });
});
