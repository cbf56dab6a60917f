import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture, UserKey } from './utils/fixtures';
import { blankRefusal, errorCode, GqlResult, TestApi } from './utils/api';
import { registerPatient, upReferralInput } from './utils/referrals';

// jest reads testTimeout from the global config only; several projects together lose the 60 s.
jest.setTimeout(60_000);

// ---------- GraphQL documents ----------

const R = `id number state direction urgency patientId fromInstitutionId fromUserId toInstitutionId toDepartmentId
  diagnosisCode appointmentAt appointmentPlace bed responseDueAt dueAt submittedAt answeredAt arrivedAt closedAt createdAt
  rejectCode rejectReason cancelReason resubmissionOf dischargeSummary rehabPlan medicationPlan { drug }
  timeline { action fromState toState actorUserId note }`;
const CREATE = `mutation($i: CreateReferralInput!) { createReferral(input: $i) { ${R} } }`;
const GET = `query($id: ID!) { referral(id: $id) { ${R} } }`;
const PATIENT = `query($id: ID!) { patient(id: $id) { id name } }`;
const LIST = `query($box: ReferralBox!, $states: [ReferralState!], $urgency: Urgency, $direction: ReferralDirection,
  $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  referrals(box: $box, states: $states, urgency: $urgency, direction: $direction, from: $from, to: $to, first: $first, after: $after) {
    nodes { id number state urgency direction dueAt createdAt fromInstitutionId toInstitutionId }
    pageInfo { hasNextPage endCursor } } }`;
const COUNTS = `query($box: ReferralBox!, $urgency: Urgency, $direction: ReferralDirection, $from: DateTime, $to: DateTime) {
  referralCounts(box: $box, urgency: $urgency, direction: $direction, from: $from, to: $to) { total byState { state count } } }`;
const SETTINGS_FIELDS = `responseSeconds { EMERGENCY URGENT ROUTINE } reminderBeforeSeconds noShowGraceSeconds`;
const SETTINGS = `{ referralSettings { ${SETTINGS_FIELDS} } }`;
const UPDATE_SETTINGS = `mutation($i: ReferralSettingsInput!) { updateReferralSettings(input: $i) { ${SETTINGS_FIELDS} } }`;

type Action = 'submit' | 'accept' | 'reject' | 'cancel' | 'arrive' | 'complete';
type State =
  'DRAFT' | 'SUBMITTED' | 'ACCEPTED' | 'REJECTED' | 'ARRIVED' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';
const STATES: State[] = [
  'DRAFT',
  'SUBMITTED',
  'ACCEPTED',
  'REJECTED',
  'ARRIVED',
  'COMPLETED',
  'CANCELLED',
  'NO_SHOW',
];
const ACTIONS: Action[] = ['submit', 'accept', 'reject', 'cancel', 'arrive', 'complete'];

const STEP_DOC: Record<Action, { field: string; input: string }> = {
  submit: { field: 'submitReferral', input: 'ReferralNoteInput' },
  accept: { field: 'acceptReferral', input: 'AcceptReferralInput' },
  reject: { field: 'rejectReferral', input: 'RejectReferralInput' },
  cancel: { field: 'cancelReferral', input: 'CancelReferralInput' },
  arrive: { field: 'recordReferralArrival', input: 'ReferralNoteInput' },
  complete: { field: 'completeReferral', input: 'ReferralNoteInput' },
};
/** The legal moves of the diagram; everything else must be refused. */
const LEGAL_FROM: Record<Action, State[]> = {
  submit: ['DRAFT'],
  accept: ['SUBMITTED'],
  reject: ['SUBMITTED'],
  cancel: ['SUBMITTED', 'ACCEPTED'],
  arrive: ['ACCEPTED'],
  complete: ['ARRIVED'],
};
const SENDER_ACTIONS: Action[] = ['submit', 'cancel'];

const HOUR = 3600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

function defaultInput(action: Action, id: string): Record<string, unknown> {
  switch (action) {
    case 'accept':
      return { id, appointmentAt: inHours(48), place: '门诊三楼心内科' };
    case 'reject':
      return { id, reasonCode: 'NO_CAPACITY', reason: '床位已满' };
    case 'cancel':
      return { id, reason: '患者要求撤销' };
    default:
      return { id };
  }
}

const DOWN_CONTENT = {
  dischargeSummary: '住院 7 天,血压控制平稳后出院',
  rehabPlan: '每周随访一次血压,一月后复诊',
  medicationPlan: [
    { drug: '氨氯地平片', dose: '5 mg', route: '口服', frequency: '每日一次', duration: '30 天' },
  ],
};

let seq = 0;
const uniq = () => `${process.pid % 1000}${String(++seq).padStart(4, '0')}`;
const URGENCY_RANK: Record<string, number> = { EMERGENCY: 0, URGENT: 1, ROUTINE: 2 };
/** The calendar year where the consortium is (Asia/Shanghai): the one in the numbers. */
const localYear = () =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

type ExtraKey =
  'villageCoord' | 'townshipClinician' | 'neuroClinician' | 'coord2' | 'coord3' | 'coord4' | 'coord5';

interface Ctx {
  f: TenantFixture;
  tok: Record<UserKey | ExtraKey, string>;
  ids: Record<UserKey | ExtraKey, string>;
  /** A second department of the general hospital, besides cardiology. */
  neuroDept: string;
}

describe('referrals (双向转诊) over GraphQL', () => {
  let db: TestDb;
  let api: TestApi;
  /** The main tenant. */
  let t: Ctx;
  /** A second tenant in the same database, which must never see `t`'s referrals. */
  let o: Ctx;

  const gql = <T = Record<string, any>>(q: string, v: Record<string, unknown>, token: string) =>
    api.gql<T>(q, v, token);

  /** Users the fixture lacks, made by SQL with the fixture's password. */
  async function addUser(
    f: TenantFixture,
    key: string,
    institution: string,
    roles: string[],
    practitioner: string | null = null,
  ) {
    const username = `${key.toLowerCase()}-${uniq()}`;
    const [row] = await db.ds.query(
      `INSERT INTO app_user (tenant_id, institution_id, practitioner_id, username, display_name, password_hash, roles)
       SELECT tenant_id, $2, $3, $4, $5, password_hash, $6 FROM app_user WHERE id = $1 RETURNING id`,
      [f.users.admin.id, institution, practitioner, username, key, roles],
    );
    return { id: row.id as string, token: await api.login(username) };
  }

  async function setupTenant(f: TenantFixture): Promise<Ctx> {
    const tok = {} as Ctx['tok'];
    const ids = {} as Ctx['ids'];
    for (const key of Object.keys(f.users) as UserKey[]) {
      tok[key] = await api.login(f.users[key].username);
      ids[key] = f.users[key].id;
    }
    const [{ id: neuroDept }] = await db.ds.query(
      `INSERT INTO department (tenant_id, institution_id, code, name) VALUES ($1, $2, 'NEURO', '神经内科') RETURNING id`,
      [f.tenantId, f.inst.general],
    );
    const [{ id: neuroDoc }] = await db.ds.query(
      `INSERT INTO practitioner (tenant_id, institution_id, department_id, name, title, licence_number)
       VALUES ($1, $2, $3, '赵医生', 'ATTENDING_PHYSICIAN', $4) RETURNING id`,
      [f.tenantId, f.inst.general, neuroDept, `LIC${uniq()}${Date.now()}`],
    );
    const extras: [ExtraKey, string, string[], string | null][] = [
      ['villageCoord', f.inst.village, ['REFERRAL_COORDINATOR'], null],
      ['townshipClinician', f.inst.township, ['CLINICIAN'], null],
      ['neuroClinician', f.inst.general, ['CLINICIAN'], neuroDoc],
      ['coord2', f.inst.general, ['REFERRAL_COORDINATOR'], null],
      ['coord3', f.inst.general, ['REFERRAL_COORDINATOR'], null],
      ['coord4', f.inst.general, ['REFERRAL_COORDINATOR'], null],
      ['coord5', f.inst.general, ['REFERRAL_COORDINATOR'], null],
    ];
    for (const [key, inst, roles, prac] of extras) {
      const u = await addUser(f, key, inst, roles, prac);
      tok[key] = u.token;
      ids[key] = u.id;
    }
    return { f, tok, ids, neuroDept };
  }

  beforeAll(async () => {
    db = await createTestDb();
    const tf = await buildTenant(db.ds);
    const of = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    t = await setupTenant(tf);
    o = await setupTenant(of);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  // ---------- helpers ----------

  async function create(token: string, input: Record<string, unknown>) {
    const res = await gql(CREATE, { i: input }, token);
    return { res, r: res.data?.createReferral as Record<string, any> | undefined };
  }

  async function createOk(token: string, input: Record<string, unknown>) {
    const { res, r } = await create(token, input);
    expect(res.errors).toBeUndefined();
    return r!;
  }

  async function act(action: Action, id: string, token: string, extra: Record<string, unknown> = {}) {
    const { field, input } = STEP_DOC[action];
    const res = await gql(
      `mutation($i: ${input}!) { ${field}(input: $i) { ${R} } }`,
      { i: { ...defaultInput(action, id), ...extra } },
      token,
    );
    return { res, r: res.data?.[field] as Record<string, any> | undefined };
  }

  async function actOk(action: Action, id: string, token: string, extra: Record<string, unknown> = {}) {
    const { res, r } = await act(action, id, token, extra);
    expect(res.errors).toBeUndefined();
    return r!;
  }

  function expectRefused(res: GqlResult, code: string, extensions: Record<string, unknown> = {}) {
    expect(res.errors).toBeDefined();
    expect(res.errors![0].extensions).toMatchObject({ code, ...extensions });
    // Messages users can act on: Chinese with English beside it.
    expect(res.errors![0].message).toMatch(/[\u4e00-\u9fff]/);
    expect(res.errors![0].message).toMatch(/[A-Za-z]{3,}/);
  }

  /** Everything a step could change, for "changes nothing" checks. */
  async function snapshot(id: string) {
    const [row] = await db.ds.query(`SELECT * FROM referral WHERE id = $1`, [id]);
    const steps = await db.ds.query(
      `SELECT action, from_state, to_state FROM referral_step WHERE referral_id = $1 ORDER BY id`,
      [id],
    );
    const [{ audits }] = await db.ds.query(
      `SELECT count(*)::int AS audits FROM audit_event WHERE entity_id = $1 AND action LIKE 'referral.%'`,
      [id],
    );
    const outbox = await db.ds.query(
      `SELECT queue, job_name FROM outbox_message WHERE payload->>'aggregateId' = $1 OR payload->>'referralId' = $1 ORDER BY id`,
      [id],
    );
    return { row, steps, audits, outbox };
  }

  async function referralCount(tenantId: string): Promise<number> {
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM referral WHERE tenant_id = $1`, [
      tenantId,
    ]);
    return n;
  }

  /** A village → county UP referral driven through the api into `state`. */
  async function referralIn(c: Ctx, state: State, patientId: string, extra: Record<string, unknown> = {}) {
    const r = await createOk(
      c.tok.villageClinician,
      upReferralInput(patientId, c.f.inst.general, { submit: false, ...extra }),
    );
    if (state === 'DRAFT') return r.id as string;
    await actOk('submit', r.id, c.tok.villageClinician);
    if (state === 'SUBMITTED') return r.id as string;
    if (state === 'REJECTED') return (await actOk('reject', r.id, c.tok.coordinator)).id as string;
    if (state === 'CANCELLED') return (await actOk('cancel', r.id, c.tok.villageClinician)).id as string;
    await actOk('accept', r.id, c.tok.coordinator);
    if (state === 'ACCEPTED') return r.id as string;
    if (state === 'NO_SHOW') {
      // NO_SHOW is the timers' business; put the referral there directly.
      await db.ds.query(`UPDATE referral SET state = 'NO_SHOW', closed_at = now() WHERE id = $1`, [r.id]);
      return r.id as string;
    }
    await actOk('arrive', r.id, c.tok.coordinator);
    if (state === 'ARRIVED') return r.id as string;
    await actOk('complete', r.id, c.tok.coordinator);
    return r.id as string;
  }

  // ---------- 1. the legal transitions ----------

  describe('legal transitions', () => {
    let patientId: string;
    beforeAll(async () => {
      patientId = await registerPatient(api, t.tok.villageClinician, '流程患者');
    });

    it('DRAFT → SUBMITTED → ACCEPTED → ARRIVED → COMPLETED, each step timed, on the timeline, audited and published', async () => {
      const draft = await createOk(
        t.tok.villageClinician,
        upReferralInput(patientId, t.f.inst.general, { submit: false }),
      );
      expect(draft.state).toBe('DRAFT');
      expect(draft.submittedAt).toBeNull();
      expect(draft.fromUserId).toBe(t.ids.villageClinician);
      expect(draft.fromInstitutionId).toBe(t.f.inst.village);
      expect((await snapshot(draft.id)).outbox).toEqual([]);

      // The sending institution's coordinator submits the clinician's draft.
      const submitted = await actOk('submit', draft.id, t.tok.villageCoord, { note: '请尽快安排' });
      expect(submitted.state).toBe('SUBMITTED');
      expect(submitted.submittedAt).not.toBeNull();
      // URGENT answers within 2 h by default; the worklist sorts by that deadline.
      expect(Date.parse(submitted.responseDueAt) - Date.parse(submitted.submittedAt)).toBe(2 * HOUR);
      expect(submitted.dueAt).toBe(submitted.responseDueAt);

      const appointmentAt = inHours(48);
      const accepted = await actOk('accept', draft.id, t.tok.coordinator, {
        appointmentAt,
        place: '门诊三楼 305',
      });
      expect(accepted).toMatchObject({
        state: 'ACCEPTED',
        appointmentAt,
        appointmentPlace: '门诊三楼 305',
        bed: null,
      });
      expect(accepted.answeredAt).not.toBeNull();
      expect(accepted.dueAt).toBe(appointmentAt);

      const arrived = await actOk('arrive', draft.id, t.tok.coord2);
      expect(arrived.state).toBe('ARRIVED');
      expect(arrived.arrivedAt).not.toBeNull();
      const completed = await actOk('complete', draft.id, t.tok.coordinator, { note: '已结案' });
      expect(completed.state).toBe('COMPLETED');
      expect(completed.closedAt).not.toBeNull();

      expect(completed.timeline).toEqual([
        {
          action: 'create',
          fromState: null,
          toState: 'DRAFT',
          actorUserId: t.ids.villageClinician,
          note: null,
        },
        {
          action: 'submit',
          fromState: 'DRAFT',
          toState: 'SUBMITTED',
          actorUserId: t.ids.villageCoord,
          note: '请尽快安排',
        },
        {
          action: 'accept',
          fromState: 'SUBMITTED',
          toState: 'ACCEPTED',
          actorUserId: t.ids.coordinator,
          note: null,
        },
        {
          action: 'arrive',
          fromState: 'ACCEPTED',
          toState: 'ARRIVED',
          actorUserId: t.ids.coord2,
          note: null,
        },
        {
          action: 'complete',
          fromState: 'ARRIVED',
          toState: 'COMPLETED',
          actorUserId: t.ids.coordinator,
          note: '已结案',
        },
      ]);

      // The DB agrees with the answers.
      const snap = await snapshot(draft.id);
      expect(snap.row.state).toBe('COMPLETED');
      expect(snap.steps.map((s: { action: string }) => s.action)).toEqual([
        'create',
        'submit',
        'accept',
        'arrive',
        'complete',
      ]);

      // One audit event per step, naming the referral and the actor.
      const audits = await db.ds.query(
        `SELECT action, entity_type, actor_user_id, outcome, tenant_id FROM audit_event
         WHERE entity_id = $1 AND action LIKE 'referral.%' ORDER BY id`,
        [draft.id],
      );
      expect(audits).toEqual([
        {
          action: 'referral.create',
          entity_type: 'Referral',
          actor_user_id: t.ids.villageClinician,
          outcome: 'SUCCESS',
          tenant_id: t.f.tenantId,
        },
        {
          action: 'referral.submit',
          entity_type: 'Referral',
          actor_user_id: t.ids.villageCoord,
          outcome: 'SUCCESS',
          tenant_id: t.f.tenantId,
        },
        {
          action: 'referral.accept',
          entity_type: 'Referral',
          actor_user_id: t.ids.coordinator,
          outcome: 'SUCCESS',
          tenant_id: t.f.tenantId,
        },
        {
          action: 'referral.arrive',
          entity_type: 'Referral',
          actor_user_id: t.ids.coord2,
          outcome: 'SUCCESS',
          tenant_id: t.f.tenantId,
        },
        {
          action: 'referral.complete',
          entity_type: 'Referral',
          actor_user_id: t.ids.coordinator,
          outcome: 'SUCCESS',
          tenant_id: t.f.tenantId,
        },
      ]);

      // The outbox holds each step's event and the timers it set (answer deadline; reminder and no-show check).
      const events = snap.outbox
        .filter((m: { queue: string }) => m.queue === 'events')
        .map((m: { job_name: string }) => m.job_name);
      expect(events).toEqual([
        'referral.submitted',
        'referral.accepted',
        'referral.arrived',
        'referral.completed',
      ]);
      const timers = snap.outbox
        .filter((m: { queue: string }) => m.queue === 'timers')
        .map((m: { job_name: string }) => m.job_name);
      expect(timers.sort()).toEqual([
        'referral.appointment-reminder',
        'referral.no-show-check',
        'referral.response-due',
      ]);
    });

    it('SUBMITTED → REJECTED keeps the reason code and text and closes the referral', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const r = await actOk('reject', id, t.tok.coordinator, {
        reasonCode: 'OUTSIDE_SCOPE',
        reason: '超出本院诊疗范围',
      });
      expect(r).toMatchObject({
        state: 'REJECTED',
        rejectCode: 'OUTSIDE_SCOPE',
        rejectReason: '超出本院诊疗范围',
      });
      expect(r.answeredAt).not.toBeNull();
      expect(r.closedAt).not.toBeNull();
      expect(r.timeline.at(-1)).toEqual({
        action: 'reject',
        fromState: 'SUBMITTED',
        toState: 'REJECTED',
        actorUserId: t.ids.coordinator,
        note: '超出本院诊疗范围',
      });
      const snap = await snapshot(id);
      expect(snap.row).toMatchObject({
        state: 'REJECTED',
        reject_code: 'OUTSIDE_SCOPE',
        reject_reason: '超出本院诊疗范围',
      });
      expect(snap.outbox.map((m: { job_name: string }) => m.job_name)).toContain('referral.rejected');
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1 AND action = 'referral.reject'`,
        [id],
      );
      expect(n).toBe(1);
    });

    it.each([
      ['SUBMITTED', 'villageClinician'],
      ['ACCEPTED', 'villageCoord'],
    ] as const)('the sender cancels from %s (as %s) with a reason', async (from, who) => {
      const id = await referralIn(t, from, patientId);
      const r = await actOk('cancel', id, t.tok[who], { reason: '患者转往他院' });
      expect(r).toMatchObject({ state: 'CANCELLED', cancelReason: '患者转往他院' });
      expect(r.closedAt).not.toBeNull();
      expect(r.timeline.at(-1)).toMatchObject({
        action: 'cancel',
        fromState: from,
        toState: 'CANCELLED',
        actorUserId: t.ids[who],
      });
      const snap = await snapshot(id);
      expect(snap.row.state).toBe('CANCELLED');
      expect(snap.outbox.map((m: { job_name: string }) => m.job_name)).toContain('referral.cancelled');
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1 AND action = 'referral.cancel'`,
        [id],
      );
      expect(n).toBe(1);
    });

    it('creates and submits in one call when asked (create + submit on the timeline)', async () => {
      const r = await createOk(t.tok.villageClinician, upReferralInput(patientId, t.f.inst.general));
      expect(r.state).toBe('SUBMITTED');
      expect(r.timeline.map((s: { action: string }) => s.action)).toEqual(['create', 'submit']);
    });
  });

  // ---------- 2. illegal transitions ----------

  describe('illegal transitions', () => {
    const ids = {} as Record<State, string>;
    const before = {} as Record<State, Awaited<ReturnType<typeof snapshot>>>;

    beforeAll(async () => {
      const patientId = await registerPatient(api, t.tok.villageClinician, '状态患者');
      for (const state of STATES) {
        ids[state] = await referralIn(t, state, patientId);
        before[state] = await snapshot(ids[state]);
        expect(before[state].row.state).toBe(state);
      }
    });

    const table = ACTIONS.flatMap((action) =>
      STATES.filter((s) => !LEGAL_FROM[action].includes(s)).map((state) => {
        const sender = SENDER_ACTIONS.includes(action);
        // A receiver cannot even see a draft; answering an answered referral is a lost race.
        const code =
          state === 'DRAFT' && !sender
            ? 'NOT_FOUND'
            : (action === 'accept' || action === 'reject') && (state === 'ACCEPTED' || state === 'REJECTED')
              ? 'CONFLICT'
              : 'INVALID_TRANSITION';
        return [action, state, code] as const;
      }),
    );

    it.each(table)('%s on a %s referral answers %s and changes nothing', async (action, state, code) => {
      const token = SENDER_ACTIONS.includes(action) ? t.tok.villageClinician : t.tok.coordinator;
      const { res } = await act(action, ids[state], token);
      if (code === 'INVALID_TRANSITION') expectRefused(res, code, { currentState: state, action });
      else if (code === 'CONFLICT') expectRefused(res, code, { currentState: state });
      else expectRefused(res, code);
      expect(await snapshot(ids[state])).toEqual(before[state]);
    });

    it('names the current state in the message', async () => {
      const { res } = await act('complete', ids.SUBMITTED, t.tok.coordinator);
      expect(res.errors![0].message).toContain('SUBMITTED');
    });
  });

  // ---------- 3. direction and tiers ----------

  describe('direction must agree with the tiers', () => {
    let villagePatient: string;
    let countyPatient: string;
    let townshipPatient: string;
    beforeAll(async () => {
      villagePatient = await registerPatient(api, t.tok.villageClinician, '村患者');
      countyPatient = await registerPatient(api, t.tok.countyClinician, '县患者');
      townshipPatient = await registerPatient(api, t.tok.townshipClinician, '乡患者');
    });

    it('accepts village → county UP', async () => {
      const r = await createOk(t.tok.villageClinician, upReferralInput(villagePatient, t.f.inst.general));
      expect(r).toMatchObject({ direction: 'UP', toInstitutionId: t.f.inst.general, state: 'SUBMITTED' });
    });

    it.each(['DOWN', 'LATERAL'])(
      'refuses village → county %s with rule DIRECTION_TIER and writes nothing',
      async (direction) => {
        const n = await referralCount(t.f.tenantId);
        const { res } = await create(
          t.tok.villageClinician,
          upReferralInput(villagePatient, t.f.inst.general, { direction }),
        );
        expectRefused(res, 'BAD_USER_INPUT', { rule: 'DIRECTION_TIER', field: 'direction' });
        expect(res.errors![0].message).toContain('UP');
        expect(await referralCount(t.f.tenantId)).toBe(n);
      },
    );

    it('accepts county → village DOWN with the discharge content', async () => {
      const r = await createOk(
        t.tok.countyClinician,
        upReferralInput(countyPatient, t.f.inst.village, { direction: 'DOWN', ...DOWN_CONTENT }),
      );
      expect(r).toMatchObject({
        direction: 'DOWN',
        state: 'SUBMITTED',
        dischargeSummary: DOWN_CONTENT.dischargeSummary,
        rehabPlan: DOWN_CONTENT.rehabPlan,
        medicationPlan: [{ drug: '氨氯地平片' }],
      });
    });

    it('refuses county → village UP', async () => {
      const { res } = await create(t.tok.countyClinician, upReferralInput(countyPatient, t.f.inst.village));
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'DIRECTION_TIER' });
    });

    it('accepts township → township LATERAL and refuses it as UP', async () => {
      const r = await createOk(
        t.tok.townshipClinician,
        upReferralInput(townshipPatient, t.f.inst.subcenter, { direction: 'LATERAL' }),
      );
      expect(r).toMatchObject({
        direction: 'LATERAL',
        fromInstitutionId: t.f.inst.township,
        toInstitutionId: t.f.inst.subcenter,
      });
      const { res } = await create(
        t.tok.townshipClinician,
        upReferralInput(townshipPatient, t.f.inst.subcenter),
      );
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'DIRECTION_TIER' });
    });

    it.each([
      ['village', 'villageClinician', () => villagePatient],
      ['township', 'townshipClinician', () => townshipPatient],
      ['county', 'countyClinician', () => countyPatient],
    ] as const)('accepts %s → partner hospital UP, and refuses it as LATERAL', async (_, who, patient) => {
      const r = await createOk(t.tok[who], upReferralInput(patient(), t.f.inst.partner));
      expect(r).toMatchObject({ direction: 'UP', toInstitutionId: t.f.inst.partner });
      const { res } = await create(
        t.tok[who],
        upReferralInput(patient(), t.f.inst.partner, { direction: 'LATERAL' }),
      );
      expectRefused(res, 'BAD_USER_INPUT', { rule: 'DIRECTION_TIER' });
    });

    it('refuses a referral to one’s own institution', async () => {
      const { res } = await create(
        t.tok.countyClinician,
        upReferralInput(countyPatient, t.f.inst.general, { direction: 'LATERAL' }),
      );
      expectRefused(res, 'BAD_USER_INPUT', { field: 'toInstitutionId' });
    });

    it('refuses a receiving department of another institution', async () => {
      const { res } = await create(
        t.tok.villageClinician,
        upReferralInput(villagePatient, t.f.inst.general, { toDepartmentId: t.f.department.gp }),
      );
      expectRefused(res, 'BAD_USER_INPUT', { field: 'toDepartmentId' });
    });
  });

  // ---------- 4. content of the form ----------

  describe('content (双向转诊单)', () => {
    let villagePatient: string;
    let countyPatient: string;
    beforeAll(async () => {
      villagePatient = await registerPatient(api, t.tok.villageClinician, '内容患者');
      countyPatient = await registerPatient(api, t.tok.countyClinician, '下转患者');
    });

    it.each(['I10', 'E11.9', 'J18.900', 'I63.900x001', 'I10.x00x002', 'S72.0'])(
      'accepts the ICD-10 code %s',
      async (code) => {
        const r = await createOk(
          t.tok.villageClinician,
          upReferralInput(villagePatient, t.f.inst.general, { diagnosisCode: code }),
        );
        expect(r.diagnosisCode).toBe(code);
      },
    );

    it.each(['I1', '110', 'I10.', 'II10', 'I10.12345', 'hypertension', '高血压', ''])(
      'refuses the malformed code %p as BAD_USER_INPUT on diagnosisCode, writing nothing',
      async (code) => {
        const n = await referralCount(t.f.tenantId);
        const { res } = await create(
          t.tok.villageClinician,
          upReferralInput(villagePatient, t.f.inst.general, { diagnosisCode: code }),
        );
        expectRefused(res, 'BAD_USER_INPUT');
        expect(res.errors![0].extensions!.fields.map((f: { field: string }) => f.field)).toContain(
          'diagnosisCode',
        );
        expect(res.errors![0].message).toContain('ICD-10');
        expect(await referralCount(t.f.tenantId)).toBe(n);
      },
    );

    it.each([
      ['purpose', '\u3000\u3000'],
      ['clinicalSummary', ' \t\n '],
      ['diagnosisName', '   '],
    ])('refuses a blank %s as BAD_USER_INPUT naming it, writing nothing', async (field, value) => {
      const n = await referralCount(t.f.tenantId);
      const { res } = await create(
        t.tok.villageClinician,
        upReferralInput(villagePatient, t.f.inst.general, { [field]: value }),
      );
      expect(res).toMatchObject({ data: null, errors: [blankRefusal(field)] });
      expect(await referralCount(t.f.tenantId)).toBe(n);
    });

    it('refuses to submit a DOWN referral without discharge summary, rehab plan and medication plan, listing them', async () => {
      const n = await referralCount(t.f.tenantId);
      const { res } = await create(
        t.tok.countyClinician,
        upReferralInput(countyPatient, t.f.inst.village, { direction: 'DOWN' }),
      );
      expectRefused(res, 'BAD_USER_INPUT', { fields: ['dischargeSummary', 'rehabPlan', 'medicationPlan'] });
      expect(await referralCount(t.f.tenantId)).toBe(n);
    });

    it('lists only what is missing (blank text counts as missing)', async () => {
      const { res } = await create(
        t.tok.countyClinician,
        upReferralInput(countyPatient, t.f.inst.village, {
          direction: 'DOWN',
          dischargeSummary: DOWN_CONTENT.dischargeSummary,
          rehabPlan: '   ',
        }),
      );
      expectRefused(res, 'BAD_USER_INPUT', { fields: ['rehabPlan', 'medicationPlan'] });
    });

    it('keeps an incomplete DOWN draft but refuses to submit it, leaving it a draft', async () => {
      const draft = await createOk(
        t.tok.countyClinician,
        upReferralInput(countyPatient, t.f.inst.village, {
          direction: 'DOWN',
          submit: false,
          rehabPlan: DOWN_CONTENT.rehabPlan,
        }),
      );
      expect(draft.state).toBe('DRAFT');
      const before = await snapshot(draft.id);
      const { res } = await act('submit', draft.id, t.tok.countyClinician);
      expectRefused(res, 'BAD_USER_INPUT', { fields: ['dischargeSummary', 'medicationPlan'] });
      expect(await snapshot(draft.id)).toEqual(before);
    });

    it.each([
      ['dischargeSummary', { dischargeSummary: '出院小结' }],
      ['rehabPlan', { rehabPlan: '康复计划' }],
      ['medicationPlan', { medicationPlan: DOWN_CONTENT.medicationPlan }],
    ])('refuses %s on a non-DOWN referral', async (_, extra) => {
      const n = await referralCount(t.f.tenantId);
      const { res } = await create(
        t.tok.villageClinician,
        upReferralInput(villagePatient, t.f.inst.general, extra),
      );
      expectRefused(res, 'BAD_USER_INPUT', { field: 'direction' });
      expect(await referralCount(t.f.tenantId)).toBe(n);
    });

    it('refuses a patient the sender cannot see as NOT_FOUND', async () => {
      const { res } = await create(t.tok.villageClinician, upReferralInput(countyPatient, t.f.inst.general));
      expectRefused(res, 'NOT_FOUND');
    });
  });

  // ---------- 5. who may do what ----------

  describe('permissions by role and side', () => {
    let patientId: string;
    /** Submitted to the general hospital's cardiology department. */
    let toCardiology: () => Promise<string>;
    beforeAll(async () => {
      patientId = await registerPatient(api, t.tok.villageClinician, '权限患者');
      toCardiology = () =>
        referralIn(t, 'SUBMITTED', patientId, { toDepartmentId: t.f.department.cardiology });
    });

    it('lets the sending institution’s coordinator create, submit and cancel', async () => {
      const draft = await createOk(
        t.tok.villageCoord,
        upReferralInput(patientId, t.f.inst.general, { submit: false }),
      );
      expect(draft).toMatchObject({
        state: 'DRAFT',
        fromUserId: t.ids.villageCoord,
        fromInstitutionId: t.f.inst.village,
      });
      await actOk('submit', draft.id, t.tok.villageCoord);
      expect((await actOk('cancel', draft.id, t.tok.villageCoord)).state).toBe('CANCELLED');
    });

    it('lets a clinician of the target department accept', async () => {
      const id = await toCardiology();
      const r = await actOk('accept', id, t.tok.countyClinician);
      expect(r.state).toBe('ACCEPTED');
      expect(r.timeline.at(-1).actorUserId).toBe(t.ids.countyClinician);
    });

    it.each(['accept', 'reject'] as const)(
      'refuses a clinician of another department of the receiver: %s FORBIDDEN',
      async (action) => {
        const id = await toCardiology();
        const before = await snapshot(id);
        const { res } = await act(action, id, t.tok.neuroClinician);
        expectRefused(res, 'FORBIDDEN');
        expect(await snapshot(id)).toEqual(before);
      },
    );

    it('refuses a receiving clinician when the referral names no department', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const { res } = await act('accept', id, t.tok.countyClinician);
      expectRefused(res, 'FORBIDDEN');
      expect((await snapshot(id)).row.state).toBe('SUBMITTED');
    });

    it.each(['arrive', 'complete'] as const)(
      'refuses %s by another department’s clinician',
      async (action) => {
        const id = await toCardiology();
        await actOk('accept', id, t.tok.coordinator);
        if (action === 'complete') await actOk('arrive', id, t.tok.coordinator);
        const before = await snapshot(id);
        const { res } = await act(action, id, t.tok.neuroClinician);
        expectRefused(res, 'FORBIDDEN');
        expect(await snapshot(id)).toEqual(before);
      },
    );

    it('refuses cancel by the receiver (FORBIDDEN) and changes nothing', async () => {
      for (const who of ['coordinator', 'countyClinician'] as const) {
        const id = await toCardiology();
        const before = await snapshot(id);
        const { res } = await act('cancel', id, t.tok[who]);
        expectRefused(res, 'FORBIDDEN');
        expect(await snapshot(id)).toEqual(before);
      }
    });

    it.each(['accept', 'reject', 'arrive'] as const)(
      'refuses the sender answering its own referral: %s FORBIDDEN',
      async (action) => {
        const id = await referralIn(t, action === 'arrive' ? 'ACCEPTED' : 'SUBMITTED', patientId);
        const before = await snapshot(id);
        for (const who of ['villageClinician', 'villageCoord'] as const) {
          expectRefused((await act(action, id, t.tok[who])).res, 'FORBIDDEN');
        }
        expect(await snapshot(id)).toEqual(before);
      },
    );

    it.each(['expert', 'auditor', 'admin', 'instAdmin'] as const)(
      'refuses every step and creation to %s (FORBIDDEN)',
      async (who) => {
        const submitted = await referralIn(t, 'SUBMITTED', patientId);
        const draft = await referralIn(t, 'DRAFT', patientId);
        const before = await snapshot(submitted);
        for (const action of ACTIONS) {
          const { res } = await act(action, action === 'submit' ? draft : submitted, t.tok[who]);
          expectRefused(res, 'FORBIDDEN');
        }
        expect(await snapshot(submitted)).toEqual(before);
        const n = await referralCount(t.f.tenantId);
        expectRefused(
          (await create(t.tok[who], upReferralInput(patientId, t.f.inst.general))).res,
          'FORBIDDEN',
        );
        expect(await referralCount(t.f.tenantId)).toBe(n);
      },
    );

    it.each(['admin', 'auditor'] as const)(
      'lets %s read any submitted referral of the tenant, and list it',
      async (who) => {
        const id = await referralIn(t, 'SUBMITTED', patientId);
        const got = await gql(GET, { id }, t.tok[who]);
        expect(got.errors).toBeUndefined();
        expect(got.data!.referral.id).toBe(id);
        const list = await gql(LIST, { box: 'ALL', first: 100, states: ['SUBMITTED'] }, t.tok[who]);
        expect(list.data!.referrals.nodes.map((n: { id: string }) => n.id)).toContain(id);
      },
    );

    it('hides a referral from an unrelated institution of the tenant (NOT_FOUND for reads and steps)', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const before = await snapshot(id);
      expectRefused(await gql(GET, { id }, t.tok.townshipClinician), 'NOT_FOUND');
      expectRefused(await gql(GET, { id }, t.tok.expert), 'NOT_FOUND');
      for (const action of ['accept', 'reject', 'cancel'] as const) {
        expectRefused((await act(action, id, t.tok.townshipClinician)).res, 'NOT_FOUND');
      }
      const list = await gql(LIST, { box: 'ALL', first: 100 }, t.tok.townshipClinician);
      expect(list.data!.referrals.nodes.map((n: { id: string }) => n.id)).not.toContain(id);
      expect(await snapshot(id)).toEqual(before);
    });

    it('hides a referral from another tenant entirely (NOT_FOUND for every role and step)', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const before = await snapshot(id);
      for (const who of ['admin', 'auditor', 'coordinator', 'villageClinician'] as const) {
        expectRefused(await gql(GET, { id }, o.tok[who]), 'NOT_FOUND');
      }
      for (const action of ['accept', 'reject'] as const)
        expectRefused((await act(action, id, o.tok.coordinator)).res, 'NOT_FOUND');
      expectRefused((await act('cancel', id, o.tok.villageClinician)).res, 'NOT_FOUND');
      const list = await gql(LIST, { box: 'ALL', first: 100 }, o.tok.admin);
      expect(list.data!.referrals.nodes.map((n: { id: string }) => n.id)).not.toContain(id);
      expect(await snapshot(id)).toEqual(before);
    });

    it('keeps drafts private to the sending institution (receivers and admins get NOT_FOUND)', async () => {
      const id = await referralIn(t, 'DRAFT', patientId);
      expect((await gql(GET, { id }, t.tok.villageCoord)).data!.referral.state).toBe('DRAFT');
      for (const who of ['coordinator', 'countyClinician', 'admin', 'auditor'] as const) {
        expectRefused(await gql(GET, { id }, t.tok[who]), 'NOT_FOUND');
      }
      const incoming = await gql(LIST, { box: 'INCOMING', first: 100 }, t.tok.coordinator);
      expect(incoming.data!.referrals.nodes.map((n: { id: string }) => n.id)).not.toContain(id);
    });

    it('answers NOT_FOUND for an id that is no referral, BAD_USER_INPUT for one that is no id', async () => {
      expectRefused(await gql(GET, { id: '00000000-0000-4000-8000-000000000000' }, t.tok.admin), 'NOT_FOUND');
      expectRefused(await gql(GET, { id: 'not-a-uuid' }, t.tok.admin), 'BAD_USER_INPUT');
      expectRefused(
        (await act('accept', '00000000-0000-4000-8000-000000000000', t.tok.coordinator)).res,
        'NOT_FOUND',
      );
    });
  });

  // ---------- 6. races ----------

  describe('two coordinators answering at once', () => {
    let patientId: string;
    beforeAll(async () => {
      patientId = await registerPatient(api, t.tok.villageClinician, '并发患者');
    });

    it.each([1, 2, 3])(
      'round %i: exactly one of five parallel accept/reject calls wins, the others get CONFLICT',
      async () => {
        const id = await referralIn(t, 'SUBMITTED', patientId);
        const who = ['coordinator', 'coord2', 'coord3', 'coord4', 'coord5'] as const;
        const results = await Promise.all(
          who.map((w, i) => act(i % 2 === 0 ? 'accept' : 'reject', id, t.tok[w]).then((x) => ({ ...x, i }))),
        );
        const winners = results.filter((x) => !x.res.errors);
        const losers = results.filter((x) => x.res.errors);
        expect(winners).toHaveLength(1);
        expect(losers.map((x) => errorCode(x.res))).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT']);
        const winnerAction = winners[0].i % 2 === 0 ? 'accept' : 'reject';
        const expectedState = winnerAction === 'accept' ? 'ACCEPTED' : 'REJECTED';
        expect(winners[0].r!.state).toBe(expectedState);

        const snap = await snapshot(id);
        expect(snap.row.state).toBe(expectedState);
        expect(snap.row.answered_at).not.toBeNull();
        expect(
          snap.steps.filter((s: { action: string }) => s.action === 'accept' || s.action === 'reject'),
        ).toEqual([{ action: winnerAction, from_state: 'SUBMITTED', to_state: expectedState }]);
        const [{ n }] = await db.ds.query(
          `SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1 AND action IN ('referral.accept', 'referral.reject')`,
          [id],
        );
        expect(n).toBe(1);
        const answers = snap.outbox.filter((m: { job_name: string }) =>
          ['referral.accepted', 'referral.rejected'].includes(m.job_name),
        );
        expect(answers).toHaveLength(1);
      },
    );

    it('answers a late accept of an accepted referral with CONFLICT naming the state', async () => {
      const id = await referralIn(t, 'ACCEPTED', patientId);
      const { res } = await act('accept', id, t.tok.coord3);
      expectRefused(res, 'CONFLICT', { currentState: 'ACCEPTED', referralId: id });
    });
  });

  // ---------- 7. idempotent creation ----------

  describe('idempotent createReferral', () => {
    let patientId: string;
    beforeAll(async () => {
      patientId = await registerPatient(api, t.tok.villageClinician, '幂等患者');
    });

    it('turns 50 parallel calls with one key and one content into one referral', async () => {
      const key = `idem-${uniq()}-parallel`;
      const input = upReferralInput(patientId, t.f.inst.general, { idempotencyKey: key });
      const results = await Promise.all(
        Array.from({ length: 50 }, () => create(t.tok.villageClinician, input)),
      );
      for (const { res } of results) expect(res.errors).toBeUndefined();
      const ids = new Set(results.map((x) => x.r!.id));
      expect(ids.size).toBe(1);
      expect(new Set(results.map((x) => x.r!.number)).size).toBe(1);
      const [id] = ids;
      const rows = await db.ds.query(
        `SELECT id FROM referral WHERE tenant_id = $1 AND idempotency_key = $2`,
        [t.f.tenantId, key],
      );
      expect(rows).toEqual([{ id }]);
      const snap = await snapshot(id);
      expect(snap.steps.map((s: { action: string }) => s.action)).toEqual(['create', 'submit']);
      expect(snap.audits).toBe(2);
      expect(
        snap.outbox.filter((m: { job_name: string }) => m.job_name === 'referral.submitted'),
      ).toHaveLength(1);
    }, 180_000);

    it('returns the same referral to a later retry with the same key and content', async () => {
      const key = `idem-${uniq()}-retry`;
      const input = upReferralInput(patientId, t.f.inst.general, { idempotencyKey: key });
      const first = await createOk(t.tok.villageClinician, input);
      const again = await createOk(t.tok.villageClinician, input);
      expect(again.id).toBe(first.id);
      expect(again.number).toBe(first.number);
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM referral WHERE idempotency_key = $1`,
        [key],
      );
      expect(n).toBe(1);
    });

    it('answers CONFLICT with existingReferralId when the key comes back with other content', async () => {
      const key = `idem-${uniq()}-diff`;
      const first = await createOk(
        t.tok.villageClinician,
        upReferralInput(patientId, t.f.inst.general, { idempotencyKey: key }),
      );
      const n = await referralCount(t.f.tenantId);
      const { res } = await create(
        t.tok.villageClinician,
        upReferralInput(patientId, t.f.inst.general, { idempotencyKey: key, urgency: 'EMERGENCY' }),
      );
      expectRefused(res, 'CONFLICT', { existingReferralId: first.id });
      expect(await referralCount(t.f.tenantId)).toBe(n);
    });

    it('keeps keys apart between tenants', async () => {
      const key = `idem-${uniq()}-tenants`;
      const mine = await createOk(
        t.tok.villageClinician,
        upReferralInput(patientId, t.f.inst.general, { idempotencyKey: key }),
      );
      const otherPatient = await registerPatient(api, o.tok.villageClinician);
      const theirs = await createOk(
        o.tok.villageClinician,
        upReferralInput(otherPatient, o.f.inst.general, { idempotencyKey: key }),
      );
      expect(theirs.id).not.toBe(mine.id);
    });
  });

  // ---------- 8. rejection reasons, resubmission ----------

  describe('reject reasons and resubmission', () => {
    let patientId: string;
    beforeAll(async () => {
      patientId = await registerPatient(api, t.tok.villageClinician, '退回患者');
    });

    it.each([
      ['a one-letter reason', { reason: 'x' }],
      ['a blank reason', { reason: '     ' }],
      ['one letter padded with blanks', { reason: '   x   ' }],
    ])('refuses a rejection with %s (BAD_USER_INPUT on reason) and changes nothing', async (_, extra) => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const before = await snapshot(id);
      const { res } = await act('reject', id, t.tok.coordinator, extra);
      expectRefused(res, 'BAD_USER_INPUT');
      expect(res.errors![0].extensions!.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
      expect(await snapshot(id)).toEqual(before);
    });

    it.each([
      ['no reason text', { reason: undefined }],
      ['no reason code', { reasonCode: undefined }],
      ['an unknown reason code', { reasonCode: 'BORED' }],
    ])('refuses a rejection with %s and changes nothing', async (_, extra) => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const before = await snapshot(id);
      const { res } = await act('reject', id, t.tok.coordinator, extra);
      expect(res.errors).toBeDefined();
      expect(res.data?.rejectReferral ?? null).toBeNull();
      expect(await snapshot(id)).toEqual(before);
    });

    it('stores the rejection reason without surrounding blanks', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const r = await actOk('reject', id, t.tok.coordinator, { reason: '  床位已满  ' });
      expect(r.rejectReason).toBe('床位已满');
    });

    it.each([
      ['a blank reason', { reason: '    ' }],
      ['a one-letter reason', { reason: ' x ' }],
    ])('refuses a cancellation with %s (BAD_USER_INPUT on reason) and changes nothing', async (_, extra) => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const before = await snapshot(id);
      const { res } = await act('cancel', id, t.tok.villageClinician, extra);
      expectRefused(res, 'BAD_USER_INPUT');
      expect(res.errors![0].extensions!.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
      expect(await snapshot(id)).toEqual(before);
    });

    it('refuses a cancellation without a reason and changes nothing', async () => {
      const id = await referralIn(t, 'ACCEPTED', patientId);
      const before = await snapshot(id);
      const { res } = await act('cancel', id, t.tok.villageClinician, { reason: undefined });
      expect(res.errors).toBeDefined();
      expect(await snapshot(id)).toEqual(before);
    });

    // Fails today: the cost plugin (apps/api/src/graphql/cost.plugin.ts) coerces the variables
    // itself and its GraphQLError, which carries no code, is answered as an internal error (500).
    // When that is fixed this test starts to fail: turn it into a plain `it`.
    it('answers BAD_USER_INPUT, not an internal error, when a required input field is missing', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const { res } = await act('reject', id, t.tok.coordinator, { reason: undefined });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
    });

    it('lets the sender revise a rejected referral as a new one linked by resubmissionOf', async () => {
      const rejected = await referralIn(t, 'REJECTED', patientId);
      const r = await createOk(
        t.tok.villageClinician,
        upReferralInput(patientId, t.f.inst.general, {
          resubmissionOf: rejected,
          clinicalSummary: '补充心电图与血脂结果',
        }),
      );
      expect(r.id).not.toBe(rejected);
      expect(r).toMatchObject({ resubmissionOf: rejected, state: 'SUBMITTED' });
      const [row] = await db.ds.query(`SELECT resubmission_of FROM referral WHERE id = $1`, [r.id]);
      expect(row.resubmission_of).toBe(rejected);
      // The old one stays rejected.
      expect((await snapshot(rejected)).row.state).toBe('REJECTED');
    });

    it.each(['SUBMITTED', 'ACCEPTED', 'CANCELLED', 'DRAFT'] as const)(
      'refuses to link a resubmission to a %s referral (BAD_USER_INPUT)',
      async (state) => {
        const old = await referralIn(t, state, patientId);
        const n = await referralCount(t.f.tenantId);
        const { res } = await create(
          t.tok.villageClinician,
          upReferralInput(patientId, t.f.inst.general, { resubmissionOf: old }),
        );
        expectRefused(res, 'BAD_USER_INPUT', { field: 'resubmissionOf' });
        expect(await referralCount(t.f.tenantId)).toBe(n);
      },
    );

    it('refuses a resubmission for another patient (BAD_USER_INPUT)', async () => {
      const rejected = await referralIn(t, 'REJECTED', patientId);
      const otherPatient = await registerPatient(api, t.tok.villageClinician, '另一患者');
      const n = await referralCount(t.f.tenantId);
      const { res } = await create(
        t.tok.villageClinician,
        upReferralInput(otherPatient, t.f.inst.general, { resubmissionOf: rejected }),
      );
      expectRefused(res, 'BAD_USER_INPUT', { field: 'patientId' });
      expect(await referralCount(t.f.tenantId)).toBe(n);
    });

    it('does not let another institution resubmit someone else’s rejected referral (NOT_FOUND)', async () => {
      const rejected = await referralIn(t, 'REJECTED', patientId);
      const townPatient = await registerPatient(api, t.tok.townshipClinician);
      const { res } = await create(
        t.tok.townshipClinician,
        upReferralInput(townPatient, t.f.inst.general, { resubmissionOf: rejected }),
      );
      expectRefused(res, 'NOT_FOUND');
    });
  });

  // ---------- 9. accepting: appointment, bed, redirect ----------

  describe('accepting', () => {
    let patientId: string;
    beforeAll(async () => {
      patientId = await registerPatient(api, t.tok.villageClinician, '接收患者');
    });

    it('accepts with a bed only', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const r = await actOk('accept', id, t.tok.coordinator, { place: null, bed: '心内科 12 床' });
      expect(r).toMatchObject({ state: 'ACCEPTED', bed: '心内科 12 床', appointmentPlace: null });
      expect((await snapshot(id)).row.bed).toBe('心内科 12 床');
    });

    it.each([
      ['neither place nor bed', { place: null }],
      ['a blank place and no bed', { place: '   ' }],
      ['an appointment in the past', { appointmentAt: inHours(-3) }],
    ])('refuses acceptance with %s (BAD_USER_INPUT) and changes nothing', async (_, extra) => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const before = await snapshot(id);
      const { res } = await act('accept', id, t.tok.coordinator, extra);
      expectRefused(res, 'BAD_USER_INPUT');
      expect(await snapshot(id)).toEqual(before);
    });

    it('refuses acceptance without an appointment time and changes nothing', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const before = await snapshot(id);
      const { res } = await act('accept', id, t.tok.coordinator, { appointmentAt: undefined });
      expect(res.errors).toBeDefined();
      expect(await snapshot(id)).toEqual(before);
    });

    it('refuses a redirect to a department of another institution (BAD_USER_INPUT) and changes nothing', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId, { toDepartmentId: t.f.department.cardiology });
      const before = await snapshot(id);
      const { res } = await act('accept', id, t.tok.coordinator, { departmentId: t.f.department.gp });
      expectRefused(res, 'BAD_USER_INPUT', { field: 'departmentId' });
      expect(await snapshot(id)).toEqual(before);
    });

    it('refuses a redirect to a department of another tenant (NOT_FOUND)', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const { res } = await act('accept', id, t.tok.coordinator, { departmentId: o.f.department.cardiology });
      expectRefused(res, 'NOT_FOUND');
      expect((await snapshot(id)).row.state).toBe('SUBMITTED');
    });

    it('redirects to another department of the receiver, which then owns the referral', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId, { toDepartmentId: t.f.department.cardiology });
      const r = await actOk('accept', id, t.tok.coordinator, { departmentId: t.neuroDept });
      expect(r.toDepartmentId).toBe(t.neuroDept);
      const snap = await snapshot(id);
      expect(snap.row.to_department_id).toBe(t.neuroDept);
      const [step] = await db.ds.query(
        `SELECT details FROM referral_step WHERE referral_id = $1 AND action = 'accept'`,
        [id],
      );
      expect(step.details).toEqual({ redirectedTo: t.neuroDept });
      // Now the neurology clinician acts on it, and cardiology no longer may.
      expectRefused((await act('arrive', id, t.tok.countyClinician)).res, 'FORBIDDEN');
      expect((await actOk('arrive', id, t.tok.neuroClinician)).state).toBe('ARRIVED');
    });

    it('redirects a referral that named no department to one of the receiver', async () => {
      const id = await referralIn(t, 'SUBMITTED', patientId);
      const r = await actOk('accept', id, t.tok.coordinator, { departmentId: t.f.department.cardiology });
      expect(r.toDepartmentId).toBe(t.f.department.cardiology);
    });
  });

  // ---------- 10. numbers ----------

  describe('human numbers ZZ-<year>-<6 digits>', () => {
    it('start at 000001 in every tenant and increase, unique, within one', async () => {
      const year = localYear();
      for (let k = 0; k < 2; k++) {
        const f = await buildTenant(db.ds);
        const token = await api.login(f.users.villageClinician.username);
        const patientId = await registerPatient(api, token);
        const numbers: string[] = [];
        for (let i = 0; i < 3; i++) {
          numbers.push(
            (await createOk(token, upReferralInput(patientId, f.inst.general, { submit: i !== 1 }))).number,
          );
        }
        expect(numbers).toEqual([`ZZ-${year}-000001`, `ZZ-${year}-000002`, `ZZ-${year}-000003`]);
      }
    });

    it('stay unique when many referrals are created at once', async () => {
      const patientId = await registerPatient(api, t.tok.villageClinician);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          create(
            t.tok.villageClinician,
            upReferralInput(patientId, t.f.inst.general, { purpose: `并发转诊 ${i}` }),
          ),
        ),
      );
      for (const { res } of results) expect(res.errors).toBeUndefined();
      expect(new Set(results.map((x) => x.r!.number)).size).toBe(20);
      expect(new Set(results.map((x) => x.r!.id)).size).toBe(20);
    }, 120_000);

    it('are unique and increase in creation order in a busy tenant', async () => {
      const rows: { number: string }[] = await db.ds.query(
        `SELECT number FROM referral WHERE tenant_id = $1 ORDER BY created_at, number`,
        [t.f.tenantId],
      );
      expect(rows.length).toBeGreaterThan(20);
      const numbers = rows.map((r) => r.number);
      expect(new Set(numbers).size).toBe(numbers.length);
      for (const n of numbers) expect(n).toMatch(/^ZZ-\d{4}-\d{6}$/);
      const patientId = await registerPatient(api, t.tok.villageClinician);
      const a = await createOk(t.tok.villageClinician, upReferralInput(patientId, t.f.inst.general));
      const b = await createOk(t.tok.villageClinician, upReferralInput(patientId, t.f.inst.general));
      const max = numbers.sort().at(-1)!;
      expect(a.number > max).toBe(true);
      expect(b.number > a.number).toBe(true);
    });
  });

  // ---------- 11. patient access follows submission ----------

  describe('patient access', () => {
    it('lets the receiving coordinator read the patient after submission, not before; others still not', async () => {
      const patientId = await registerPatient(api, t.tok.villageClinician, '授权患者');
      const draft = await createOk(
        t.tok.villageClinician,
        upReferralInput(patientId, t.f.inst.general, { submit: false }),
      );
      expectRefused(await gql(PATIENT, { id: patientId }, t.tok.coordinator), 'NOT_FOUND');
      await actOk('submit', draft.id, t.tok.villageClinician);
      const read = await gql(PATIENT, { id: patientId }, t.tok.coordinator);
      expect(read.errors).toBeUndefined();
      expect(read.data!.patient).toEqual({ id: patientId, name: '授权患者' });
      const [access] = await db.ds.query(
        `SELECT reason FROM patient_access WHERE patient_id = $1 AND institution_id = $2`,
        [patientId, t.f.inst.general],
      );
      expect(access.reason).toBe(`referral:${draft.id}`);
      expectRefused(await gql(PATIENT, { id: patientId }, t.tok.townshipClinician), 'NOT_FOUND');
    });
  });

  // ---------- 12. worklists ----------

  describe('worklists', () => {
    /** A tenant of its own, so the lists hold exactly what is made here. */
    let w: Ctx;
    interface Made {
      id: string;
      urgency: string;
      direction: string;
      state: State;
      createdAt: string;
      from: string;
      to: string;
    }
    const made: Made[] = [];
    let boundary: string;
    const VILLAGE_SENT = 52;

    type Node = Made & { dueAt: string };
    const nodesOf = (res: GqlResult) => res.data!.referrals.nodes as Node[];
    const idsOf = (xs: { id: string }[]) => xs.map((x) => x.id);
    const sortIds = (xs: { id: string }[]) => idsOf(xs).sort();
    const incomingToGeneral = () => made.filter((m) => m.to === w.f.inst.general && m.state !== 'DRAFT');

    async function remember(r: Record<string, any>, state: State) {
      made.push({
        id: r.id,
        urgency: r.urgency,
        direction: r.direction,
        state,
        createdAt: r.createdAt,
        from: r.fromInstitutionId,
        to: r.toInstitutionId,
      });
    }

    beforeAll(async () => {
      w = await setupTenant(await buildTenant(db.ds));
      const villagePatient = await registerPatient(api, w.tok.villageClinician);
      const townPatient = await registerPatient(api, w.tok.townshipClinician);
      const countyPatient = await registerPatient(api, w.tok.countyClinician);
      const urgencies = ['ROUTINE', 'URGENT', 'EMERGENCY'];
      // Village → general, in small parallel batches; some answered, some closed.
      for (let b = 0; b < VILLAGE_SENT; b += 4) {
        await Promise.all(
          Array.from({ length: Math.min(4, VILLAGE_SENT - b) }, async (_, k) => {
            const i = b + k;
            const r = await createOk(
              w.tok.villageClinician,
              upReferralInput(villagePatient, w.f.inst.general, {
                urgency: urgencies[i % 3],
                // Most name a department, so every page resolves `toDepartment` through its loader.
                toDepartmentId: i % 4 === 3 ? undefined : w.f.department.cardiology,
              }),
            );
            let state: State = 'SUBMITTED';
            if (i % 5 === 1) {
              await actOk('accept', r.id, w.tok.coordinator, { appointmentAt: inHours(1 + (i % 7)) });
              state = 'ACCEPTED';
            } else if (i % 5 === 2) {
              await actOk('reject', r.id, w.tok.coordinator);
              state = 'REJECTED';
            } else if (i % 5 === 3 && i % 2 === 0) {
              await actOk('cancel', r.id, w.tok.villageClinician);
              state = 'CANCELLED';
            }
            await remember(r, state);
          }),
        );
      }
      for (let i = 0; i < 3; i++) {
        await remember(
          await createOk(
            w.tok.villageClinician,
            upReferralInput(villagePatient, w.f.inst.general, { submit: false }),
          ),
          'DRAFT',
        );
      }
      await new Promise((r) => setTimeout(r, 30));
      // Township → general, strictly after everything above.
      for (let i = 0; i < 5; i++) {
        const r = await createOk(
          w.tok.townshipClinician,
          upReferralInput(townPatient, w.f.inst.general, { urgency: urgencies[i % 3] }),
        );
        if (i === 0) boundary = r.createdAt;
        await remember(r, 'SUBMITTED');
      }
      for (let i = 0; i < 4; i++) {
        await remember(
          await createOk(
            w.tok.countyClinician,
            upReferralInput(countyPatient, w.f.inst.village, { direction: 'DOWN', ...DOWN_CONTENT }),
          ),
          'SUBMITTED',
        );
      }
      for (let i = 0; i < 2; i++) {
        await remember(
          await createOk(
            w.tok.townshipClinician,
            upReferralInput(townPatient, w.f.inst.subcenter, { direction: 'LATERAL' }),
          ),
          'SUBMITTED',
        );
      }
    }, 240_000);

    async function all(token: string, vars: Record<string, unknown>) {
      const res = await gql(LIST, { first: 100, ...vars }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.referrals.pageInfo.hasNextPage).toBe(false);
      return nodesOf(res);
    }

    it('INCOMING holds every non-draft referral sent to my institution, no drafts', async () => {
      const list = await all(w.tok.coordinator, { box: 'INCOMING' });
      expect(sortIds(list)).toEqual(sortIds(incomingToGeneral()));
      expect(list.some((n) => n.state === 'DRAFT')).toBe(false);
    });

    it('OUTGOING holds what my institution sent, drafts included', async () => {
      const list = await all(w.tok.villageCoord, { box: 'OUTGOING' });
      const expected = made.filter((m) => m.from === w.f.inst.village);
      expect(sortIds(list)).toEqual(sortIds(expected));
      expect(list.filter((n) => n.state === 'DRAFT')).toHaveLength(3);
    });

    it('ALL for a clinician is both sides; for the consortium admin every sent referral of the tenant', async () => {
      const village = await all(w.tok.villageClinician, { box: 'ALL' });
      const expectedVillage = made.filter(
        (m) => m.from === w.f.inst.village || (m.to === w.f.inst.village && m.state !== 'DRAFT'),
      );
      expect(sortIds(village)).toEqual(sortIds(expectedVillage));
      const admin = await all(w.tok.admin, { box: 'ALL' });
      expect(sortIds(admin)).toEqual(sortIds(made.filter((m) => m.state !== 'DRAFT')));
    });

    it('orders EMERGENCY before URGENT before ROUTINE, then the earlier deadline first', async () => {
      const list = await all(w.tok.coordinator, { box: 'INCOMING' });
      expect(new Set(list.map((n) => n.urgency))).toEqual(new Set(['EMERGENCY', 'URGENT', 'ROUTINE']));
      for (let i = 1; i < list.length; i++) {
        const a = list[i - 1];
        const b = list[i];
        const ra = URGENCY_RANK[a.urgency];
        const rb = URGENCY_RANK[b.urgency];
        expect(ra).toBeLessThanOrEqual(rb);
        if (ra === rb) expect(Date.parse(a.dueAt)).toBeLessThanOrEqual(Date.parse(b.dueAt));
      }
      // The last EMERGENCY submitted still comes before the first ROUTINE submitted.
      const firstRoutine = list.findIndex((n) => n.urgency === 'ROUTINE');
      const lastEmergency = list.map((n) => n.urgency).lastIndexOf('EMERGENCY');
      expect(lastEmergency).toBeLessThan(firstRoutine);
    });

    it.each([
      ['INCOMING', 'coordinator'],
      ['OUTGOING', 'villageClinician'],
      ['ALL', 'admin'],
    ] as const)('pages %s with cursors: no duplicates, no gaps, same order as one page', async (box, who) => {
      const whole = idsOf(await all(w.tok[who], { box }));
      const paged: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 50; guard++) {
        const res: GqlResult = await gql(LIST, { box, first: 7, after }, w.tok[who]);
        expect(res.errors).toBeUndefined();
        const page = nodesOf(res);
        expect(page.length).toBeLessThanOrEqual(7);
        paged.push(...idsOf(page));
        if (!res.data!.referrals.pageInfo.hasNextPage) break;
        expect(page).toHaveLength(7);
        after = res.data!.referrals.pageInfo.endCursor;
      }
      expect(paged).toEqual(whole);
      expect(new Set(paged).size).toBe(paged.length);
    });

    it('refuses a forged cursor as BAD_USER_INPUT', async () => {
      const res = await gql(LIST, { box: 'INCOMING', after: 'bm90LWEtY3Vyc29y' }, w.tok.coordinator);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
    });

    it('filters by state', async () => {
      const accepted = await all(w.tok.coordinator, { box: 'INCOMING', states: ['ACCEPTED'] });
      expect(sortIds(accepted)).toEqual(sortIds(incomingToGeneral().filter((m) => m.state === 'ACCEPTED')));
      expect(accepted.length).toBeGreaterThan(0);
      const closed = await all(w.tok.coordinator, { box: 'INCOMING', states: ['REJECTED', 'CANCELLED'] });
      expect(sortIds(closed)).toEqual(
        sortIds(incomingToGeneral().filter((m) => ['REJECTED', 'CANCELLED'].includes(m.state))),
      );
      expect(new Set(closed.map((n) => n.state))).toEqual(new Set(['REJECTED', 'CANCELLED']));
    });

    it.each(['EMERGENCY', 'URGENT', 'ROUTINE'])('filters by urgency %s', async (urgency) => {
      const list = await all(w.tok.coordinator, { box: 'INCOMING', urgency });
      expect(list.length).toBeGreaterThan(0);
      expect(sortIds(list)).toEqual(sortIds(incomingToGeneral().filter((m) => m.urgency === urgency)));
    });

    it.each(['UP', 'DOWN', 'LATERAL'])('filters by direction %s', async (direction) => {
      const list = await all(w.tok.admin, { box: 'ALL', direction });
      expect(list.length).toBeGreaterThan(0);
      expect(sortIds(list)).toEqual(
        sortIds(made.filter((m) => m.state !== 'DRAFT' && m.direction === direction)),
      );
    });

    it('filters by creation date: from is inclusive, to exclusive', async () => {
      const since = await all(w.tok.coordinator, { box: 'INCOMING', from: boundary });
      const township = made.filter((m) => m.from === w.f.inst.township && m.to === w.f.inst.general);
      expect(sortIds(since)).toEqual(sortIds(township));
      const until = await all(w.tok.coordinator, { box: 'INCOMING', to: boundary });
      expect(sortIds(until)).toEqual(sortIds(incomingToGeneral().filter((m) => m.from === w.f.inst.village)));
      const both = await all(w.tok.coordinator, {
        box: 'INCOMING',
        from: boundary,
        to: new Date(Date.now() + HOUR).toISOString(),
      });
      expect(sortIds(both)).toEqual(sortIds(township));
    });

    it.each([
      ['INCOMING', 'coordinator', {}],
      ['INCOMING', 'coordinator', { urgency: 'EMERGENCY' }],
      ['OUTGOING', 'villageClinician', {}],
      ['ALL', 'admin', { direction: 'UP' }],
    ] as const)('referralCounts for %s (%s, %j) match the list, state by state', async (box, who, filter) => {
      const list = await all(w.tok[who], { box, ...filter });
      const res = await gql(COUNTS, { box, ...filter }, w.tok[who]);
      expect(res.errors).toBeUndefined();
      const counts = res.data!.referralCounts;
      expect(counts.total).toBe(list.length);
      expect(counts.byState.map((s: { state: string }) => s.state).sort()).toEqual([...STATES].sort());
      for (const { state, count } of counts.byState) {
        expect([state, count]).toEqual([state, list.filter((n) => n.state === state).length]);
      }
    });

    it('orders by the latest change with order: RECENT, and pages through it without skipping or repeating rows changed within one millisecond', async () => {
      const incoming = incomingToGeneral();
      expect(incoming.length).toBeGreaterThanOrEqual(4);
      const ids = incoming.map((m) => m.id);
      const saved = await db.ds.query(`SELECT id, updated_at FROM referral WHERE id = ANY($1::uuid[])`, [
        ids,
      ]);
      try {
        // Spread over the last hour; the first three changed within the same millisecond (microseconds apart).
        await db.ds.query(
          `UPDATE referral r SET updated_at = CASE
              WHEN x.n <= 3 THEN timestamptz '2026-11-20 08:00:00.123' + x.n * interval '1 microsecond'
              ELSE now() - x.n * interval '1 minute' END
             FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM unnest($1::uuid[]) AS id) x
            WHERE r.id = x.id`,
          [ids],
        );
        const expected = (
          await db.ds.query(
            `SELECT id FROM referral WHERE id = ANY($1::uuid[])
              ORDER BY date_trunc('milliseconds', updated_at) DESC, id DESC`,
            [ids],
          )
        ).map((r: { id: string }) => r.id);
        const RECENT = `query($after: String) { referrals(box: INCOMING, order: RECENT, first: 2, after: $after) {
          nodes { id } pageInfo { hasNextPage endCursor } } }`;
        const seen: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 50; i++) {
          const res = await gql(RECENT, { after }, w.tok.coordinator);
          expect(res.errors).toBeUndefined();
          const page: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } =
            res.data!.referrals;
          seen.push(...page.nodes.map((n) => n.id));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        expect(seen).toEqual(expected);
        // A cursor of the other order is refused, not misread.
        const urgent = await gql(LIST, { box: 'INCOMING', first: 1 }, w.tok.coordinator);
        const mixed = await gql(
          RECENT,
          { after: urgent.data!.referrals.pageInfo.endCursor },
          w.tok.coordinator,
        );
        expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      } finally {
        for (const r of saved)
          await db.ds.query(`UPDATE referral SET updated_at = $2 WHERE id = $1`, [r.id, r.updated_at]);
      }
    });

    it('filters the overdue (submitted past the response deadline) and the escalated, as referralCounts counts them', async () => {
      const submitted = incomingToGeneral().filter((m) => m.state === 'SUBMITTED');
      expect(submitted.length).toBeGreaterThanOrEqual(3);
      const [late, lateEscalated, escalatedOnly] = submitted;
      const ids = [late.id, lateEscalated.id, escalatedOnly.id];
      const saved = await db.ds.query(
        `SELECT id, response_due_at, escalation_level FROM referral WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      try {
        await db.ds.query(
          `UPDATE referral SET response_due_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`,
          [[late.id, lateEscalated.id]],
        );
        await db.ds.query(`UPDATE referral SET escalation_level = 1 WHERE id = ANY($1::uuid[])`, [
          [lateEscalated.id, escalatedOnly.id],
        ]);
        const FLAGGED = `query($o: Boolean, $e: Boolean) { referrals(box: INCOMING, overdue: $o, escalated: $e, first: 100) { nodes { id state } } }`;
        const flagged = async (vars: Record<string, boolean>) => {
          const res = await gql(FLAGGED, vars, w.tok.coordinator);
          expect(res.errors).toBeUndefined();
          return res.data!.referrals.nodes as { id: string; state: string }[];
        };
        const counts = (
          await gql(`{ referralCounts(box: INCOMING) { overdue escalated } }`, {}, w.tok.coordinator)
        ).data!.referralCounts;
        const overdue = await flagged({ o: true });
        expect(sortIds(overdue)).toEqual(sortIds([late, lateEscalated]));
        expect(counts.overdue).toBe(overdue.length);
        const escalated = await flagged({ e: true });
        expect(sortIds(escalated)).toEqual(sortIds([lateEscalated, escalatedOnly]));
        expect(counts.escalated).toBe(escalated.length);
        expect(sortIds(await flagged({ o: true, e: true }))).toEqual([lateEscalated.id]);
        // false is no filter.
        expect((await flagged({ o: false })).length).toBe(incomingToGeneral().length);
      } finally {
        for (const r of saved)
          await db.ds.query(`UPDATE referral SET response_due_at = $2, escalation_level = $3 WHERE id = $1`, [
            r.id,
            r.response_due_at,
            r.escalation_level,
          ]);
      }
    });

    it('sends the same number of SQL statements for a page of 5 as for a page of 50, related fields included', async () => {
      const appDs = api.app.get(DataSource);
      const statementsFor = async (first: number) => {
        const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
        try {
          const res = await gql(
            `query($first: Int) { referrals(box: INCOMING, first: $first) { nodes { id
               patient { name } fromInstitution { name } toInstitution { name } toDepartment { name } timeline { action }
             } } }`,
            { first },
            w.tok.coordinator,
          );
          expect(res.errors).toBeUndefined();
          // The session check (one read per user and SESSION_RECHECK_MS, not per page) is not counted.
          const statements = spy.mock.contexts.filter(
            (ctx, i) =>
              (ctx as PostgresQueryRunner).dataSource === appDs &&
              !/FROM app_user WHERE id = ANY/.test(String(spy.mock.calls[i][0])),
          ).length;
          return { nodes: res.data!.referrals.nodes as any[], statements };
        } finally {
          spy.mockRestore();
        }
      };
      const small = await statementsFor(5);
      const large = await statementsFor(50);
      expect(small.nodes).toHaveLength(5);
      expect(large.nodes).toHaveLength(50);
      for (const n of large.nodes) {
        expect(n.patient.name).toBe('测试患者');
        expect(n.toInstitution.name).toBe('县总医院');
        expect(n.fromInstitution.name).toEqual(expect.any(String));
        expect(n.timeline[0].action).toBe('create');
      }
      // Both pages load departments, or the comparison would not be like for like.
      expect(small.nodes.some((n) => n.toDepartment?.name === '心血管内科')).toBe(true);
      expect(large.nodes.some((n) => n.toDepartment === null)).toBe(true);
      expect(small.statements).toBeGreaterThan(0);
      expect(large.statements).toBe(small.statements);
      // The page, patients, institutions, departments, timelines: a handful, not one per row.
      expect(large.statements).toBeLessThanOrEqual(6);
    });
  });

  // ---------- 13. settings ----------

  describe('referral settings', () => {
    let s: Ctx;
    let patientId: string;
    beforeAll(async () => {
      s = await setupTenant(await buildTenant(db.ds));
      patientId = await registerPatient(api, s.tok.villageClinician);
    });

    const consortiumSettings = async () =>
      (await db.ds.query(`SELECT settings FROM consortium WHERE id = $1`, [s.f.tenantId]))[0].settings;

    it('starts from the defaults: 15 min, 2 h, 24 h', async () => {
      const res = await gql(SETTINGS, {}, s.tok.coordinator);
      expect(res.errors).toBeUndefined();
      expect(res.data!.referralSettings.responseSeconds).toEqual({
        EMERGENCY: 900,
        URGENT: 7200,
        ROUTINE: 86400,
      });
    });

    it.each(['coordinator', 'villageClinician', 'instAdmin', 'auditor'] as const)(
      'lets only a consortium admin change them: %s FORBIDDEN',
      async (who) => {
        const before = await consortiumSettings();
        expectRefused(
          await gql(UPDATE_SETTINGS, { i: { version: 1, emergencySeconds: 600 } }, s.tok[who]),
          'FORBIDDEN',
        );
        expect(await consortiumSettings()).toEqual(before);
      },
    );

    it.each([
      ['emergencySeconds', 59],
      ['urgentSeconds', 0],
      ['routineSeconds', -5],
      ['reminderBeforeSeconds', 30],
      ['noShowGraceSeconds', 59],
    ])('refuses %s = %i (< 60) as BAD_USER_INPUT and keeps the settings', async (field, value) => {
      const before = await consortiumSettings();
      const res = await gql(UPDATE_SETTINGS, { i: { version: 1, [field]: value } }, s.tok.admin);
      expectRefused(res, 'BAD_USER_INPUT');
      expect(await consortiumSettings()).toEqual(before);
    });

    it('applies new deadlines to later submissions only: responseDueAt = submittedAt + the urgency’s seconds', async () => {
      const early = await createOk(
        s.tok.villageClinician,
        upReferralInput(patientId, s.f.inst.general, { urgency: 'ROUTINE' }),
      );
      expect(Date.parse(early.responseDueAt) - Date.parse(early.submittedAt)).toBe(86400_000);
      const draft = await createOk(
        s.tok.villageClinician,
        upReferralInput(patientId, s.f.inst.general, { urgency: 'EMERGENCY', submit: false }),
      );

      const upd = await gql(
        UPDATE_SETTINGS,
        { i: { version: 1, emergencySeconds: 600, routineSeconds: 3 * 3600 } },
        s.tok.admin,
      );
      expect(upd.errors).toBeUndefined();
      expect(upd.data!.updateReferralSettings).toEqual({
        responseSeconds: { EMERGENCY: 600, URGENT: 7200, ROUTINE: 10800 },
        reminderBeforeSeconds: 86400,
        noShowGraceSeconds: 14400,
      });
      expect(
        (await gql(SETTINGS, {}, s.tok.villageClinician)).data!.referralSettings.responseSeconds,
      ).toEqual({
        EMERGENCY: 600,
        URGENT: 7200,
        ROUTINE: 10800,
      });
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1 AND action = 'referral.settings.update'`,
        [s.f.tenantId],
      );
      expect(n).toBe(1);

      // Submitted before the change: unchanged.
      const [earlyRow] = await db.ds.query(
        `SELECT submitted_at, response_due_at FROM referral WHERE id = $1`,
        [early.id],
      );
      expect(earlyRow.response_due_at.getTime() - earlyRow.submitted_at.getTime()).toBe(86400_000);

      // Created before, submitted after: the new deadline.
      const submitted = await actOk('submit', draft.id, s.tok.villageClinician);
      expect(Date.parse(submitted.responseDueAt) - Date.parse(submitted.submittedAt)).toBe(600_000);
      const routine = await createOk(
        s.tok.villageClinician,
        upReferralInput(patientId, s.f.inst.general, { urgency: 'ROUTINE' }),
      );
      expect(Date.parse(routine.responseDueAt) - Date.parse(routine.submittedAt)).toBe(3 * HOUR);
      const urgent = await createOk(
        s.tok.villageClinician,
        upReferralInput(patientId, s.f.inst.general, { urgency: 'URGENT' }),
      );
      expect(Date.parse(urgent.responseDueAt) - Date.parse(urgent.submittedAt)).toBe(2 * HOUR);
      const [timer] = await db.ds.query(
        `SELECT run_at FROM outbox_message WHERE job_name = 'referral.response-due' AND payload->>'referralId' = $1`,
        [submitted.id],
      );
      expect(timer.run_at.toISOString()).toBe(submitted.responseDueAt);
    });

    const versionRead = async () =>
      (await gql(`{ referralSettings { version } }`, {}, s.tok.admin)).data!.referralSettings.version;
    const stored = async () =>
      (
        await db.ds.query(`SELECT settings, settings_versions FROM consortium WHERE id = $1`, [s.f.tenantId])
      )[0];
    const events = async () =>
      (
        await db.ds.query(
          `SELECT count(*)::int AS n FROM audit_event WHERE tenant_id = $1 AND action = 'referral.settings.update'`,
          [s.f.tenantId],
        )
      )[0].n;

    it('refuses a change on a version changed meanwhile (CONFLICT naming the current one) and keeps the settings', async () => {
      const version = await versionRead();
      // Another admin changes the reminder on that version.
      const theirs = await gql(
        `mutation($i: ReferralSettingsInput!) { updateReferralSettings(input: $i) { version reminderBeforeSeconds } }`,
        { i: { version, reminderBeforeSeconds: 12 * 3600 } },
        s.tok.admin,
      );
      expect(theirs.errors).toBeUndefined();
      expect(theirs.data!.updateReferralSettings).toEqual({
        version: version + 1,
        reminderBeforeSeconds: 43200,
      });
      const [before, eventsBefore] = [await stored(), await events()];
      for (const stale of [version, version + 2]) {
        const res = await gql(
          UPDATE_SETTINGS,
          { i: { version: stale, noShowGraceSeconds: 7200 } },
          s.tok.admin,
        );
        expectRefused(res, 'CONFLICT', { currentVersion: version + 1 });
        expect(res.errors![0].message).toContain('已被他人修改');
        expect(res.data?.updateReferralSettings ?? null).toBeNull();
        expect(await stored()).toEqual(before);
        expect(await events()).toBe(eventsBefore);
      }
      // Another capability's section saved meanwhile leaves this one's version as it was.
      const supply = await gql(
        `mutation($i: SupplySettingsInput!) { updateSupplySettings(input: $i) { version } }`,
        { i: { version: 1, urgentDecideSeconds: 7200 } },
        s.tok.admin,
      );
      expect(supply.errors).toBeUndefined();
      expect(await versionRead()).toBe(version + 1);
      const mine = await gql(
        UPDATE_SETTINGS,
        { i: { version: version + 1, noShowGraceSeconds: 7200 } },
        s.tok.admin,
      );
      expect(mine.errors).toBeUndefined();
      expect(mine.data!.updateReferralSettings).toMatchObject({
        reminderBeforeSeconds: 43200,
        noShowGraceSeconds: 7200,
      });
      expect(await versionRead()).toBe(version + 2);
    });

    it('lets exactly one of two admins saving on the same version at once win; the other gets CONFLICT', async () => {
      for (let round = 1; round <= 3; round++) {
        const version = await versionRead();
        const was = (await gql(SETTINGS, {}, s.tok.admin)).data!.referralSettings;
        // Each changes a value of its own: without the version both would go through.
        const results = await Promise.all([
          gql(UPDATE_SETTINGS, { i: { version, urgentSeconds: 3600 * (2 + round) } }, s.tok.admin),
          gql(UPDATE_SETTINGS, { i: { version, reminderBeforeSeconds: 3600 * round } }, s.tok.admin),
        ]);
        const won = results.filter((r) => !r.errors);
        expect(won).toHaveLength(1);
        const lost = results.filter((r) => r.errors?.[0].extensions?.code === 'CONFLICT');
        expect(lost).toHaveLength(1);
        expect(lost[0].errors![0].extensions).toMatchObject({ currentVersion: version + 1 });
        const now = (await gql(SETTINGS, {}, s.tok.admin)).data!.referralSettings;
        expect(now).toEqual(won[0].data!.updateReferralSettings);
        const changed = [
          now.responseSeconds.URGENT !== was.responseSeconds.URGENT,
          now.reminderBeforeSeconds !== was.reminderBeforeSeconds,
        ];
        expect(changed.filter(Boolean)).toHaveLength(1);
        expect(await versionRead()).toBe(version + 1);
      }
    });

    it('does not let one consortium’s settings touch another’s', async () => {
      const res = await gql(SETTINGS, {}, o.tok.admin);
      expect(res.data!.referralSettings.responseSeconds.EMERGENCY).toBe(900);
    });
  });
});
