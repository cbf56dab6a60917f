import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { io, Socket as ClientSocket } from 'socket.io-client';
import { rooms } from '@yg/realtime';
import { CatalogueMatching, DrugDictionaryImporter } from '@yg/drugs';
import { csvField, readReference } from '../libs/drugs/src/domain/testdata/reference-data';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { addUser } from './pipeline-helpers';
import { statementsOf as countStatements } from './utils/statements';

/**
 * Member drug catalogues end to end: multipart upload (CSV from the real hospital dictionary,
 * XLSX made here), the import job with progress over socket.io, bad rows by line, idempotent
 * re-import with versions and deactivation, matching onto a unified list made through the api,
 * the pharmacist's review (confirm, reject, re-map, parallel decisions), re-matching when the
 * list changes, coverage, stock, and who may do what.
 */

jest.setTimeout(180_000);

const WAIT_MS = 60_000;
const UPLOAD_LIMIT = 256 * 1024;

// Unified list: national codes of the dictionary loaded below (made-up makers, real names and strengths).
const CODES = {
  simva10: 'XC10AAX001A001010100001',
  nife20: 'XC08CAN002A002010100001',
  acar50: 'XA10BFA003A001010100001',
  metf05: 'XA10BAE001A002010100001',
  heparin: 'XB01ABG004B002010100001',
  amlo5: 'XC08CAA123A001010100001',
  feno: 'XC10ABF005A001010100001',
  lova10: 'XC10AAL007A001010100001',
} as const;
type Key = keyof typeof CODES;
const DICTIONARY: Record<Key, [string, string, string]> = {
  simva10: ['辛伐他汀片', '片剂', '10mg'],
  nife20: ['硝苯地平缓释片', '缓释片', '20mg'],
  acar50: ['阿卡波糖片', '片剂', '50mg'],
  metf05: ['盐酸二甲双胍缓释片', '缓释片', '0.5g'],
  heparin: ['肝素钠注射液', '注射液', '2ml:12500IU'],
  amlo5: ['苯磺酸氨氯地平片', '片剂', '5mg'],
  feno: ['非诺贝特片', '片剂', '0.1g'],
  lova10: ['洛伐他汀片', '片剂', '10mg'],
};

/** Rows of the real hospital dictionary used here, by 流水号, with what the review should see. */
const AUTO = ['200181', '200185', '200208', '200551', '200844', '200522', '200386'];
/** Look-alikes and traps: proposed to a pharmacist, never confirmed automatically. */
const TRAPS = ['200129', '200157', '200287', '200089', '200834', '200619'];
/** Near misses below the threshold or other drugs entirely. */
const OTHERS = [
  '200337',
  '200452',
  '200176',
  '200177',
  '200178',
  '200179',
  '200180',
  '200182',
  '200183',
  '200184',
];
const HIS_HEADER = [
  '流水号',
  '生产企业',
  '商品名称',
  '通用名',
  '剂型',
  '规格',
  '转换系数',
  '单位',
  '中标价',
  '交易状态',
  '拼音码',
];
const HEADER = [...HIS_HEADER, '医保代码', '库存'];

const IMPORT = `query($id: ID!) { catalogueImport(id: $id) { id institutionId status fileName format sizeBytes fileSha256
  fullImport duplicateOf rowsTotal rowsDone rowsOk rowsBad inserted updated unchanged deactivated reactivated stockUpdated
  failure requestedBy matchCounts { autoConfirmed proposed unmapped invalid kept } errors { line code reason } } }`;
const MAPPING_FIELDS = `id catalogueItemId institutionId status formularyItemId tier score reasons warnings problems note
  version decidedBy proposals { formularyItemId tier score reasons warnings formularyItem { genericName spec } }
  item { localCode genericName } formularyItem { id genericName spec }`;
const MAPPINGS = `query($inst: ID, $status: MappingStatus, $first: Int, $after: String) {
  catalogueMappings(institutionId: $inst, status: $status, first: $first, after: $after) {
    nodes { ${MAPPING_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const ITEMS = `query($inst: ID, $search: String, $mapped: Boolean, $inactive: Boolean, $first: Int, $after: String) {
  catalogueItems(institutionId: $inst, search: $search, mappedOnly: $mapped, includeInactive: $inactive, first: $first, after: $after) {
    nodes { id localCode genericName brandName spec packFactor active version institution { name }
      mapping { status formularyItem { genericName } } stock { onHand source version } }
    pageInfo { hasNextPage endCursor } } }`;
const CONFIRM = `mutation($id: ID!, $f: ID, $v: Int!) { confirmMapping(id: $id, formularyItemId: $f, expectedVersion: $v) {
  ${MAPPING_FIELDS} history { version action status formularyItemId decidedBy note } } }`;
const REJECT = `mutation($id: ID!, $r: String!, $v: Int!) { rejectMapping(id: $id, reason: $r, expectedVersion: $v) {
  ${MAPPING_FIELDS} history { version action status formularyItemId note } } }`;
const REMAP = `mutation($id: ID!, $f: ID!, $r: String!) { remapCatalogueItem(itemId: $id, formularyItemId: $f, reason: $r) {
  ${MAPPING_FIELDS} history { version action status formularyItemId note } } }`;
const COVERAGE = `query($inst: ID) { catalogueCoverage(institutionId: $inst) {
  total { institutionId items mapped autoConfirmed confirmed pending unmapped rejected invalid mappedShare }
  institutions { institutionId items mapped autoConfirmed confirmed pending unmapped rejected invalid mappedShare } } }`;
const STOCK = `mutation($i: UpdateStockInput!) { updateStock(input: $i) { updated unchanged items { catalogueItemId onHand source version } } }`;

interface Frame {
  event: string;
  data: any;
}

/** A socket.io client that records what it is sent. */
class LiveClient {
  readonly frames: Frame[] = [];
  readonly socket: ClientSocket;
  constructor(url: string, token: string) {
    this.socket = io(url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
    });
    this.socket.onAny((event: string, data: unknown) => this.frames.push({ event, data }));
  }
  of(event: string): any[] {
    return this.frames.filter((f) => f.event === event).map((f) => f.data);
  }
  waitFor(event: string, match: (d: any) => boolean): Promise<any> {
    return eventually(async () => this.of(event).find(match), WAIT_MS);
  }
  async ready(userId: string): Promise<void> {
    await eventually(async () => this.socket.connected, WAIT_MS);
    const ack = await this.socket.timeout(WAIT_MS).emitWithAck('join', rooms.user(userId));
    if (!ack?.ok) throw new Error(`socket not admitted: ${JSON.stringify(ack)}`);
  }
  close() {
    this.socket.disconnect();
  }
}

function csvOf(rows: string[][]): Buffer {
  return Buffer.from(rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}

function expectError(res: GqlResult, code: string, message?: RegExp) {
  expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
  if (message) expect(res.errors![0].message).toMatch(message);
}

describe('member drug catalogues', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let url: string;
  let t: TenantFixture;
  let other: TenantFixture;
  let dir: string;
  const tok: Record<string, string> = {};
  const user: Record<string, { id: string; username: string }> = {};
  const item: Record<Key, string> = {} as Record<Key, string>;
  const his = new Map<string, Record<string, string>>();
  let firstImportId: string;

  const gql = (query: string, variables: Record<string, unknown>, token: string) =>
    api.gql(query, variables, token);

  const hisRow = (id: string, over: Partial<Record<string, string>> = {}) => {
    const r: Record<string, string | undefined> = { ...his.get(id)!, 医保代码: '', 库存: '', ...over };
    return HEADER.map((h) => r[h] ?? '');
  };

  /** The general hospital's catalogue: real rows, a national-code row, a malformed code, bad rows. */
  const generalRows = (): string[][] => [
    HEADER,
    ...AUTO.map((id, i) => hisRow(id, { 库存: String(10 * (i + 1)) })),
    ...TRAPS.map((id) => hisRow(id)),
    ...OTHERS.map((id) => hisRow(id)),
    [
      'T001',
      '辉瑞制药有限公司',
      '络活喜',
      '苯磺酸氨氯地平片',
      '片剂',
      '5mg',
      '7',
      '盒',
      '',
      '1',
      '',
      CODES.amlo5,
      '0',
    ],
    ['T002', '某制药厂', '', '苯磺酸氨氯地平片', '片剂', '5mg', '7', '盒', '', '1', '', 'XC08CAA1', ''],
    ['T003', '某制药厂', '', '', '片剂', '5mg', '7', '盒', '', '1', '', '', ''], // no generic name
    ['T004', '某制药厂', '', '维生素C片', '片剂', '0.1g', '三十', '瓶', '', '1', '', '', ''], // bad pack factor
    ['200181', '重复厂', '', '阿卡波糖片', '片剂', '50mg', '30', '盒', '', '1', '', '', ''], // duplicate code
    ['T005', '某制药厂', '', '维生素B1片', '片剂', '10mg', '100', '瓶', '', '9', '', '', ''], // bad status
  ];

  const upload = (
    token: string | null,
    file: Buffer,
    name: string,
    opts: { institutionId?: string; full?: string; contentType?: string } = {},
  ) => {
    const req = api.http.post('/drugs/catalogues/upload');
    if (token) req.set('authorization', `Bearer ${token}`);
    if (opts.institutionId) req.field('institutionId', opts.institutionId);
    if (opts.full) req.field('full', opts.full);
    return req.attach('file', file, { filename: name, contentType: opts.contentType ?? 'text/csv' });
  };

  const finished = (id: string, token = tok.lead) =>
    eventually(async () => {
      const res = await gql(IMPORT, { id }, token);
      const run = res.data?.catalogueImport;
      return run && ['DONE', 'SKIPPED', 'FAILED'].includes(run.status) ? run : null;
    }, WAIT_MS);

  const importFile = async (token: string, file: Buffer, name: string, opts = {}) => {
    const res = await upload(token, file, name, opts);
    expect(res.status).toBe(202);
    return finished(res.body.importId, token);
  };

  const count = async (sql: string, params: unknown[] = []) => Number((await db.ds.query(sql, params))[0].n);

  const mappingOf = async (institutionId: string, localCode: string) => {
    const [m] = await db.ds.query(
      `SELECT m.*, i.id AS item_id FROM drug_mapping m JOIN drug_catalogue_item i ON i.id = m.catalogue_item_id
        WHERE i.institution_id = $1 AND i.local_code = $2`,
      [institutionId, localCode],
    );
    return m;
  };

  beforeAll(async () => {
    for (const r of readReference('his_ypxx_yycg.csv')) his.set(r['流水号'], r);
    db = await createTestDb({ DRUG_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT) });
    api = await TestApi.start(db.config);
    await api.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    worker = await startWorker(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    const tag = t.tenantId.slice(0, 6);
    user.lead = await addUser(db.ds, t, `cat-lead-${tag}`, t.inst.general, ['PHARMACIST']);
    user.town = await addUser(db.ds, t, `cat-town-${tag}`, t.inst.township, ['PHARMACIST']);
    user.village = await addUser(db.ds, t, `cat-vil-${tag}`, t.inst.village, ['PHARMACIST']);
    tok.lead = await api.login(user.lead.username);
    tok.town = await api.login(user.town.username);
    tok.villagePharmacist = await api.login(user.village.username);
    tok.admin = await api.login(t.users.admin.username);
    tok.auditor = await api.login(t.users.auditor.username);
    tok.instAdmin = await api.login(t.users.instAdmin.username);
    tok.clinician = await api.login(t.users.countyClinician.username);
    tok.villageClinician = await api.login(t.users.villageClinician.username);
    tok.other = await api.login(other.users.admin.username);
    tok.otherLead = await api.login(
      (
        await addUser(db.ds, other, `cat-olead-${other.tenantId.slice(0, 6)}`, other.inst.general, [
          'PHARMACIST',
        ])
      ).username,
    );

    // The national codes the unified list names, then the list itself through the api.
    dir = mkdtempSync(join(tmpdir(), 'yg-catalogue-'));
    const path = join(dir, 'dictionary.csv');
    writeFileSync(
      path,
      ['国标代码,注册名称,注册剂型,注册规格,药品企业']
        .concat((Object.keys(CODES) as Key[]).map((k) => `${CODES[k]},${DICTIONARY[k].join(',')},某制药厂`))
        .join('\n'),
    );
    const importer = api.app.get(DrugDictionaryImporter);
    const run = await importer.run(
      (await importer.request({ path, edition: '2026', full: true, requestedBy: 'test' })).id,
      {
        finalAttempt: true,
      },
    );
    expect(run.status).toBe('DONE');
    for (const k of Object.keys(CODES) as Key[]) {
      if (k === 'lova10') continue; // added later, to watch the re-match
      const [genericName, dosageForm, spec] = DICTIONARY[k];
      const res = await gql(
        `mutation($i: AddFormularyItemInput!) { addFormularyItem(input: $i) { id } }`,
        {
          i: {
            nationalCode: CODES[k],
            genericName,
            dosageForm,
            spec,
            tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'],
          },
        },
        tok.lead,
      );
      expect(res.errors).toBeUndefined();
      item[k] = res.data!.addFormularyItem.id;
    }
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  describe('upload and import', () => {
    it('imports a CSV of the hospital dictionary: bad rows by line, stock, progress pushed to the uploader and the institution', async () => {
      const uploader = new LiveClient(url, tok.lead);
      const colleague = new LiveClient(url, tok.clinician);
      try {
        await uploader.ready(user.lead.id);
        await colleague.ready(t.users.countyClinician.id);
        const file = csvOf(generalRows());
        const res = await upload(tok.lead, file, '总医院药品字典.csv');
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({
          status: 'QUEUED',
          institutionId: t.inst.general,
          fileName: '总医院药品字典.csv',
          format: 'CSV',
          sizeBytes: file.length,
          fullImport: true,
        });
        firstImportId = res.body.importId;
        const done = await uploader.waitFor(
          'catalogue.import.progress',
          (d) => d.id === firstImportId && d.status === 'DONE',
        );
        expect(done).toMatchObject({
          institutionId: t.inst.general,
          rowsDone: 29,
          rowsTotal: 29,
          rowsBad: 4,
        });
        // Progress came before the end, rows done never going back.
        const seen = uploader.of('catalogue.import.progress').filter((d) => d.id === firstImportId);
        expect(seen.some((d) => d.status === 'RUNNING')).toBe(true);
        const done_ = seen.map((d) => d.rowsDone);
        expect([...done_].sort((a, b) => a - b)).toEqual(done_);
        await colleague.waitFor(
          'catalogue.import.progress',
          (d) => d.id === firstImportId && d.status === 'DONE',
        );
      } finally {
        uploader.close();
        colleague.close();
      }

      const run = (await gql(IMPORT, { id: firstImportId }, tok.lead)).data!.catalogueImport;
      expect(run).toMatchObject({
        status: 'DONE',
        rowsTotal: 29,
        rowsOk: 25,
        rowsBad: 4,
        inserted: 25,
        updated: 0,
        deactivated: 0,
        stockUpdated: 8,
        requestedBy: user.lead.id,
      });
      expect(run.errors).toEqual([
        { line: 27, code: 'T003', reason: expect.stringMatching(/no generic name/) },
        { line: 28, code: 'T004', reason: expect.stringMatching(/pack factor/) },
        {
          line: 29,
          code: '200181',
          reason: expect.stringMatching(/duplicate local code; first on line 2\)/),
        },
        { line: 30, code: 'T005', reason: expect.stringMatching(/status must be/) },
      ]);
      // 交易状态 2 (暂停交易): listed, not in use.
      const [paused] = await db.ds.query(
        `SELECT active, deactivated_at FROM drug_catalogue_item WHERE institution_id = $1 AND local_code = '200177'`,
        [t.inst.general],
      );
      expect(paused.active).toBe(false);
      expect(paused.deactivated_at).not.toBeNull();
      // The file's bytes are gone once the import ended; its hash stays.
      expect(await count(`SELECT count(*) AS n FROM drug_catalogue_upload_chunk`)).toBe(0);
      expect(run.fileSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(
        await count(
          `SELECT count(*) AS n FROM audit_event WHERE action = 'drug.catalogue.upload' AND entity_id = $1`,
          [firstImportId],
        ),
      ).toBe(1);
    });

    it('matches onto the unified list: exact and national-code rows confirmed, look-alikes and traps proposed with reasons, a malformed code invalid', async () => {
      const expectAuto: Record<string, Key> = {
        '200181': 'acar50',
        '200185': 'feno',
        '200208': 'nife20',
        '200551': 'nife20',
        '200844': 'simva10',
        '200522': 'metf05',
        '200386': 'heparin',
        T001: 'amlo5',
      };
      for (const [code, key] of Object.entries(expectAuto)) {
        const m = await mappingOf(t.inst.general, code);
        expect([code, m.status, m.formulary_item_id]).toEqual([code, 'AUTO_CONFIRMED', item[key]]);
      }
      expect((await mappingOf(t.inst.general, 'T001')).tier).toBe('NATIONAL_CODE');
      for (const code of TRAPS) {
        const m = await mappingOf(t.inst.general, code);
        expect([code, m.status]).toEqual([code, 'PROPOSED']);
        expect(m.reasons.some((r: any) => r.code === 'WARNING')).toBe(true);
        expect(Number(m.score)).toBeLessThan(1);
      }
      for (const code of OTHERS)
        expect((await mappingOf(t.inst.general, code)).status).not.toBe('AUTO_CONFIRMED');
      const invalid = await mappingOf(t.inst.general, 'T002');
      expect(invalid.status).toBe('INVALID');
      expect(invalid.reasons[0]).toMatchObject({ code: 'PROBLEM' });
      // Every item has a mapping and its first version in the history.
      expect(
        await count(
          `SELECT count(*) AS n FROM drug_catalogue_item i WHERE i.institution_id = $1
             AND NOT EXISTS (SELECT 1 FROM drug_mapping_history h WHERE h.catalogue_item_id = i.id AND h.version = 1 AND h.action = 'MATCH')`,
          [t.inst.general],
        ),
      ).toBe(0);

      // The pharmacist's queue shows why each proposal was made.
      const queue = await gql(MAPPINGS, { inst: t.inst.general, first: 50 }, tok.lead);
      expect(queue.errors).toBeUndefined();
      const nodes = queue.data!.catalogueMappings.nodes as any[];
      expect(nodes.map((n) => n.item.localCode).sort()).toEqual(expect.arrayContaining([...TRAPS].sort()));
      expect(nodes.every((n) => n.status === 'PROPOSED' && n.proposals.length > 0)).toBe(true);
      const amlo = nodes.find((n) => n.item.localCode === '200834');
      expect(amlo).toMatchObject({
        formularyItemId: item.amlo5,
        formularyItem: { genericName: '苯磺酸氨氯地平片', spec: '5mg' },
        version: 1,
      });
      expect(amlo.warnings.join(' ')).toMatch(/salt stated on one side only/);
      expect(amlo.reasons.length).toBeGreaterThan(0);
      expect(amlo.proposals[0]).toMatchObject({
        formularyItemId: item.amlo5,
        formularyItem: { genericName: '苯磺酸氨氯地平片' },
      });
      const dispersible = nodes.find((n) => n.item.localCode === '200157');
      expect(dispersible.warnings.join(' ')).toMatch(/release differs/);
      const run = (await gql(IMPORT, { id: firstImportId }, tok.lead)).data!.catalogueImport;
      expect(run.matchCounts.autoConfirmed).toBe(8);
      expect(run.matchCounts.invalid).toBe(1);
      expect(run.matchCounts.proposed).toBeGreaterThanOrEqual(TRAPS.length);
    });

    it('does nothing with the same file again, nor with the same rows in another order', async () => {
      const snapshot = async () => ({
        versions: await count(`SELECT count(*) AS n FROM drug_catalogue_item_version`),
        history: await count(`SELECT count(*) AS n FROM drug_mapping_history`),
        stock: await count(`SELECT sum(version) AS n FROM drug_stock`),
        items: await db.ds.query(
          `SELECT local_code, version, active, updated_at FROM drug_catalogue_item WHERE institution_id = $1 ORDER BY local_code`,
          [t.inst.general],
        ),
      });
      const before = await snapshot();
      const again = await importFile(tok.lead, csvOf(generalRows()), '总医院药品字典.csv');
      expect(again).toMatchObject({ status: 'SKIPPED', duplicateOf: firstImportId, inserted: 0, updated: 0 });
      expect(await snapshot()).toEqual(before);

      const [header, ...rows] = generalRows();
      const reordered = await importFile(
        tok.lead,
        csvOf([header, ...rows.slice(0, 7), ...rows.slice(7, 23).reverse(), ...rows.slice(23)]),
        'reordered.csv',
      );
      expect(reordered).toMatchObject({
        status: 'DONE',
        inserted: 0,
        updated: 0,
        deactivated: 0,
        reactivated: 0,
        unchanged: 25,
        stockUpdated: 0,
      });
      expect(await snapshot()).toEqual(before);
    });

    it('versions changed rows, deactivates rows a full import no longer lists (kept, not deleted), reactivates what comes back', async () => {
      const rows = generalRows().filter((r) => !['200179', '200180'].includes(r[0]));
      const changed = rows.map((r) =>
        r[0] === '200178'
          ? [...r.slice(0, 5), '0.5g', ...r.slice(6)]
          : r[0] === '200177'
            ? [...r.slice(0, 9), '1', ...r.slice(10)]
            : r,
      );
      const run = await importFile(tok.lead, csvOf(changed), '总医院药品字典-第二版.csv');
      expect(run).toMatchObject({
        status: 'DONE',
        inserted: 0,
        updated: 1,
        deactivated: 2,
        reactivated: 1,
        unchanged: 21,
      });
      const versions = await db.ds.query(
        `SELECT i.local_code, i.active, i.spec, i.version, v.version AS v, v.change, v.snapshot->>'spec' AS spec_then
           FROM drug_catalogue_item i JOIN drug_catalogue_item_version v ON v.catalogue_item_id = i.id
          WHERE i.institution_id = $1 AND i.local_code IN ('200178','200179','200180','200177') ORDER BY i.local_code, v.version`,
        [t.inst.general],
      );
      expect(versions).toEqual([
        {
          local_code: '200177',
          active: true,
          spec: '60g',
          version: 2,
          v: 1,
          change: 'CREATE',
          spec_then: '60g',
        },
        {
          local_code: '200177',
          active: true,
          spec: '60g',
          version: 2,
          v: 2,
          change: 'REACTIVATE',
          spec_then: '60g',
        },
        {
          local_code: '200178',
          active: true,
          spec: '0.5g',
          version: 2,
          v: 1,
          change: 'CREATE',
          spec_then: '0.64g',
        },
        {
          local_code: '200178',
          active: true,
          spec: '0.5g',
          version: 2,
          v: 2,
          change: 'UPDATE',
          spec_then: '0.5g',
        },
        {
          local_code: '200179',
          active: false,
          spec: '10ml',
          version: 2,
          v: 1,
          change: 'CREATE',
          spec_then: '10ml',
        },
        {
          local_code: '200179',
          active: false,
          spec: '10ml',
          version: 2,
          v: 2,
          change: 'DEACTIVATE',
          spec_then: '10ml',
        },
        {
          local_code: '200180',
          active: false,
          spec: '干浸膏0.25g',
          version: 2,
          v: 1,
          change: 'CREATE',
          spec_then: '干浸膏0.25g',
        },
        {
          local_code: '200180',
          active: false,
          spec: '干浸膏0.25g',
          version: 2,
          v: 2,
          change: 'DEACTIVATE',
          spec_then: '干浸膏0.25g',
        },
      ]);
      // Only the changed item was matched again; its outcome did not change, so neither did its mapping.
      const counts = run.matchCounts as Record<string, number>;
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
      expect(counts.unmapped).toBe(1);
      expect((await mappingOf(t.inst.general, '200178')).version).toBe(1);

      // A partial file (full=false) brings one back and deactivates nothing else.
      const partial = await importFile(tok.lead, csvOf([HEADER, hisRow('200179')]), '补充.csv', {
        full: 'false',
      });
      expect(partial).toMatchObject({
        status: 'DONE',
        fullImport: false,
        reactivated: 1,
        deactivated: 0,
        unchanged: 0,
      });
      const active = await db.ds.query(
        `SELECT local_code FROM drug_catalogue_item WHERE institution_id = $1 AND NOT active ORDER BY local_code`,
        [t.inst.general],
      );
      expect(active.map((r: any) => r.local_code)).toEqual(['200180']);
    });

    it('imports an XLSX made with exceljs (title line above the header, a notes sheet) for the institution admin', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('药品字典');
      ws.addRow(['乡镇卫生院药品目录(2026年11月)']);
      ws.addRow(['药品编码', '通用名称', '商品名', '剂型', '规格', '包装单位', '生产厂家', '库存数量']);
      ws.addRow(['X-01', '阿卡波糖片', '拜糖平', '片剂', '50mg', '盒', '拜耳医药保健有限公司', 120]);
      ws.addRow(['X-02', '辛伐他汀', '', '片剂', '10mg', '盒', '某药业', 30]);
      ws.addRow(['X-03', '硝苯地平控释片', '拜新同', '控释片', '30mg', '盒', '拜耳医药保健有限公司', 0]);
      ws.addRow(['X-04', '', '', '片剂', '5mg', '盒', '某药业', 1]);
      ws.addRow(['X-05', '氨氯地平', '', '片剂', '5mg', '盒', '某药业', 5]);
      wb.addWorksheet('说明').addRow(['本表由 HIS 导出']);
      const file = Buffer.from(await wb.xlsx.writeBuffer());
      const run = await importFile(tok.instAdmin, file, '卫生院药品目录.xlsx', {
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
      expect(run).toMatchObject({
        status: 'DONE',
        format: 'XLSX',
        institutionId: t.inst.township,
        rowsTotal: 5,
        rowsBad: 1,
        inserted: 4,
        stockUpdated: 4,
        errors: [{ line: 6, code: 'X-04', reason: expect.stringMatching(/no generic name/) }],
      });
      expect((await mappingOf(t.inst.township, 'X-01')).status).toBe('AUTO_CONFIRMED');
      expect((await mappingOf(t.inst.township, 'X-02')).status).toBe('AUTO_CONFIRMED');
      expect((await mappingOf(t.inst.township, 'X-03')).status).not.toBe('AUTO_CONFIRMED');
      expect((await mappingOf(t.inst.township, 'X-05')).status).toBe('PROPOSED');
    });

    it('refuses a body over the size limit with 413 while it streams, storing nothing', async () => {
      const imports = await count(`SELECT count(*) AS n FROM drug_catalogue_import`);
      const big = Buffer.alloc(UPLOAD_LIMIT + 64 * 1024, 'a');
      // Declared length over the limit: refused before the body is read.
      const declared = await upload(tok.lead, big, 'big.csv');
      expect(declared.status).toBe(413);
      expect(declared.body).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(/limit/),
      });

      // No length declared (chunked): counted as the bytes arrive.
      const boundary = '----yg-boundary-413';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\n流水号,通用名\r\n`,
      );
      const res = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = httpRequest(
          `${url}/drugs/catalogues/upload`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${tok.lead}`,
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'transfer-encoding': 'chunked',
            },
          },
          (response) => {
            let text = '';
            response.on('data', (c) => (text += c));
            response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.write(head);
        // Written piece by piece, as a slow client would; the answer may come before the end.
        let sent = 0;
        const line = Buffer.from('200000,阿卡波糖片\r\n'.repeat(2000));
        const pump = () => {
          while (sent < UPLOAD_LIMIT * 4) {
            sent += line.length;
            if (!req.write(line)) return void req.once('drain', pump);
          }
          req.end(`\r\n--${boundary}--\r\n`);
        };
        pump();
      });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
      expect(await count(`SELECT count(*) AS n FROM drug_catalogue_import`)).toBe(imports);
      expect(await count(`SELECT count(*) AS n FROM drug_catalogue_upload_chunk`)).toBe(0);
    });

    it('streams a bounded number of uploads at once, and removes an upload the client abandons', async () => {
      const narrow = await TestApi.start({
        ...db.config,
        drugs: { uploadMaxBytes: 4 * 1024 * 1024, uploadConcurrency: 1 },
      });
      try {
        await narrow.app.listen(0, '127.0.0.1');
        const port = (narrow.app.getHttpServer().address() as AddressInfo).port;
        const boundary = '----yg-boundary-slow';
        const slow = httpRequest(`http://127.0.0.1:${port}/drugs/catalogues/upload`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tok.admin}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'transfer-encoding': 'chunked',
          },
        });
        slow.on('error', () => undefined);
        slow.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="institutionId"\r\n\r\n${t.inst.subcenter}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.csv"\r\n` +
            `Content-Type: text/csv\r\n\r\n流水号,通用名\r\n`,
        );
        slow.write(Buffer.from('200000,阿卡波糖片\r\n'.repeat(30_000)));
        // Stored as it arrives: the row is UPLOADING and chunks are in.
        await eventually(
          async () =>
            (await count(`SELECT count(*) AS n FROM drug_catalogue_upload_chunk c JOIN drug_catalogue_import i
              ON i.id = c.import_id WHERE i.status = 'UPLOADING'`)) >= 2,
          WAIT_MS,
        );
        const second = await narrow.http
          .post('/drugs/catalogues/upload')
          .set('authorization', `Bearer ${tok.lead}`)
          .attach('file', csvOf([HEADER, hisRow('200181')]), { filename: 'a.csv', contentType: 'text/csv' });
        expect([second.status, second.body.code]).toEqual([429, 'RATE_LIMITED']);
        // The client goes away mid-file: nothing of it stays.
        slow.destroy();
        await eventually(
          async () =>
            (await count(`SELECT count(*) AS n FROM drug_catalogue_import WHERE status = 'UPLOADING'`)) ===
              0 && (await count(`SELECT count(*) AS n FROM drug_catalogue_upload_chunk`)) === 0,
          WAIT_MS,
        );
        // And the slot is free again.
        const after = await narrow.http
          .post('/drugs/catalogues/upload')
          .set('authorization', `Bearer ${tok.lead}`)
          .field('full', 'false')
          .attach('file', csvOf([HEADER, hisRow('200181')]), { filename: 'a.csv', contentType: 'text/csv' });
        expect(after.status).toBe(202);
        await finished(after.body.importId);
      } finally {
        await narrow.close();
      }
    });

    it('checks the request and file type, one file, and one open import per institution', async () => {
      const csv = csvOf([HEADER, hisRow('200181')]);
      const wrongExt = await upload(tok.lead, csv, 'catalogue.pdf', { contentType: 'application/pdf' });
      expect([wrongExt.status, wrongExt.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const wrongMime = await upload(tok.lead, csv, 'catalogue.csv', { contentType: 'image/png' });
      expect([wrongMime.status, wrongMime.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const notXlsx = await upload(tok.lead, csv, 'catalogue.xlsx', {
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
      expect([notXlsx.status, notXlsx.body.message]).toEqual([
        415,
        expect.stringMatching(/not an .xlsx workbook/),
      ]);
      const binary = await upload(tok.lead, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]), 'catalogue.csv');
      expect([binary.status, binary.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const json = await api.http
        .post('/drugs/catalogues/upload')
        .set('authorization', `Bearer ${tok.lead}`)
        .send({ file: 'x' });
      expect([json.status, json.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const noFile = await api.http
        .post('/drugs/catalogues/upload')
        .set('authorization', `Bearer ${tok.lead}`)
        .field('institutionId', t.inst.general);
      expect([noFile.status, noFile.body.code]).toEqual([400, 'BAD_USER_INPUT']);
      // A file under another field name, and a body cut off inside a file the type check refuses:
      // each request is refused, and the api (this process) lives on to answer the next one.
      const wrongField = await api.http
        .post('/drugs/catalogues/upload')
        .set('authorization', `Bearer ${tok.lead}`)
        .attach('upload', csv, { filename: 'a.csv', contentType: 'text/csv' });
      expect([wrongField.status, wrongField.body.code]).toEqual([400, 'BAD_USER_INPUT']);
      const cutOff = await api.http
        .post('/drugs/catalogues/upload')
        .set('authorization', `Bearer ${tok.lead}`)
        .set('content-type', 'multipart/form-data; boundary=xx')
        .send(
          '--xx\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n' +
            'Content-Type: text/csv\r\n\r\n\xff\xfe',
        );
      expect([cutOff.status, cutOff.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      await new Promise((r) => setTimeout(r, 50));
      const empty = await upload(tok.lead, Buffer.alloc(0), 'empty.csv');
      expect([empty.status, empty.body.code]).toEqual([400, 'BAD_USER_INPUT']);
      const badFlag = await upload(tok.lead, csv, 'a.csv', { full: 'maybe' });
      expect([badFlag.status, badFlag.body.code]).toEqual([400, 'BAD_USER_INPUT']);

      const [open] = await db.ds.query(
        `INSERT INTO drug_catalogue_import (tenant_id, institution_id, file_name, format, status)
         VALUES ($1, $2, 'running.csv', 'CSV', 'RUNNING') RETURNING id`,
        [t.tenantId, t.inst.village],
      );
      try {
        const busy = await upload(tok.admin, csv, 'a.csv', { institutionId: t.inst.village });
        expect([busy.status, busy.body]).toEqual([
          409,
          expect.objectContaining({ code: 'CONFLICT', existingId: open.id }),
        ]);
      } finally {
        await db.ds.query(
          `UPDATE drug_catalogue_import SET status = 'FAILED', failure = 'test' WHERE id = $1`,
          [open.id],
        );
      }
      expect(await count(`SELECT count(*) AS n FROM drug_catalogue_import WHERE status = 'UPLOADING'`)).toBe(
        0,
      );
      expect(await count(`SELECT count(*) AS n FROM drug_catalogue_upload_chunk`)).toBe(0);
    });

    it('lets only the institution’s admins and pharmacists, and consortium admins, upload', async () => {
      const csv = csvOf([HEADER, hisRow('200181', { 库存: '3' }), hisRow('200844')]);
      const noToken = await upload(null, csv, 'a.csv');
      expect([noToken.status, noToken.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      const clinician = await upload(tok.clinician, csv, 'a.csv');
      expect([clinician.status, clinician.body.code]).toEqual([403, 'FORBIDDEN']);
      // Another member's catalogue: not even there for a township pharmacist…
      const town = await upload(tok.town, csv, 'a.csv', { institutionId: t.inst.village });
      expect([town.status, town.body.code]).toEqual([404, 'NOT_FOUND']);
      // …seen but not kept by the lead hospital's pharmacist…
      const lead = await upload(tok.lead, csv, 'a.csv', { institutionId: t.inst.village });
      expect([lead.status, lead.body.code]).toEqual([403, 'FORBIDDEN']);
      // …and nothing at all to another consortium.
      const foreign = await upload(tok.other, csv, 'a.csv', { institutionId: t.inst.village });
      expect([foreign.status, foreign.body.code]).toEqual([404, 'NOT_FOUND']);
      const partner = await upload(tok.admin, csv, 'a.csv', { institutionId: t.inst.partner });
      expect([partner.status, partner.body.code]).toEqual([400, 'BAD_USER_INPUT']);
      expect(
        await count(
          `SELECT count(*) AS n FROM drug_catalogue_import WHERE institution_id = $1 AND status <> 'FAILED'`,
          [t.inst.village],
        ),
      ).toBe(0);
      // An upload whose api died long ago does not block the institution.
      await db.ds.query(
        `INSERT INTO drug_catalogue_import (tenant_id, institution_id, file_name, format, status, created_at)
         VALUES ($1, $2, 'crashed.csv', 'CSV', 'UPLOADING', now() - interval '1 hour')`,
        [t.tenantId, t.inst.village],
      );
      // A consortium admin uploads for any member.
      const run = await importFile(tok.admin, csv, '村卫生室.csv', { institutionId: t.inst.village });
      expect(run).toMatchObject({
        status: 'DONE',
        institutionId: t.inst.village,
        inserted: 2,
        stockUpdated: 1,
      });
    });
  });

  describe('review', () => {
    const queueOf = async (token: string, inst?: string) => {
      const res = await gql(MAPPINGS, { inst, first: 100 }, token);
      expect(res.errors).toBeUndefined();
      return res.data!.catalogueMappings.nodes as any[];
    };

    it('shows each pharmacist the queue they may work, and only deciders decide', async () => {
      const all = await queueOf(tok.lead);
      expect(new Set(all.map((n) => n.institutionId))).toEqual(new Set([t.inst.general, t.inst.township]));
      const town = await queueOf(tok.town);
      expect(town.length).toBeGreaterThan(0);
      expect(town.every((n) => n.institutionId === t.inst.township)).toBe(true);
      expectError(await gql(MAPPINGS, { inst: t.inst.general }, tok.town), 'NOT_FOUND');
      // Paging: two pages of one cover the first two nodes.
      const p1 = await gql(MAPPINGS, { inst: t.inst.general, first: 1 }, tok.lead);
      const p2 = await gql(
        MAPPINGS,
        { inst: t.inst.general, first: 1, after: p1.data!.catalogueMappings.pageInfo.endCursor },
        tok.lead,
      );
      const firstTwo = (await gql(MAPPINGS, { inst: t.inst.general, first: 2 }, tok.lead)).data!
        .catalogueMappings.nodes;
      expect([p1.data!.catalogueMappings.nodes[0].id, p2.data!.catalogueMappings.nodes[0].id]).toEqual(
        firstTwo.map((n: any) => n.id),
      );

      const m = await mappingOf(t.inst.general, '200834');
      // A clinician of the same hospital reads the catalogue but cannot decide.
      expect((await gql(MAPPINGS, { inst: t.inst.general }, tok.clinician)).errors).toBeUndefined();
      expectError(await gql(CONFIRM, { id: m.item_id, v: 1 }, tok.clinician), 'FORBIDDEN');
      expectError(await gql(CONFIRM, { id: m.item_id, v: 1 }, tok.instAdmin), 'FORBIDDEN');
      // Another member's pharmacist does not see it; another consortium's neither.
      expectError(await gql(CONFIRM, { id: m.item_id, v: 1 }, tok.villagePharmacist), 'NOT_FOUND');
      expectError(await gql(CONFIRM, { id: m.item_id, v: 1 }, tok.otherLead), 'NOT_FOUND');
      expectError(await gql(REJECT, { id: m.item_id, r: '不对', v: 1 }, tok.other), 'NOT_FOUND');
      expect((await mappingOf(t.inst.general, '200834')).version).toBe(1);
    });

    it('confirms, rejects and re-maps with an audit event each, keeping every earlier mapping', async () => {
      const amlo = await mappingOf(t.inst.general, '200834');
      const confirmed = await gql(CONFIRM, { id: amlo.item_id, v: 1 }, tok.lead);
      expect(confirmed.errors).toBeUndefined();
      expect(confirmed.data!.confirmMapping).toMatchObject({
        status: 'CONFIRMED',
        formularyItemId: item.amlo5,
        version: 2,
        decidedBy: user.lead.id,
        history: [
          { version: 1, action: 'MATCH', status: 'PROPOSED', formularyItemId: item.amlo5 },
          {
            version: 2,
            action: 'CONFIRM',
            status: 'CONFIRMED',
            formularyItemId: item.amlo5,
            decidedBy: user.lead.id,
          },
        ],
      });

      const dispersible = await mappingOf(t.inst.general, '200157');
      expectError(await gql(REJECT, { id: dispersible.item_id, r: ' ', v: 1 }, tok.admin), 'BAD_USER_INPUT');
      const rejected = await gql(
        REJECT,
        { id: dispersible.item_id, r: '分散片与普通片不可互换', v: 1 },
        tok.admin,
      );
      expect(rejected.data!.rejectMapping).toMatchObject({
        status: 'REJECTED',
        formularyItemId: null,
        note: '分散片与普通片不可互换',
        version: 2,
        history: [
          { version: 1, action: 'MATCH', status: 'PROPOSED', formularyItemId: item.simva10 },
          {
            version: 2,
            action: 'REJECT',
            status: 'REJECTED',
            formularyItemId: null,
            note: '分散片与普通片不可互换',
          },
        ],
      });
      expect(rejected.data!.rejectMapping.proposals.length).toBeGreaterThan(0);
      expectError(
        await gql(REJECT, { id: dispersible.item_id, r: '再次驳回', v: 2 }, tok.admin),
        'INVALID_TRANSITION',
      );

      const simva20 = await mappingOf(t.inst.general, '200129');
      const remapped = await gql(
        REMAP,
        { id: simva20.item_id, f: item.simva10, r: '按 10mg 规格两片替代,已与临床确认' },
        tok.lead,
      );
      expect(remapped.data!.remapCatalogueItem).toMatchObject({
        status: 'CONFIRMED',
        tier: 'MANUAL',
        formularyItemId: item.simva10,
        note: '按 10mg 规格两片替代,已与临床确认',
        history: [
          { version: 1, action: 'MATCH' },
          { version: 2, action: 'REMAP', status: 'CONFIRMED' },
        ],
      });
      // Confirming the same thing twice is one decision.
      const again = await gql(CONFIRM, { id: amlo.item_id, v: 2 }, tok.lead);
      expect(again.data!.confirmMapping.version).toBe(2);

      const audits = await db.ds.query(
        `SELECT action, actor_user_id, entity_id, details FROM audit_event
          WHERE action LIKE 'drug.mapping.%' ORDER BY occurred_at, id`,
      );
      expect(audits.map((a: any) => [a.action, a.actor_user_id, a.entity_id])).toEqual([
        ['drug.mapping.confirm', user.lead.id, amlo.item_id],
        ['drug.mapping.reject', t.users.admin.id, dispersible.item_id],
        ['drug.mapping.remap', user.lead.id, simva20.item_id],
      ]);
      expect(audits[1].details).toMatchObject({
        from: { status: 'PROPOSED', formularyItemId: item.simva10, version: 1 },
        to: { status: 'REJECTED', formularyItemId: null, version: 2 },
        reason: '分散片与普通片不可互换',
      });
    });

    it('lets one of two parallel decisions win; the other, and a stale one, get CONFLICT', async () => {
      const m = await mappingOf(t.inst.general, '200089');
      const results = await Promise.all([
        gql(CONFIRM, { id: m.item_id, v: 1 }, tok.lead),
        gql(REJECT, { id: m.item_id, r: '肠溶片不是缓释片', v: 1 }, tok.admin),
        gql(CONFIRM, { id: m.item_id, v: 1 }, tok.admin),
      ]);
      const ok = results.filter((r) => !r.errors);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(2);
      expect(
        await count(`SELECT count(*) AS n FROM drug_mapping_history WHERE catalogue_item_id = $1`, [
          m.item_id,
        ]),
      ).toBe(2);
      expect((await mappingOf(t.inst.general, '200089')).version).toBe(2);

      const stale = await gql(
        CONFIRM,
        { id: (await mappingOf(t.inst.general, '200287')).item_id, v: 7 },
        tok.lead,
      );
      expectError(stale, 'CONFLICT', /reload and decide again/);
      expect(stale.errors![0].extensions).toMatchObject({ currentVersion: 1 });
    });

    it('matches pending and unmapped items again when the unified list changes, and only once', async () => {
      const lova = await mappingOf(t.inst.general, '200619');
      expect([lova.status, lova.formulary_item_id]).toEqual(['PROPOSED', item.simva10]);
      const added = await gql(
        `mutation($i: AddFormularyItemInput!) { addFormularyItem(input: $i) { id } }`,
        {
          i: {
            nationalCode: CODES.lova10,
            genericName: '洛伐他汀片',
            dosageForm: '片剂',
            spec: '10mg',
            tiers: ['COUNTY'],
          },
        },
        tok.lead,
      );
      item.lova10 = added.data!.addFormularyItem.id;
      const after = await eventually(async () => {
        const m = await mappingOf(t.inst.general, '200619');
        return m.status === 'AUTO_CONFIRMED' ? m : null;
      }, WAIT_MS);
      expect(after).toMatchObject({ formulary_item_id: item.lova10, version: 2 });
      const [h] = await db.ds.query(
        `SELECT action FROM drug_mapping_history WHERE catalogue_item_id = $1 AND version = 2`,
        [after.item_id],
      );
      expect(h.action).toBe('REMATCH');
      // A decided mapping stays as the pharmacist left it.
      expect((await mappingOf(t.inst.general, '200157')).status).toBe('REJECTED');

      // Retiring an item: what was mapped to it is matched again.
      const heparin = (
        await gql(`query($id: ID!) { formularyItem(id: $id) { version } }`, { id: item.heparin }, tok.lead)
      ).data!.formularyItem.version;
      await gql(
        `mutation($i: RetireFormularyItemInput!) { retireFormularyItem(input: $i) { status } }`,
        { i: { id: item.heparin, reason: '改用低分子肝素', expectedVersion: heparin } },
        tok.lead,
      );
      await eventually(
        async () => (await mappingOf(t.inst.general, '200386')).formulary_item_id !== item.heparin,
        WAIT_MS,
      );
      expect((await mappingOf(t.inst.general, '200386')).status).not.toBe('AUTO_CONFIRMED');

      const history = await count(`SELECT count(*) AS n FROM drug_mapping_history`);
      const matching = worker.get(CatalogueMatching, { strict: false });
      expect(await matching.rematchTenant(t.tenantId)).toMatchObject({ changed: 0 });
      expect(await count(`SELECT count(*) AS n FROM drug_mapping_history`)).toBe(history);
    });

    it("tells the member, the lead hospital's pharmacists and consortium admins of a decision on the member's mapping; another member hears nothing", async () => {
      const live = {
        lead: new LiveClient(url, tok.lead),
        admin: new LiveClient(url, tok.admin),
        town: new LiveClient(url, tok.town),
        village: new LiveClient(url, tok.villagePharmacist),
      };
      try {
        await Promise.all([
          live.lead.ready(user.lead.id),
          live.admin.ready(t.users.admin.id),
          live.town.ready(user.town.id),
          live.village.ready(user.village.id),
        ]);
        const m = (await queueOf(tok.town)).find((n) => n.status === 'PROPOSED' && n.formularyItemId);
        expect(m).toBeDefined();
        const decided = await gql(CONFIRM, { id: m.id, v: m.version }, tok.town);
        expect(decided.errors).toBeUndefined();
        const pushed = (c: LiveClient) =>
          c.waitFor('catalogue.mapping.updated', (d) => d.catalogueItemIds?.includes(m.catalogueItemId));
        for (const c of [live.town, live.lead, live.admin]) {
          expect(await pushed(c)).toEqual({
            institutionId: t.inst.township,
            reason: 'DECISION',
            count: 1,
            catalogueItemIds: [m.catalogueItemId],
            at: expect.any(String),
          });
        }
        // Quiet for the village's pharmacist: not theirs, and they review only their own.
        await new Promise((r) => setTimeout(r, 500));
        expect(
          live.village.of('catalogue.mapping.updated').filter((d) => d.institutionId === t.inst.township),
        ).toEqual([]);
      } finally {
        Object.values(live).forEach((c) => c.close());
      }
    });
  });

  describe('coverage and stock', () => {
    const statementsOf = async (fn: () => Promise<GqlResult>) => {
      const { result, sql } = await countStatements(api.app, fn);
      expect(result.errors).toBeUndefined();
      return { res: result, n: sql.length };
    };

    it('counts mapped, pending, unmapped and invalid per institution and in total, in the same number of statements for more institutions', async () => {
      const expected = async (inst: string) => {
        const rows = await db.ds.query(
          `SELECT m.status, count(*)::int AS n FROM drug_catalogue_item i JOIN drug_mapping m ON m.catalogue_item_id = i.id
            WHERE i.institution_id = $1 AND i.active GROUP BY m.status`,
          [inst],
        );
        const by = Object.fromEntries(rows.map((r: any) => [r.status, r.n]));
        const items = rows.reduce((n: number, r: any) => n + r.n, 0);
        const mapped = (by.AUTO_CONFIRMED ?? 0) + (by.CONFIRMED ?? 0);
        return {
          institutionId: inst,
          items,
          mapped,
          autoConfirmed: by.AUTO_CONFIRMED ?? 0,
          confirmed: by.CONFIRMED ?? 0,
          pending: by.PROPOSED ?? 0,
          unmapped: (by.UNMAPPED ?? 0) + (by.REJECTED ?? 0),
          rejected: by.REJECTED ?? 0,
          invalid: by.INVALID ?? 0,
          mappedShare: Math.round((mapped / items) * 10_000) / 10_000,
        };
      };
      const report = await gql(COVERAGE, {}, tok.admin);
      const general = await expected(t.inst.general);
      // Two confirmed and one rejected by hand, and one of the parallel decisions.
      expect(general.confirmed + general.rejected).toBe(4);
      expect(general.invalid).toBe(1);
      const institutions = report.data!.catalogueCoverage.institutions as any[];
      expect(institutions).toHaveLength(3);
      for (const inst of [t.inst.general, t.inst.township, t.inst.village]) {
        expect(institutions.find((i) => i.institutionId === inst)).toEqual(await expected(inst));
      }
      const total = report.data!.catalogueCoverage.total;
      expect(total.items).toBe(institutions.reduce((n, i) => n + i.items, 0));
      expect(total.mapped).toBe(institutions.reduce((n, i) => n + i.mapped, 0));
      expect(total.institutionId).toBeNull();

      // One institution, and the narrower views.
      const one = await gql(COVERAGE, { inst: t.inst.general }, tok.clinician);
      expect(one.data!.catalogueCoverage.institutions).toEqual([general]);
      const own = await gql(COVERAGE, {}, tok.town);
      expect(own.data!.catalogueCoverage.institutions.map((i: any) => i.institutionId)).toEqual([
        t.inst.township,
      ]);
      expect((await gql(COVERAGE, {}, tok.auditor)).data!.catalogueCoverage.institutions).toHaveLength(3);
      expectError(await gql(COVERAGE, { inst: t.inst.general }, tok.villageClinician), 'NOT_FOUND');
      expectError(await gql(COVERAGE, { inst: t.inst.general }, tok.other), 'NOT_FOUND');

      const q = `{ catalogueCoverage { total { items } institutions { items mappedShare institution { name } } } }`;
      const three = await statementsOf(() => gql(q, {}, tok.admin));
      await importFile(tok.admin, csvOf([HEADER, hisRow('200185')]), 'sub.csv', {
        institutionId: t.inst.subcenter,
      });
      const four = await statementsOf(() => gql(q, {}, tok.admin));
      expect(four.res.data!.catalogueCoverage.institutions).toHaveLength(4);
      expect(four.n).toBe(three.n);
      expect(four.n).toBeLessThanOrEqual(3);
    });

    it('sets stock in bounded, audited, idempotent batches; catalogueItems shows mapping and stock', async () => {
      const [acar, t001] = [
        await mappingOf(t.inst.general, '200181'),
        await mappingOf(t.inst.general, 'T001'),
      ];
      const input = {
        institutionId: t.inst.general,
        items: [
          { catalogueItemId: acar.item_id, onHand: 99 },
          { catalogueItemId: t001.item_id, onHand: 12.5 },
        ],
      };
      const first = await gql(STOCK, { i: input }, tok.lead);
      expect(first.errors).toBeUndefined();
      expect(first.data!.updateStock).toMatchObject({ updated: 2, unchanged: 0 });
      expect(first.data!.updateStock.items).toEqual(
        expect.arrayContaining([
          { catalogueItemId: acar.item_id, onHand: 99, source: 'MANUAL', version: 2 },
          { catalogueItemId: t001.item_id, onHand: 12.5, source: 'MANUAL', version: 2 },
        ]),
      );
      const audits = () => count(`SELECT count(*) AS n FROM audit_event WHERE action = 'drug.stock.update'`);
      expect(await audits()).toBe(1);
      const again = await gql(STOCK, { i: input }, tok.lead);
      expect(again.data!.updateStock).toMatchObject({ updated: 0, unchanged: 2 });
      expect(await audits()).toBe(1);
      const [audit] = await db.ds.query(
        `SELECT actor_user_id, details FROM audit_event WHERE action = 'drug.stock.update'`,
      );
      expect(audit.actor_user_id).toBe(user.lead.id);
      expect(audit.details.changed).toEqual(
        expect.arrayContaining([{ catalogueItemId: acar.item_id, from: '10.000', to: '99.000' }]),
      );

      expectError(await gql(STOCK, { i: input }, tok.clinician), 'FORBIDDEN');
      expectError(await gql(STOCK, { i: input }, tok.town), 'NOT_FOUND');
      expectError(await gql(STOCK, { i: input }, tok.other), 'NOT_FOUND');
      const townItem = await mappingOf(t.inst.township, 'X-01');
      expectError(
        await gql(
          STOCK,
          { i: { institutionId: t.inst.general, items: [{ catalogueItemId: townItem.item_id, onHand: 1 }] } },
          tok.lead,
        ),
        'NOT_FOUND',
      );
      expectError(
        await gql(
          STOCK,
          { i: { ...input, items: [{ catalogueItemId: acar.item_id, onHand: -1 }] } },
          tok.lead,
        ),
        'BAD_USER_INPUT',
      );
      expectError(
        await gql(
          STOCK,
          { i: { ...input, items: [input.items[0], { ...input.items[0], onHand: 3 }] } },
          tok.lead,
        ),
        'BAD_USER_INPUT',
      );
      const tooMany = Array.from({ length: 501 }, () => ({ catalogueItemId: acar.item_id, onHand: 1 }));
      expectError(await gql(STOCK, { i: { ...input, items: tooMany } }, tok.lead), 'BAD_USER_INPUT');
      expect(
        (await db.ds.query(`SELECT on_hand FROM drug_stock WHERE catalogue_item_id = $1`, [acar.item_id]))[0]
          .on_hand,
      ).toBe('99.000');

      const listed = await gql(
        ITEMS,
        { inst: t.inst.general, search: '阿卡波糖', mapped: true },
        tok.clinician,
      );
      expect(listed.data!.catalogueItems.nodes).toEqual([
        expect.objectContaining({
          localCode: '200181',
          brandName: '卡博平',
          packFactor: 30,
          active: true,
          institution: { name: '县总医院' },
          mapping: { status: 'AUTO_CONFIRMED', formularyItem: { genericName: '阿卡波糖片' } },
          stock: { onHand: 99, source: 'MANUAL', version: 2 },
        }),
      ]);
      const byCode = await gql(ITEMS, { inst: t.inst.general, search: 'T00' }, tok.lead);
      expect(byCode.data!.catalogueItems.nodes.map((n: any) => n.localCode).sort()).toEqual(['T001', 'T002']);
      const mapped = await gql(ITEMS, { inst: t.inst.general, mapped: true, first: 100 }, tok.lead);
      expect(
        mapped.data!.catalogueItems.nodes.every((n: any) =>
          ['AUTO_CONFIRMED', 'CONFIRMED'].includes(n.mapping.status),
        ),
      ).toBe(true);
      const withInactive = await gql(ITEMS, { inst: t.inst.general, inactive: true, first: 100 }, tok.lead);
      expect(withInactive.data!.catalogueItems.nodes.some((n: any) => !n.active)).toBe(true);
      expectError(await gql(ITEMS, { inst: t.inst.general }, tok.villageClinician), 'NOT_FOUND');
      expectError(await gql(ITEMS, { inst: t.inst.general }, tok.other), 'NOT_FOUND');
      expect((await gql(ITEMS, {}, tok.villageClinician)).data!.catalogueItems.nodes).toHaveLength(2);

      const small = await statementsOf(() => gql(ITEMS, { inst: t.inst.general, first: 3 }, tok.lead));
      const large = await statementsOf(() => gql(ITEMS, { inst: t.inst.general, first: 20 }, tok.lead));
      expect(large.res.data!.catalogueItems.nodes).toHaveLength(20);
      expect(large.n).toBe(small.n);
    });

    it('keeps another consortium out of everything', async () => {
      expectError(await gql(IMPORT, { id: firstImportId }, tok.other), 'NOT_FOUND');
      expectError(
        await gql(
          `query($inst: ID) { catalogueImports(institutionId: $inst) { nodes { id } } }`,
          { inst: t.inst.general },
          tok.other,
        ),
        'NOT_FOUND',
      );
      expectError(await gql(MAPPINGS, { inst: t.inst.general }, tok.otherLead), 'NOT_FOUND');
      const m = await mappingOf(t.inst.general, '200287');
      expectError(
        await gql(REMAP, { id: m.item_id, f: item.simva10, r: '试试看' }, tok.otherLead),
        'NOT_FOUND',
      );
      expectError(
        await gql(`query($id: ID!) { catalogueItem(id: $id) { id } }`, { id: m.item_id }, tok.other),
        'NOT_FOUND',
      );
      // Their own view of the world is empty.
      expect((await gql(COVERAGE, {}, tok.other)).data!.catalogueCoverage.institutions).toEqual([]);
      expect((await gql(MAPPINGS, {}, tok.otherLead)).data!.catalogueMappings.nodes).toEqual([]);
      // The lists of this consortium's imports, as its own admin sees them.
      const imports = await gql(
        `query { catalogueImports(first: 50) { nodes { id status } } }`,
        {},
        tok.lead,
      );
      expect(imports.data!.catalogueImports.nodes[imports.data!.catalogueImports.nodes.length - 1].id).toBe(
        firstImportId,
      );
    });
  });
});
