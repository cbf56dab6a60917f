import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { JOBS, QUEUES } from '@yg/core';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { registerPatient, upReferralInput } from './utils/referrals';
import { eventually, startWorker } from './utils/worker';
import { addUser, queueOf } from './pipeline-helpers';
import { downloadDocument, samplePdf, uploadDocument } from './utils/documents';

/**
 * Clinical documents end to end: a clinician uploads a scan (multipart), attaches it to a
 * referral or a consultation in the same call that creates it, and those who may read that
 * record download it, each read audited; what the store refuses (other kinds of file, oversize,
 * empty, over the day's allowance, someone else's upload, one already attached) changes nothing.
 */

jest.setTimeout(120_000);

const MAX_BYTES = 64 * 1024;
const DAILY_FILES = 12;
const DAILY_BYTES = 150_000;

const pdf = samplePdf;
const jpeg = (size = 600) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
const dicom = () =>
  Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([2, 0, 1, 0]), randomBytes(300)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const ATTACHMENTS = `attachments { name type uri documentId sizeBytes sha256 }`;
const CREATE = `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number ${ATTACHMENTS} } }`;

describe('clinical documents', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let other: TenantFixture;
  let patientId: string;
  const tok: Record<string, string> = {};

  const upload = (token: string | null, file: Buffer, name: string, contentType?: string) =>
    uploadDocument(api, token, file, name, contentType);
  const uploaded = async (token: string, file: Buffer, name: string, contentType?: string) => {
    const res = await upload(token, file, name, contentType);
    expect(res.status).toBe(201);
    return res.body as {
      documentId: string;
      fileName: string;
      mediaType: string;
      sizeBytes: number;
      sha256: string;
    };
  };
  const download = (token: string | null, id: string) => downloadDocument(api, token, `/documents/${id}`);
  const errorBody = (body: Buffer) => JSON.parse(body.toString('utf8'));
  const rowsOf = async (sql: string, params: unknown[] = []) => db.ds.query(sql, params);
  const count = async (sql: string, params: unknown[] = []) => Number((await db.ds.query(sql, params))[0].n);
  const documents = () => count(`SELECT count(*) AS n FROM clinical_document`);
  const chunks = () => count(`SELECT count(*) AS n FROM clinical_document_chunk`);
  const referrals = () => count(`SELECT count(*) AS n FROM referral WHERE tenant_id = $1`, [t.tenantId]);

  beforeAll(async () => {
    db = await createTestDb({
      DOCUMENT_MAX_BYTES: String(MAX_BYTES),
      DOCUMENT_DAILY_FILES: String(DAILY_FILES),
      DOCUMENT_DAILY_BYTES: String(DAILY_BYTES),
    });
    api = await TestApi.start(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    for (const k of [
      'villageClinician',
      'coordinator',
      'countyClinician',
      'expert',
      'auditor',
      'instAdmin',
    ] as const)
      tok[k] = await api.login(t.users[k].username);
    tok.foreign = await api.login(other.users.villageClinician.username);
    tok.foreignAuditor = await api.login(other.users.auditor.username);
    patientId = await registerPatient(api, tok.villageClinician, '附件患者');
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('keeps an upload for its uploader alone until it is attached', async () => {
    const file = pdf();
    const doc = await uploaded(tok.villageClinician, file, '心电图报告.pdf');
    expect(doc).toEqual({
      documentId: expect.any(String),
      fileName: '心电图报告.pdf',
      mediaType: 'application/pdf',
      sizeBytes: file.length,
      sha256: sha(file),
    });
    const mine = await download(tok.villageClinician, doc.documentId);
    expect(mine.status).toBe(200);
    expect(Buffer.compare(mine.body as Buffer, file)).toBe(0);
    expect(mine.headers['content-type']).toBe('application/pdf');
    expect(mine.headers['content-disposition']).toBe(
      `attachment; filename="_____.pdf"; filename*=UTF-8''${encodeURIComponent('心电图报告.pdf')}`,
    );
    expect(mine.headers['x-content-type-options']).toBe('nosniff');
    expect(mine.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(mine.headers['cache-control']).toBe('private, no-store');
    expect(mine.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha(file), 'hex').toString('base64')}:`);

    for (const token of [tok.coordinator, tok.auditor, tok.foreign]) {
      const res = await download(token, doc.documentId);
      expect(res.status).toBe(404);
      expect(errorBody(res.body)).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await download(null, doc.documentId)).status).toBe(401);
    expect((await download(tok.villageClinician, 'not-a-uuid')).status).toBe(404);
    expect((await download(tok.villageClinician, randomUUID())).status).toBe(404);
  });

  it('attaches uploads to a referral as it is created; whoever reads the referral reads them, audited', async () => {
    const scan = pdf('scan');
    const photo = jpeg();
    const a = await uploaded(tok.villageClinician, scan, '血常规.pdf');
    // The kind is what the bytes are, not what the browser said or the name claims.
    const b = await uploaded(tok.villageClinician, photo, 'x.html', 'text/html');
    expect(b).toMatchObject({ fileName: 'x.html.jpg', mediaType: 'image/jpeg' });

    const res = await api.gql(
      CREATE,
      {
        i: upReferralInput(patientId, t.inst.general, {
          attachments: [
            { name: '血常规', documentId: a.documentId },
            { name: '胸片', type: 'DICOM', uri: 'https://pacs.example/studies/1' },
            { name: '皮疹照片', type: 'text/html', documentId: b.documentId },
          ],
        }),
      },
      tok.villageClinician,
    );
    expect(res.errors).toBeUndefined();
    const referral = res.data!.createReferral;
    expect(referral.attachments).toEqual([
      {
        name: '血常规',
        type: 'application/pdf',
        uri: `/documents/${a.documentId}`,
        documentId: a.documentId,
        sizeBytes: scan.length,
        sha256: sha(scan),
      },
      {
        name: '胸片',
        type: 'DICOM',
        uri: 'https://pacs.example/studies/1',
        documentId: null,
        sizeBytes: null,
        sha256: null,
      },
      {
        name: '皮疹照片',
        type: 'image/jpeg',
        uri: `/documents/${b.documentId}`,
        documentId: b.documentId,
        sizeBytes: photo.length,
        sha256: sha(photo),
      },
    ]);
    const [row] = await rowsOf(
      `SELECT subject_kind, subject_id, patient_id FROM clinical_document WHERE id = $1`,
      [a.documentId],
    );
    expect(row).toEqual({ subject_kind: 'referral', subject_id: referral.id, patient_id: patientId });

    // Both ends and the consortium's auditor read it; the township's admin and another consortium do not.
    for (const token of [tok.villageClinician, tok.coordinator, tok.auditor]) {
      const got = await download(token, a.documentId);
      expect(got.status).toBe(200);
      expect(Buffer.compare(got.body as Buffer, scan)).toBe(0);
    }
    for (const token of [tok.instAdmin, tok.foreign, tok.foreignAuditor, tok.expert]) {
      expect((await download(token, a.documentId)).status).toBe(404);
    }
    const reads = await rowsOf(
      `SELECT actor_user_id, details FROM audit_event WHERE action = 'document.read' AND entity_id = $1 ORDER BY id`,
      [a.documentId],
    );
    expect(reads.map((r: { actor_user_id: string }) => r.actor_user_id)).toEqual([
      t.users.villageClinician.id,
      t.users.coordinator.id,
      t.users.auditor.id,
    ]);
    expect(reads[0].details).toEqual({ subjectKind: 'referral', subjectId: referral.id, patientId });
    // No file name in the trail: clinicians name files after patients.
    const [up] = await rowsOf(
      `SELECT details FROM audit_event WHERE action = 'document.upload' AND entity_id = $1`,
      [a.documentId],
    );
    expect(up.details).toEqual({ mediaType: 'application/pdf', sizeBytes: scan.length, sha256: sha(scan) });
  });

  it('refuses to attach an upload twice, another user’s upload, or a malformed item, and changes nothing', async () => {
    const mine = await uploaded(tok.villageClinician, pdf(), 'a.pdf');
    const first = await api.gql(
      CREATE,
      {
        i: upReferralInput(patientId, t.inst.general, {
          attachments: [{ name: 'a', documentId: mine.documentId }],
        }),
      },
      tok.villageClinician,
    );
    expect(first.errors).toBeUndefined();
    const theirs = await uploaded(tok.countyClinician, pdf(), 'b.pdf');
    const before = { referrals: await referrals(), documents: await documents() };
    const fresh = await uploaded(tok.villageClinician, pdf(), 'c.pdf');

    const attempt = (attachments: unknown[]) =>
      api.gql(
        CREATE,
        { i: upReferralInput(patientId, t.inst.general, { attachments }) },
        tok.villageClinician,
      );
    const twice = await attempt([
      { name: 'c', documentId: fresh.documentId },
      { name: 'a', documentId: mine.documentId },
    ]);
    expect(errorCode(twice)).toBe('BAD_USER_INPUT');
    expect(twice.errors![0].message).toContain('已附在另一份单据上');
    const foreign = await attempt([{ name: 'b', documentId: theirs.documentId }]);
    expect(errorCode(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors![0].message).toContain('附件不存在或已过期');
    const unknown = await attempt([{ name: 'x', documentId: randomUUID() }]);
    expect(unknown.errors![0].message).toBe(foreign.errors![0].message);
    const duplicate = await attempt([
      { name: 'c', documentId: fresh.documentId },
      { name: 'c again', documentId: fresh.documentId },
    ]);
    expect(errorCode(duplicate)).toBe('BAD_USER_INPUT');
    const both = await attempt([
      { name: 'c', type: 'PDF', uri: 'https://f.example/1', documentId: fresh.documentId },
    ]);
    expect(errorCode(both)).toBe('BAD_USER_INPUT');
    expect(both.errors![0].extensions).toMatchObject({ field: 'attachments.0' });
    const neither = await attempt([{ name: 'c' }]);
    expect(errorCode(neither)).toBe('BAD_USER_INPUT');
    const untyped = await attempt([{ name: 'c', uri: 'https://f.example/1' }]);
    expect(untyped.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'attachments.0.type',
    });

    expect({ referrals: await referrals(), documents: await documents() }).toEqual({
      referrals: before.referrals,
      documents: before.documents + 1,
    });
    // The upload refused with the attached one is still free to attach.
    const [row] = await rowsOf(`SELECT subject_id FROM clinical_document WHERE id = $1`, [fresh.documentId]);
    expect(row.subject_id).toBeNull();
    const later = await attempt([{ name: 'c', documentId: fresh.documentId }]);
    expect(later.errors).toBeUndefined();
  });

  it('gives parallel retries of one key one referral holding the uploads', async () => {
    const doc = await uploaded(tok.villageClinician, pdf(), 'retry.pdf');
    const input = upReferralInput(patientId, t.inst.general, {
      idempotencyKey: `doc-retry-${randomUUID()}`,
      attachments: [{ name: '报告', documentId: doc.documentId }],
    });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api.gql(CREATE, { i: input }, tok.villageClinician)),
    );
    for (const a of answers) expect(a.errors).toBeUndefined();
    const ids = new Set(answers.map((a) => a.data!.createReferral.id));
    expect(ids.size).toBe(1);
    for (const a of answers) expect(a.data!.createReferral.attachments[0].documentId).toBe(doc.documentId);
    const [row] = await rowsOf(`SELECT subject_id FROM clinical_document WHERE id = $1`, [doc.documentId]);
    expect(row.subject_id).toBe([...ids][0]);
  });

  it('attaches a DICOM study to a consultation; its reader follows the consultation’s rule', async () => {
    const study = dicom();
    const doc = await uploaded(tok.countyClinician, study, 'CT', 'application/octet-stream');
    expect(doc).toMatchObject({ fileName: 'CT.dcm', mediaType: 'application/dicom' });
    const countyPatient = await registerPatient(api, tok.countyClinician, '会诊患者');
    const res = await api.gql(
      `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id ${ATTACHMENTS} } }`,
      {
        i: {
          kind: 'IMAGING_READ',
          patientId: countyPatient,
          purpose: '影像会诊',
          caseSummary: '肺部结节',
          question: '良恶性判断?',
          urgency: 'ROUTINE',
          expertIds: [t.practitioner.expert],
          attachments: [{ name: '胸部 CT', documentId: doc.documentId }],
        },
      },
      tok.countyClinician,
    );
    expect(res.errors).toBeUndefined();
    const c = res.data!.requestConsultation;
    expect(c.attachments).toEqual([
      {
        name: '胸部 CT',
        type: 'application/dicom',
        uri: `/documents/${doc.documentId}`,
        documentId: doc.documentId,
        sizeBytes: study.length,
        sha256: sha(study),
      },
    ]);
    const sees = async (token: string) =>
      !(await api.gql(`query($id: ID!) { consultation(id: $id) { id } }`, { id: c.id }, token)).errors;
    const outcome: Record<string, [boolean, number]> = {};
    for (const k of ['countyClinician', 'expert', 'villageClinician', 'auditor', 'foreign']) {
      outcome[k] = [await sees(tok[k]), (await download(tok[k], doc.documentId)).status];
    }
    for (const [k, [seen, status]] of Object.entries(outcome))
      expect([k, status]).toEqual([k, seen ? 200 : 404]);
    expect(outcome.countyClinician).toEqual([true, 200]);
    expect(outcome.expert).toEqual([true, 200]);
    expect(outcome.villageClinician).toEqual([false, 404]);
    expect(outcome.foreign).toEqual([false, 404]);
  });

  it('keeps a signed consent form uploaded with the request or at booking, attached to the consultation', async () => {
    const expertTok = tok.expert;
    const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      start: '08:00',
      end: '20:00',
      sessionMinutes: 30,
      mode: 'REMOTE',
      validFrom: '2026-01-01',
    }));
    const pub = await api.gql(
      `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { rules { weekday } } }`,
      { i: { rules: week, exceptions: [] } },
      expertTok,
    );
    expect(pub.errors).toBeUndefined();
    const person = await registerPatient(api, tok.countyClinician, '知情同意患者');
    const signedAt = new Date(Date.now() - 600_000).toISOString();
    const consent = (scan: Record<string, string>) => ({
      signedBy: '患者本人',
      relationship: '本人',
      signedAt,
      ...scan,
    });
    const request = (extra: Record<string, unknown>) =>
      api.gql(
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) {
           id consent { signedBy documentUri documentId } ${ATTACHMENTS} } }`,
        {
          i: {
            kind: 'VIDEO',
            patientId: person,
            purpose: '疑难病例讨论',
            caseSummary: '反复胸闷',
            question: '是否需要冠脉造影?',
            urgency: 'ROUTINE',
            expertIds: [t.practitioner.expert],
            ...extra,
          },
        },
        tok.countyClinician,
      );

    // With the request.
    const scan = await uploaded(tok.countyClinician, jpeg(), '知情同意书.jpg', 'image/jpeg');
    const withScan = await request({ consent: consent({ documentId: scan.documentId }) });
    expect(withScan.errors).toBeUndefined();
    const c1 = withScan.data!.requestConsultation;
    expect(c1.consent).toEqual({
      signedBy: '患者本人',
      documentUri: `/documents/${scan.documentId}`,
      documentId: scan.documentId,
    });
    expect((await download(tok.expert, scan.documentId)).status).toBe(200);
    expect((await download(tok.villageClinician, scan.documentId)).status).toBe(404);

    // Given twice, not at all, or a scan already used: refused, nothing created.
    const before = await count(`SELECT count(*) AS n FROM consultation WHERE tenant_id = $1`, [t.tenantId]);
    const both = await request({
      consent: consent({ documentId: scan.documentId, documentUri: 'https://files.example/c.pdf' }),
    });
    expect(both.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'consent.documentUri',
    });
    const none = await request({ consent: consent({}) });
    expect(none.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'consent.documentUri',
    });
    const reused = await request({ consent: consent({ documentId: scan.documentId }) });
    expect(reused.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'consent.documentId',
    });
    const fresh = await uploaded(tok.countyClinician, pdf(), '同意书.pdf');
    const sameTwice = await request({
      consent: consent({ documentId: fresh.documentId }),
      attachments: [{ name: '同意书', documentId: fresh.documentId }],
    });
    expect(errorCode(sameTwice)).toBe('BAD_USER_INPUT');
    expect(await count(`SELECT count(*) AS n FROM consultation WHERE tenant_id = $1`, [t.tenantId])).toBe(
      before,
    );
    const [free] = await rowsOf(`SELECT subject_id FROM clinical_document WHERE id = $1`, [fresh.documentId]);
    expect(free.subject_id).toBeNull();

    // At booking, for a request made without one.
    const bare = await request({});
    expect(bare.errors).toBeUndefined();
    const c2 = bare.data!.requestConsultation;
    const from = new Date(Date.now() + 3 * 86400_000);
    const slots = await api.gql(
      `query($f: DateTime!, $t: DateTime!) { availableSlots(expertId: "${t.practitioner.expert}", from: $f, to: $t, durationMinutes: 30) { slots { start end } } }`,
      { f: from.toISOString(), t: new Date(from.getTime() + 86400_000).toISOString() },
      tok.countyClinician,
    );
    const slot = slots.data!.availableSlots[0].slots[0];
    const book = (i: Record<string, unknown>) =>
      api.gql(
        `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { state consent { documentUri documentId } } }`,
        { i: { id: c2.id, start: slot.start, end: slot.end, ...i } },
        tok.countyClinician,
      );
    const notMine = await uploaded(tok.villageClinician, pdf(), 'x.pdf');
    const refused = await book({ consent: consent({ documentId: notMine.documentId }) });
    expect(refused.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'consent.documentId',
    });
    const booked = await book({ consent: consent({ documentId: fresh.documentId }) });
    expect(booked.errors).toBeUndefined();
    expect(booked.data!.bookConsultation).toEqual({
      state: 'SCHEDULED',
      consent: { documentUri: `/documents/${fresh.documentId}`, documentId: fresh.documentId },
    });
    const [row] = await rowsOf(`SELECT subject_kind, subject_id FROM clinical_document WHERE id = $1`, [
      fresh.documentId,
    ]);
    expect(row).toEqual({ subject_kind: 'consultation', subject_id: c2.id });
  });

  it('refuses other kinds of file, empty and oversize ones, and leaves nothing behind', async () => {
    const before = { documents: await documents(), chunks: await chunks() };
    const html = await upload(
      tok.villageClinician,
      Buffer.from('<html><script>alert(1)</script></html>'),
      'r.pdf',
    );
    expect(html.status).toBe(415);
    expect(html.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(html.body.message).toContain('仅接受 PDF、JPEG、PNG、DICOM');
    const zip = await upload(
      tok.villageClinician,
      Buffer.concat([Buffer.from('PK\u0003\u0004'), randomBytes(5000)]),
      'a.pdf',
    );
    expect(zip.status).toBe(415);
    const empty = await upload(tok.villageClinician, Buffer.alloc(0), 'e.pdf');
    expect(empty.status).toBe(400);
    const big = await upload(tok.villageClinician, Buffer.concat([pdf(), randomBytes(MAX_BYTES)]), 'big.pdf');
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    // Exactly at the limit is accepted.
    const edge = pdf();
    const atLimit = await upload(
      tok.villageClinician,
      Buffer.concat([edge, Buffer.alloc(MAX_BYTES - edge.length, 0x20)]),
      'edge.pdf',
    );
    expect(atLimit.status).toBe(201);
    const noFile = await api.http
      .post('/documents')
      .set('authorization', `Bearer ${tok.villageClinician}`)
      .set('content-type', 'application/json')
      .send({ file: 'x' });
    expect(noFile.status).toBe(415);
    expect({ documents: await documents(), chunks: await chunks() }).toEqual({
      documents: before.documents + 1,
      chunks: before.chunks + 1,
    });
  });

  it('lets clinicians and coordinators upload, nobody else, and no one without a session', async () => {
    expect((await upload(null, pdf(), 'a.pdf')).status).toBe(401);
    // A client without a session announcing 10 GB is answered at once, before its body is read.
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    const before = await documents();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/documents',
        headers: {
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(10 * 1024 ** 3),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024, 0x61));
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await documents()).toBe(before);
    for (const token of [tok.auditor, tok.instAdmin, tok.expert]) {
      const res = await upload(token, pdf(), 'a.pdf');
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await upload(tok.coordinator, pdf(), 'a.pdf')).status).toBe(201);
  });

  it('streams at most DOCUMENT_DOWNLOAD_CONCURRENCY downloads at once; a slow reader’s ends when it goes', async () => {
    const narrow = await TestApi.start({
      ...db.config,
      documents: {
        ...db.config.documents,
        uploadMaxBytes: 8 << 20,
        dailyBytes: 64 << 20,
        downloadConcurrency: 1,
      },
    });
    try {
      await narrow.app.listen(0, '127.0.0.1');
      const { port } = narrow.app.getHttpServer().address() as AddressInfo;
      // A user of its own: 8 MB is past the suite's daily allowance of bytes.
      const reader = await addUser(db.ds, t, `doc-big-${randomBytes(3).toString('hex')}`, t.inst.general, [
        'CLINICIAN',
      ]);
      const token = await narrow.login(reader.username);
      const big = jpeg(8 << 20);
      const put = await narrow.http
        .post('/documents')
        .set('authorization', `Bearer ${token}`)
        .attach('file', big, { filename: 'big.jpg', contentType: 'image/jpeg' });
      expect(put.status).toBe(201);
      const id = put.body.documentId as string;
      // A reader that takes the headers and then reads nothing holds its download open.
      const slow = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          path: `/documents/${id}`,
          headers: { authorization: `Bearer ${token}` },
        });
        req.on('response', (res) => {
          res.pause();
          resolve(res);
        });
        req.on('error', reject);
        req.end();
      });
      expect(slow.statusCode).toBe(200);
      const busy = await narrow.http.get(`/documents/${id}`).set('authorization', `Bearer ${token}`);
      expect(busy.status).toBe(429);
      expect(busy.body).toMatchObject({ code: 'RATE_LIMITED' });
      slow.destroy();
      await eventually(async () => {
        const res = await narrow.http
          .get(`/documents/${id}`)
          .set('authorization', `Bearer ${token}`)
          .buffer(true)
          .parse((r, done) => {
            let n = 0;
            r.on('data', (c: Buffer) => (n += c.length));
            r.on('end', () => done(null, n));
          });
        return res.status === 200 && res.body === big.length;
      });
    } finally {
      await narrow.close();
    }
  });

  it('holds each user to the day’s allowance of files and bytes', async () => {
    const tag = randomBytes(3).toString('hex');
    const many = await addUser(db.ds, t, `doc-many-${tag}`, t.inst.village, ['CLINICIAN']);
    const heavy = await addUser(db.ds, t, `doc-heavy-${tag}`, t.inst.village, ['CLINICIAN']);
    const manyTok = await api.login(many.username);
    const heavyTok = await api.login(heavy.username);

    for (let i = 0; i < DAILY_FILES; i++) await uploaded(manyTok, pdf(), `${i}.pdf`);
    const over = await upload(manyTok, pdf(), 'over.pdf');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(over.body.message).toContain(`24 小时内上传文件数已达上限 ${DAILY_FILES}`);
    expect(await count(`SELECT count(*) AS n FROM clinical_document WHERE uploaded_by = $1`, [many.id])).toBe(
      DAILY_FILES,
    );
    // Another user's allowance is their own.
    const size = 60_000;
    await uploaded(heavyTok, jpeg(size), '1.jpg', 'image/jpeg');
    await uploaded(heavyTok, jpeg(size), '2.jpg', 'image/jpeg');
    const heavyOver = await upload(heavyTok, jpeg(size), '3.jpg', 'image/jpeg');
    expect(heavyOver.status).toBe(429);
    expect(heavyOver.body.message).toContain('字节数已达上限');
    expect(
      await count(`SELECT count(*) AS n FROM clinical_document WHERE uploaded_by = $1`, [heavy.id]),
    ).toBe(2);
    expect(
      await count(
        `SELECT count(*) AS n FROM clinical_document_chunk c JOIN clinical_document d ON d.id = c.document_id WHERE d.uploaded_by = $1`,
        [heavy.id],
      ),
    ).toBe(2);
    // A day later the allowance is back.
    await db.ds.query(
      `UPDATE clinical_document SET created_at = created_at - interval '25 hours' WHERE uploaded_by = $1`,
      [many.id],
    );
    expect((await upload(manyTok, pdf(), 'next-day.pdf')).status).toBe(201);
  });

  it('removes uploads never attached once their time is up, in the worker', async () => {
    const loose = await uploaded(tok.coordinator, pdf(), 'loose.pdf');
    const fresh = await uploaded(tok.coordinator, pdf(), 'fresh.pdf');
    const kept = await uploaded(tok.villageClinician, pdf(), 'kept.pdf');
    const res = await api.gql(
      CREATE,
      {
        i: upReferralInput(patientId, t.inst.general, {
          attachments: [{ name: 'k', documentId: kept.documentId }],
        }),
      },
      tok.villageClinician,
    );
    expect(res.errors).toBeUndefined();
    await db.ds.query(
      `UPDATE clinical_document SET created_at = now() - interval '2 days' WHERE id = ANY($1)`,
      [[loose.documentId, kept.documentId]],
    );
    let worker: INestApplicationContext | undefined;
    try {
      worker = await startWorker(db.config);
      const schedulers = await queueOf(worker, QUEUES.DOCUMENTS).getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toContain('document-sweep');
      await queueOf(worker, QUEUES.DOCUMENTS).add(JOBS.DOCUMENT_SWEEP, {});
      await eventually(
        async () =>
          (await count(`SELECT count(*) AS n FROM clinical_document WHERE id = $1`, [loose.documentId])) ===
          0,
      );
    } finally {
      await worker?.close();
    }
    const left = await rowsOf(`SELECT id FROM clinical_document WHERE id = ANY($1)`, [
      [loose.documentId, fresh.documentId, kept.documentId],
    ]);
    expect(left.map((r: { id: string }) => r.id).sort()).toEqual([fresh.documentId, kept.documentId].sort());
    expect(
      await count(`SELECT count(*) AS n FROM clinical_document_chunk WHERE document_id = $1`, [
        loose.documentId,
      ]),
    ).toBe(0);
    expect((await download(tok.coordinator, loose.documentId)).status).toBe(404);
    expect((await download(tok.coordinator, kept.documentId)).status).toBe(200);
  });
});
