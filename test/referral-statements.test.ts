import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { registerPatient, upReferralInput } from './utils/referrals';
import { statementsOf as countStatements } from './utils/statements';

jest.setTimeout(120_000);

/**
 * SQL statements per request on the referral paths: a count, not a timing. A worklist page
 * sends the same statements for 10, 50 or 100 rows; a referral's creation sends a fixed few.
 */
describe('referral statements per request', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let village: string;
  let coord: string;
  let patientId: string;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    village = await api.login(t.users.villageClinician.username);
    coord = await api.login(t.users.coordinator.username);
    patientId = await registerPatient(api, village);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const statementsOf = <T>(request: () => Promise<T>) => countStatements(api.app, request);

  const create = (input: Record<string, unknown>) =>
    api.gql(
      `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state responseDueAt } }`,
      { i: input },
      village,
    );

  it('creates and submits a referral in two statements, with no transaction', async () => {
    const { result, sql } = await statementsOf(() => create(upReferralInput(patientId, t.inst.general)));
    expect(result.errors).toBeUndefined();
    expect(result.data!.createReferral.state).toBe('SUBMITTED');
    expect(result.data!.createReferral.number).toMatch(/^ZZ-\d{4}-\d{6}$/);
    expect(sql).toHaveLength(2);
    expect(sql[1]).toMatch(/create_referral\(/);
    expect(sql.some((q) => /^(BEGIN|START TRANSACTION)/i.test(q))).toBe(false);
    // Everything the creation leaves behind is there: access, timeline, audit, outbox.
    const id = result.data!.createReferral.id;
    const [row] = await db.ds.query(
      `SELECT (SELECT count(*)::int FROM referral_step WHERE referral_id = $1) AS steps,
              (SELECT count(*)::int FROM audit_event WHERE entity_id = $1::text) AS audits,
              (SELECT count(*)::int FROM outbox_message WHERE payload->'data'->>'referralId' = $1::text
                 OR payload->>'referralId' = $1::text) AS outbox,
              (SELECT count(*)::int FROM patient_access WHERE patient_id = $2 AND reason = 'referral:' || $1) AS grants,
              (SELECT payload->'data'->>'number' FROM outbox_message WHERE payload->'data'->>'referralId' = $1::text) AS number`,
      [id, patientId],
    );
    expect(row).toEqual({
      steps: 2,
      audits: 2,
      outbox: 2,
      grants: 1,
      number: result.data!.createReferral.number,
    });
  });

  it('answers a retried idempotency key without writing a second referral', async () => {
    const input = { ...upReferralInput(patientId, t.inst.general), idempotencyKey: 'stmt-retry-1' };
    const first = await create(input);
    expect(first.errors).toBeUndefined();
    const { result, sql } = await statementsOf(() => create(input));
    expect(result.data!.createReferral.id).toBe(first.data!.createReferral.id);
    // The read that finds it, the referral itself, and the audit event of a mutation that
    // recorded none of its own.
    expect(sql).toHaveLength(3);
    expect(sql.some((q) => /create_referral\(/.test(q))).toBe(false);
  });

  it('sends the same statements for a worklist page of 10, 50 and 100 rows with patient, institutions and deadline', async () => {
    const [{ n: existing }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM referral WHERE to_institution_id = $1 AND state <> 'DRAFT'`,
      [t.inst.general],
    );
    for (let i = existing; i < 101; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, () => create(upReferralInput(patientId, t.inst.general))).map(async (p) =>
          expect((await p).errors).toBeUndefined(),
        ),
      );
    }
    const page = (first: number) =>
      statementsOf(() =>
        api.gql(
          `query($first: Int) { referrals(box: INCOMING, first: $first) { nodes { id number state urgency dueAt responseDueAt
             patient { name sex birthYear birthDate } fromInstitution { name tier } toInstitution { name kind } toDepartment { name } }
             pageInfo { endCursor hasNextPage } } }`,
          { first },
          coord,
        ),
      );
    const counts: number[] = [];
    for (const first of [10, 50, 100]) {
      const { result, sql } = await page(first);
      expect(result.errors).toBeUndefined();
      const nodes = result.data!.referrals.nodes as any[];
      expect(nodes).toHaveLength(first);
      for (const n of nodes) {
        expect(n.patient.name).toBe('测试患者');
        // Masked stays masked: no birth date in a list.
        expect(n.patient.birthDate).toBeNull();
        expect(n.fromInstitution.name).toEqual(expect.any(String));
        expect(n.toInstitution.kind).toEqual(expect.any(String));
        expect(n.responseDueAt).toEqual(expect.any(String));
      }
      counts.push(sql.length);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
    // One statement: the page with its related rows, which also writes the audit event for the patients shown.
    expect(counts[0]).toBe(1);
  });

  it("writes a page's audit event in the page's statement: the patients shown, once each, in order, not the one read past the page", async () => {
    const [p2, p3, p4] = [
      await registerPatient(api, village, '乙患者'),
      await registerPatient(api, village, '丙患者'),
      await registerPatient(api, village, '丁患者'),
    ];
    // Routine, one after another: the filtered worklist holds them in this order.
    for (const p of [p2, p3, p2, p4])
      expect(
        (await create(upReferralInput(p, t.inst.general, { urgency: 'ROUTINE' }))).errors,
      ).toBeUndefined();
    const lastEvent = async () =>
      (
        await db.ds.query(
          `SELECT id::int, action, entity_type AS "entityType", outcome, details FROM audit_event
            WHERE actor_user_id = $1 ORDER BY id DESC LIMIT 1`,
          [t.users.coordinator.id],
        )
      )[0];
    const page = (first: number, fields = 'id patient { id name }') =>
      api.gql(
        `query($first: Int) { referrals(box: INCOMING, urgency: ROUTINE, first: $first) { nodes { ${fields} } pageInfo { hasNextPage } } }`,
        { first },
        coord,
      );

    const three = await page(3);
    expect(three.errors).toBeUndefined();
    expect(three.data!.referrals.nodes.map((n: any) => n.patient.id)).toEqual([p2, p3, p2]);
    expect(three.data!.referrals.pageInfo.hasNextPage).toBe(true);
    const shown = await lastEvent();
    expect(shown).toMatchObject({
      action: 'patient.list',
      entityType: 'Patient',
      outcome: 'SUCCESS',
      // The fourth row was read to answer hasNextPage, not shown: its patient is not named.
      details: { source: 'summary', count: 2, patientIds: [p2, p3] },
    });

    expect((await page(4)).errors).toBeUndefined();
    expect((await lastEvent()).details).toEqual({ source: 'summary', count: 3, patientIds: [p2, p3, p4] });
    const latest = (await lastEvent()).id;

    // A page that shows no patient writes no event.
    expect((await page(4, 'id number')).errors).toBeUndefined();
    expect((await lastEvent()).id).toBe(latest);
  });

  it('reads only the columns a worklist page asks for, and answers what one referral answers', async () => {
    expect((await create(upReferralInput(patientId, t.inst.general))).errors).toBeUndefined();
    const page = (nodes: string) =>
      statementsOf(() =>
        api.gql(
          `{ referrals(box: INCOMING, first: 5) { nodes { ${nodes} } pageInfo { endCursor } } }`,
          {},
          coord,
        ),
      );
    const pageSql = (sql: string[]) => sql.find((q) => /FROM "referral"|FROM referral/.test(q))!;

    const narrow = await page('id number fromInstitution { name }');
    expect(narrow.result.errors).toBeUndefined();
    const narrowSql = pageSql(narrow.sql);
    expect(narrowSql).toMatch(/"number"/);
    // Not asked: not read (the referral's text and timestamps, the institution's other columns).
    expect(narrowSql).not.toMatch(/clinical_summary|submitted_at|closed_at/);
    expect(narrowSql).toMatch(/'name', x\.name/);
    expect(narrowSql).not.toMatch(/'address'|'createdAt'/);

    // Every scalar field, and the related objects, as `referral(id)` answers them.
    const scalars = `id number direction state urgency patientId fromInstitutionId fromPractitionerId fromUserId
      contactPhone toInstitutionId toDepartmentId diagnosisCode diagnosisName purpose clinicalSummary attentionNotes
      attachments { name type uri } insuranceType dischargeSummary rehabPlan
      medicationPlan { drug nationalCode formularyItemId dose route frequency duration }
      appointmentAt appointmentPlace bed responseDueAt dueAt escalationLevel rejectCode rejectReason cancelReason
      resubmissionOf submittedAt answeredAt arrivedAt closedAt createdAt updatedAt`;
    const related = `patient { id name sex birthYear birthDate }
      fromInstitution { id name kind tier parentId grade divisionCode address phone active version parent { name } }
      toInstitution { id name departments { name } } fromPractitioner { name } timeline { action toState }`;
    const wide = await page(`${scalars} ${related}`);
    expect(wide.result.errors).toBeUndefined();
    const nodes = wide.result.data!.referrals.nodes as Record<string, unknown>[];
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const one = await api.gql(
        `query($id: ID!) { referral(id: $id) { ${scalars} ${related} } }`,
        { id: node.id },
        coord,
      );
      expect(one.errors).toBeUndefined();
      expect(node).toEqual(one.data!.referral);
    }
  });
});
