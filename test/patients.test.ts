import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Clock } from '@yg/core';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture, UserKey } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';

// The project-level testTimeout is not applied to `projects` entries; argon2 logins and
// parallel requests need more than jest's default 5 s on a busy machine.
jest.setTimeout(60_000);

const PATIENT_FIELDS = `id name sex birthDate birthYear idNumber phone masked residenceDivisionCode chronicConditions
  familyDoctorContract { institutionId practitionerId signedOn } registeredByInstitutionId createdAt`;
const REGISTER = `mutation($input: RegisterPatientInput!) { registerPatient(input: $input) { ${PATIENT_FIELDS} } }`;
const READ = `query($id: ID!) { patient(id: $id) { ${PATIENT_FIELDS} } }`;
const SEARCH = `query($name: String, $idSuffix: String, $phoneSuffix: String, $first: Int, $after: String) {
  patients(name: $name, idSuffix: $idSuffix, phoneSuffix: $phoneSuffix, first: $first, after: $after) {
    nodes { id name idNumber phone masked birthDate birthYear }
    pageInfo { hasNextPage endCursor }
  }
}`;

// GB 11643 check character (ISO 7064 MOD 11-2), computed independently of the code under test.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function withCheckChar(first17: string): string {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

const used = new Set<string>();
/** A valid, never-before-used resident ID number (optionally ending in X or not). */
function newResidentId(opts: { endsWithX?: boolean; division?: string } = {}): string {
  for (;;) {
    const day = new Date(Date.UTC(1935, 0, 1) + Math.floor(Math.random() * 25_000) * 86_400_000);
    const ymd = day.toISOString().slice(0, 10).replace(/-/g, '');
    const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
    const id = withCheckChar(`${opts.division ?? '500114'}${ymd}${seq}`);
    if (used.has(id)) continue;
    if (opts.endsWithX !== undefined && id.endsWith('X') !== opts.endsWithX) continue;
    used.add(id);
    return id;
  }
}

/** The date `days` from now as the consortium (Asia/Shanghai) sees it. */
function chinaDate(days = 0, from = new Date()): string {
  return new Date(from.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

const ID_A = '11010519491231002X'; // female, 1949-12-31
const ID_B = '53010219200508011X'; // male, 1920-05-08

describe('patients: registration, storage, masking, visibility and search', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let t2: TenantFixture;
  const tok = {} as Record<UserKey, string>;
  const tok2 = {} as Partial<Record<UserKey, string>>;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    t2 = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    await Promise.all(
      (Object.keys(t.users) as UserKey[]).map(async (k) => {
        tok[k] = await api.login(t.users[k].username);
      }),
    );
    tok2.admin = await api.login(t2.users.admin.username);
    tok2.villageClinician = await api.login(t2.users.villageClinician.username);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  /** As the village clinician unless another token (or null: no token) is given. */
  function register(input: Record<string, unknown>, token: string | null = tok.villageClinician) {
    return api.gql(REGISTER, { input: { residenceDivisionCode: '500114', ...input } }, token ?? undefined);
  }
  function read(id: string, token: string) {
    return api.gql(READ, { id }, token);
  }
  function search(args: Record<string, unknown>, token: string) {
    return api.gql(SEARCH, args, token);
  }
  async function patientCount(): Promise<number> {
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM patient`);
    return n;
  }
  /** Runs `fn` and checks that the patient table did not change. */
  async function expectNoWrite<T>(fn: () => Promise<T>): Promise<T> {
    const before = await patientCount();
    const out = await fn();
    expect(await patientCount()).toBe(before);
    return out;
  }
  function ok(res: GqlResult, field: string) {
    expect(res.errors).toBeUndefined();
    return res.data![field];
  }

  describe('registerPatient: the ID number is checked and decides sex and birth date', () => {
    it('derives FEMALE / 1949-12-31 and MALE / 1920-05-08 from valid ID numbers', async () => {
      const a = ok(await register({ name: '赵女士', idNumber: ID_A }), 'registerPatient');
      expect(a).toMatchObject({
        sex: 'FEMALE',
        birthDate: '1949-12-31',
        birthYear: 1949,
        idNumber: ID_A,
        masked: false,
        registeredByInstitutionId: t.inst.village,
        familyDoctorContract: null,
      });
      const b = ok(await register({ name: '钱先生', idNumber: ID_B }, tok.coordinator), 'registerPatient');
      expect(b).toMatchObject({
        sex: 'MALE',
        birthDate: '1920-05-08',
        idNumber: ID_B,
        registeredByInstitutionId: t.inst.general,
      });
      const rows = await db.ds.query(
        `SELECT id, sex, birth_date::text AS birth FROM patient WHERE id = ANY($1) ORDER BY sex`,
        [[a.id, b.id]],
      );
      expect(rows).toEqual([
        { id: a.id, sex: 'FEMALE', birth: '1949-12-31' },
        { id: b.id, sex: 'MALE', birth: '1920-05-08' },
      ]);
    });

    it('accepts sex and birth date when they agree with the ID number, and a lower-case x', async () => {
      const id = newResidentId({ endsWithX: true });
      const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
      const sex = Number(id[16]) % 2 ? 'MALE' : 'FEMALE';
      const p = ok(
        await register({ name: '孙某', idNumber: ` ${id.toLowerCase()} `, sex, birthDate }),
        'registerPatient',
      );
      expect(p).toMatchObject({ sex, birthDate, idNumber: id });
    });

    it('refuses a sex that disagrees with the ID number (BAD_USER_INPUT, field sex) and writes nothing', async () => {
      const res = await expectNoWrite(() =>
        register({ name: '李某', idNumber: newResidentIdOfSex('FEMALE'), sex: 'MALE' }),
      );
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.field).toBe('sex');
    });

    it('refuses a birth date that disagrees with the ID number (BAD_USER_INPUT, field birthDate) and writes nothing', async () => {
      const res = await expectNoWrite(() =>
        register({ name: '李某', idNumber: newResidentId(), birthDate: '1900-01-01' }),
      );
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.field).toBe('birthDate');
    });

    it.each([
      ['a wrong check digit', 'CHECK_DIGIT', '530102192005080119'],
      [
        'an impossible birth date (2023-02-30) with a correct check char',
        'BIRTH_DATE',
        withCheckChar('11010520230230003'),
      ],
      [
        'a birth date in the future',
        'BIRTH_DATE',
        withCheckChar(`110105${chinaDate(2).replace(/-/g, '')}003`),
      ],
      ['17 characters', 'FORMAT', '11010519491231002'],
      ['19 characters', 'FORMAT', '11010519491231002X1'],
      ['a letter in the middle', 'FORMAT', '1101051949123A002X'],
      ['an unknown province code', 'DIVISION_CODE', withCheckChar('99010519491231002')],
    ])(
      'refuses an ID number with %s (BAD_USER_INPUT, reason %s) and writes nothing',
      async (_label, reason, idNumber) => {
        const res = await expectNoWrite(() => register({ name: '周某', idNumber, phone: '13900001111' }));
        expect(errorCode(res)).toBe('BAD_USER_INPUT');
        expect(res.errors![0].extensions).toMatchObject({ field: 'idNumber', reason });
        expect(res.data).toBeNull();
      },
    );

    it('refuses a malformed phone number (BAD_USER_INPUT, field phone) and writes nothing', async () => {
      const res = await expectNoWrite(() =>
        register({ name: '吴某', idNumber: newResidentId(), phone: '12345' }),
      );
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.field).toBe('phone');
    });
  });

  describe('storage: identifiers are encrypted at rest', () => {
    it('keeps no plaintext ID number or phone in the patient row; stores masked forms', async () => {
      const idNumber = newResidentId({ division: '110105' });
      const phone = '13912345678';
      const p = ok(await register({ name: '郑存储', idNumber, phone: '139-1234-5678' }), 'registerPatient');
      expect(p.phone).toBe(phone);
      const [row] = await db.ds.query(
        `SELECT row_to_json(p)::text AS json, id_number_enc, phone_enc, id_number_hash, id_number_masked, phone_masked
           FROM patient p WHERE id = $1`,
        [p.id],
      );
      expect(row.json).not.toContain(idNumber);
      expect(row.json).not.toContain(idNumber.slice(0, 17));
      expect(row.json).not.toContain(phone);
      for (const enc of [row.id_number_enc, row.phone_enc, row.id_number_hash]) {
        expect(enc).not.toContain(idNumber.slice(6, 14));
        expect(enc).not.toContain(phone.slice(3));
      }
      expect(row.id_number_enc).toMatch(/^v2\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(row.phone_enc).toMatch(/^v2\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(row.id_number_masked).toBe(`110105********${idNumber.slice(-4)}`);
      expect(row.id_number_masked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
      expect(row.phone_masked).toBe('139****5678');
    });
  });

  describe('duplicates', () => {
    it('refuses a second registration of the same ID number with CONFLICT, naming the existing patient to its own institution', async () => {
      const idNumber = newResidentId({ endsWithX: true });
      const first = ok(await register({ name: '冯某', idNumber }), 'registerPatient');
      // Same person typed with a lower-case x.
      const again = await expectNoWrite(() => register({ name: '冯某某', idNumber: idNumber.toLowerCase() }));
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0].extensions!.existingPatientId).toBe(first.id);
    });

    it('refuses it to an unrelated institution without naming the patient it cannot see', async () => {
      const idNumber = newResidentId();
      ok(await register({ name: '冯某', idNumber }), 'registerPatient');
      const again = await expectNoWrite(() => register({ name: '冯某某', idNumber }, tok.countyClinician));
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0].extensions).not.toHaveProperty('existingPatientId');
      expect(again.errors![0].message).toMatch(
        /其他机构登记.*\(a patient with this ID number is already registered by another institution/,
      );
    });

    it('does not name it to a clinician who also audits: the role shows the masked patient, the id would tie it to the guessed number', async () => {
      const idNumber = newResidentId();
      const first = ok(await register({ name: '冯某', idNumber }), 'registerPatient');
      const username = `clinaudit-${randomUUID().slice(0, 8)}`;
      await db.ds.query(
        `INSERT INTO app_user (tenant_id, institution_id, practitioner_id, username, display_name, password_hash, roles)
         SELECT tenant_id, $2, NULL, $1, $1, password_hash, ARRAY['CLINICIAN','AUDITOR'] FROM app_user WHERE id = $3
         RETURNING id`,
        [username, t.inst.general, t.users.countyClinician.id],
      );
      const token = await api.login(username);
      // The control: this user does see the patient, masked.
      expect(ok(await read(first.id, token), 'patient')).toMatchObject({ id: first.id, masked: true });
      const again = await expectNoWrite(() => register({ name: '冯某某', idNumber }, token));
      expect(errorCode(again)).toBe('CONFLICT');
      expect(again.errors![0].extensions).not.toHaveProperty('existingPatientId');
      expect(JSON.stringify(again)).not.toContain(first.id);
    });

    it('lets exactly one of 20 parallel registrations of one new ID number win; the other 19 get CONFLICT with its id', async () => {
      const idNumber = newResidentId();
      const before = await patientCount();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          register({
            name: `并发${i}`,
            idNumber,
            phone: '13700000000',
            // The contract makes each registration do more work inside its transaction.
            familyDoctorContract: {
              institutionId: t.inst.village,
              practitionerId: t.practitioner.village,
              signedOn: '2025-06-01',
            },
          }),
        ),
      );
      const winners = results.filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0].data!.registerPatient.id;
      const losers = results.filter((r) => r.errors);
      expect(losers).toHaveLength(19);
      for (const l of losers) {
        expect(errorCode(l)).toBe('CONFLICT');
        expect(l.errors![0].extensions!.existingPatientId).toBe(winnerId);
      }
      expect(await patientCount()).toBe(before + 1);
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM patient WHERE id_number_masked = $1 AND tenant_id = $2`,
        [`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`, t.tenantId],
      );
      expect(n).toBe(1);
    });

    it('allows the same ID number in another consortium (tenants never share patients)', async () => {
      const idNumber = newResidentId();
      const mine = ok(await register({ name: '陈某', idNumber }), 'registerPatient');
      const theirs = ok(await register({ name: '陈某', idNumber }, tok2.villageClinician), 'registerPatient');
      expect(theirs.id).not.toBe(mine.id);
    });
  });

  describe('masking by role and the read trail', () => {
    let patientId: string;
    const name = '褚蒙面';
    const phone = '13900000000';
    beforeAll(async () => {
      // Registered by the village clinic; family-doctor contract with the county hospital, so
      // the county hospital's referral coordinator may see it too. ID_A is free in tenant t2.
      const res = await register(
        {
          name,
          idNumber: ID_A,
          phone,
          familyDoctorContract: {
            institutionId: t2.inst.general,
            practitionerId: t2.practitioner.county,
            signedOn: '2025-01-15',
          },
        },
        tok2.villageClinician,
      );
      patientId = ok(res, 'registerPatient').id;
      for (const k of ['coordinator', 'auditor', 'countyClinician'] as const) {
        tok2[k] ??= await api.login(t2.users[k].username);
      }
    });

    async function readEvents(userId: string) {
      return db.ds.query(
        `SELECT action, outcome, row_to_json(a)::text AS json FROM audit_event a
          WHERE entity_type = 'Patient' AND entity_id = $1 AND actor_user_id = $2 AND action LIKE 'patient.read%'
          ORDER BY id`,
        [patientId, userId],
      );
    }

    it.each([
      ['the registering clinic clinician', 'villageClinician'],
      ['the contracted institution referral coordinator', 'coordinator'],
      ['a clinician of the contracted institution', 'countyClinician'],
    ] as const)(
      'shows the full ID number and phone to %s and audits patient.read.unmasked',
      async (_l, key) => {
        const p = ok(await read(patientId, tok2[key]!), 'patient');
        expect(p).toMatchObject({
          id: patientId,
          idNumber: ID_A,
          phone,
          masked: false,
          sex: 'FEMALE',
          birthDate: '1949-12-31',
          birthYear: 1949,
        });
        expect(p.familyDoctorContract).toEqual({
          institutionId: t2.inst.general,
          practitionerId: t2.practitioner.county,
          signedOn: '2025-01-15',
        });
        const events = await readEvents(t2.users[key].id);
        expect(events.map((e: { action: string }) => e.action)).toEqual(['patient.read.unmasked']);
      },
    );

    it.each([
      ['the consortium administrator', 'admin'],
      ['the auditor', 'auditor'],
    ] as const)(
      'shows %s only masked values, the birth year without the date, and audits patient.read',
      async (_l, key) => {
        const p = ok(await read(patientId, tok2[key]!), 'patient');
        expect(p).toMatchObject({
          id: patientId,
          idNumber: '110105********002X',
          phone: '139****0000',
          masked: true,
          birthDate: null,
          birthYear: 1949,
        });
        expect((await readEvents(t2.users[key].id)).map((e: { action: string }) => e.action)).toEqual([
          'patient.read',
        ]);
      },
    );

    it('unmasks for a clinician who is also an auditor only where the clinical relation exists', async () => {
      // A township clinician who also audits: the AUDITOR role lets them see every patient of the
      // consortium, but the full identifiers only of their own institution's patients.
      const username = `clinaudit-${randomUUID().slice(0, 8)}`;
      const [{ id: userId }] = await db.ds.query(
        `INSERT INTO app_user (tenant_id, institution_id, practitioner_id, username, display_name, password_hash, roles)
         SELECT tenant_id, $2, NULL, $1, $1, password_hash, ARRAY['CLINICIAN','AUDITOR'] FROM app_user WHERE id = $3
         RETURNING id`,
        [username, t2.inst.township, t2.users.auditor.id],
      );
      const token = await api.login(username);
      const foreign = ok(await read(patientId, token), 'patient');
      expect(foreign).toMatchObject({
        id: patientId,
        idNumber: '110105********002X',
        phone: '139****0000',
        masked: true,
      });
      const own = ok(
        await register({ name: '本院患者', idNumber: ID_B, phone: '13811110000' }, token),
        'registerPatient',
      );
      const ownRead = ok(await read(own.id, token), 'patient');
      expect(ownRead).toMatchObject({ idNumber: ID_B, phone: '13811110000', masked: false });
      const actions = await db.ds.query(
        `SELECT entity_id, action FROM audit_event WHERE actor_user_id = $1 AND action LIKE 'patient.read%' ORDER BY id`,
        [userId],
      );
      expect(actions).toEqual([
        { entity_id: patientId, action: 'patient.read' },
        { entity_id: own.id, action: 'patient.read.unmasked' },
      ]);
    });

    it('writes one audit event per read', async () => {
      const before = (await readEvents(t2.users.auditor.id)).length;
      await read(patientId, tok2.auditor!);
      await read(patientId, tok2.auditor!);
      expect(await readEvents(t2.users.auditor.id)).toHaveLength(before + 2);
    });

    it('masks every result of the patients list, whatever the role', async () => {
      for (const key of ['villageClinician', 'coordinator', 'countyClinician', 'admin', 'auditor'] as const) {
        const list = ok(await search({ name }, tok2[key]!), 'patients');
        expect(list.nodes).toEqual([
          {
            id: patientId,
            name,
            idNumber: '110105********002X',
            phone: '139****0000',
            masked: true,
            birthDate: null,
            birthYear: 1949,
          },
        ]);
      }
    });

    it('audits each list page with one event naming the patients shown, never the filter values', async () => {
      const since = await db.ds.query(`SELECT coalesce(max(id), 0)::text AS id FROM audit_event`);
      const list = ok(await search({ name, idSuffix: '002X' }, tok2.auditor!), 'patients');
      expect(list.nodes).toHaveLength(1);
      ok(await search({ name: '不存在的名字' }, tok2.auditor!), 'patients');
      const events = await db.ds.query(
        `SELECT action, entity_type, entity_id, outcome, details FROM audit_event
          WHERE id > $1 AND actor_user_id = $2 ORDER BY id`,
        [since[0].id, t2.users.auditor.id],
      );
      expect(events).toEqual([
        {
          action: 'patient.list',
          entity_type: 'Patient',
          entity_id: null,
          outcome: 'SUCCESS',
          details: { source: 'patients', count: 1, patientIds: [patientId], filters: ['name', 'idSuffix'] },
        },
        {
          action: 'patient.list',
          entity_type: 'Patient',
          entity_id: null,
          outcome: 'SUCCESS',
          details: { source: 'patients', count: 0, patientIds: [], filters: ['name'] },
        },
      ]);
    });

    it('keeps the ID number, phone and name out of every audit event', async () => {
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1 AND action LIKE 'patient.read%'`,
        [patientId],
      );
      expect(n).toBeGreaterThanOrEqual(7);
      for (const needle of [ID_A, ID_A.slice(0, 17), phone, name]) {
        const [{ hits }] = await db.ds.query(
          `SELECT count(*)::int AS hits FROM audit_event a WHERE strpos(row_to_json(a)::text, $1) > 0`,
          [needle],
        );
        expect({ needle, hits }).toEqual({ needle, hits: 0 });
      }
    });
  });

  describe('visibility', () => {
    let patientId: string;
    const name = '卫隐私';
    beforeAll(async () => {
      patientId = ok(
        await register({ name, idNumber: newResidentId(), phone: '13600006666' }),
        'registerPatient',
      ).id;
    });

    async function expectHidden(token: string) {
      const res = await read(patientId, token);
      expect(errorCode(res)).toBe('NOT_FOUND');
      expect(res.data).toBeNull();
      expect(ok(await search({ name }, token), 'patients').nodes).toEqual([]);
    }

    it('shows the patient to its registering clinic (control)', async () => {
      expect(ok(await read(patientId, tok.villageClinician), 'patient').id).toBe(patientId);
      expect(
        ok(await search({ name }, tok.villageClinician), 'patients').nodes.map((n: { id: string }) => n.id),
      ).toEqual([patientId]);
    });

    it('hides the patient (NOT_FOUND, absent from lists) from a clinician of an unrelated institution in the same consortium', async () => {
      await expectHidden(tok.countyClinician);
      await expectHidden(tok.coordinator);
      await expectHidden(tok.instAdmin);
    });

    it('answers a hidden patient exactly like a patient that does not exist', async () => {
      const hidden = await read(patientId, tok.countyClinician);
      const missing = await read(randomUUID(), tok.countyClinician);
      expect(errorCode(missing)).toBe('NOT_FOUND');
      expect(hidden.errors![0].message).toBe(missing.errors![0].message);
    });

    it('answers a malformed patient id with BAD_USER_INPUT, not an internal error', async () => {
      const res = await read('not-a-uuid', tok.villageClinician);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
    });

    it("hides the patient from another consortium's users, including its administrator", async () => {
      await expectHidden(tok2.admin!);
      await expectHidden(tok2.villageClinician!);
    });

    it('hides the patient from an EXPERT until the expert institution is related to the patient', async () => {
      await expectHidden(tok.expert);
      await db.ds.query(
        `INSERT INTO patient_access (patient_id, institution_id, tenant_id, reason) VALUES ($1, $2, $3, 'test consultation')`,
        [patientId, t.inst.partner, t.tenantId],
      );
      const p = ok(await read(patientId, tok.expert), 'patient');
      expect(p.id).toBe(patientId);
      // Experts are not among the roles that need the full identifiers.
      expect(p.masked).toBe(true);
      expect(p.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
      expect(
        ok(await search({ name }, tok.expert), 'patients').nodes.map((n: { id: string }) => n.id),
      ).toEqual([patientId]);
    });
  });

  describe('search', () => {
    let ts: TenantFixture;
    let token: string;
    const people: { name: string; idNumber: string; phone: string | null; id?: string }[] = [
      { name: '欧阳锋', idNumber: newResidentId({ endsWithX: true }), phone: '13811112222' },
      { name: '欧阳克', idNumber: newResidentId({ endsWithX: false }), phone: '13933334444' },
      { name: '黄药师', idNumber: newResidentId({ endsWithX: false }), phone: '023-6123-5678' },
      { name: '洪七公', idNumber: newResidentId({ endsWithX: false }), phone: null },
    ];
    beforeAll(async () => {
      ts = await buildTenant(db.ds);
      token = await api.login(ts.users.villageClinician.username);
      for (const p of people) {
        const res = await register(
          { name: p.name, idNumber: p.idNumber, ...(p.phone ? { phone: p.phone } : {}) },
          token,
        );
        p.id = ok(res, 'registerPatient').id;
      }
    });

    async function ids(args: Record<string, unknown>): Promise<string[]> {
      const list = ok(await search(args, token), 'patients');
      for (const n of list.nodes) expect(n.masked).toBe(true);
      return list.nodes.map((n: { id: string }) => n.id).sort();
    }
    const idsOf = (pred: (p: (typeof people)[number]) => boolean) =>
      people
        .filter(pred)
        .map((p) => p.id!)
        .sort();

    it('finds by part of the name', async () => {
      expect(await ids({ name: '欧阳' })).toEqual(idsOf((p) => p.name.startsWith('欧阳')));
      expect(await ids({ name: '药' })).toEqual(idsOf((p) => p.name === '黄药师'));
      expect(await ids({ name: '不存在' })).toEqual([]);
      expect(await ids({})).toEqual(idsOf(() => true));
    });

    it('finds by the last 1–4 characters of the ID number, X included, in either case', async () => {
      const withX = people[0].idNumber;
      for (const len of [1, 2, 3, 4]) {
        const suffix = withX.slice(-len);
        const expected = idsOf((p) => p.idNumber.endsWith(suffix));
        expect(expected).toContain(people[0].id);
        expect(await ids({ idSuffix: suffix })).toEqual(expected);
        expect(await ids({ idSuffix: suffix.toLowerCase() })).toEqual(expected);
      }
      const plain = people[2].idNumber.slice(-4);
      expect(await ids({ idSuffix: plain })).toEqual(idsOf((p) => p.idNumber.endsWith(plain)));
    });

    it('finds by the last digits of the phone (mobile or landline)', async () => {
      expect(await ids({ phoneSuffix: '2222' })).toEqual([people[0].id]);
      expect(await ids({ phoneSuffix: '4' })).toEqual([people[1].id]);
      expect(await ids({ phoneSuffix: '5678' })).toEqual([people[2].id]);
      expect(await ids({ phoneSuffix: '9999' })).toEqual([]);
    });

    it('combines filters', async () => {
      expect(await ids({ name: '欧阳', phoneSuffix: '4444' })).toEqual([people[1].id]);
      expect(await ids({ name: '欧阳', idSuffix: people[2].idNumber.slice(-4) })).toEqual(
        idsOf((p) => p.name.startsWith('欧阳') && p.idNumber.endsWith(people[2].idNumber.slice(-4))),
      );
    });

    it('pages through results with first/after', async () => {
      const page1 = ok(await search({ first: 3 }, token), 'patients');
      expect(page1.nodes).toHaveLength(3);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = ok(await search({ first: 3, after: page1.pageInfo.endCursor }, token), 'patients');
      expect(page2.nodes).toHaveLength(1);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      expect([...page1.nodes, ...page2.nodes].map((n: { id: string }) => n.id).sort()).toEqual(
        idsOf(() => true),
      );
    });

    it('audits a page with one INSERT, however many patients it holds', async () => {
      const appDs = api.app.get(DataSource);
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      try {
        const page = ok(await search({ first: 4 }, token), 'patients');
        expect(page.nodes).toHaveLength(4);
        const inserts = spy.mock.calls.filter(
          (call, i) =>
            (spy.mock.contexts[i] as PostgresQueryRunner).dataSource === appDs &&
            /^\s*INSERT INTO audit_event/.test(String(call[0])),
        );
        expect(inserts).toHaveLength(1);
      } finally {
        spy.mockRestore();
      }
      const [event] = await db.ds.query(
        `SELECT details FROM audit_event WHERE action = 'patient.list' AND actor_user_id = $1 ORDER BY id DESC LIMIT 1`,
        [ts.users.villageClinician.id],
      );
      expect(event.details.patientIds.sort()).toEqual(idsOf(() => true));
    });

    it.each([
      ['idSuffix', '12345'],
      ['idSuffix', 'A1'],
      ['idSuffix', ''],
      ['phoneSuffix', '12345'],
      ['phoneSuffix', 'X'],
      ['phoneSuffix', '12a'],
    ])('refuses an invalid %s %j with BAD_USER_INPUT', async (field, value) => {
      const res = await search({ [field]: value }, token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.data).toBeNull();
    });
  });

  describe('who may register, and family-doctor contracts', () => {
    it.each(['auditor', 'admin', 'expert', 'instAdmin'] as const)(
      'refuses registerPatient to %s with FORBIDDEN',
      async (key) => {
        const res = await expectNoWrite(() =>
          register({ name: '无权', idNumber: newResidentId() }, tok[key]),
        );
        expect(errorCode(res)).toBe('FORBIDDEN');
        expect(res.data).toBeNull();
      },
    );

    it('refuses registerPatient without a token with UNAUTHENTICATED', async () => {
      const res = await expectNoWrite(() => register({ name: '匿名', idNumber: newResidentId() }, null));
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
    });

    it('records a family-doctor contract with a practitioner of the contracted institution', async () => {
      const p = ok(
        await register({
          name: '签约者',
          idNumber: newResidentId(),
          familyDoctorContract: {
            institutionId: t.inst.village,
            practitionerId: t.practitioner.village,
            signedOn: chinaDate(0),
          },
        }),
        'registerPatient',
      );
      expect(p.familyDoctorContract).toEqual({
        institutionId: t.inst.village,
        practitionerId: t.practitioner.village,
        signedOn: chinaDate(0),
      });
    });

    it('refuses a contract whose doctor works at another institution (BAD_USER_INPUT) and writes nothing', async () => {
      const res = await expectNoWrite(() =>
        register({
          name: '错配',
          idNumber: newResidentId(),
          familyDoctorContract: {
            institutionId: t.inst.village,
            practitionerId: t.practitioner.county,
            signedOn: '2025-03-01',
          },
        }),
      );
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.field).toBe('familyDoctorContract.practitionerId');
    });

    it("refuses a contract with another consortium's institution or doctor (NOT_FOUND) and writes nothing", async () => {
      const foreignInst = await expectNoWrite(() =>
        register({
          name: '跨域',
          idNumber: newResidentId(),
          familyDoctorContract: {
            institutionId: t2.inst.village,
            practitionerId: t2.practitioner.village,
            signedOn: '2025-03-01',
          },
        }),
      );
      expect(errorCode(foreignInst)).toBe('NOT_FOUND');
      const foreignDoctor = await expectNoWrite(() =>
        register({
          name: '跨域',
          idNumber: newResidentId(),
          familyDoctorContract: {
            institutionId: t.inst.village,
            practitionerId: t2.practitioner.village,
            signedOn: '2025-03-01',
          },
        }),
      );
      expect(errorCode(foreignDoctor)).toBe('NOT_FOUND');
    });

    it('refuses a contract signed in the future (BAD_USER_INPUT) and writes nothing', async () => {
      const res = await expectNoWrite(() =>
        register({
          name: '未来',
          idNumber: newResidentId(),
          familyDoctorContract: {
            institutionId: t.inst.village,
            practitionerId: t.practitioner.village,
            signedOn: chinaDate(2),
          },
        }),
      );
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.field).toBe('familyDoctorContract.signedOn');
    });

    it("judges 'future' by the consortium's calendar (Asia/Shanghai), not UTC", async () => {
      // 01:30 in Beijing on 11 March is still 10 March in UTC.
      const clock = api.app.get(Clock);
      const spy = jest.spyOn(clock, 'now').mockReturnValue(new Date('2026-03-10T17:30:00Z'));
      try {
        const contract = { institutionId: t.inst.village, practitionerId: t.practitioner.village };
        const today = ok(
          await register({
            name: '凌晨签约',
            idNumber: newResidentId(),
            familyDoctorContract: { ...contract, signedOn: '2026-03-11' },
          }),
          'registerPatient',
        );
        expect(today.familyDoctorContract.signedOn).toBe('2026-03-11');
        const tomorrow = await expectNoWrite(() =>
          register({
            name: '凌晨签约',
            idNumber: newResidentId(),
            familyDoctorContract: { ...contract, signedOn: '2026-03-12' },
          }),
        );
        expect(errorCode(tomorrow)).toBe('BAD_USER_INPUT');
      } finally {
        spy.mockRestore();
      }
    });

    it('refuses a malformed signedOn (BAD_USER_INPUT) and writes nothing', async () => {
      const res = await expectNoWrite(() =>
        register({
          name: '格式',
          idNumber: newResidentId(),
          familyDoctorContract: {
            institutionId: t.inst.village,
            practitionerId: t.practitioner.village,
            signedOn: '2025-02-30',
          },
        }),
      );
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
    });
  });
});

function newResidentIdOfSex(sex: 'MALE' | 'FEMALE'): string {
  for (;;) {
    const id = newResidentId();
    if ((Number(id[16]) % 2 === 1 ? 'MALE' : 'FEMALE') === sex) return id;
  }
}
