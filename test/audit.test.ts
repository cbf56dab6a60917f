import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  AuditChainService,
  AuditEventEntity,
  AuditSealEntity,
  AuditService,
  linkHash,
  SealableEvent,
  SEALABLE_COLUMNS,
} from '@yg/audit';
import { residentIdCheckChar } from '@yg/patients';
import { QUEUES } from '@yg/core';
import { createWorker } from '../apps/worker/src/bootstrap';
import { ANONYMOUS_PER_ADDRESS } from '../apps/api/src/graphql/anonymous-refusals';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';

// ---------- GraphQL documents ----------

const CREATE_INSTITUTION = `mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { id name } }`;
const UPDATE_INSTITUTION = `mutation($input: UpdateInstitutionInput!) { updateInstitution(input: $input) { id } }`;
const REGISTER_PATIENT = `mutation($input: RegisterPatientInput!) {
  registerPatient(input: $input) { id name idNumber phone masked } }`;
const READ_PATIENT = `query($id: ID!) { patient(id: $id) { id name idNumber phone masked } }`;
const SEARCH_PATIENTS = `query($name: String) { patients(name: $name) { nodes { id name idNumber phone } } }`;
const VERIFY = `{ verifyAuditChain { ok checked unsealed brokenAtSeq brokenEventId reason } }`;
const AUDIT_EVENTS = `query($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    nodes { id occurredAt actorUserId actorRoles actorInstitutionId action entityType entityId
            outcome errorCode requestId clientIp details }
    pageInfo { hasNextPage endCursor }
  } }`;

interface Verification {
  ok: boolean;
  checked: number;
  unsealed: number;
  brokenAtSeq: string | null;
  brokenEventId: string | null;
  reason: string | null;
}

interface AuditEventNode {
  id: string;
  occurredAt: string;
  actorUserId: string | null;
  actorRoles: string[];
  actorInstitutionId: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  errorCode: string | null;
  requestId: string | null;
  clientIp: string | null;
  details: Record<string, unknown>;
}

interface EventRow {
  id: string;
  tenantId: string;
  action: string;
  outcome: string;
  errorCode: string | null;
  requestId: string | null;
  actorUserId: string | null;
  actorRoles: string[];
  actorInstitutionId: string | null;
  entityType: string | null;
  entityId: string | null;
  clientIp: string | null;
  details: Record<string, unknown>;
}

interface HttpGql<T = Record<string, any>> extends GqlResult<T> {
  /** The x-request-id the api answered with. */
  requestId: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let idSerial = 0;
/** A valid, never-repeated 居民身份证 number (GB 11643 check char computed). */
function newResidentId(): string {
  const birth = new Date(
    Date.UTC(1950, 0, 1) + (idSerial++ * 7 + Math.floor(Math.random() * 5)) * 86_400_000,
  );
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '');
  const seq = String(100 + Math.floor(Math.random() * 900));
  const first17 = `500114${ymd}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

function newPhone(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

// Each suite builds its own database and api; a few tests wait for the worker.
jest.setTimeout(60_000);

describe('audit trail', () => {
  let db: TestDb;
  let api: TestApi;
  let chain: AuditChainService;

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config);
    chain = api.app.get(AuditChainService);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  // ---------- helpers ----------

  /** GraphQL over HTTP, also returning the request id the api echoed in x-request-id. */
  async function gql<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<HttpGql<T>> {
    const req = api.http.post('/graphql').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    const res = await req.send({ query, variables });
    return {
      status: res.status,
      data: res.body?.data ?? null,
      errors: res.body?.errors,
      requestId: String(res.headers['x-request-id']),
    };
  }

  function ok<T>(res: HttpGql<T>): T {
    if (res.errors?.length || !res.data)
      throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  }

  let nameSerial = 0;
  async function createInstitution(
    token: string,
    input: {
      kind: string;
      tier: string;
      parentId: string | null;
      name?: string;
    },
  ): Promise<HttpGql<{ createInstitution: { id: string; name: string } }>> {
    return gql(
      CREATE_INSTITUTION,
      {
        input: {
          divisionCode: '500114',
          name: input.name ?? `机构-${nameSerial++}-${randomBytes(2).toString('hex')}`,
          ...input,
        },
      },
      token,
    );
  }

  async function createTownship(t: TenantFixture, token: string): Promise<string> {
    const res = await createInstitution(token, {
      kind: 'TOWNSHIP_HEALTH_CENTER',
      tier: 'TOWNSHIP',
      parentId: t.inst.subcenter,
    });
    return ok(res).createInstitution.id;
  }

  interface PatientInput {
    name: string;
    idNumber: string;
    phone: string;
  }
  async function registerPatient(token: string, p?: Partial<PatientInput>) {
    const input: PatientInput = {
      name: p?.name ?? `患者${randomBytes(2).toString('hex')}`,
      idNumber: p?.idNumber ?? newResidentId(),
      phone: p?.phone ?? newPhone(),
    };
    const res = await gql<{
      registerPatient: {
        id: string;
        name: string;
        idNumber: string;
        phone: string;
      };
    }>(
      REGISTER_PATIENT,
      {
        input: {
          ...input,
          residenceDivisionCode: '500114',
          chronicConditions: ['HYPERTENSION'],
        },
      },
      token,
    );
    return { input, res };
  }

  async function verify(token: string): Promise<Verification> {
    return ok(await gql<{ verifyAuditChain: Verification }>(VERIFY, {}, token)).verifyAuditChain;
  }

  async function eventsOf(tenantId: string): Promise<EventRow[]> {
    return db.ds.query(
      `SELECT id::text AS id, tenant_id::text AS "tenantId", action, outcome, error_code AS "errorCode",
              request_id AS "requestId", actor_user_id::text AS "actorUserId", actor_roles AS "actorRoles",
              actor_institution_id::text AS "actorInstitutionId", entity_type AS "entityType",
              entity_id AS "entityId", client_ip AS "clientIp", details
         FROM audit_event WHERE tenant_id = $1 ORDER BY id`,
      [tenantId],
    );
  }

  async function eventsOfRequest(requestId: string): Promise<EventRow[]> {
    return db.ds.query(
      `SELECT id::text AS id, tenant_id::text AS "tenantId", action, outcome, error_code AS "errorCode",
              request_id AS "requestId", actor_user_id::text AS "actorUserId", actor_roles AS "actorRoles",
              actor_institution_id::text AS "actorInstitutionId", entity_type AS "entityType",
              entity_id AS "entityId", client_ip AS "clientIp", details
         FROM audit_event WHERE request_id = $1 ORDER BY id`,
      [requestId],
    );
  }

  async function links(tenantId: string): Promise<{ seq: string; eventId: string; action: string }[]> {
    return db.ds.query(
      `SELECT s.seq::text AS seq, s.event_id::text AS "eventId", e.action
         FROM audit_seal s LEFT JOIN audit_event e ON e.id = s.event_id
        WHERE s.tenant_id = $1 ORDER BY s.seq`,
      [tenantId],
    );
  }

  /** Changes data the way an intruder with database access would: triggers off, in one transaction. */
  async function behindTheAppsBack(sql: string, params: unknown[] = []): Promise<unknown> {
    return db.ds.transaction(async (em) => {
      await em.query(`SET LOCAL session_replication_role = replica`);
      return em.query(sql, params);
    });
  }

  interface Scenario {
    t: TenantFixture;
    admin: string;
    clinician: string;
    auditor: string;
    institutions: string[];
    patientId: string;
  }

  /**
   * A fresh consortium with a handful of audited events (three logins, two institutions
   * created, one patient registered and read), all sealed, and the auditor's token.
   */
  async function sealedScenario(): Promise<Scenario> {
    const t = await buildTenant(db.ds);
    const admin = await api.login(t.users.admin.username);
    const clinician = await api.login(t.users.villageClinician.username);
    const auditor = await api.login(t.users.auditor.username);
    const a = ok(
      await createInstitution(admin, {
        kind: 'TOWNSHIP_HEALTH_CENTER',
        tier: 'TOWNSHIP',
        parentId: t.inst.subcenter,
      }),
    );
    const b = ok(
      await createInstitution(admin, {
        kind: 'VILLAGE_CLINIC',
        tier: 'VILLAGE',
        parentId: t.inst.township,
      }),
    );
    const { res } = await registerPatient(clinician);
    const patientId = ok(res).registerPatient.id;
    ok(await gql(READ_PATIENT, { id: patientId }, clinician));
    await chain.sealTenant(t.tenantId);
    const before = await verify(auditor);
    const count = (await eventsOf(t.tenantId)).length;
    expect(count).toBe(7);
    expect(before).toEqual({
      ok: true,
      checked: count,
      unsealed: 0,
      brokenAtSeq: null,
      brokenEventId: null,
      reason: null,
    });
    return {
      t,
      admin,
      clinician,
      auditor,
      institutions: [a.createInstitution.id, b.createInstitution.id],
      patientId,
    };
  }

  // ---------- 1. append-only ----------

  describe('append-only storage', () => {
    let appDs: DataSource;
    let s: Scenario;
    beforeAll(async () => {
      appDs = api.app.get(DataSource);
      s = await sealedScenario();
    });

    async function snapshot() {
      const events = await db.ds.query(`SELECT * FROM audit_event ORDER BY id`);
      const seals = await db.ds.query(`SELECT * FROM audit_seal ORDER BY tenant_id, seq`);
      return JSON.stringify({ events, seals });
    }

    const attempts: [string, string][] = [
      ['UPDATE audit_event', `UPDATE audit_event SET action = 'tampered'`],
      [
        'UPDATE audit_event (one row)',
        `UPDATE audit_event SET details = '{"x":1}' WHERE id = (SELECT min(id) FROM audit_event)`,
      ],
      ['DELETE FROM audit_event', `DELETE FROM audit_event`],
      [
        'DELETE FROM audit_event (one row)',
        `DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)`,
      ],
      ['TRUNCATE audit_event', `TRUNCATE audit_event CASCADE`],
      ['UPDATE audit_seal', `UPDATE audit_seal SET hash = 'x'`],
      ['DELETE FROM audit_seal', `DELETE FROM audit_seal`],
      ['TRUNCATE audit_seal', `TRUNCATE audit_seal`],
    ];

    // The apps' role has no such privilege at all; the triggers bind the owner as well.
    it.each(attempts)('refuses %s through the application connection and keeps every row', async (_, sql) => {
      const before = await snapshot();
      expect(JSON.parse(before).seals.length).toBeGreaterThan(0);
      await expect(appDs.query(sql)).rejects.toThrow(/permission denied/);
      expect(await snapshot()).toBe(before);
    });

    it.each(attempts)('refuses %s through the owner connection too (the triggers)', async (_, sql) => {
      const before = await snapshot();
      await expect(db.ds.query(sql)).rejects.toThrow(/append-only/);
      expect(await snapshot()).toBe(before);
    });

    it('refuses changes made through TypeORM repositories and transactions too', async () => {
      const before = await snapshot();
      const [first] = await eventsOf(s.t.tenantId);
      const events = appDs.getRepository(AuditEventEntity);
      await expect(events.update({ id: first.id }, { outcome: 'FAILURE' })).rejects.toThrow(
        /permission denied/,
      );
      await expect(events.delete({ id: first.id })).rejects.toThrow(/permission denied/);
      await expect(appDs.getRepository(AuditSealEntity).delete({ tenantId: s.t.tenantId })).rejects.toThrow(
        /permission denied/,
      );
      await expect(
        appDs.transaction((em) => em.query(`DELETE FROM audit_seal WHERE tenant_id = $1`, [s.t.tenantId])),
      ).rejects.toThrow(/permission denied/);
      expect(await snapshot()).toBe(before);
      expect(await verify(s.auditor)).toMatchObject({ ok: true, checked: 7 });
    });
  });

  // ---------- 2. sealing and verification ----------

  describe('sealing and verification', () => {
    it('seals every event of the tenant and verifies the chain as intact', async () => {
      const s = await sealedScenario();
      const chainLinks = await links(s.t.tenantId);
      const events = await eventsOf(s.t.tenantId);
      expect(chainLinks.map((l) => l.seq)).toEqual(events.map((_, i) => String(i + 1)));
      expect(new Set(chainLinks.map((l) => l.eventId))).toEqual(new Set(events.map((e) => e.id)));
      // Sealing again finds nothing left to do and changes nothing.
      expect(await chain.sealTenant(s.t.tenantId)).toBe(0);
      expect(await links(s.t.tenantId)).toEqual(chainLinks);
    });

    it('counts events written after the last seal as unsealed, not as broken, then seals them', async () => {
      const s = await sealedScenario();
      ok(await gql(READ_PATIENT, { id: s.patientId }, s.clinician));
      expect(await verify(s.auditor)).toMatchObject({
        ok: true,
        checked: 7,
        unsealed: 1,
      });
      expect(await chain.sealTenant(s.t.tenantId)).toBe(1);
      expect(await verify(s.auditor)).toMatchObject({
        ok: true,
        checked: 8,
        unsealed: 0,
      });
    });

    it('extends a chain of more than nine links over several seal runs', async () => {
      const s = await sealedScenario();
      for (let run = 0; run < 3; run++) {
        for (let i = 0; i < 4; i++) ok(await gql(READ_PATIENT, { id: s.patientId }, s.clinician));
        expect(await chain.sealTenant(s.t.tenantId)).toBe(4);
      }
      const seqs = (await links(s.t.tenantId)).map((l) => l.seq);
      expect(seqs).toEqual(Array.from({ length: 19 }, (_, i) => String(i + 1)));
      expect(await verify(s.auditor)).toMatchObject({
        ok: true,
        checked: 19,
        unsealed: 0,
      });
    });

    it('detects an event whose action was changed after sealing', async () => {
      const s = await sealedScenario();
      const target = (await links(s.t.tenantId)).find((l) => l.action === 'patient.read.unmasked')!;
      // Hide that the patient's full record was read.
      await behindTheAppsBack(`UPDATE audit_event SET action = 'patient.read' WHERE id = $1`, [
        target.eventId,
      ]);
      const v = await verify(s.auditor);
      expect(v).toMatchObject({
        ok: false,
        brokenEventId: target.eventId,
        brokenAtSeq: target.seq,
      });
      expect(v.reason).toMatch(/altered/);
      expect(v.checked).toBe(Number(target.seq) - 1);
    });

    it('detects an event whose details were changed after sealing', async () => {
      const s = await sealedScenario();
      const target = (await links(s.t.tenantId)).find((l) => l.action === 'institution.create')!;
      await behindTheAppsBack(
        `UPDATE audit_event SET details = details || '{"tier":"COUNTY"}' WHERE id = $1`,
        [target.eventId],
      );
      const v = await verify(s.auditor);
      expect(v).toMatchObject({
        ok: false,
        brokenEventId: target.eventId,
        brokenAtSeq: target.seq,
      });
      expect(v.reason).toMatch(/altered/);
    });

    it('detects an altered event even when its own link hash is recomputed: the next link no longer follows', async () => {
      const s = await sealedScenario();
      const all = await links(s.t.tenantId);
      const idx = all.findIndex((l) => l.action === 'institution.create');
      const target = all[idx];
      const { chainKeyId, chainKeys } = db.config.audit;
      await db.ds.transaction(async (em) => {
        await em.query(`SET LOCAL session_replication_role = replica`);
        await em.query(`UPDATE audit_event SET actor_user_id = NULL WHERE id = $1`, [target.eventId]);
        const [row]: (SealableEvent & { prevHash: string })[] = await em.query(
          `SELECT s.prev_hash AS "prevHash", ${SEALABLE_COLUMNS}
             FROM audit_seal s JOIN audit_event e ON e.id = s.event_id WHERE s.event_id = $1`,
          [target.eventId],
        );
        await em.query(`UPDATE audit_seal SET hash = $2 WHERE event_id = $1`, [
          target.eventId,
          linkHash(row.prevHash, target.seq, row, { id: chainKeyId, secret: chainKeys.get(chainKeyId)! }),
        ]);
      });
      const v = await verify(s.auditor);
      expect(v).toMatchObject({
        ok: false,
        brokenAtSeq: all[idx + 1].seq,
        brokenEventId: all[idx + 1].eventId,
      });
      expect(v.reason).toMatch(/does not follow/);
    });

    it('detects a deleted event', async () => {
      const s = await sealedScenario();
      const target = (await links(s.t.tenantId)).find((l) => l.action === 'patient.register')!;
      await behindTheAppsBack(`DELETE FROM audit_event WHERE id = $1`, [target.eventId]);
      const v = await verify(s.auditor);
      expect(v).toMatchObject({
        ok: false,
        brokenEventId: target.eventId,
        brokenAtSeq: target.seq,
      });
      expect(v.reason).toMatch(/deleted/);
    });

    it('detects a seal row removed from the middle of the chain as a missing link', async () => {
      const s = await sealedScenario();
      const all = await links(s.t.tenantId);
      const middle = all[3];
      await behindTheAppsBack(`DELETE FROM audit_seal WHERE tenant_id = $1 AND seq = $2`, [
        s.t.tenantId,
        middle.seq,
      ]);
      const v = await verify(s.auditor);
      expect(v).toMatchObject({
        ok: false,
        brokenAtSeq: middle.seq,
        checked: Number(middle.seq) - 1,
      });
      expect(v.reason).toMatch(/missing/);
    });

    it('detects the removal of the last seal row: its event is left outside the chain', async () => {
      const s = await sealedScenario();
      const all = await links(s.t.tenantId);
      const last = all[all.length - 1];
      await behindTheAppsBack(`DELETE FROM audit_seal WHERE tenant_id = $1 AND seq = $2`, [
        s.t.tenantId,
        last.seq,
      ]);
      const v = await verify(s.auditor);
      expect(v).toMatchObject({ ok: false, brokenEventId: last.eventId });
      expect(v.reason).toMatch(/outside the chain/);
    });

    it('detects an event inserted directly with triggers disabled as outside the chain', async () => {
      const s = await sealedScenario();
      const [row] = (await behindTheAppsBack(
        `INSERT INTO audit_event (tenant_id, occurred_at, actor_user_id, actor_roles, actor_institution_id, action,
                                  entity_type, entity_id, outcome)
         VALUES ($1, now(), $2, '{AUDITOR}', $3, 'patient.read', 'Patient', $4, 'SUCCESS') RETURNING id::text AS id`,
        [s.t.tenantId, s.t.users.auditor.id, s.t.inst.general, s.patientId],
      )) as { id: string }[];
      const pending = await db.ds.query(`SELECT 1 FROM audit_pending WHERE event_id = $1`, [row.id]);
      expect(pending).toHaveLength(0);
      const v = await verify(s.auditor);
      expect(v).toMatchObject({ ok: false, brokenEventId: row.id, checked: 7 });
      expect(v.reason).toMatch(/outside the chain/);
    });

    it('detects two events whose details were swapped, at the first of them', async () => {
      const s = await sealedScenario();
      const creates = (await links(s.t.tenantId)).filter((l) => l.action === 'institution.create');
      expect(creates).toHaveLength(2);
      const [first, second] = creates;
      const details = await db.ds.query(`SELECT details FROM audit_event WHERE id IN ($1, $2)`, [
        first.eventId,
        second.eventId,
      ]);
      expect(details[0].details).not.toEqual(details[1].details);
      await behindTheAppsBack(
        `UPDATE audit_event a SET details = b.details
           FROM audit_event b
          WHERE (a.id, b.id) IN (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
        [first.eventId, second.eventId],
      );
      const v = await verify(s.auditor);
      expect(v).toMatchObject({
        ok: false,
        brokenEventId: first.eventId,
        brokenAtSeq: first.seq,
      });
      expect(v.reason).toMatch(/altered/);
    });

    it('detects an event moved to another tenant', async () => {
      const s = await sealedScenario();
      const other = await buildTenant(db.ds);
      const target = (await links(s.t.tenantId)).find((l) => l.action === 'patient.register')!;
      await behindTheAppsBack(`UPDATE audit_event SET tenant_id = $2 WHERE id = $1`, [
        target.eventId,
        other.tenantId,
      ]);
      const v = await verify(s.auditor);
      expect(v).toMatchObject({
        ok: false,
        brokenEventId: target.eventId,
        brokenAtSeq: target.seq,
      });
    });

    it('keeps tampering in one consortium from affecting another consortium’s verification', async () => {
      const a = await sealedScenario();
      const b = await sealedScenario();
      const target = (await links(a.t.tenantId))[0];
      await behindTheAppsBack(`UPDATE audit_event SET action = 'x' WHERE id = $1`, [target.eventId]);
      expect((await verify(a.auditor)).ok).toBe(false);
      expect(await verify(b.auditor)).toMatchObject({
        ok: true,
        checked: 7,
        unsealed: 0,
      });
    });
  });

  // ---------- 3. concurrency ----------

  describe('concurrent writers and sealers', () => {
    async function assertChainIsGapless(tenantId: string) {
      const events = await eventsOf(tenantId);
      const seqs: { seq: string }[] = await db.ds.query(
        `SELECT s.seq::text AS seq FROM audit_seal s WHERE s.tenant_id = $1 ORDER BY s.seq`,
        [tenantId],
      );
      expect(seqs.map((r) => r.seq)).toEqual(events.map((_, i) => String(i + 1)));
      const notOnce = await db.ds.query(
        `SELECT e.id, count(s.event_id)::int AS n
           FROM audit_event e LEFT JOIN audit_seal s ON s.event_id = e.id
          WHERE e.tenant_id = $1 GROUP BY e.id HAVING count(s.event_id) <> 1`,
        [tenantId],
      );
      expect(notOnce).toEqual([]);
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM audit_pending WHERE tenant_id = $1`, [
        tenantId,
      ]);
      expect(n).toBe(0);
      return events.length;
    }

    function thirtyMutations(t: TenantFixture, admin: string, clinician: string) {
      return Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? createInstitution(admin, {
              kind: 'TOWNSHIP_HEALTH_CENTER',
              tier: 'TOWNSHIP',
              parentId: t.inst.subcenter,
            }).then(ok)
          : registerPatient(clinician).then(({ res }) => ok(res)),
      );
    }

    it('seals 30 parallel mutations once each, seq 1..N without gaps, when two sealers run at once', async () => {
      const t = await buildTenant(db.ds);
      const admin = await api.login(t.users.admin.username);
      const clinician = await api.login(t.users.villageClinician.username);
      const auditor = await api.login(t.users.auditor.username);
      await Promise.all(thirtyMutations(t, admin, clinician));
      const total = (await eventsOf(t.tenantId)).length;
      expect(total).toBe(33);
      const sealed = await Promise.all([chain.sealTenant(t.tenantId), chain.sealTenant(t.tenantId)]);
      expect(sealed[0] + sealed[1]).toBe(total);
      expect(await assertChainIsGapless(t.tenantId)).toBe(total);
      expect(await verify(auditor)).toEqual({
        ok: true,
        checked: total,
        unsealed: 0,
        brokenAtSeq: null,
        brokenEventId: null,
        reason: null,
      });
    });

    it('keeps the chain intact when sealers run while writers are still committing', async () => {
      const t = await buildTenant(db.ds);
      const admin = await api.login(t.users.admin.username);
      const clinician = await api.login(t.users.villageClinician.username);
      const auditor = await api.login(t.users.auditor.username);
      let writing = true;
      let sealedWhileWriting = 0;
      const sealer = async () => {
        while (writing) {
          const n = await chain.sealTenant(t.tenantId);
          sealedWhileWriting += n;
          await sleep(5);
        }
      };
      const sealers = [sealer(), sealer()];
      await Promise.all(thirtyMutations(t, admin, clinician));
      writing = false;
      await Promise.all(sealers);
      const rest = await Promise.all([chain.sealTenant(t.tenantId), chain.sealTenant(t.tenantId)]);
      const total = (await eventsOf(t.tenantId)).length;
      expect(sealedWhileWriting + rest[0] + rest[1]).toBe(total);
      expect(await assertChainIsGapless(t.tenantId)).toBe(total);
      expect(await verify(auditor)).toMatchObject({
        ok: true,
        checked: total,
        unsealed: 0,
      });
    });
  });

  // ---------- 5. auditEvents query ----------

  describe('auditEvents query', () => {
    let t: TenantFixture;
    let other: TenantFixture;
    let tokens: Record<string, string>;
    let otherAuditor: string;
    let patientA: string;
    let patientB: string;
    let mark: Date;
    let otherPatient: string;

    beforeAll(async () => {
      t = await buildTenant(db.ds);
      other = await buildTenant(db.ds);
      tokens = {};
      for (const key of [
        'admin',
        'auditor',
        'villageClinician',
        'instAdmin',
        'coordinator',
        'countyClinician',
        'expert',
      ] as const) {
        tokens[key] = await api.login(t.users[key].username);
      }
      await createTownship(t, tokens.admin);
      await createTownship(t, tokens.admin);
      patientA = ok((await registerPatient(tokens.villageClinician)).res).registerPatient.id;
      patientB = ok((await registerPatient(tokens.villageClinician)).res).registerPatient.id;
      await sleep(30);
      mark = new Date();
      await sleep(30);
      ok(await gql(READ_PATIENT, { id: patientA }, tokens.villageClinician));
      ok(await gql(READ_PATIENT, { id: patientA }, tokens.villageClinician));
      ok(await gql(READ_PATIENT, { id: patientB }, tokens.auditor));
      ok(await gql(READ_PATIENT, { id: patientB }, tokens.villageClinician));
      await createTownship(t, tokens.admin);

      // A second consortium with lookalike activity.
      const oAdmin = await api.login(other.users.admin.username);
      const oClin = await api.login(other.users.villageClinician.username);
      otherAuditor = await api.login(other.users.auditor.username);
      await createTownship(other, oAdmin);
      otherPatient = ok((await registerPatient(oClin)).res).registerPatient.id;
      ok(await gql(READ_PATIENT, { id: otherPatient }, oClin));
    });

    async function list(token: string, filter: Record<string, unknown> = {}, first = 100, after?: string) {
      return gql<{
        auditEvents: {
          nodes: AuditEventNode[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }>(AUDIT_EVENTS, { filter, first, after }, token);
    }

    async function all(token: string, filter: Record<string, unknown> = {}): Promise<AuditEventNode[]> {
      const res = ok(await list(token, filter));
      expect(res.auditEvents.pageInfo.hasNextPage).toBe(false);
      return res.auditEvents.nodes;
    }

    it.each(['villageClinician', 'countyClinician', 'instAdmin', 'coordinator', 'expert'])(
      'refuses the trail and its check to %s with FORBIDDEN',
      async (key) => {
        const res = await list(tokens[key]);
        expect(errorCode(res)).toBe('FORBIDDEN');
        expect(res.data).toBeNull();
        expect(errorCode(await gql(VERIFY, {}, tokens[key]))).toBe('FORBIDDEN');
      },
    );

    it('refuses the trail without a token', async () => {
      expect(errorCode(await list(''))).toBe('UNAUTHENTICATED');
    });

    it('shows auditors and consortium admins every event of their consortium, newest first', async () => {
      const expected = (await eventsOf(t.tenantId)).map((e) => e.id).reverse();
      for (const key of ['auditor', 'admin']) {
        const nodes = await all(tokens[key]);
        expect(nodes.map((n) => n.id)).toEqual(expected);
        for (let i = 1; i < nodes.length; i++) {
          const prev = Date.parse(nodes[i - 1].occurredAt);
          const cur = Date.parse(nodes[i].occurredAt);
          expect(prev > cur || (prev === cur && BigInt(nodes[i - 1].id) > BigInt(nodes[i].id))).toBe(true);
        }
      }
    });

    it('filters by actor', async () => {
      const nodes = await all(tokens.auditor, {
        actorUserId: t.users.villageClinician.id,
      });
      const expected = (await eventsOf(t.tenantId)).filter(
        (e) => e.actorUserId === t.users.villageClinician.id,
      );
      expect(nodes.length).toBe(expected.length);
      expect(nodes.length).toBeGreaterThanOrEqual(6);
      expect(nodes.every((n) => n.actorUserId === t.users.villageClinician.id)).toBe(true);
    });

    it('names each actor and their institution, as the directory now has them, also after the account is closed', async () => {
      const NAMES = `query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) {
        nodes { actorUserId actorName actorInstitutionId actorInstitutionName } } }`;
      const clinician = t.users.villageClinician.id;
      const [{ display_name: name, institution_name: institution, institution_id }] = await db.ds.query(
        `SELECT u.display_name, i.name AS institution_name, i.id AS institution_id
           FROM app_user u JOIN institution i ON i.id = u.institution_id WHERE u.id = $1`,
        [clinician],
      );
      type Named = {
        actorUserId: string;
        actorName: string;
        actorInstitutionId: string;
        actorInstitutionName: string;
      };
      const named = async (f: Record<string, unknown>): Promise<Named[]> =>
        ok(await gql(NAMES, { f }, tokens.auditor)).auditEvents.nodes;
      const own = await named({ actorUserId: clinician });
      expect(own.length).toBeGreaterThanOrEqual(6);
      expect(new Set(own.map((n) => JSON.stringify(n)))).toEqual(
        new Set([
          JSON.stringify({
            actorUserId: clinician,
            actorName: name,
            actorInstitutionId: institution_id,
            actorInstitutionName: institution,
          }),
        ]),
      );
      // Every actor of the page is named, the auditor's own reads included.
      const page = await named({});
      expect(page.filter((n) => n.actorUserId && !n.actorName)).toEqual([]);
      expect(page.some((n) => n.actorUserId === t.users.auditor.id && n.actorName)).toBe(true);

      await db.ds.query(`UPDATE app_user SET display_name = $2, active = false WHERE id = $1`, [
        clinician,
        `${name}(已离职)`,
      ]);
      try {
        expect((await named({ actorUserId: clinician })).map((n) => n.actorName)).toEqual(
          own.map(() => `${name}(已离职)`),
        );
      } finally {
        await db.ds.query(`UPDATE app_user SET display_name = $2, active = true WHERE id = $1`, [
          clinician,
          name,
        ]);
      }
    });

    it('filters by entity type and id', async () => {
      const nodes = await all(tokens.auditor, {
        entityType: 'Patient',
        entityId: patientA,
      });
      expect(nodes.map((n) => n.action).sort()).toEqual([
        'patient.read.unmasked',
        'patient.read.unmasked',
        'patient.register',
      ]);
      expect(nodes.every((n) => n.entityType === 'Patient' && n.entityId === patientA)).toBe(true);
      expect(
        await all(tokens.auditor, {
          entityType: 'Institution',
          entityId: patientA,
        }),
      ).toEqual([]);
    });

    it('filters by action prefix, treating % and _ literally', async () => {
      const reads = await all(tokens.auditor, { action: 'patient.read' });
      expect(reads.map((n) => n.action).sort()).toEqual([
        'patient.read',
        'patient.read.unmasked',
        'patient.read.unmasked',
        'patient.read.unmasked',
      ]);
      const unmasked = await all(tokens.auditor, {
        action: 'patient.read.unmasked',
      });
      expect(unmasked).toHaveLength(3);
      expect(await all(tokens.auditor, { action: 'institution.' })).toHaveLength(3);
      expect(await all(tokens.auditor, { action: '%' })).toEqual([]);
      expect(await all(tokens.auditor, { action: 'patient_read' })).toEqual([]);
    });

    it('filters by time window: from is inclusive, to is exclusive', async () => {
      const everything = await all(tokens.auditor);
      const after = await all(tokens.auditor, { from: mark.toISOString() });
      const before = await all(tokens.auditor, { to: mark.toISOString() });
      expect(after.length).toBe(5);
      expect(after.every((n) => Date.parse(n.occurredAt) >= mark.getTime())).toBe(true);
      expect(before.every((n) => Date.parse(n.occurredAt) < mark.getTime())).toBe(true);
      expect(after.length + before.length).toBe(everything.length);
      const window = await all(tokens.auditor, {
        from: mark.toISOString(),
        to: new Date(mark.getTime() + 1).toISOString(),
      });
      expect(window).toEqual([]);
    });

    it('pages with a cursor without repeating or skipping events', async () => {
      const full = (await all(tokens.auditor)).map((n) => n.id);
      expect(full.length).toBeGreaterThan(10);
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 50; page++) {
        const res = ok(await list(tokens.auditor, {}, 3, after)).auditEvents;
        expect(res.nodes.length).toBeLessThanOrEqual(3);
        seen.push(...res.nodes.map((n) => n.id));
        if (!res.pageInfo.hasNextPage) break;
        after = res.pageInfo.endCursor!;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(full);
    });

    it('pages a filtered list the same way', async () => {
      const full = (await all(tokens.auditor, { action: 'patient.' })).map((n) => n.id);
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const res = ok(await list(tokens.auditor, { action: 'patient.' }, 2, after)).auditEvents;
        seen.push(...res.nodes.map((n) => n.id));
        after = res.pageInfo.hasNextPage ? res.pageInfo.endCursor! : undefined;
      } while (after);
      expect(seen).toEqual(full);
    });

    it('rejects a forged cursor with BAD_USER_INPUT', async () => {
      expect(errorCode(await list(tokens.auditor, {}, 3, 'not-a-cursor'))).toBe('BAD_USER_INPUT');
    });

    it('never shows another consortium’s events, whatever the filter', async () => {
      const mine = await all(tokens.auditor);
      const theirs = await all(otherAuditor);
      const otherIds = new Set((await eventsOf(other.tenantId)).map((e) => e.id));
      expect(theirs.length).toBe(otherIds.size);
      expect(mine.some((n) => otherIds.has(n.id))).toBe(false);
      expect(theirs.some((n) => mine.some((m) => m.id === n.id))).toBe(false);
      expect(
        await all(tokens.auditor, {
          actorUserId: other.users.villageClinician.id,
        }),
      ).toEqual([]);
      expect(
        await all(tokens.auditor, {
          entityType: 'Patient',
          entityId: otherPatient,
        }),
      ).toEqual([]);
      expect(await all(otherAuditor, { entityType: 'Patient', entityId: patientA })).toEqual([]);
    });
  });

  // ---------- 6. every mutation is audited ----------

  describe('every mutation leaves exactly one event', () => {
    let t: TenantFixture;
    let admin: string;
    let clinician: string;
    beforeAll(async () => {
      t = await buildTenant(db.ds);
      admin = await api.login(t.users.admin.username);
      clinician = await api.login(t.users.villageClinician.username);
    });

    async function institutionsNamed(name: string): Promise<number> {
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM institution WHERE tenant_id = $1 AND name = $2`,
        [t.tenantId, name],
      );
      return n;
    }

    it('records a successful mutation once, with actor, roles, institution, request id, client address and entity', async () => {
      const name = `新卫生院-${randomBytes(3).toString('hex')}`;
      const res = await createInstitution(admin, {
        kind: 'TOWNSHIP_HEALTH_CENTER',
        tier: 'TOWNSHIP',
        parentId: t.inst.subcenter,
        name,
      });
      const id = ok(res).createInstitution.id;
      expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const events = await eventsOfRequest(res.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        tenantId: t.tenantId,
        action: 'institution.create',
        outcome: 'SUCCESS',
        errorCode: null,
        actorUserId: t.users.admin.id,
        actorRoles: ['CONSORTIUM_ADMIN'],
        actorInstitutionId: t.inst.general,
        entityType: 'Institution',
        entityId: id,
        requestId: res.requestId,
      });
      expect(events[0].clientIp).toMatch(/127\.0\.0\.1|::1/);
    });

    it('keeps the caller’s own request id when it looks like one', async () => {
      const rid = `client-${randomBytes(6).toString('hex')}`;
      const res = await gql(
        REGISTER_PATIENT,
        {
          input: {
            name: '钱某某',
            idNumber: newResidentId(),
            residenceDivisionCode: '500114',
            chronicConditions: [],
          },
        },
        clinician,
        { 'x-request-id': rid },
      );
      ok(res);
      expect(res.requestId).toBe(rid);
      const events = await eventsOfRequest(rid);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'patient.register',
        outcome: 'SUCCESS',
        actorUserId: t.users.villageClinician.id,
        actorRoles: ['CLINICIAN'],
        actorInstitutionId: t.inst.village,
        entityType: 'Patient',
      });
    });

    it('records a mutation refused by role as DENIED / FORBIDDEN, and nothing is created', async () => {
      const name = `越权机构-${randomBytes(3).toString('hex')}`;
      const res = await createInstitution(clinician, {
        kind: 'TOWNSHIP_HEALTH_CENTER',
        tier: 'TOWNSHIP',
        parentId: t.inst.subcenter,
        name,
      });
      expect(errorCode(res)).toBe('FORBIDDEN');
      expect(await institutionsNamed(name)).toBe(0);
      const events = await eventsOfRequest(res.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        tenantId: t.tenantId,
        action: 'mutation.createInstitution',
        outcome: 'DENIED',
        errorCode: 'FORBIDDEN',
        actorUserId: t.users.villageClinician.id,
        actorRoles: ['CLINICIAN'],
        actorInstitutionId: t.inst.village,
        requestId: res.requestId,
      });
      expect(events[0].clientIp).toBeTruthy();
    });

    it('records a mutation refused by a service rule (FORBIDDEN) as DENIED', async () => {
      const instAdmin = await api.login(t.users.instAdmin.username);
      // An institution admin may only manage their own institution.
      const res = await gql(
        `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`,
        {
          input: {
            institutionId: t.inst.general,
            code: 'NEURO',
            name: '神经内科',
          },
        },
        instAdmin,
      );
      expect(errorCode(res)).toBe('FORBIDDEN');
      const events = await eventsOfRequest(res.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'mutation.createDepartment',
        outcome: 'DENIED',
        errorCode: 'FORBIDDEN',
      });
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM department WHERE code = 'NEURO' AND tenant_id = $1`,
        [t.tenantId],
      );
      expect(n).toBe(0);
    });

    it('records a mutation without a token as DENIED / UNAUTHENTICATED', async () => {
      const name = `匿名机构-${randomBytes(3).toString('hex')}`;
      const res = await createInstitution('', {
        kind: 'TOWNSHIP_HEALTH_CENTER',
        tier: 'TOWNSHIP',
        parentId: t.inst.subcenter,
        name,
      });
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      const events = await eventsOfRequest(res.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'mutation.createInstitution',
        outcome: 'DENIED',
        errorCode: 'UNAUTHENTICATED',
        actorUserId: null,
      });
    });

    it('records refusals of callers without a session one by one up to a budget per address and minute, then once that they were limited: no one without an account fills the trail', async () => {
      const count = async () =>
        (
          await db.ds.query(
            `SELECT action, count(*)::int AS n FROM audit_event
              WHERE action IN ('mutation.deactivateUser', 'audit.anonymous.limited') AND actor_user_id IS NULL
              GROUP BY action`,
          )
        ).reduce(
          (m: Record<string, number>, r: { action: string; n: number }) => ({ ...m, [r.action]: r.n }),
          {},
        );
      const before = await count();
      const send = () =>
        api.gql(`mutation($id: ID!) { deactivateUser(id: $id, reason: "x") { id } }`, { id: randomUUID() });
      // More than one minute's budget, from one address (this test's), within one minute: not
      // started in a minute's last seconds.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
      const answers = [];
      for (let i = 0; i < ANONYMOUS_PER_ADDRESS + 15; i++) answers.push(await send());
      // Every one refused all the same.
      expect(new Set(answers.map(errorCode))).toEqual(new Set(['UNAUTHENTICATED']));
      const after = await count();
      const written = (after['mutation.deactivateUser'] ?? 0) - (before['mutation.deactivateUser'] ?? 0);
      const limited = (after['audit.anonymous.limited'] ?? 0) - (before['audit.anonymous.limited'] ?? 0);
      // The budget (less what earlier tests spent this minute), then one event saying so, then nothing.
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThanOrEqual(ANONYMOUS_PER_ADDRESS);
      expect(limited).toBe(1);
      const [summary] = await db.ds.query(
        `SELECT outcome, error_code, details FROM audit_event WHERE action = 'audit.anonymous.limited' ORDER BY id DESC LIMIT 1`,
      );
      expect(summary).toMatchObject({
        outcome: 'DENIED',
        error_code: 'UNAUTHENTICATED',
        details: {
          scope: 'address',
          perMinute: ANONYMOUS_PER_ADDRESS,
          firstSkipped: 'mutation.deactivateUser',
        },
      });
    });

    it('records a rule violation as FAILURE / BAD_USER_INPUT, and the change does not happen', async () => {
      const name = `层级错误-${randomBytes(3).toString('hex')}`;
      // A village clinic cannot be a county-tier institution.
      const res = await createInstitution(admin, {
        kind: 'VILLAGE_CLINIC',
        tier: 'COUNTY',
        parentId: t.inst.general,
        name,
      });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(await institutionsNamed(name)).toBe(0);
      const events = await eventsOfRequest(res.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        tenantId: t.tenantId,
        action: 'mutation.createInstitution',
        outcome: 'FAILURE',
        errorCode: 'BAD_USER_INPUT',
        actorUserId: t.users.admin.id,
        actorRoles: ['CONSORTIUM_ADMIN'],
        actorInstitutionId: t.inst.general,
      });
    });

    it('records a parent placed below its child tier as FAILURE / BAD_USER_INPUT', async () => {
      const name = `倒挂-${randomBytes(3).toString('hex')}`;
      const res = await createInstitution(admin, {
        kind: 'TOWNSHIP_HEALTH_CENTER',
        tier: 'TOWNSHIP',
        parentId: t.inst.village,
        name,
      });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(await institutionsNamed(name)).toBe(0);
      expect(await eventsOfRequest(res.requestId)).toMatchObject([
        {
          action: 'mutation.createInstitution',
          outcome: 'FAILURE',
          errorCode: 'BAD_USER_INPUT',
        },
      ]);
    });

    it('records input validation failures and conflicts as FAILURE with their codes', async () => {
      const bad = await registerPatient(clinician, {
        idNumber: '500114198001011230',
      });
      expect(errorCode(bad.res)).toBe('BAD_USER_INPUT');
      expect(await eventsOfRequest(bad.res.requestId)).toMatchObject([
        {
          action: 'mutation.registerPatient',
          outcome: 'FAILURE',
          errorCode: 'BAD_USER_INPUT',
        },
      ]);
      const first = await registerPatient(clinician);
      ok(first.res);
      const dup = await registerPatient(clinician, {
        idNumber: first.input.idNumber,
      });
      expect(errorCode(dup.res)).toBe('CONFLICT');
      expect(await eventsOfRequest(dup.res.requestId)).toMatchObject([
        {
          action: 'mutation.registerPatient',
          outcome: 'FAILURE',
          errorCode: 'CONFLICT',
        },
      ]);
    });

    it('records a mutation its service does not audit itself (nothing changed) once, as SUCCESS', async () => {
      const [{ version }] = await db.ds.query(`SELECT version FROM institution WHERE id = $1`, [
        t.inst.township,
      ]);
      const res = await gql<{ updateInstitution: { id: string } }>(
        UPDATE_INSTITUTION,
        { input: { id: t.inst.township, version } },
        admin,
      );
      ok(res);
      expect(await eventsOfRequest(res.requestId)).toMatchObject([
        {
          action: 'mutation.updateInstitution',
          outcome: 'SUCCESS',
          entityId: t.inst.township,
          actorUserId: t.users.admin.id,
        },
      ]);
    });

    it('records a successful login once', async () => {
      const res = await gql(
        `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
        {
          u: t.users.expert.username,
          p: 'Demo-pass-2026',
        },
      );
      ok(res);
      expect(await eventsOfRequest(res.requestId)).toMatchObject([
        {
          action: 'auth.login',
          outcome: 'SUCCESS',
          actorUserId: t.users.expert.id,
          entityType: 'User',
          entityId: t.users.expert.id,
        },
      ]);
    });

    it('records a failed login once', async () => {
      const res = await gql(
        `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
        {
          u: t.users.expert.username,
          p: 'wrong-password-1',
        },
      );
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      const events = await eventsOfRequest(res.requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        tenantId: t.tenantId,
        outcome: 'FAILURE',
        errorCode: 'UNAUTHENTICATED',
        entityId: t.users.expert.id,
      });
    });

    it('records each mutation of a multi-mutation request on its own', async () => {
      const ok1 = `多操作-${randomBytes(3).toString('hex')}`;
      const bad = `多操作-${randomBytes(3).toString('hex')}`;
      const res = await gql(
        `mutation($a: CreateInstitutionInput!, $b: CreateInstitutionInput!) {
           a: createInstitution(input: $a) { id }
           b: createInstitution(input: $b) { id } }`,
        {
          a: {
            name: ok1,
            kind: 'TOWNSHIP_HEALTH_CENTER',
            tier: 'TOWNSHIP',
            parentId: t.inst.subcenter,
            divisionCode: '500114',
          },
          b: {
            name: bad,
            kind: 'VILLAGE_CLINIC',
            tier: 'COUNTY',
            parentId: t.inst.general,
            divisionCode: '500114',
          },
        },
        admin,
      );
      // b's error nulls the whole (non-null) result, but a ran and committed before it.
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(await institutionsNamed(ok1)).toBe(1);
      expect(await institutionsNamed(bad)).toBe(0);
      const events = await eventsOfRequest(res.requestId);
      expect(events.map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
        ['institution.create', 'SUCCESS', null],
        ['mutation.createInstitution', 'FAILURE', 'BAD_USER_INPUT'],
      ]);
    });

    it('does not audit plain queries other than patient reads', async () => {
      const res = await gql(`{ institutions { nodes { id } } me { id } }`, {}, admin);
      ok(res);
      expect(await eventsOfRequest(res.requestId)).toEqual([]);
    });
  });

  // ---------- 7. no plaintext PII ----------

  describe('personal data in the trail', () => {
    it('never stores a patient’s name, ID number or phone in plain text', async () => {
      const t = await buildTenant(db.ds);
      const clinician = await api.login(t.users.villageClinician.username);
      const coordinator = await api.login(t.users.coordinator.username);
      const auditor = await api.login(t.users.auditor.username);
      const people: PatientInput[] = [];
      for (let i = 0; i < 3; i++) {
        const { input, res } = await registerPatient(clinician, {
          name: `隐私患者${['甲', '乙', '丙'][i]}${randomBytes(2).toString('hex')}`,
          phone: `13${7 + i}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        });
        const id = ok(res).registerPatient.id;
        people.push(input);
        const read = ok(
          await gql<{ patient: { idNumber: string; phone: string } }>(READ_PATIENT, { id }, clinician),
        );
        expect(read.patient.idNumber).toBe(input.idNumber);
        ok(await gql(READ_PATIENT, { id }, auditor));
        await gql(READ_PATIENT, { id }, coordinator); // another institution: NOT_FOUND, still no PII
        ok(await gql(SEARCH_PATIENTS, { name: input.name }, clinician));
        // Failed attempts carry the same data in their input.
        await registerPatient(clinician, input);
        await registerPatient(clinician, {
          ...input,
          idNumber: `${input.idNumber.slice(0, 17)}${input.idNumber[17] === '0' ? '1' : '0'}`,
        });
      }
      const rows: { j: string }[] = await db.ds.query(`SELECT row_to_json(e)::text AS j FROM audit_event e`);
      expect(rows.length).toBeGreaterThan(10);
      const text = rows.map((r) => r.j).join('\n');
      for (const p of people) {
        expect(text).not.toContain(p.name);
        expect(text).not.toContain(p.idNumber);
        expect(text).not.toContain(p.phone);
        expect(text).not.toContain(p.idNumber.slice(6)); // nor the birth date and serial without the region
      }
    });
  });

  // ---------- 4. worker ----------

  describe('with a worker running', () => {
    let worker: INestApplicationContext;
    beforeAll(async () => {
      // The periodic safety net is pushed an hour out, so only the api's seal requests can
      // seal anything during these tests.
      worker = await createWorker({
        ...db.config,
        audit: { ...db.config.audit, sealEveryMs: 3_600_000 },
      });
      await worker.init();
    });
    afterAll(async () => {
      await worker?.close();
    });

    async function untilSealed(token: string, tenantId: string, timeoutMs = 15_000): Promise<Verification> {
      const deadline = Date.now() + timeoutMs;
      let last: Verification | undefined;
      while (Date.now() < deadline) {
        last = await verify(token);
        const total = (await eventsOf(tenantId)).length;
        if (last.ok && last.unsealed === 0 && last.checked > 0 && last.checked === total) return last;
        await sleep(100);
      }
      throw new Error(`chain not sealed within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    }

    it('seals the events of audited requests without anyone calling the sealer', async () => {
      const t = await buildTenant(db.ds);
      const admin = await api.login(t.users.admin.username);
      const clinician = await api.login(t.users.villageClinician.username);
      const auditor = await api.login(t.users.auditor.username);
      await createTownship(t, admin);
      const { res } = await registerPatient(clinician);
      ok(await gql(READ_PATIENT, { id: ok(res).registerPatient.id }, clinician));
      await Promise.all(Array.from({ length: 8 }, () => createTownship(t, admin)));
      const v = await untilSealed(auditor, t.tenantId);
      expect(v).toMatchObject({ ok: true, checked: 14, unsealed: 0 });
    });

    it('places one seal job per tenant and 100 ms window, not one per request, and still seals every event', async () => {
      const t = await buildTenant(db.ds);
      const admin = await api.login(t.users.admin.username);
      const auditor = await api.login(t.users.auditor.username);
      await untilSealed(auditor, t.tenantId);
      const queue = api.app.get<Queue>(getQueueToken(QUEUES.AUDIT));
      const add = jest.spyOn(queue, 'add');
      try {
        const started = Date.now();
        for (let i = 0; i < 20; i++) await createTownship(t, admin);
        const windows = Math.floor(Date.now() / 100) - Math.floor(started / 100) + 1;
        const placed = add.mock.calls.filter(
          ([, data]) => (data as { tenantId?: string }).tenantId === t.tenantId,
        );
        const ids = placed.map(([, , opts]) => opts?.jobId);
        // One after another, each request finds the job of its window placed or places it.
        expect(placed.length).toBeGreaterThan(0);
        expect(ids.length).toBe(new Set(ids).size);
        expect(ids.length).toBeLessThanOrEqual(windows);
      } finally {
        add.mockRestore();
      }
      expect(await untilSealed(auditor, t.tenantId)).toMatchObject({ ok: true, checked: 22, unsealed: 0 });
    });

    it('also seals events written while or just after a seal job runs (seal requests are not swallowed)', async () => {
      const t = await buildTenant(db.ds);
      const admin = await api.login(t.users.admin.username);
      const auditor = await api.login(t.users.auditor.username);
      await untilSealed(auditor, t.tenantId);
      for (let round = 0; round < 4; round++) {
        await createTownship(t, admin);
        await untilSealed(auditor, t.tenantId, 10_000);
      }
      expect(await verify(auditor)).toMatchObject({
        ok: true,
        checked: 6,
        unsealed: 0,
      });
    });

    it('catches up, on its periodic run, with events whose seal request never came', async () => {
      const t = await buildTenant(db.ds);
      const auditor = await api.login(t.users.auditor.username);
      await untilSealed(auditor, t.tenantId);
      // Recorded outside any request, so nobody asks for a seal.
      const audit = api.app.get(AuditService);
      await audit.recordStandalone({
        action: 'test.outside-request',
        tenantId: t.tenantId,
        actor: null,
      });
      await audit.recordStandalone({
        action: 'test.outside-request',
        tenantId: t.tenantId,
        actor: null,
      });
      await sleep(1000);
      expect(await verify(auditor)).toMatchObject({
        ok: true,
        checked: 1,
        unsealed: 2,
      });
      // A second worker copy with a short period: the shared scheduler now runs every 300 ms.
      const fast = await createWorker({
        ...db.config,
        audit: { ...db.config.audit, sealEveryMs: 300 },
      });
      try {
        await fast.init();
        expect(await untilSealed(auditor, t.tenantId)).toMatchObject({
          ok: true,
          checked: 3,
          unsealed: 0,
        });
      } finally {
        await fast.close();
      }
    });
  });
});
