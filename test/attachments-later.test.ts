import { randomUUID } from 'node:crypto';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { registerPatient, upReferralInput } from './utils/referrals';
import { samplePdf, uploadDocument } from './utils/documents';

/**
 * Attachments added to a record that exists already: the lab result that comes half an hour
 * after the urgent referral, the hospital's findings once it has the patient. Each addition is a
 * timeline step with its audit event and a notice to the other side; what is refused changes
 * nothing; parallel additions all land.
 */

jest.setTimeout(120_000);

const ATTACHMENTS = `attachments { name type uri documentId sizeBytes sha256 }`;
const ADD = `mutation($i: AddReferralAttachmentsInput!) {
  addReferralAttachments(input: $i) { id state ${ATTACHMENTS} timeline { action fromState toState actorUserId note } } }`;

interface Attached {
  name: string;
  type: string;
  uri: string;
  documentId: string | null;
}

describe('attachments added later', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let other: TenantFixture;
  let patientId: string;
  const tok: Record<string, string> = {};

  const uploaded = async (token: string, name = 'lab.pdf'): Promise<string> => {
    const res = await uploadDocument(api, token, samplePdf(), name);
    expect(res.status).toBe(201);
    return res.body.documentId as string;
  };
  const download = (token: string, id: string) =>
    api.http.get(`/documents/${id}`).set('authorization', `Bearer ${token}`);
  const refer = async (extra: Record<string, unknown> = {}): Promise<{ id: string; number: string }> => {
    const res = await api.gql(
      `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number } }`,
      { i: upReferralInput(patientId, t.inst.general, extra) },
      tok.villageClinician,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.createReferral;
  };
  const step = async (mutation: string, inputType: string, input: Record<string, unknown>, token: string) => {
    const res = await api.gql(
      `mutation($i: ${inputType}!) { ${mutation}(input: $i) { state } }`,
      { i: input },
      token,
    );
    expect(res.errors).toBeUndefined();
  };
  const accept = (id: string) =>
    step(
      'acceptReferral',
      'AcceptReferralInput',
      { id, appointmentAt: new Date(Date.now() + 86400_000).toISOString(), place: '门诊三楼' },
      tok.coordinator,
    );
  const add = (token: string, id: string, attachments: unknown[], note?: string) =>
    api.gql(ADD, { i: { id, attachments, ...(note ? { note } : {}) } }, token);
  /** What a refused call must leave as it was. */
  const state = async (referralId: string) => {
    const [r] = await db.ds.query(`SELECT attachments, updated_at FROM referral WHERE id = $1`, [referralId]);
    const [{ steps }] = await db.ds.query(
      `SELECT count(*)::int AS steps FROM referral_step WHERE referral_id = $1`,
      [referralId],
    );
    const [{ events }] = await db.ds.query(
      `SELECT count(*)::int AS events FROM outbox_message WHERE payload->>'aggregateId' = $1`,
      [referralId],
    );
    return { attachments: r.attachments, updatedAt: r.updated_at, steps, events };
  };
  const subjectOf = async (documentId: string): Promise<string | null> =>
    (await db.ds.query(`SELECT subject_id FROM clinical_document WHERE id = $1`, [documentId]))[0].subject_id;
  const attachedEvents = (referralId: string) =>
    db.ds.query(
      `SELECT payload FROM outbox_message WHERE job_name = 'referral.attachments-added'
        AND payload->>'aggregateId' = $1 ORDER BY id`,
      [referralId],
    ) as Promise<{ payload: Record<string, any> }[]>;

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config);
    t = await buildTenant(db.ds);
    other = await buildTenant(db.ds);
    for (const k of [
      'villageClinician',
      'coordinator',
      'countyClinician',
      'auditor',
      'admin',
      'expert',
    ] as const)
      tok[k] = await api.login(t.users[k].username);
    tok.foreign = await api.login(other.users.villageClinician.username);
    patientId = await registerPatient(api, tok.villageClinician, '补充附件患者');
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('lets the sender add the lab result to a submitted referral; the receiver is told and reads it', async () => {
    const r = await refer({
      attachments: [{ name: '心电图', type: 'application/pdf', uri: 'https://files.example/ecg.pdf' }],
    });
    const doc = await uploaded(tok.villageClinician, '血常规.pdf');
    const res = await add(
      tok.villageClinician,
      r.id,
      [
        { name: '血常规结果', documentId: doc },
        { name: '胸片', type: 'DICOM', uri: 'https://pacs.example/studies/9' },
      ],
      '  化验结果已出  ',
    );
    expect(res.errors).toBeUndefined();
    const out = res.data!.addReferralAttachments;
    expect(out.state).toBe('SUBMITTED');
    expect(out.attachments.map((a: Attached) => [a.name, a.type, a.uri, a.documentId])).toEqual([
      ['心电图', 'application/pdf', 'https://files.example/ecg.pdf', null],
      ['血常规结果', 'application/pdf', `/documents/${doc}`, doc],
      ['胸片', 'DICOM', 'https://pacs.example/studies/9', null],
    ]);
    expect(out.timeline.at(-1)).toEqual({
      action: 'add-attachments',
      fromState: 'SUBMITTED',
      toState: 'SUBMITTED',
      actorUserId: t.users.villageClinician.id,
      note: '化验结果已出',
    });
    expect(await subjectOf(doc)).toBe(r.id);

    // The receiving coordinator sees it on the referral and downloads it.
    const seen = await api.gql(
      `query($id: ID!) { referral(id: $id) { ${ATTACHMENTS} } }`,
      { id: r.id },
      tok.coordinator,
    );
    expect(seen.data!.referral.attachments.map((a: Attached) => a.documentId)).toEqual([null, doc, null]);
    const got = await download(tok.coordinator, doc);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect((await download(tok.foreign, doc)).status).toBe(404);

    // The audit trail, without names; the event for the receiving side and both institutions' live rooms.
    const [audit] = await db.ds.query(
      `SELECT actor_user_id, details FROM audit_event WHERE action = 'referral.add-attachments' AND entity_id = $1`,
      [r.id],
    );
    expect(audit).toEqual({
      actor_user_id: t.users.villageClinician.id,
      details: { from: 'SUBMITTED', to: 'SUBMITTED', added: 2, documentIds: [doc] },
    });
    const [event] = await attachedEvents(r.id);
    expect(event.payload.notify).toEqual([
      {
        audience: [{ institutionId: t.inst.general, roles: ['REFERRAL_COORDINATOR'] }],
        kind: 'referral.attachments-added',
        title: expect.stringContaining(`补充了 2 个附件 (2 attachment(s) added to referral ${r.number})`),
        link: `/referrals/${r.id}`,
        excludeUserIds: [t.users.villageClinician.id],
      },
    ]);
    expect(event.payload.push).toEqual([
      {
        rooms: [`inst:${t.inst.village}`, `inst:${t.inst.general}`],
        event: 'referral.updated',
        data: expect.objectContaining({ id: r.id, state: 'SUBMITTED', type: 'referral.attachments-added' }),
      },
    ]);
  });

  it('lets the receiver add its findings once it has accepted, not before; the sender is told', async () => {
    const r = await refer();
    const early = await uploaded(tok.coordinator, '入院检查.pdf');
    const before = await state(r.id);
    const refused = await add(tok.coordinator, r.id, [{ name: '入院检查', documentId: early }]);
    expect(errorCode(refused)).toBe('INVALID_TRANSITION');
    expect(await state(r.id)).toEqual(before);
    expect(await subjectOf(early)).toBeNull();

    await accept(r.id);
    const res = await add(tok.coordinator, r.id, [{ name: '入院检查', documentId: early }]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.addReferralAttachments.state).toBe('ACCEPTED');
    // The sender reads what the hospital added.
    expect((await download(tok.villageClinician, early)).status).toBe(200);
    const [event] = await attachedEvents(r.id);
    expect(event.payload.notify[0].audience).toEqual([
      { userIds: [t.users.villageClinician.id] },
      { institutionId: t.inst.village, roles: ['REFERRAL_COORDINATOR'] },
    ]);

    // After arrival still, by either side.
    await step('recordReferralArrival', 'ReferralNoteInput', { id: r.id }, tok.coordinator);
    const later = await add(tok.villageClinician, r.id, [
      { name: '随访记录', type: 'application/pdf', uri: 'https://files.example/f.pdf' },
    ]);
    expect(later.errors).toBeUndefined();
    expect(later.data!.addReferralAttachments.attachments).toHaveLength(2);
  });

  it('adds to a draft for its sender alone, telling nobody', async () => {
    const r = await refer({ submit: false });
    const res = await add(tok.villageClinician, r.id, [
      { name: '血糖', type: 'application/pdf', uri: 'https://files.example/g.pdf' },
    ]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.addReferralAttachments.state).toBe('DRAFT');
    expect(await attachedEvents(r.id)).toEqual([]);
    // The receiving side does not see a draft at all.
    const theirs = await add(tok.coordinator, r.id, [
      { name: 'x', type: 'application/pdf', uri: 'https://files.example/x.pdf' },
    ]);
    expect(errorCode(theirs)).toBe('NOT_FOUND');
  });

  it('refuses those who may not add, and every closed referral; nothing changes', async () => {
    const r = await refer();
    const doc = await uploaded(tok.villageClinician);
    const item = [{ name: '报告', documentId: doc }];
    const before = await state(r.id);
    const codes: Record<string, string | undefined> = {};
    for (const k of ['foreign', 'auditor', 'admin', 'countyClinician'])
      codes[k] = errorCode(await add(tok[k], r.id, item));
    expect(codes).toEqual({
      // Another consortium does not learn the referral exists.
      foreign: 'NOT_FOUND',
      // Those who read every referral of the consortium do not write to them.
      auditor: 'FORBIDDEN',
      admin: 'FORBIDDEN',
      // The receiving hospital's clinician outside the target department.
      countyClinician: 'FORBIDDEN',
    });
    expect(errorCode(await add(tok.villageClinician, randomUUID(), item))).toBe('NOT_FOUND');
    expect(await state(r.id)).toEqual(before);
    expect(await subjectOf(doc)).toBeNull();

    // Each closed state: cancelled, rejected, completed (no-show is closed the same way).
    const cancelled = await refer();
    await step(
      'cancelReferral',
      'CancelReferralInput',
      { id: cancelled.id, reason: '患者已自行就诊' },
      tok.villageClinician,
    );
    const rejected = await refer();
    await step(
      'rejectReferral',
      'RejectReferralInput',
      { id: rejected.id, reasonCode: 'NO_CAPACITY', reason: '床位已满' },
      tok.coordinator,
    );
    const completed = await refer();
    await accept(completed.id);
    await step('recordReferralArrival', 'ReferralNoteInput', { id: completed.id }, tok.coordinator);
    await step('completeReferral', 'ReferralNoteInput', { id: completed.id }, tok.coordinator);
    for (const closed of [cancelled, rejected, completed]) {
      const was = await state(closed.id);
      const res = await add(tok.villageClinician, closed.id, item);
      expect(errorCode(res)).toBe('INVALID_TRANSITION');
      expect(await state(closed.id)).toEqual(was);
    }
    expect(
      errorCode(
        await add(tok.coordinator, completed.id, [{ name: 'x', type: 'PDF', uri: 'https://f.example/1' }]),
      ),
    ).toBe('INVALID_TRANSITION');
    expect(await subjectOf(doc)).toBeNull();
  });

  it('refuses another user’s upload, an upload attached already and malformed items, all or nothing', async () => {
    const r = await refer();
    const mine = await uploaded(tok.villageClinician);
    const theirs = await uploaded(tok.coordinator);
    const before = await state(r.id);
    const foreign = await add(tok.villageClinician, r.id, [
      { name: '我的', documentId: mine },
      { name: '别人的', documentId: theirs },
    ]);
    expect(errorCode(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors![0].message).toContain('附件不存在或已过期');
    const untyped = await add(tok.villageClinician, r.id, [{ name: 'x', uri: 'https://f.example/1' }]);
    expect(untyped.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'attachments.0.type',
    });
    expect(errorCode(await add(tok.villageClinician, r.id, []))).toBe('BAD_USER_INPUT');
    expect(await state(r.id)).toEqual(before);
    expect(await subjectOf(mine)).toBeNull();

    // Attached to this referral, then offered again (to it or to another): refused.
    expect(
      (await add(tok.villageClinician, r.id, [{ name: '我的', documentId: mine }])).errors,
    ).toBeUndefined();
    const held = await state(r.id);
    const again = await add(tok.villageClinician, r.id, [{ name: '我的', documentId: mine }]);
    expect(again.errors![0].message).toContain('该附件已在本单据中');
    expect(await state(r.id)).toEqual(held);
    const elsewhere = await refer();
    const moved = await add(tok.villageClinician, elsewhere.id, [{ name: '我的', documentId: mine }]);
    expect(errorCode(moved)).toBe('BAD_USER_INPUT');
    expect(moved.errors![0].message).toContain('已附在另一份单据上');
    expect(await subjectOf(mine)).toBe(r.id);
  });

  it('holds a referral to 20 attachments, those added later included', async () => {
    const given = Array.from({ length: 18 }, (_, i) => ({
      name: `影像 ${i + 1}`,
      type: 'DICOM',
      uri: `https://pacs.example/studies/${i + 1}`,
    }));
    const r = await refer({ attachments: given });
    const docs = [await uploaded(tok.villageClinician), await uploaded(tok.villageClinician)];
    const third = await uploaded(tok.villageClinician);
    const before = await state(r.id);
    const over = await add(tok.villageClinician, r.id, [
      ...docs.map((d, i) => ({ name: `报告 ${i}`, documentId: d })),
      { name: '报告 3', documentId: third },
    ]);
    expect(over.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'attachments',
      held: 18,
    });
    expect(over.errors![0].message).toContain('附件最多 20 个');
    expect(await state(r.id)).toEqual(before);
    expect(await subjectOf(docs[0])).toBeNull();

    const fits = await add(
      tok.villageClinician,
      r.id,
      docs.map((d, i) => ({ name: `报告 ${i}`, documentId: d })),
    );
    expect(fits.errors).toBeUndefined();
    expect(fits.data!.addReferralAttachments.attachments).toHaveLength(20);
    const full = await add(tok.villageClinician, r.id, [{ name: '报告 3', documentId: third }]);
    expect(errorCode(full)).toBe('BAD_USER_INPUT');
    expect(await subjectOf(third)).toBeNull();
    // More than 20 in one call is refused by the input's own bound.
    const many = Array.from({ length: 21 }, (_, i) => ({
      name: `${i}`,
      type: 'PDF',
      uri: `https://f.example/${i}`,
    }));
    expect(errorCode(await add(tok.villageClinician, (await refer()).id, many))).toBe('BAD_USER_INPUT');
  });

  it('keeps every one of parallel additions', async () => {
    const r = await refer();
    const docs = await Promise.all(Array.from({ length: 6 }, () => uploaded(tok.villageClinician)));
    const answers = await Promise.all(
      docs.map((d, i) => add(tok.villageClinician, r.id, [{ name: `报告 ${i}`, documentId: d }])),
    );
    for (const a of answers) expect(a.errors).toBeUndefined();
    const res = await api.gql(
      `query($id: ID!) { referral(id: $id) { ${ATTACHMENTS} timeline { action } } }`,
      { id: r.id },
      tok.coordinator,
    );
    const held = res.data!.referral.attachments.map((a: Attached) => a.documentId).sort();
    expect(held).toEqual([...docs].sort());
    expect(
      res.data!.referral.timeline.filter((s: { action: string }) => s.action === 'add-attachments'),
    ).toHaveLength(6);
    // Two at once, one file each: both kept (the case the lock is for).
    const pair = await Promise.all([uploaded(tok.villageClinician), uploaded(tok.villageClinician)]);
    const r2 = await refer();
    await Promise.all(pair.map((d) => add(tok.villageClinician, r2.id, [{ name: 'x', documentId: d }])));
    const [row] = await db.ds.query(`SELECT attachments FROM referral WHERE id = $1`, [r2.id]);
    expect(row.attachments.map((a: Attached) => a.documentId).sort()).toEqual([...pair].sort());
  });
  describe('consultations', () => {
    const ADD_STUDIES = `mutation($i: AddConsultationAttachmentsInput!) {
      addConsultationAttachments(input: $i) { id state ${ATTACHMENTS} timeline { action fromState toState note } } }`;
    let countyPatient: string;
    const request = async (extra: Record<string, unknown> = {}): Promise<{ id: string; number: string }> => {
      const res = await api.gql(
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number } }`,
        {
          i: {
            kind: 'IMAGING_READ',
            patientId: countyPatient,
            purpose: '影像会诊',
            caseSummary: '肺部结节',
            question: '良恶性判断?',
            urgency: 'ROUTINE',
            expertIds: [t.practitioner.expert],
            attachments: [{ name: '胸片', type: 'DICOM', uri: 'https://pacs.example/studies/c1' }],
            ...extra,
          },
        },
        tok.countyClinician,
      );
      expect(res.errors).toBeUndefined();
      return res.data!.requestConsultation;
    };
    const addStudies = (token: string, id: string, attachments: unknown[], note?: string) =>
      api.gql(ADD_STUDIES, { i: { id, attachments, ...(note ? { note } : {}) } }, token);
    const consultationState = async (id: string) => {
      const [c] = await db.ds.query(`SELECT attachments, updated_at FROM consultation WHERE id = $1`, [id]);
      const [{ steps }] = await db.ds.query(
        `SELECT count(*)::int AS steps FROM consultation_step WHERE consultation_id = $1`,
        [id],
      );
      return { attachments: c.attachments, updatedAt: c.updated_at, steps };
    };

    beforeAll(async () => {
      countyPatient = await registerPatient(api, tok.countyClinician, '会诊补充资料患者');
    });

    it('lets the requesting side add the CT before the session; the expert is told and reads it', async () => {
      const c = await request();
      const ct = await uploaded(tok.countyClinician, 'CT.pdf');
      const res = await addStudies(
        tok.countyClinician,
        c.id,
        [{ name: '胸部 CT', documentId: ct }],
        'CT 已出',
      );
      expect(res.errors).toBeUndefined();
      const out = res.data!.addConsultationAttachments;
      expect(out.state).toBe('REQUESTED');
      expect(out.attachments.map((a: Attached) => [a.name, a.documentId])).toEqual([
        ['胸片', null],
        ['胸部 CT', ct],
      ]);
      expect(out.timeline.at(-1)).toEqual({
        action: 'add-attachments',
        fromState: 'REQUESTED',
        toState: 'REQUESTED',
        note: 'CT 已出',
      });
      const seen = await api.gql(
        `query($id: ID!) { consultation(id: $id) { ${ATTACHMENTS} } }`,
        { id: c.id },
        tok.expert,
      );
      expect(seen.data!.consultation.attachments.map((a: Attached) => a.documentId)).toEqual([null, ct]);
      expect((await download(tok.expert, ct)).status).toBe(200);
      expect((await download(tok.villageClinician, ct)).status).toBe(404);

      const [audit] = await db.ds.query(
        `SELECT details FROM audit_event WHERE action = 'consultation.add-attachments' AND entity_id = $1`,
        [c.id],
      );
      expect(audit.details).toEqual({ from: 'REQUESTED', to: 'REQUESTED', added: 1, documentIds: [ct] });
      const [event] = await db.ds.query(
        `SELECT payload FROM outbox_message WHERE job_name = 'consultation.attachments-added' AND payload->>'aggregateId' = $1`,
        [c.id],
      );
      expect(event.payload.notify[0]).toMatchObject({
        audience: [{ practitionerIds: [t.practitioner.expert] }],
        title: expect.stringContaining(
          '申请方补充了资料 (Studies added by the requesting side)(1 项 / 1 item(s))',
        ),
        excludeUserIds: [t.users.countyClinician.id],
      });
      expect(event.payload.push[0]).toMatchObject({
        rooms: [`consultation:${c.id}`],
        event: 'consultation.status',
        data: { id: c.id, state: 'REQUESTED', type: 'consultation.attachments-added' },
      });
    });

    it('refuses the other side, those outside and a consultation past its reading; nothing changes', async () => {
      const c = await request();
      const doc = await uploaded(tok.countyClinician);
      const item = [{ name: 'CT', documentId: doc }];
      const before = await consultationState(c.id);
      const codes: Record<string, string | undefined> = {};
      for (const k of ['expert', 'auditor', 'villageClinician', 'foreign'])
        codes[k] = errorCode(await addStudies(tok[k], c.id, item));
      expect(codes).toEqual({
        expert: 'FORBIDDEN',
        auditor: 'FORBIDDEN',
        villageClinician: 'NOT_FOUND',
        foreign: 'NOT_FOUND',
      });
      // Another user's upload: refused, as at the request.
      const theirs = await uploaded(tok.coordinator);
      expect(
        errorCode(await addStudies(tok.countyClinician, c.id, [{ name: 'x', documentId: theirs }])),
      ).toBe('BAD_USER_INPUT');
      expect(await consultationState(c.id)).toEqual(before);

      // Booked and in session still take studies; reported, completed, cancelled and declined do not.
      // (The states are set directly here: the booking and session paths have their own suite.)
      // A booked consultation has its signed consent.
      const open = await request({
        consent: {
          signedBy: '患者本人',
          relationship: '本人',
          signedAt: new Date(Date.now() - 600_000).toISOString(),
          documentUri: 'https://files.example/consent.pdf',
        },
      });
      for (const state of ['SCHEDULED', 'IN_PROGRESS']) {
        await db.ds.query(
          `UPDATE consultation SET state = $2, scheduled_start = now() + interval '1 day',
                  scheduled_end = now() + interval '1 day 30 minutes' WHERE id = $1`,
          [open.id, state],
        );
        const res = await addStudies(tok.coordinator, open.id, [
          { name: state, type: 'DICOM', uri: `https://pacs.example/${state}` },
        ]);
        expect([state, res.errors]).toEqual([state, undefined]);
      }
      for (const state of ['REPORTED', 'COMPLETED', 'DECLINED']) {
        await db.ds.query(
          `UPDATE consultation SET state = $2, decline_reason = CASE WHEN $2 = 'DECLINED' THEN '专家出差' END
            WHERE id = $1`,
          [open.id, state],
        );
        const was = await consultationState(open.id);
        expect([state, errorCode(await addStudies(tok.countyClinician, open.id, item))]).toEqual([
          state,
          'INVALID_TRANSITION',
        ]);
        expect(await consultationState(open.id)).toEqual(was);
      }
      const cancelled = await request();
      const gone = await api.gql(
        `mutation($i: ConsultationReasonInput!) { cancelConsultation(input: $i) { state } }`,
        { i: { id: cancelled.id, reason: '患者已转院' } },
        tok.countyClinician,
      );
      expect(gone.errors).toBeUndefined();
      expect(errorCode(await addStudies(tok.countyClinician, cancelled.id, item))).toBe('INVALID_TRANSITION');
      expect(await subjectOf(doc)).toBeNull();
    });

    it('holds a consultation to 30 studies and keeps parallel additions', async () => {
      const c = await request();
      const docs = await Promise.all([uploaded(tok.countyClinician), uploaded(tok.countyClinician)]);
      const answers = await Promise.all(
        docs.map((d, i) => addStudies(tok.countyClinician, c.id, [{ name: `CT ${i}`, documentId: d }])),
      );
      for (const a of answers) expect(a.errors).toBeUndefined();
      const [row] = await db.ds.query(`SELECT attachments FROM consultation WHERE id = $1`, [c.id]);
      expect(
        row.attachments
          .map((a: Attached) => a.documentId)
          .filter(Boolean)
          .sort(),
      ).toEqual([...docs].sort());

      // 3 held: 27 more fit, 28 do not.
      const many = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          name: `${i}`,
          type: 'DICOM',
          uri: `https://pacs.example/s/${i}`,
        }));
      const over = await addStudies(tok.countyClinician, c.id, many(28));
      expect(over.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 30, held: 3 });
      expect((await addStudies(tok.countyClinician, c.id, many(27))).errors).toBeUndefined();
    });
  });
});
