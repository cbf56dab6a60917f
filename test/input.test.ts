import fc from 'fast-check';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLSchema } from 'graphql';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { registerPatient, upReferralInput } from './utils/referrals';

jest.setTimeout(180_000);

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

describe('one input rule for every string and every id', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  const tok: Record<'clinician' | 'coordinator' | 'admin', string> = {
    clinician: '',
    coordinator: '',
    admin: '',
  };
  let patientId: string;
  let referralId: string;
  let consultationId: string;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    tok.clinician = await api.login(t.users.villageClinician.username);
    tok.coordinator = await api.login(t.users.coordinator.username);
    tok.admin = await api.login(t.users.admin.username);
    patientId = await registerPatient(api, tok.clinician);
    const r = await api.gql(
      `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
      { i: upReferralInput(patientId, t.inst.general, { idempotencyKey: 'input-test-1' }) },
      tok.clinician,
    );
    referralId = r.data!.createReferral.id;
    const c = await api.gql(
      `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id } }`,
      {
        i: {
          kind: 'VIDEO',
          patientId,
          purpose: '疑难病例会诊',
          caseSummary: '反复胸痛 3 月',
          question: '是否需要介入治疗?',
          urgency: 'ROUTINE',
          expertIds: [t.practitioner.expert],
        },
      },
      await api.login(t.users.countyClinician.username),
    );
    consultationId = c.data!.requestConsultation.id;
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.ds.query(`SELECT count(*)::int AS n FROM (${sql}) x`, params))[0].n);

  function expectRefused(res: GqlResult, field: string, problem: RegExp) {
    expect(res.errors).toHaveLength(1);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.fields).toEqual([
      { field, problems: [expect.stringMatching(problem)] },
    ]);
    expect(res.errors![0].message).toMatch(
      new RegExp(`^输入有误 \\(Invalid input\\): ${field.replace(/[.[\]]/g, '\\$&')}: `),
    );
  }

  describe('strings', () => {
    it('refuses a NUL in a search argument, naming it (it reached Postgres)', async () => {
      const res = await api.gql(`{ patients(name: "a\\u0000b") { nodes { id } } }`, {}, tok.clinician);
      expectRefused(res, 'name', /U\+0000/);
    });

    it('refuses a NUL in registerPatient and createUser, writing nothing', async () => {
      const patients = await count(`SELECT 1 FROM patient`);
      const reg = await api.gql(
        `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`,
        {
          i: {
            name: '冉\u0000某',
            idNumber: '500114195203140316',
            residenceDivisionCode: '500114101',
          },
        },
        tok.clinician,
      );
      expectRefused(reg, 'input.name', /不允许的字符.*U\+0000/);
      expect(await count(`SELECT 1 FROM patient`)).toBe(patients);

      const user = await api.gql(
        `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
        {
          i: {
            username: 'nul-user',
            displayName: '张\u0000三',
            password: 'Demo-pass-2026',
            institutionId: t.inst.general,
            roles: ['CLINICIAN'],
          },
        },
        tok.admin,
      );
      expectRefused(user, 'input.displayName', /U\+0000/);
      expect(await count(`SELECT 1 FROM app_user WHERE username = 'nul-user'`)).toBe(0);
    });

    it('refuses other control characters and lone surrogates sent as variables, keeps line breaks', async () => {
      const q = `query($n: String) { patients(name: $n) { nodes { id } } }`;
      expectRefused(await api.gql(q, { n: 'x\u001b[2J' }, tok.clinician), 'name', /U\+001B/);
      expectRefused(await api.gql(q, { n: '冉\ud83d' }, tok.clinician), 'name', /U\+D83D/);
      expect((await api.gql(q, { n: '冉\t\r\n' }, tok.clinician)).errors).toBeUndefined();
    });
  });

  describe('ids and times', () => {
    it('refuses an id that is no UUID with BAD_USER_INPUT naming the argument (expertAvailability failed inside)', async () => {
      const res = await api.gql(`{ expertAvailability(expertId: "x") { expertId } }`, {}, tok.admin);
      expectRefused(res, 'expertId', /^无效的编号 \(invalid id\)$/);
    });

    it('answers every single-record read the same way', async () => {
      for (const field of ['referral', 'patient', 'consultation', 'institution']) {
        const res = await api.gql(`{ ${field}(id: "not-a-uuid") { id } }`, {}, tok.admin);
        expectRefused(res, 'id', /invalid id/);
      }
    });

    it('refuses a DateTime Postgres cannot hold (it failed mid-query)', async () => {
      const res = await api.gql(
        `query($from: DateTime) { referrals(from: $from) { nodes { id } } }`,
        { from: '-271821-04-20T00:00:00.000Z' },
        tok.coordinator,
      );
      expectRefused(res, 'from', /^无效的时间 \(invalid date-time/);
    });

    it('applies before authentication: no token, a malformed id, BAD_USER_INPUT', async () => {
      const res = await api.gql(`mutation { startConsultation(input: { id: "1 OR 1=1" }) { id } }`);
      expectRefused(res, 'input.id', /invalid id/);
      expect(
        errorCode(await api.gql(`mutation { startConsultation(input: { id: "${consultationId}" }) { id } }`)),
      ).toBe('UNAUTHENTICATED');
    });

    it('checks ids inside inputs and lists', async () => {
      const res = await api.gql(
        `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`,
        { ids: ['00000000-0000-4000-8000-000000000000', '42'] },
        tok.clinician,
      );
      expectRefused(res, 'ids[1]', /invalid id/);
      const accept = await api.gql(
        `mutation($i: AcceptReferralInput!) { acceptReferral(input: $i) { id } }`,
        {
          i: { id: referralId, departmentId: 'cardiology', appointmentAt: new Date(Date.now() + 86_400_000) },
        },
        tok.coordinator,
      );
      expectRefused(accept, 'input.departmentId', /invalid id/);
      expect(await count(`SELECT 1 FROM referral WHERE id = $1 AND state = 'SUBMITTED'`, [referralId])).toBe(
        1,
      );
    });
  });

  describe('field rules', () => {
    it('words a refusal in Chinese, with the English beside it', async () => {
      const res = await api.gql(`{ patients(first: 500) { nodes { id } } }`, {}, tok.clinician);
      expectRefused(res, 'first', /^不能大于 100 \(first must not be greater than 100\)$/);
      expect(res.errors![0].message).toBe(
        '输入有误 (Invalid input): first: 不能大于 100 (first must not be greater than 100)',
      );
    });

    it('counts a minimum length without the blanks around the text (" a" is one character), keeping what passes as given', async () => {
      const SHORT = /^(至少 2 个字\(首尾空白不计\)|请填写.*原因\(至少 2 个字\))/;
      const counted = { consultations: 'SELECT 1 FROM consultation', events: 'SELECT 1 FROM referral_step' };
      const before = { c: await count(counted.consultations), e: await count(counted.events) };
      const county = await api.login(t.users.countyClinician.username);
      const request = (fields: Record<string, string>) =>
        api.gql(
          `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id purpose } }`,
          {
            i: {
              kind: 'VIDEO',
              patientId,
              purpose: '疑难病例会诊',
              caseSummary: '反复胸痛 3 月',
              question: '是否需要介入治疗?',
              urgency: 'ROUTINE',
              expertIds: [t.practitioner.expert],
              ...fields,
            },
          },
          county,
        );
      // Spaces, a tab, an ideographic space, zero-width characters: blanks as NotBlank knows them.
      for (const [field, value] of [
        ['purpose', ' a'],
        ['caseSummary', '\t胸\u3000'],
        ['question', '\u200b?\u200d'],
      ]) {
        const res = await request({ [field]: value });
        expectRefused(res, field, SHORT);
        expect(res.errors![0].extensions!.fields[0].problems[0]).toBe(
          `至少 2 个字(首尾空白不计) (${field} must be at least 2 characters, not counting blanks around it)`,
        );
      }
      const cancel = await api.gql(
        `mutation($i: ConsultationReasonInput!) { cancelConsultation(input: $i) { id } }`,
        { i: { id: consultationId, reason: '\u3000改\u2060' } },
        county,
      );
      expectRefused(cancel, 'reason', SHORT);
      // A blank one is told it is blank.
      expectRefused(
        await request({ purpose: ' \u200b ' }),
        'purpose',
        /^不能为空白 \(purpose must not be blank\)$/,
      );

      // The referral reasons were trimmed by String.trim, which keeps zero-width characters.
      const reject = await api.gql(
        `mutation($i: RejectReferralInput!) { rejectReferral(input: $i) { id } }`,
        { i: { id: referralId, reasonCode: 'OTHER', reason: '满\u200b' } },
        tok.coordinator,
      );
      expectRefused(reject, 'reason', /^请填写退回原因\(至少 2 个字\)/);
      const cancelReferral = await api.gql(
        `mutation($i: CancelReferralInput!) { cancelReferral(input: $i) { id } }`,
        { i: { id: referralId, reason: '\u2060 \u3000x' } },
        tok.clinician,
      );
      expectRefused(cancelReferral, 'reason', /^请填写撤销原因\(至少 2 个字\)/);

      expect(await count(counted.consultations)).toBe(before.c);
      expect(await count(counted.events)).toBe(before.e);
      const [{ state }] = await db.ds.query(`SELECT state FROM referral WHERE id = $1`, [referralId]);
      expect(state).toBe('SUBMITTED');

      // Two characters inside blanks pass; the service stores the purpose trimmed, as before.
      const kept = await request({ purpose: ' 会诊\u3000' });
      expect(kept.errors).toBeUndefined();
      expect(kept.data!.requestConsultation.purpose).toBe('会诊');
    });

    it('refuses a state filter longer than its states (80,000 repeats were as many SQL parameters: past the protocol limit, answered SERVICE_UNAVAILABLE)', async () => {
      const many = (state: string) => Array<string>(20_000).fill(state);
      const consultations = await api.gql(
        `query($s: [ConsultationState!]) { consultations(states: $s) { nodes { id } } }`,
        { s: many('REQUESTED') },
        tok.clinician,
      );
      expectRefused(consultations, 'states', /^最多 8 项/);
      const referrals = await api.gql(
        `query($s: [ReferralState!]) { referrals(box: OUTGOING, states: $s) { nodes { id } } }`,
        { s: many('SUBMITTED') },
        tok.clinician,
      );
      expectRefused(referrals, 'states', /^最多 8 项/);
      // Every state at once is still a filter.
      const all = await api.gql(
        `{ referrals(box: OUTGOING, states: [DRAFT, SUBMITTED, ACCEPTED, REJECTED, ARRIVED, COMPLETED, CANCELLED, NO_SHOW]) { nodes { id } } }`,
        {},
        tok.clinician,
      );
      expect(all.errors).toBeUndefined();
      expect(all.data!.referrals.nodes.map((n: { id: string }) => n.id)).toContain(referralId);
    });
  });

  describe('schema-driven property test', () => {
    it(`answers every Query and Mutation field, with hostile arguments, as three roles without an internal error (seed ${SEED}, ${RUNS} runs per field and role)`, async () => {
      const schema = api.app.get(GraphQLSchemaHost).schema;
      const ids: Ids = {
        institution: Object.values(t.inst),
        practitioner: Object.values(t.practitioner),
        department: Object.values(t.department),
        user: Object.values(t.users).map((u) => u.id),
        patient: [patientId],
        referral: [referralId],
        consultation: [consultationId],
      };
      const ops = operations(schema, ids);
      expect(ops.length).toBeGreaterThan(40);
      const failures: unknown[] = [];
      const codes = new Map<string, number>();
      // FUZZ_DEBUG=1: every answer in one line, to see which checks the values reach.
      const answers: string[] = [];
      let run = 0;
      for (const op of ops) {
        for (const [role, token] of Object.entries(tok)) {
          const seed = SEED + run++;
          await fc.assert(
            fc.asyncProperty(op.variables, async (variables) => {
              const res = await api.gql(op.document, variables, token);
              const code = res.errors ? String(res.errors[0].extensions?.code) : 'OK';
              codes.set(code, (codes.get(code) ?? 0) + 1);
              if (process.env.FUZZ_DEBUG)
                answers.push(`${op.name}\t${role}\t${code}\t${res.errors?.[0].message ?? ''}`);
              if (
                res.status >= 500 ||
                res.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')
              ) {
                failures.push({
                  field: op.name,
                  role,
                  seed,
                  status: res.status,
                  variables: shorten(variables),
                  errors: res.errors,
                });
              }
            }),
            { seed, numRuns: RUNS, endOnFailure: true },
          );
        }
      }
      if (process.env.FUZZ_DEBUG) console.log([...codes], answers.join('\n'));
      expect(failures).toEqual([]);
      // The run did reach past the input rule: some answers succeeded, some were refused.
      expect(codes.get('OK')).toBeGreaterThan(ops.length);
      expect(codes.get('BAD_USER_INPUT')).toBeGreaterThan(ops.length);
    });
  });
});

// ---------- generating operations from the schema ----------

type T = {
  name?: string;
  ofType?: T;
  getFields?: () => Record<string, { name: string; type: T; args?: A[]; defaultValue?: unknown }>;
  getValues?: () => { name: string }[];
};
type A = { name: string; type: T; defaultValue?: unknown };

// Duck-typed, like the api's own schema walkers.
const kind = (t: unknown) => Object.prototype.toString.call(t).slice(8, -1);
const named = (t: T): T => (t.ofType ? named(t.ofType) : t);
const show = (t: T): string =>
  kind(t) === 'GraphQLNonNull'
    ? `${show(t.ofType!)}!`
    : kind(t) === 'GraphQLList'
      ? `[${show(t.ofType!)}]`
      : t.name!;
const MAX_INPUT_DEPTH = 3;

interface Operation {
  name: string;
  document: string;
  variables: fc.Arbitrary<Record<string, unknown>>;
}

/**
 * One operation per Query and Mutation field: every argument passed as a variable, and a
 * selection of the returned type's leaves (one level down too). Each value in the variables is
 * plausible (so requests get past the fields' own checks into services and SQL) or, about once
 * per request, hostile: a control character or lone surrogate in a string, a huge string, a
 * malformed id, an out-of-range number, an odd enum, a null where none is allowed.
 */
function operations(schema: GraphQLSchema, ids: Ids): Operation[] {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  return roots.flatMap(([opKind, root]) =>
    Object.values((root as unknown as T).getFields!()).map((field) => {
      const args = field.args ?? [];
      const declared = args.map((a) => `$${a.name}: ${show(a.type)}`).join(', ');
      const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const document = `${opKind}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selection(field.type, 0)} }`;
      const leaves = args.reduce((n, a) => n + leafCount(a.type, 0), 0);
      const gen = new Generator(ids, field.name, Math.max(4, leaves));
      return { name: field.name, document, variables: gen.object(args, 0, true) };
    }),
  );
}

/** Leaf fields of the returned type and one level below (connections' nodes included). */
function selection(type: T, depth: number): string {
  const t = named(type);
  const k = kind(t);
  if (k === 'GraphQLScalarType' || k === 'GraphQLEnumType') return '';
  if (k !== 'GraphQLObjectType' || depth > 1) return '{ __typename }';
  const parts = Object.values(t.getFields!())
    .filter((f) => !(f.args ?? []).some((a) => kind(a.type) === 'GraphQLNonNull'))
    .map((f) => {
      const leaf = ['GraphQLScalarType', 'GraphQLEnumType'].includes(kind(named(f.type)));
      return leaf ? f.name : depth < 1 ? `${f.name} ${selection(f.type, depth + 1)}` : '';
    });
  return `{ __typename ${parts.join(' ')} }`;
}

function leafCount(type: T, depth: number): number {
  const t = named(type);
  if (kind(t) !== 'GraphQLInputObjectType') return 1;
  if (depth >= MAX_INPUT_DEPTH) return 0;
  return Object.values(t.getFields!()).reduce((n, f) => n + leafCount(f.type, depth + 1), 0);
}

type Ids = Record<
  'institution' | 'practitioner' | 'department' | 'user' | 'patient' | 'referral' | 'consultation',
  string[]
>;

class Generator {
  constructor(
    private readonly ids: Ids,
    /** The field the values are for: names which entity an argument called `id` means. */
    private readonly field: string,
    /** How many plausible values per hostile one: about one hostile value per request. */
    private readonly odds: number,
  ) {}

  /** Plausible most of the time, hostile about once in `odds` positions. */
  private either<V>(good: fc.Arbitrary<V>, bad: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: this.odds, arbitrary: good }, { weight: 1, arbitrary: bad });
  }

  /** Variables for `fields`, or an input object's fields (which may leave out those with defaults). */
  object(fields: A[], depth: number, variables = false): fc.Arbitrary<Record<string, unknown>> {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) shape[f.name] = this.value(f.type, f.name, depth);
    const required = fields.filter(
      (f) => kind(f.type) === 'GraphQLNonNull' && (variables || f.defaultValue === undefined),
    );
    return fc.record(shape, { requiredKeys: required.map((f) => f.name) });
  }

  value(type: T, hint: string, depth: number): fc.Arbitrary<unknown> {
    // Read from the ID number when left out; a random one would nearly always disagree with it.
    if (hint === 'birthDate' || hint === 'sex')
      return fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, this.present(type, hint, depth));
    if (kind(type) === 'GraphQLNonNull') {
      const present = this.present(type.ofType!, hint, depth);
      return fc.oneof({ weight: 4 * this.odds, arbitrary: present }, fc.constant(null));
    }
    return fc.oneof({ weight: 6, arbitrary: this.present(type, hint, depth) }, fc.constant(null));
  }

  private present(type: T, hint: string, depth: number): fc.Arbitrary<unknown> {
    switch (kind(type)) {
      case 'GraphQLList':
        return fc.array(this.value(type.ofType!, hint, depth), { maxLength: 3 });
      case 'GraphQLEnumType': {
        const values = type.getValues!().map((v) => v.name);
        return this.either(
          fc.constantFrom(...values),
          fc.constantFrom('NOT_A_VALUE', values[0].toLowerCase(), 1),
        );
      }
      case 'GraphQLInputObjectType':
        return depth >= MAX_INPUT_DEPTH
          ? fc.constant({})
          : this.object(Object.values(type.getFields!()), depth + 1);
      default:
        return this.scalar(type.name!, hint);
    }
  }

  private idsFor(hint: string): string[] {
    const h = hint.toLowerCase();
    if (h.includes('institution') || h === 'parentid') return this.ids.institution;
    if (h.includes('practitioner') || h.includes('expert')) return this.ids.practitioner;
    if (h.includes('department')) return this.ids.department;
    if (h.includes('patient')) return this.ids.patient;
    if (h.includes('user')) return this.ids.user;
    if (h === 'resubmissionof') return this.ids.referral;
    const f = this.field.toLowerCase();
    const own = (['referral', 'consultation', 'institution', 'patient'] as const).find((e) => f.includes(e));
    return own ? this.ids[own] : Object.values(this.ids).flat();
  }

  private scalar(name: string, hint: string): fc.Arbitrary<unknown> {
    const some = this.ids.institution[0];
    switch (name) {
      case 'ID':
        return this.either(
          fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(...this.idsFor(hint)) },
            fc.constantFrom(...Object.values(this.ids).flat()),
            fc.uuid(),
          ),
          fc.constantFrom('x', '', 'not-a-uuid', `{${some}}`, some.replace(/-/g, ''), `${some}\u0000`, 42),
        );
      case 'Int':
        return this.either(
          fc.oneof({ weight: 4, arbitrary: int(hint) }, fc.constantFrom(0, -1, 2147483647, -2147483648)),
          fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1.5, Number.MAX_SAFE_INTEGER, '12'),
        );
      case 'Float':
        return this.either(
          fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
          fc.constantFrom(1e308, -1e308, '1'),
        );
      case 'Boolean':
        return this.either(fc.boolean(), fc.constantFrom('yes', 1));
      case 'DateTime':
        // Quarter hours over half a day: ranges in either order, often as long as a session may be.
        return this.either(
          fc
            .integer({ min: 0, max: 48 })
            .map((q) => new Date(Date.UTC(2026, 11, 1, 1) + q * 900_000).toISOString()),
          fc.constantFrom(
            '1970-01-01T00:00:00Z',
            '0001-01-01T00:00:00Z',
            '9999-12-31T23:59:59.999Z',
            '+275760-09-13T00:00:00.000Z',
            '-271821-04-20T00:00:00.000Z',
            '2026-02-30T00:00:00Z',
            'not a date',
            '',
          ),
        );
      case 'String':
        return this.either(plausible(hint), fc.oneof({ weight: 4, arbitrary: hostile(hint) }, fc.string()));
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }
}

function int(hint: string): fc.Arbitrary<number> {
  const h = hint.toLowerCase();
  if (h === 'weekday') return fc.integer({ min: 0, max: 7 });
  if (h === 'first') return fc.integer({ min: 1, max: 100 });
  if (h.includes('minutes')) return fc.constantFrom(15, 30, 60, 90, 120, 1440);
  return fc.integer({ min: 0, max: 100 });
}

/** Values that pass the field's own checks often enough to reach services and SQL. */
function plausible(hint: string): fc.Arbitrary<string> {
  const h = hint.toLowerCase();
  if (h === 'idnumber') return residentId();
  if (h === 'phonesuffix') return fc.constantFrom('0000', '5678', '8');
  if (h.endsWith('suffix')) return fc.constantFrom('0316', 'X', '1234', '0000');
  if (h.includes('phone')) return fc.constantFrom('13800000000', '13912345678', '023-87654321');
  if (h.includes('divisioncode')) return fc.constantFrom('500114101', '500114', '500114101201');
  if (h.includes('diagnosis') && h.includes('code')) return fc.constantFrom('I10', 'E11.9', 'J44.1');
  if (h.includes('code')) return fc.constantFrom('CARD', 'GP', 'NEURO-2');
  if (h.includes('licence')) return fc.stringMatching(/^[A-Z0-9]{8,20}$/);
  if (h.includes('webhook')) return fc.constantFrom('https://hooks.example/yg', 'http://10.0.0.8/hook');
  if (/date|validfrom|validto|signedon|^from$|^to$/.test(h))
    return fc.constantFrom('2026-11-24', '2027-01-01', '1952-03-14');
  if (/^(start|end)$/.test(h)) return fc.constantFrom('09:00', '12:00', '23:59', '2026-11-24T09:00:00Z');
  if (/ur[il]$/.test(h))
    return fc.constantFrom('https://files.example/scan-001.pdf', 'dicomweb://pacs.example/1');
  if (h === 'password') return fc.constantFrom('Demo-pass-2026', 'Another-pass-2027');
  if (h === 'username') return fc.stringMatching(/^[a-z][a-z0-9-]{3,12}$/);
  // No cursor is valid before a first page; garbage ones come in hostile().
  if (h === 'after') return fc.constant('');
  if (h === 'timezone') return fc.constantFrom('Asia/Shanghai', 'Mars/Olympus_Mons');
  if (h.includes('idempotency')) return fc.stringMatching(/^[a-z0-9-]{8,24}$/);
  if (/^(name|search)$/.test(h)) return fc.constantFrom('冉', '测试', '心血管内科', '黔江');
  return fc.constantFrom('测试', '血压控制不佳,需上级医院调整方案', '心血管内科', 'Follow-up in two weeks');
}

const LONE = ['\ud800', 'a\udfff', '\udbff\u0041'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u001b[31m', '\u007f', '\u0085'];
const ODD = [
  'eyJrIjpbXX0',
  'MjAyNi0xMS0yNA',
  '!!',
  'e30',
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '%%__\\\\',
  ' ',
  '   ',
  '\t\n',
  '😀',
  '\u202e',
  'Ǆ',
];
const HUGE = ['x'.repeat(3000), '长'.repeat(3000), 'y'.repeat(20_000)];

function hostile(hint: string): fc.Arbitrary<string> {
  const base = plausible(hint);
  return fc.oneof(
    fc.tuple(base, fc.constantFrom(...CONTROL, ...LONE)).map(([s, c]) => s + c),
    fc.tuple(base, fc.constantFrom(...CONTROL, ...LONE)).map(([s, c]) => c + s),
    fc.tuple(base, fc.constantFrom(...HUGE)).map(([s, h]) => s + h),
    fc.constantFrom(...CONTROL, ...LONE, ...ODD, ...HUGE),
  );
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid 居民身份证 number, from the seed (so a failing run can be repeated). */
function residentId(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.integer({ min: 1930, max: 2020 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
      fc.integer({ min: 0, max: 999 }),
    )
    .map(([y, m, d, seq]) => {
      const body = `500114${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
      const sum = [...body].reduce((a, c, i) => a + Number(c) * WEIGHTS[i], 0);
      return body + '10X98765432'[sum % 11];
    });
}

/** Variables as they can be read in a failure report: long strings cut. */
function shorten(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_, v) =>
      typeof v === 'string' && v.length > 60 ? `${v.slice(0, 20)}…(${v.length})` : v,
    ),
  );
}
