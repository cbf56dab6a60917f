import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AuditChainService } from '@yg/audit';
import { residentIdCheckChar } from '@yg/patients';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, PASSWORD, TenantFixture } from './utils/fixtures';
import { GqlResult, TestApi } from './utils/api';

jest.setTimeout(60_000);

function data<T>(res: GqlResult<T>): T {
  if (res.errors?.length || !res.data)
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

describe('end to end: from login to an audited patient read', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('answers liveness and readiness with Postgres, Redis and migrations checked', async () => {
    const live = await api.http.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: {
        postgres: { ok: true },
        redis: { ok: true },
        migrations: { ok: true },
      },
    });
  });

  it('lets a village clinician register and read a patient, and an auditor find and verify that read', async () => {
    // 1. The village clinician logs in.
    const login = await api.gql<{
      login: { token: string; user: { id: string; roles: string[] } };
    }>(
      `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id roles } } }`,
      {
        u: t.users.villageClinician.username,
        p: PASSWORD,
      },
    );
    const clinician = data(login).login.token;
    expect(data(login).login.user).toEqual({
      id: t.users.villageClinician.id,
      roles: ['CLINICIAN'],
    });

    // 2. Registers a patient.
    const first17 = '50011419780615202'; // 17th digit even: female
    const idNumber = first17 + residentIdCheckChar(first17);
    const registered = data(
      await api.gql<{
        registerPatient: {
          id: string;
          sex: string;
          birthDate: string;
          masked: boolean;
        };
      }>(
        `mutation($input: RegisterPatientInput!) { registerPatient(input: $input) { id sex birthDate masked } }`,
        {
          input: {
            name: '刘桂英',
            idNumber,
            phone: '13908231234',
            residenceDivisionCode: '500114',
            chronicConditions: ['HYPERTENSION', 'DIABETES_T2'],
          },
        },
        clinician,
      ),
    ).registerPatient;
    expect(registered).toMatchObject({
      sex: 'FEMALE',
      birthDate: '1978-06-15',
    });

    // 3. Reads the full record, unmasked.
    const read = data(
      await api.gql<{ patient: Record<string, unknown> }>(
        `query($id: ID!) { patient(id: $id) { id name idNumber phone masked registeredByInstitution { id } } }`,
        { id: registered.id },
        clinician,
      ),
    ).patient;
    expect(read).toEqual({
      id: registered.id,
      name: '刘桂英',
      idNumber,
      phone: '13908231234',
      masked: false,
      registeredByInstitution: { id: t.inst.village },
    });

    // 4. An auditor logs in and finds that read in the trail, with the clinician as actor.
    const auditor = await api.login(t.users.auditor.username);
    const found = data(
      await api.gql<{ auditEvents: { nodes: Record<string, unknown>[] } }>(
        `query($filter: AuditEventFilter) { auditEvents(filter: $filter) {
           nodes { id action actorUserId actorRoles actorInstitutionId entityType entityId outcome requestId details } } }`,
        {
          filter: {
            entityType: 'Patient',
            entityId: registered.id,
            action: 'patient.read.unmasked',
          },
        },
        auditor,
      ),
    ).auditEvents.nodes;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      action: 'patient.read.unmasked',
      actorUserId: t.users.villageClinician.id,
      actorRoles: ['CLINICIAN'],
      actorInstitutionId: t.inst.village,
      entityType: 'Patient',
      entityId: registered.id,
      outcome: 'SUCCESS',
    });
    expect(found[0].requestId).toBeTruthy();
    expect(JSON.stringify(found[0])).not.toContain(idNumber);

    // 5. Once sealed, the chain verifies.
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1`, [
      t.tenantId,
    ]);
    await api.app.get(AuditChainService).sealTenant(t.tenantId);
    const verification = data(
      await api.gql<{ verifyAuditChain: Record<string, unknown> }>(
        `{ verifyAuditChain { ok checked unsealed brokenAtSeq brokenEventId reason } }`,
        {},
        auditor,
      ),
    ).verifyAuditChain;
    // Two logins, the registration and the read.
    expect(n).toBe(4);
    expect(verification).toEqual({
      ok: true,
      checked: n,
      unsealed: 0,
      brokenAtSeq: null,
      brokenEventId: null,
      reason: null,
    });
  });

  it('serves the schema committed in apps/api/schema.gql', () => {
    const { schema } = api.app.get(GraphQLSchemaHost);
    const generated = `${printSchema(lexicographicSortSchema(schema))}\n`;
    const committed = readFileSync(join(__dirname, '..', 'apps', 'api', 'schema.gql'), 'utf8');
    if (committed !== generated) {
      const a = committed.split('\n');
      const b = generated.split('\n');
      let line = 0;
      while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
      throw new Error(
        `apps/api/schema.gql is out of date with the code (first difference at line ${line + 1}: ` +
          `committed ${JSON.stringify(a[line] ?? '<end of file>')}, generated ${JSON.stringify(b[line] ?? '<end of file>')}). ` +
          'Run `npm run build && npm run schema:print` and commit the result.',
      );
    }
    expect(committed).toBe(generated);
  });
});
