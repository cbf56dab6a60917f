import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DateTime } from 'luxon';
import { JOBS, ManualClock } from '@yg/core';
import { ConsultationTimers } from '@yg/consultations';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture, UserKey } from './utils/fixtures';
import { blankRefusal, errorCode, GqlResult, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import { addUser } from './pipeline-helpers';

/**
 * Remote consultations over HTTP GraphQL on the real Postgres and Redis: availability, slot
 * search, booking (storm, MDT all-or-nothing, consent, notice, buffers, conflicts), reschedule,
 * cancel and decline, visibility, signed reports, the audit trail, and the timers (reminders,
 * no-show, overdue report) driven by a manual clock.
 *
 * Times are picked in the consortium's zone (Asia/Shanghai) a few days ahead, so the default
 * 60-minute minimum notice never gets in the way; each test uses experts of its own.
 */

const TZ = 'Asia/Shanghai';

type Range = { start: string; end: string };

/** Local midnight `days` from today in the consortium's zone. */
function localDay(days: number, now = new Date()): DateTime {
  return DateTime.fromJSDate(now, { zone: TZ }).startOf('day').plus({ days });
}

/** [start, end) at local HH:mm `days` ahead, `minutes` long. */
function at(days: number, hhmm: string, minutes = 30, now = new Date()): Range {
  const [hour, minute] = hhmm.split(':').map(Number);
  const start = localDay(days, now).set({ hour, minute });
  return { start: start.toUTC().toISO()!, end: start.plus({ minutes }).toUTC().toISO()! };
}

const iso = (d: Date | string) => new Date(d).toISOString();
const ms = (d: Date | string) => new Date(d).getTime();
const overlaps = (a: Range, b: Range) => ms(a.start) < ms(b.end) && ms(b.start) < ms(a.end);

function week(start = '08:00', end = '20:00', sessionMinutes = 30) {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    start,
    end,
    sessionMinutes,
    mode: 'REMOTE',
    validFrom: '2020-01-01',
  }));
}

const CONSENT = {
  signedBy: '患者本人',
  relationship: '本人',
  signedAt: new Date(Date.now() - 3600_000).toISOString(),
  documentUri: 'https://files.example/consent/scan-001.pdf',
};

const FIELDS = `id number state kind scheduledStart scheduledEnd meetingUrl reportDueAt cancelReason declineReason
  consent { signedBy relationship signedAt documentUri }
  experts { practitionerId named assigned }`;
const REQUEST = `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { ${FIELDS} } }`;
const BOOK = `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { ${FIELDS} } }`;
const RESCHEDULE = `mutation($i: RescheduleConsultationInput!) { rescheduleConsultation(input: $i) { ${FIELDS} timeline { action fromState toState note } } }`;
const CANCEL = `mutation($i: ConsultationReasonInput!) { cancelConsultation(input: $i) { ${FIELDS} } }`;
const DECLINE = `mutation($i: ConsultationReasonInput!) { declineConsultation(input: $i) { ${FIELDS} } }`;
const START = `mutation($id: ID!) { startConsultation(input: { id: $id }) { ${FIELDS} startedAt } }`;
const END = `mutation($id: ID!) { endConsultation(input: { id: $id }) { ${FIELDS} endedAt } }`;
const COMPLETE = `mutation($id: ID!) { completeConsultation(input: { id: $id }) { ${FIELDS} reports { version } timeline { action } } }`;
const REPORT = `mutation($i: SubmitConsultationReportInput!) { submitConsultationReport(input: $i) {
  id version authorPractitionerId authorUserId opinion suggestedDiagnoses { code name } recommendations amendmentReason signedAt contentHash } }`;
const GET = `query($id: ID!) { consultation(id: $id) { ${FIELDS} timeline { action fromState toState actorUserId note } reports { version contentHash } } }`;
const LIST = `query { consultations(first: 100) { nodes { id requestingInstitutionId experts { practitionerId } } } }`;
const SLOTS = `query($e: ID, $s: String, $inst: ID, $f: DateTime!, $t: DateTime!, $d: Int!) {
  availableSlots(expertId: $e, specialty: $s, institutionId: $inst, from: $f, to: $t, durationMinutes: $d) { expert { id name } slots { start end mode } } }`;
const PUBLISH = `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { expertId timeZone rules { weekday start end sessionMinutes mode validFrom validTo } exceptions { date kind } } }`;

interface Expert {
  practitionerId: string;
  userId: string;
  username: string;
  name: string;
}

/** Another expert at the partner hospital (practitioner + EXPERT user), as the fixture makes its own. */
async function addExpert(
  ds: DataSource,
  t: TenantFixture,
  label: string,
  specialties: string[] = [],
): Promise<Expert> {
  const name = `专家-${label}`;
  const [p] = await ds.query(
    `INSERT INTO practitioner (tenant_id, institution_id, name, title, licence_number, specialties)
     VALUES ($1, $2, $3, 'CHIEF_PHYSICIAN', $4, $5) RETURNING id`,
    [t.tenantId, t.inst.partner, name, `L${randomBytes(8).toString('hex')}`, specialties],
  );
  const username = `x-${label}-${t.tenantId.slice(0, 8)}`.slice(0, 40);
  const [u] = await ds.query(
    `INSERT INTO app_user (tenant_id, institution_id, practitioner_id, username, display_name, password_hash, roles)
     SELECT tenant_id, $2, $3, $4, $5, password_hash, $6 FROM app_user WHERE id = $1 RETURNING id`,
    [t.users.expert.id, t.inst.partner, p.id, username, name, ['EXPERT']],
  );
  return { practitionerId: p.id, userId: u.id, username, name };
}

function expectError(res: GqlResult, code: string, extensions: Record<string, unknown> = {}) {
  expect({ code: errorCode(res), data: res.data }).toEqual({ code, data: null });
  expect(res.errors![0].extensions).toEqual(expect.objectContaining(extensions));
}

/** A small deterministic PRNG, so a failing storm can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same canonical form the report signature documents: keys sorted, no whitespace. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A suite's database, api and helpers around them. */
class Harness {
  db!: TestDb;
  api!: TestApi;
  t!: TenantFixture;
  tok = {} as Record<UserKey, string>;
  patientId = '';

  login(username: string) {
    return this.api.login(username);
  }

  /** Runs `fn` with the consortium's booking buffer set, then back to the default. */
  async withBuffer(minutes: number, fn: () => Promise<void>) {
    await this.db.ds.query(
      `UPDATE consortium SET settings = jsonb_set(settings, '{consultations}', $2::jsonb) WHERE id = $1`,
      [this.t.tenantId, JSON.stringify({ bufferMinutes: minutes })],
    );
    try {
      await fn();
    } finally {
      await this.db.ds.query(`UPDATE consortium SET settings = settings - 'consultations' WHERE id = $1`, [
        this.t.tenantId,
      ]);
    }
  }
  async publish(expertId: string, rules = week(), exceptions: unknown[] = []) {
    const r = await this.api.gql(PUBLISH, { i: { expertId, rules, exceptions } }, this.tok.admin);
    expect(r.errors).toBeUndefined();
    return r.data!.publishAvailability;
  }
  async request(
    expertIds: string[],
    opts: { kind?: string; consent?: boolean; urgency?: string; token?: string } = {},
  ) {
    const r = await this.api.gql(
      REQUEST,
      {
        i: {
          kind: opts.kind ?? 'VIDEO',
          patientId: this.patientId,
          purpose: '疑难病例会诊',
          caseSummary: '反复胸痛 3 月,冠脉 CTA 提示前降支狭窄',
          question: '是否需要介入治疗?',
          attachments: [{ name: 'CTA', type: 'DICOM', uri: 'dicomweb://pacs.example/studies/1' }],
          urgency: opts.urgency ?? 'ROUTINE',
          expertIds,
          ...(opts.consent === false ? {} : { consent: CONSENT }),
        },
      },
      opts.token ?? this.tok.countyClinician,
    );
    if (!r.data) throw new Error(`request failed: ${JSON.stringify(r.errors)}`);
    return r.data.requestConsultation as { id: string; number: string; state: string };
  }
  book(id: string, range: Range, extra: Record<string, unknown> = {}, token = this.tok.countyClinician) {
    return this.api.gql(BOOK, { i: { id, start: range.start, end: range.end, ...extra } }, token);
  }
  async booked(id: string, range: Range, extra: Record<string, unknown> = {}) {
    const r = await this.book(id, range, extra);
    if (r.data?.bookConsultation?.state !== 'SCHEDULED')
      throw new Error(`booking failed: ${JSON.stringify(r.errors)}`);
    return r.data.bookConsultation;
  }
  async get(id: string, token: string) {
    return this.api.gql(GET, { id }, token);
  }
  /** Booking rows of one consultation, oldest first. */
  bookings(
    consultationId: string,
  ): Promise<
    { practitioner_id: string; start: Date; end: Date; active: boolean; released_at: Date | null }[]
  > {
    return this.db.ds.query(
      `SELECT practitioner_id, lower(during) AS start, upper(during) AS "end", active, released_at
         FROM consultation_booking WHERE consultation_id = $1 ORDER BY created_at, practitioner_id`,
      [consultationId],
    );
  }
  activeOf(practitionerId: string): Promise<{ consultation_id: string; start: Date; end: Date }[]> {
    return this.db.ds.query(
      `SELECT consultation_id, lower(during) AS start, upper(during) AS "end"
         FROM consultation_booking WHERE practitioner_id = $1 AND active ORDER BY lower(during)`,
      [practitionerId],
    );
  }
  async overlapsInDb(): Promise<number> {
    const [{ n }] = await this.db.ds.query(
      `SELECT count(*)::int AS n FROM consultation_booking a JOIN consultation_booking b
         ON a.practitioner_id = b.practitioner_id AND a.id < b.id AND a.active AND b.active AND a.during && b.during`,
    );
    return n;
  }
  async state(id: string): Promise<string> {
    const [row] = await this.db.ds.query(`SELECT state FROM consultation WHERE id = $1`, [id]);
    return row.state;
  }
  /** Timeline actions and the audit actions recorded against the consultation, oldest first. */
  async trail(id: string) {
    const steps: {
      action: string;
      actor_user_id: string | null;
      from_state: string | null;
      to_state: string;
      details: any;
      note: string | null;
    }[] = await this.db.ds.query(
      `SELECT action, actor_user_id, from_state, to_state, details, note FROM consultation_step WHERE consultation_id = $1 ORDER BY id`,
      [id],
    );
    const audit: { action: string; actor_user_id: string | null }[] = await this.db.ds.query(
      `SELECT action, actor_user_id FROM audit_event WHERE entity_type = 'Consultation' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    return { steps, audit };
  }
  async expectTrail(id: string, actions: [string, string | null][]) {
    const { steps, audit } = await this.trail(id);
    expect(steps.map((s) => [s.action, s.actor_user_id])).toEqual(actions);
    expect(audit.map((a) => [a.action, a.actor_user_id])).toEqual(
      actions.map(([a, u]) => [`consultation.${a}`, u]),
    );
  }
}

describe('consultations over GraphQL', () => {
  const h = new Harness();
  let t2: TenantFixture;
  let partnerAdmin: { id: string; username: string };
  let partnerAdminTok: string;

  beforeAll(async () => {
    // Tokens outlive the suite even on a slow machine.
    h.db = await createTestDb({ JWT_TTL_SECONDS: '3600' });
    h.t = await buildTenant(h.db.ds);
    t2 = await buildTenant(h.db.ds);
    h.api = await TestApi.start(h.db.config);
    // Listening first lets many parallel requests share one server (supertest would listen per request).
    await h.api.app.listen(0, '127.0.0.1');
    expect((h.api.app.getHttpServer().address() as AddressInfo).port).toBeGreaterThan(0);
    for (const key of [
      'admin',
      'countyClinician',
      'coordinator',
      'villageClinician',
      'expert',
      'instAdmin',
    ] as UserKey[]) {
      h.tok[key] = await h.login(h.t.users[key].username);
    }
    partnerAdmin = await addUser(h.db.ds, h.t, `partneradmin-${h.t.tenantId.slice(0, 6)}`, h.t.inst.partner, [
      'INSTITUTION_ADMIN',
    ]);
    partnerAdminTok = await h.login(partnerAdmin.username);
    h.patientId = await registerPatient(h.api, h.tok.countyClinician);
  });

  afterAll(async () => {
    await h.api?.close();
    await h.db?.drop();
  });

  describe('availability', () => {
    it('lets an expert publish a weekly schedule with exceptions, which expertAvailability returns in the consortium time zone', async () => {
      const e = await addExpert(h.db.ds, h.t, 'pub');
      const own = await h.login(e.username);
      const rules = [
        {
          weekday: 2,
          start: '09:00',
          end: '12:00',
          sessionMinutes: 30,
          mode: 'REMOTE',
          validFrom: '2026-01-01',
          validTo: '2026-12-31',
        },
      ];
      const exceptions = [
        { date: '2026-06-02', kind: 'DAY_OFF' },
        {
          date: '2026-06-06',
          kind: 'EXTRA_WINDOW',
          start: '14:00',
          end: '16:00',
          sessionMinutes: 60,
          mode: 'ON_SITE',
        },
      ];
      const res = await h.api.gql(PUBLISH, { i: { rules, exceptions } }, own);
      expect(res.errors).toBeUndefined();
      const read = await h.api.gql(
        `query($id: ID!) { expertAvailability(expertId: $id) { expertId timeZone rules { weekday start end sessionMinutes mode validFrom validTo } exceptions { date kind start end sessionMinutes mode } } }`,
        { id: e.practitionerId },
        h.tok.countyClinician,
      );
      expect(read.data!.expertAvailability).toEqual({
        expertId: e.practitionerId,
        timeZone: 'Asia/Shanghai',
        rules,
        exceptions: expect.arrayContaining([
          { date: '2026-06-02', kind: 'DAY_OFF', start: null, end: null, sessionMinutes: null, mode: null },
          {
            date: '2026-06-06',
            kind: 'EXTRA_WINDOW',
            start: '14:00',
            end: '16:00',
            sessionMinutes: 60,
            mode: 'ON_SITE',
          },
        ]),
      });
      expect(read.data!.expertAvailability.exceptions).toHaveLength(2);
      const [{ n }] = await h.db.ds.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'availability.publish' AND entity_id = $1`,
        [e.practitionerId],
      );
      expect(n).toBe(1);
    });

    it('lets only the expert, its institution admin or the consortium admin publish; bad windows are refused', async () => {
      const e = await addExpert(h.db.ds, h.t, 'pub2');
      const other = await addExpert(h.db.ds, h.t, 'pub3');
      const i = { expertId: e.practitionerId, rules: week(), exceptions: [] };
      expectError(await h.api.gql(PUBLISH, { i }, await h.login(other.username)), 'FORBIDDEN');
      expectError(await h.api.gql(PUBLISH, { i }, h.tok.countyClinician), 'FORBIDDEN');
      // The township's admin is not the partner hospital's.
      expectError(await h.api.gql(PUBLISH, { i }, h.tok.instAdmin), 'FORBIDDEN');
      expect((await h.api.gql(PUBLISH, { i }, partnerAdminTok)).errors).toBeUndefined();
      const backwards = { ...i, rules: [{ ...week()[0], start: '12:00', end: '09:00' }] };
      expectError(await h.api.gql(PUBLISH, { i: backwards }, h.tok.admin), 'BAD_USER_INPUT');
      const extraWithoutTimes = { ...i, exceptions: [{ date: '2026-06-06', kind: 'EXTRA_WINDOW' }] };
      expectError(await h.api.gql(PUBLISH, { i: extraWithoutTimes }, h.tok.admin), 'BAD_USER_INPUT');
      // Refused publications changed nothing: the partner admin's week is still there.
      const [{ n }] = await h.db.ds.query(
        `SELECT count(*)::int AS n FROM expert_availability_rule WHERE practitioner_id = $1`,
        [e.practitionerId],
      );
      expect(n).toBe(7);
    });

    it('searches free slots by expert, specialty or partner institution, from the rules minus the bookings', async () => {
      const cardio = await addExpert(h.db.ds, h.t, 'card', ['心血管内科']);
      const neuro = await addExpert(h.db.ds, h.t, 'neuro', ['神经内科']);
      const silent = await addExpert(h.db.ds, h.t, 'silent', ['心血管内科']); // no schedule: never offered
      await h.publish(cardio.practitionerId, week('09:00', '11:00'));
      await h.publish(neuro.practitionerId, week('14:00', '15:00'));
      const f = localDay(4).toUTC().toISO();
      const to = localDay(5).toUTC().toISO();

      const bySpecialty = await h.api.gql(SLOTS, { s: '心血管内科', f, t: to, d: 30 }, h.tok.countyClinician);
      expect(bySpecialty.errors).toBeUndefined();
      expect(bySpecialty.data!.availableSlots.map((x: any) => x.expert.id)).toEqual([cardio.practitionerId]);
      expect(bySpecialty.data!.availableSlots[0].slots.map((s: any) => s.start)).toEqual(
        ['09:00', '09:30', '10:00', '10:30'].map((hm) => at(4, hm).start),
      );

      const byInstitution = await h.api.gql(
        SLOTS,
        { inst: h.t.inst.partner, f, t: to, d: 60 },
        h.tok.countyClinician,
      );
      const ids = byInstitution.data!.availableSlots.map((x: any) => x.expert.id);
      expect(ids).toEqual(expect.arrayContaining([cardio.practitionerId, neuro.practitionerId]));
      expect(ids).not.toContain(silent.practitionerId);
      const neuroSlots = byInstitution.data!.availableSlots.find(
        (x: any) => x.expert.id === neuro.practitionerId,
      ).slots;
      expect(neuroSlots).toEqual([{ ...at(4, '14:00', 60), mode: 'REMOTE' }]);

      // A booking takes its time out of the search; the neighbours stay (buffer 0).
      const c = await h.request([cardio.practitionerId]);
      await h.booked(c.id, at(4, '09:30'));
      const byExpert = await h.api.gql(
        SLOTS,
        { e: cardio.practitionerId, f, t: to, d: 30 },
        h.tok.countyClinician,
      );
      expect(byExpert.data!.availableSlots[0].slots.map((s: any) => s.start)).toEqual(
        ['09:00', '10:00', '10:30'].map((hm) => at(4, hm).start),
      );
    });

    it('refuses a slot search without a selector or over more than 31 days', async () => {
      const f = localDay(2).toUTC().toISO();
      expectError(
        await h.api.gql(SLOTS, { f, t: localDay(3).toUTC().toISO(), d: 30 }, h.tok.countyClinician),
        'BAD_USER_INPUT',
      );
      expectError(
        await h.api.gql(
          SLOTS,
          { e: h.t.practitioner.expert, f, t: localDay(40).toUTC().toISO(), d: 30 },
          h.tok.countyClinician,
        ),
        'BAD_USER_INPUT',
      );
      expectError(
        await h.api.gql(SLOTS, { e: h.t.practitioner.expert, f, t: f, d: 30 }, h.tok.countyClinician),
        'BAD_USER_INPUT',
      );
    });
  });

  describe('booking', () => {
    // Arrival order is arbitrary, so the winners form a maximal (not necessarily maximum)
    // set of non-overlapping ranges: each loser overlaps some winner, and no two winners overlap.
    it('200 parallel bookings of overlapping ranges: successes never overlap, form a maximal set (every CONFLICT overlaps a success), and nothing fails otherwise', async () => {
      const e = await addExpert(h.db.ds, h.t, 'storm');
      await h.publish(e.practitionerId, week('08:00', '16:00', 5));
      const N = 200;
      const rnd = mulberry32(0x5eed);
      const open = localDay(3).set({ hour: 8 });
      const attempts: Range[] = [];
      for (let i = 0; i < N; i++) {
        const minutes = 30 + 5 * Math.floor(rnd() * 13); // 30…90
        const offset = 5 * Math.floor(rnd() * ((480 - minutes) / 5 + 1)); // inside 08:00–16:00
        const start = open.plus({ minutes: offset });
        attempts.push({ start: start.toUTC().toISO()!, end: start.plus({ minutes }).toUTC().toISO()! });
      }
      const ids: string[] = [];
      for (let i = 0; i < N; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, N - i) }, () => h.request([e.practitionerId])),
        );
        ids.push(...batch.map((c) => c.id));
      }

      const results = await Promise.all(attempts.map((r, i) => h.book(ids[i], r)));

      const codes = results.map((r) =>
        r.errors ? errorCode(r) : r.data?.bookConsultation?.state === 'SCHEDULED' ? 'OK' : 'ODD',
      );
      // Never INTERNAL_SERVER_ERROR (a deadlock or a raw exclusion violation would show as one).
      expect(codes.map((c, i) => [c, i]).filter(([c]) => c !== 'OK' && c !== 'CONFLICT')).toEqual([]);

      const won = attempts.filter((_, i) => codes[i] === 'OK');
      const lost = attempts.map((r, i) => ({ r, res: results[i] })).filter((_, i) => codes[i] === 'CONFLICT');
      expect(won.length + lost.length).toBe(N);
      for (let i = 0; i < won.length; i++) {
        for (let j = i + 1; j < won.length; j++) {
          if (overlaps(won[i], won[j]))
            throw new Error(`two successes overlap: ${JSON.stringify([won[i], won[j]])}`);
        }
      }
      for (const { r, res } of lost) {
        expect(won.some((w) => overlaps(w, r))).toBe(true);
        expect(res.errors![0].extensions!.busyExpertId).toBe(e.practitionerId);
      }

      // The database holds exactly the accepted ranges, and nothing overlaps anywhere.
      const rows = await h.activeOf(e.practitionerId);
      expect(rows.map((r) => [iso(r.start), iso(r.end)])).toEqual(
        [...won].sort((a, b) => ms(a.start) - ms(b.start)).map((w) => [iso(w.start), iso(w.end)]),
      );
      expect(await h.overlapsInDb()).toBe(0);
      const lostIds = ids.filter((_, i) => codes[i] === 'CONFLICT');
      const [{ n }] = await h.db.ds.query(
        `SELECT count(*)::int AS n FROM consultation_booking WHERE consultation_id = ANY($1::uuid[])`,
        [lostIds],
      );
      expect(n).toBe(0);
      const states: { state: string; n: number }[] = await h.db.ds.query(
        `SELECT state, count(*)::int AS n FROM consultation WHERE id = ANY($1::uuid[]) GROUP BY state ORDER BY state`,
        [ids],
      );
      expect(states).toEqual(
        [
          { state: 'REQUESTED', n: lost.length },
          { state: 'SCHEDULED', n: won.length },
        ].filter((s) => s.n > 0),
      );
    }, 240_000); // a ceiling for a loaded 2-core machine, not a timing assertion

    it('books an MDT all or nothing: one busy expert → CONFLICT naming that expert and no rows for the others; once free → all three booked', async () => {
      const [m1, m2, m3] = await Promise.all(['mdt1', 'mdt2', 'mdt3'].map((l) => addExpert(h.db.ds, h.t, l)));
      for (const m of [m1, m2, m3]) await h.publish(m.practitionerId);
      const slot = at(3, '10:00', 60);
      const blocker = await h.request([m2.practitionerId]);
      await h.booked(blocker.id, at(3, '10:30'));

      const mdt = await h.request([m1.practitionerId, m2.practitionerId, m3.practitionerId], { kind: 'MDT' });
      const clash = await h.book(mdt.id, slot);
      expectError(clash, 'CONFLICT', { busyExpertId: m2.practitionerId, busyExpertName: m2.name });
      expect(clash.errors![0].message).toContain(m2.name);
      expect(await h.bookings(mdt.id)).toEqual([]);
      expect(await h.activeOf(m1.practitionerId)).toEqual([]);
      expect(await h.activeOf(m3.practitionerId)).toEqual([]);
      const after = await h.get(mdt.id, h.tok.countyClinician);
      expect(after.data!.consultation.state).toBe('REQUESTED');
      expect(after.data!.consultation.experts.every((x: any) => x.named && !x.assigned)).toBe(true);
      expect((await h.trail(mdt.id)).steps.map((s) => s.action)).toEqual(['request']);

      expectError(await h.book(mdt.id, slot, { expertIds: [m1.practitionerId] }), 'BAD_USER_INPUT', {
        field: 'expertIds',
      });

      const freed = await h.api.gql(
        CANCEL,
        { i: { id: blocker.id, reason: '患者已转院' } },
        h.tok.countyClinician,
      );
      expect(freed.data!.cancelConsultation.state).toBe('CANCELLED');
      const ok = await h.book(mdt.id, slot);
      expect(ok.errors).toBeUndefined();
      expect(ok.data!.bookConsultation.state).toBe('SCHEDULED');
      expect(
        ok
          .data!.bookConsultation.experts.filter((x: any) => x.assigned)
          .map((x: any) => x.practitionerId)
          .sort(),
      ).toEqual([m1.practitionerId, m2.practitionerId, m3.practitionerId].sort());
      const rows = await h.bookings(mdt.id);
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.active && iso(r.start) === slot.start && iso(r.end) === slot.end)).toBe(
        true,
      );
      expect(await h.overlapsInDb()).toBe(0);
    });

    it('requires the patient’s consent before booking (CONSENT_REQUIRED, nothing booked); consent given at booking is kept', async () => {
      const e = await addExpert(h.db.ds, h.t, 'consent');
      await h.publish(e.practitionerId);
      const c = await h.request([e.practitionerId], { consent: false });
      const missing = await h.book(c.id, at(3, '09:00'));
      expectError(missing, 'BAD_USER_INPUT', { reason: 'CONSENT_REQUIRED', field: 'consent' });
      expect(await h.bookings(c.id)).toEqual([]);
      expect(await h.state(c.id)).toBe('REQUESTED');

      const withConsent = await h.book(c.id, at(3, '09:00'), { consent: CONSENT });
      expect(withConsent.errors).toBeUndefined();
      expect(withConsent.data!.bookConsultation.state).toBe('SCHEDULED');
      expect(withConsent.data!.bookConsultation.consent).toEqual(CONSENT);
      expect((await h.get(c.id, h.tok.countyClinician)).data!.consultation.consent).toEqual(CONSENT);
    });

    it('books one consultation once when it is booked several times at once: one SCHEDULED, the rest INVALID_TRANSITION, one booking row', async () => {
      const e = await addExpert(h.db.ds, h.t, 'twice');
      await h.publish(e.practitionerId);
      const c = await h.request([e.practitionerId]);
      const results = await Promise.all(
        ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00'].map((hm) => h.book(c.id, at(3, hm))),
      );
      const codes = results.map((r) => (r.errors ? errorCode(r) : r.data!.bookConsultation.state)).sort();
      expect(codes).toEqual([
        'INVALID_TRANSITION',
        'INVALID_TRANSITION',
        'INVALID_TRANSITION',
        'INVALID_TRANSITION',
        'INVALID_TRANSITION',
        'SCHEDULED',
      ]);
      const rows = await h.bookings(c.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].active).toBe(true);
      expect((await h.trail(c.id)).steps.map((st) => st.action)).toEqual(['request', 'book']);
    });

    it('judges a buffer longer than a day inside the transaction, with the same CONFLICT', async () => {
      const e = await addExpert(h.db.ds, h.t, 'longbuffer');
      await h.publish(e.practitionerId);
      const c1 = await h.request([e.practitionerId]);
      await h.booked(c1.id, at(3, '10:00'));
      await h.withBuffer(1500, async () => {
        const c2 = await h.request([e.practitionerId]);
        const clash = await h.book(c2.id, at(4, '10:00'));
        expectError(clash, 'CONFLICT', { busyExpertId: e.practitionerId });
        expect(await h.bookings(c2.id)).toEqual([]);
        expect(await h.state(c2.id)).toBe('REQUESTED');
      });
    });

    it('books the experts given at booking instead of the named ones; an unknown or other-tenant expert is NOT_FOUND and books nothing', async () => {
      const [named, other] = await Promise.all(
        ['bk-named', 'bk-other'].map((l) => addExpert(h.db.ds, h.t, l)),
      );
      const foreign = await addExpert(h.db.ds, t2, 'bk-foreign');
      for (const e of [named, other]) await h.publish(e.practitionerId);
      const c = await h.request([named.practitionerId]);
      for (const id of [foreign.practitionerId, randomUUID()]) {
        expectError(await h.book(c.id, at(3, '11:00'), { expertIds: [id] }), 'NOT_FOUND', {
          entity: 'Practitioner',
          id,
        });
      }
      expect(await h.bookings(c.id)).toEqual([]);
      expect(await h.state(c.id)).toBe('REQUESTED');

      const ok = await h.book(c.id, at(3, '11:00'), {
        expertIds: [other.practitionerId, other.practitionerId],
      });
      expect(ok.errors).toBeUndefined();
      expect((await h.bookings(c.id)).map((b) => b.practitioner_id)).toEqual([other.practitionerId]);
      expect(await h.activeOf(named.practitionerId)).toEqual([]);
    });

    it('lets only the requesting side book or reschedule: NOT_FOUND for a user who may not see it, FORBIDDEN for one who may; nothing changes', async () => {
      const e = await addExpert(h.db.ds, h.t, 'bk-who');
      const stranger = await addExpert(h.db.ds, h.t, 'bk-stranger');
      // Both also clinicians (of the partner hospital), so the role guard lets them through
      // and the answer comes from the consultation's own rules.
      await h.db.ds.query(`UPDATE app_user SET roles = ARRAY['EXPERT', 'CLINICIAN'] WHERE id = ANY($1)`, [
        [e.userId, stranger.userId],
      ]);
      await h.publish(e.practitionerId);
      const [expertTok, strangerTok] = await Promise.all([h.login(e.username), h.login(stranger.username)]);
      const c = await h.request([e.practitionerId]);
      const slot = at(3, '15:00');
      expectError(await h.book(c.id, slot, {}, strangerTok), 'NOT_FOUND');
      expectError(await h.book(c.id, slot, {}, h.tok.villageClinician), 'NOT_FOUND');
      expectError(await h.book(randomUUID(), slot), 'NOT_FOUND');
      expectError(await h.book('not-a-uuid', slot), 'BAD_USER_INPUT');
      // The named expert sees the consultation but is not the requesting side.
      expectError(await h.book(c.id, slot, {}, expertTok), 'FORBIDDEN');
      expect(await h.bookings(c.id)).toEqual([]);
      expect(await h.state(c.id)).toBe('REQUESTED');

      await h.booked(c.id, slot);
      const later = at(4, '15:00');
      for (const [tok, code] of [
        [strangerTok, 'NOT_FOUND'],
        [h.tok.villageClinician, 'NOT_FOUND'],
        [expertTok, 'FORBIDDEN'],
      ] as const) {
        expectError(await h.api.gql(RESCHEDULE, { i: { id: c.id, ...later, reason: '改期' } }, tok), code);
      }
      expect((await h.bookings(c.id)).map((b) => b.active)).toEqual([true]);
    });

    it('refuses a time outside the expert’s availability or a DAY_OFF (OUTSIDE_AVAILABILITY) and one sooner than the notice (TOO_SOON); back-to-back sessions both succeed', async () => {
      const e = await addExpert(h.db.ds, h.t, 'hours');
      await h.publish(e.practitionerId, week('08:00', '20:00'), [
        { date: localDay(5).toISODate(), kind: 'DAY_OFF' },
      ]);
      const c = await h.request([e.practitionerId]);

      expectError(await h.book(c.id, at(3, '03:00')), 'BAD_USER_INPUT', {
        reason: 'OUTSIDE_AVAILABILITY',
        expertId: e.practitionerId,
      });
      expectError(await h.book(c.id, at(3, '19:45')), 'BAD_USER_INPUT', { reason: 'OUTSIDE_AVAILABILITY' });
      expectError(await h.book(c.id, at(5, '10:00')), 'BAD_USER_INPUT', { reason: 'OUTSIDE_AVAILABILITY' });
      const soon = new Date(Math.ceil((Date.now() + 20 * 60_000) / 300_000) * 300_000);
      expectError(
        await h.book(c.id, {
          start: soon.toISOString(),
          end: new Date(soon.getTime() + 30 * 60_000).toISOString(),
        }),
        'BAD_USER_INPUT',
        { reason: 'TOO_SOON' },
      );
      expectError(
        await h.book(c.id, { start: at(3, '10:00').start, end: at(3, '10:00').start }),
        'BAD_USER_INPUT',
      );
      expect(await h.bookings(c.id)).toEqual([]);
      expect(await h.state(c.id)).toBe('REQUESTED');

      const first = await h.book(c.id, at(3, '10:00'));
      expect(first.data?.bookConsultation.state).toBe('SCHEDULED');
      const c2 = await h.request([e.practitionerId]);
      const second = await h.book(c2.id, at(3, '10:30'));
      expect(second.errors).toBeUndefined();
      expect(second.data!.bookConsultation.state).toBe('SCHEDULED');
      const c3 = await h.request([e.practitionerId]);
      const before = await h.book(c3.id, at(3, '09:30'));
      expect(before.data?.bookConsultation.state).toBe('SCHEDULED');
      expect((await h.activeOf(e.practitionerId)).map((r) => iso(r.start))).toEqual(
        ['09:30', '10:00', '10:30'].map((hm) => at(3, hm).start),
      );
    });

    it('keeps the consortium’s buffer around bookings at booking time too, as the slot search does', async () => {
      const e = await addExpert(h.db.ds, h.t, 'buffer');
      await h.publish(e.practitionerId);
      const c1 = await h.request([e.practitionerId]);
      await h.booked(c1.id, at(3, '10:00'));
      await h.withBuffer(15, async () => {
        const slots = await h.api.gql(
          SLOTS,
          { e: e.practitionerId, f: at(3, '09:00').start, t: at(3, '12:00').start, d: 30 },
          h.tok.countyClinician,
        );
        expect(slots.data!.availableSlots[0].slots.map((s: any) => s.start)).toEqual(
          ['09:00', '11:00', '11:30'].map((hm) => at(3, hm).start),
        );
        const c2 = await h.request([e.practitionerId]);
        const clash = await h.book(c2.id, at(3, '10:30'));
        expectError(clash, 'CONFLICT', { busyExpertId: e.practitionerId });
        // The booking ends where the asked range starts; its buffer still covers 10:30, which
        // must not come back as an offer.
        expect(clash.errors![0].extensions!.nextSlots.map((s: any) => s.start)).toEqual(
          ['11:00', '11:30', '12:00'].map((hm) => at(3, hm).start),
        );
        expect(await h.bookings(c2.id)).toEqual([]);
        expect((await h.book(c2.id, at(3, '11:00'))).data?.bookConsultation.state).toBe('SCHEDULED');
      });
    });

    it('answers a clash with CONFLICT naming the busy expert and offering next slots that really are free', async () => {
      const e = await addExpert(h.db.ds, h.t, 'clash');
      await h.publish(e.practitionerId);
      const x = await h.request([e.practitionerId]);
      await h.booked(x.id, at(3, '09:00'));
      const y = await h.request([e.practitionerId]);
      const clash = await h.book(y.id, at(3, '09:00'));
      expectError(clash, 'CONFLICT', { busyExpertId: e.practitionerId, busyExpertName: e.name });
      const next: Range[] = clash.errors![0].extensions!.nextSlots;
      expect(next.length).toBeGreaterThan(0);
      expect(next.length).toBeLessThanOrEqual(3);
      expect(next[0]).toEqual(at(3, '09:30'));
      const free = await h.api.gql(
        SLOTS,
        { e: e.practitionerId, f: at(3, '00:00').start, t: at(4, '00:00').start, d: 30 },
        h.tok.countyClinician,
      );
      const offered = free.data!.availableSlots[0].slots.map((s: any) => ({ start: s.start, end: s.end }));
      for (const s of next) {
        expect(offered).toContainEqual({ start: iso(s.start), end: iso(s.end) });
        expect(ms(s.end) - ms(s.start)).toBe(30 * 60_000);
      }
      const taken = await h.book(y.id, next[0]);
      expect(taken.errors).toBeUndefined();
      expect(taken.data!.bookConsultation.scheduledStart).toBe(iso(next[0].start));
    });

    it('looks past the next day for the slots it offers when that day has too few', async () => {
      const e = await addExpert(h.db.ds, h.t, 'sparse');
      await h.publish(e.practitionerId, week('09:00', '10:00'));
      const x = await h.request([e.practitionerId]);
      await h.booked(x.id, at(3, '09:00'));
      const y = await h.request([e.practitionerId]);
      const clash = await h.book(y.id, at(3, '09:00'));
      expectError(clash, 'CONFLICT', { busyExpertId: e.practitionerId });
      const next: Range[] = clash.errors![0].extensions!.nextSlots;
      const free = await h.api.gql(
        SLOTS,
        {
          e: e.practitionerId,
          f: at(3, '09:00').start,
          t: new Date(ms(at(3, '09:00').start) + 14 * 86_400_000).toISOString(),
          d: 30,
        },
        h.tok.countyClinician,
      );
      const firstThree = free
        .data!.availableSlots[0].slots.slice(0, 3)
        .map((s: any) => ({ start: s.start, end: s.end }));
      expect(next.map((s) => ({ start: iso(s.start), end: iso(s.end) }))).toEqual(firstThree);
      expect(next).toHaveLength(3);
      expect(next[0]).toEqual(at(3, '09:30'));
      expect(next[1]).toEqual(at(4, '09:00'));
    });

    it('offers an emergency the next free slots without the minimum notice it is exempt from', async () => {
      const e = await addExpert(h.db.ds, h.t, 'urgent');
      await h.publish(e.practitionerId, week('00:00', '24:00'));
      await h.db.ds.query(
        `UPDATE consortium SET settings = jsonb_set(settings, '{consultations}', '{"minNoticeMinutes": 240}') WHERE id = $1`,
        [h.t.tenantId],
      );
      try {
        const half = 30 * 60_000;
        const first = Math.ceil((Date.now() + 5 * 60_000) / half) * half;
        const range = (t: number) => ({ start: iso(new Date(t)), end: iso(new Date(t + half)) });
        const x = await h.request([e.practitionerId], { urgency: 'EMERGENCY' });
        await h.booked(x.id, range(first));
        const y = await h.request([e.practitionerId], { urgency: 'EMERGENCY' });
        const clash = await h.book(y.id, range(first));
        expectError(clash, 'CONFLICT', { busyExpertId: e.practitionerId });
        const next: Range[] = clash.errors![0].extensions!.nextSlots;
        expect(next[0]).toEqual(range(first + half));
        expect((await h.book(y.id, next[0])).data?.bookConsultation.state).toBe('SCHEDULED');
      } finally {
        await h.db.ds.query(`UPDATE consortium SET settings = settings - 'consultations' WHERE id = $1`, [
          h.t.tenantId,
        ]);
      }
    });

    it('reschedules keeping the history (old booking inactive, a step with before/after) and frees the old time; a clash leaves it as it was', async () => {
      const e = await addExpert(h.db.ds, h.t, 'resched');
      await h.publish(e.practitionerId);
      const c1 = await h.request([e.practitionerId]);
      await h.booked(c1.id, at(3, '10:00'));
      const moved = await h.api.gql(
        RESCHEDULE,
        { i: { id: c1.id, ...at(3, '11:00'), reason: '患者检查时间冲突' } },
        h.tok.countyClinician,
      );
      expect(moved.errors).toBeUndefined();
      expect(moved.data!.rescheduleConsultation).toEqual(
        expect.objectContaining({
          state: 'SCHEDULED',
          scheduledStart: at(3, '11:00').start,
          scheduledEnd: at(3, '11:00').end,
        }),
      );
      const rows = await h.bookings(c1.id);
      expect(rows.map((r) => [iso(r.start), r.active, r.released_at !== null])).toEqual([
        [at(3, '10:00').start, false, true],
        [at(3, '11:00').start, true, false],
      ]);
      const step = (await h.trail(c1.id)).steps.find((s) => s.action === 'reschedule')!;
      expect(step).toEqual(
        expect.objectContaining({
          from_state: 'SCHEDULED',
          to_state: 'SCHEDULED',
          note: '患者检查时间冲突',
          details: { before: at(3, '10:00'), after: at(3, '11:00') },
        }),
      );
      expect(moved.data!.rescheduleConsultation.timeline.map((s: any) => s.action)).toEqual([
        'request',
        'book',
        'reschedule',
      ]);

      // The old time is free for others.
      const c2 = await h.request([e.practitionerId]);
      expect((await h.book(c2.id, at(3, '10:00'))).data?.bookConsultation.state).toBe('SCHEDULED');
      // Moving onto someone else's time is a clash and changes nothing.
      const clash = await h.api.gql(
        RESCHEDULE,
        { i: { id: c1.id, ...at(3, '10:00'), reason: '再次改期' } },
        h.tok.countyClinician,
      );
      expectError(clash, 'CONFLICT', { busyExpertId: e.practitionerId });
      expect((await h.bookings(c1.id)).map((r) => [iso(r.start), r.active])).toEqual([
        [at(3, '10:00').start, false],
        [at(3, '11:00').start, true],
      ]);
      expect((await h.get(c1.id, h.tok.countyClinician)).data!.consultation.scheduledStart).toBe(
        at(3, '11:00').start,
      );
      // A reason of blanks is no reason, and changes nothing either.
      expect(
        await h.api.gql(
          RESCHEDULE,
          { i: { id: c1.id, ...at(3, '12:00'), reason: '\u3000 \u3000' } },
          h.tok.countyClinician,
        ),
      ).toMatchObject({ data: null, errors: [blankRefusal('reason')] });
      // Only the requesting side reschedules.
      const expertTok = await h.login(e.username);
      expectError(
        await h.api.gql(RESCHEDULE, { i: { id: c1.id, ...at(3, '12:00'), reason: '专家改期' } }, expertTok),
        'FORBIDDEN',
      );
      await h.expectTrail(c1.id, [
        ['request', h.t.users.countyClinician.id],
        ['book', h.t.users.countyClinician.id],
        ['reschedule', h.t.users.countyClinician.id],
      ]);
      expect(await h.overlapsInDb()).toBe(0);
    });

    it('frees the expert on cancel (requesting side only) and on decline (named/booked expert or that expert’s institution admin only)', async () => {
      const e = await addExpert(h.db.ds, h.t, 'cxl');
      const stranger = await addExpert(h.db.ds, h.t, 'cxl-other');
      await h.publish(e.practitionerId);
      const expertTok = await h.login(e.username);
      const strangerTok = await h.login(stranger.username);
      const slot = at(3, '13:00');

      const c3 = await h.request([e.practitionerId]);
      await h.booked(c3.id, slot);
      expectError(await h.api.gql(CANCEL, { i: { id: c3.id, reason: '专家取消' } }, expertTok), 'FORBIDDEN');
      expectError(
        await h.api.gql(CANCEL, { i: { id: c3.id, reason: '村医取消' } }, h.tok.villageClinician),
        'NOT_FOUND',
      );
      // A reason of blanks is no reason: refused, still booked.
      expect(
        await h.api.gql(CANCEL, { i: { id: c3.id, reason: '\u3000\u3000' } }, h.tok.countyClinician),
      ).toMatchObject({ data: null, errors: [blankRefusal('reason')] });
      expect((await h.bookings(c3.id)).map((r) => r.active)).toEqual([true]);
      const cancelled = await h.api.gql(
        CANCEL,
        { i: { id: c3.id, reason: '  患者病情好转  ' } },
        h.tok.countyClinician,
      );
      expect(cancelled.data!.cancelConsultation).toEqual(
        expect.objectContaining({ state: 'CANCELLED', cancelReason: '患者病情好转' }),
      );
      expect((await h.bookings(c3.id)).map((r) => [r.active, r.released_at !== null])).toEqual([
        [false, true],
      ]);
      expectError(
        await h.api.gql(CANCEL, { i: { id: c3.id, reason: '再取消' } }, h.tok.countyClinician),
        'INVALID_TRANSITION',
      );
      await h.expectTrail(c3.id, [
        ['request', h.t.users.countyClinician.id],
        ['book', h.t.users.countyClinician.id],
        ['cancel', h.t.users.countyClinician.id],
      ]);

      const c4 = await h.request([e.practitionerId]);
      await h.booked(c4.id, slot);
      expectError(
        await h.api.gql(DECLINE, { i: { id: c4.id, reason: '无关专家' } }, strangerTok),
        'NOT_FOUND',
      );
      expectError(
        await h.api.gql(DECLINE, { i: { id: c4.id, reason: '申请方' } }, h.tok.countyClinician),
        'FORBIDDEN',
      );
      expectError(
        await h.api.gql(DECLINE, { i: { id: c4.id, reason: '乡镇管理员' } }, h.tok.instAdmin),
        'NOT_FOUND',
      );
      expect(await h.api.gql(DECLINE, { i: { id: c4.id, reason: ' \t ' } }, partnerAdminTok)).toMatchObject({
        data: null,
        errors: [blankRefusal('reason')],
      });
      expect((await h.bookings(c4.id)).map((r) => r.active)).toEqual([true]);
      const byAdmin = await h.api.gql(DECLINE, { i: { id: c4.id, reason: '专家外出学习' } }, partnerAdminTok);
      expect(byAdmin.data!.declineConsultation).toEqual(
        expect.objectContaining({ state: 'DECLINED', declineReason: '专家外出学习' }),
      );
      expect((await h.bookings(c4.id)).map((r) => r.active)).toEqual([false]);
      await h.expectTrail(c4.id, [
        ['request', h.t.users.countyClinician.id],
        ['book', h.t.users.countyClinician.id],
        ['decline', partnerAdmin.id],
      ]);

      const c5 = await h.request([e.practitionerId]);
      await h.booked(c5.id, slot);
      const byExpert = await h.api.gql(DECLINE, { i: { id: c5.id, reason: '非本专业' } }, expertTok);
      expect(byExpert.data!.declineConsultation.state).toBe('DECLINED');
      const c6 = await h.request([e.practitionerId]);
      expect((await h.book(c6.id, slot)).data?.bookConsultation.state).toBe('SCHEDULED');

      // A named expert may decline before anything is booked.
      const c7 = await h.request([e.practitionerId]);
      expect(
        (await h.api.gql(DECLINE, { i: { id: c7.id, reason: '时间不便' } }, expertTok)).data!
          .declineConsultation.state,
      ).toBe('DECLINED');
      expectError(await h.book(c7.id, at(3, '15:00')), 'INVALID_TRANSITION');
    });
  });

  describe('visibility', () => {
    it('shows a consultation to its named/booked expert, the requesting institution and admins; others get NOT_FOUND', async () => {
      const mine = await addExpert(h.db.ds, h.t, 'vis1');
      const other = await addExpert(h.db.ds, h.t, 'vis2');
      await h.publish(mine.practitionerId);
      await h.publish(other.practitionerId);
      const c = await h.request([mine.practitionerId]);
      await h.booked(c.id, at(3, '16:00'));
      const theirs = await h.request([other.practitionerId]);
      const mineTok = await h.login(mine.username);
      const otherTok = await h.login(other.username);
      const t2Toks = await Promise.all(
        (['admin', 'countyClinician', 'expert'] as UserKey[]).map((k) => h.login(t2.users[k].username)),
      );

      for (const tok of [mineTok, h.tok.countyClinician, h.tok.coordinator, h.tok.admin, partnerAdminTok]) {
        const r = await h.get(c.id, tok);
        expect(r.errors).toBeUndefined();
        expect(r.data!.consultation.id).toBe(c.id);
      }
      for (const tok of [otherTok, h.tok.villageClinician, h.tok.instAdmin, h.tok.expert, ...t2Toks]) {
        expectError(await h.get(c.id, tok), 'NOT_FOUND');
      }

      const list = async (tok: string) => {
        const r = await h.api.gql(LIST, {}, tok);
        expect(r.errors).toBeUndefined();
        return r.data!.consultations.nodes as {
          id: string;
          requestingInstitutionId: string;
          experts: { practitionerId: string }[];
        }[];
      };
      const mineList = await list(mineTok);
      expect(mineList.map((n) => n.id)).toEqual([c.id]);
      const otherList = await list(otherTok);
      expect(otherList.map((n) => n.id)).toEqual([theirs.id]);
      const county = await list(h.tok.countyClinician);
      expect(county.map((n) => n.id)).toEqual(expect.arrayContaining([c.id, theirs.id]));
      expect(county.every((n) => n.requestingInstitutionId === h.t.inst.general)).toBe(true);
      expect(await list(h.tok.villageClinician)).toEqual([]);
      expect(await list(h.tok.instAdmin)).toEqual([]);
      for (const tok of t2Toks) expect(await list(tok)).toEqual([]);
      const admin = await list(h.tok.admin);
      expect(admin.map((n) => n.id)).toEqual(expect.arrayContaining([c.id, theirs.id]));
      // The partner hospital's admin sees those of its experts.
      expect((await list(partnerAdminTok)).map((n) => n.id)).toEqual(
        expect.arrayContaining([c.id, theirs.id]),
      );
    });

    it('gives a page the same related objects as one read (preloaded per page, not per row)', async () => {
      const a = await addExpert(h.db.ds, h.t, 'pg1');
      const b = await addExpert(h.db.ds, h.t, 'pg2');
      await h.publish(a.practitionerId);
      await h.publish(b.practitionerId);
      const c1 = await h.request([a.practitionerId]);
      await h.booked(c1.id, at(4, '09:00'));
      await h.request([b.practitionerId]);
      const FIELDS = `id patient { name } requestingInstitution { name }
        experts { practitionerId expert { name } } timeline { action toState }`;
      const page = await h.api.gql(
        `query { consultations(first: 100) { nodes { ...F } } } fragment F on Consultation { ${FIELDS} }`,
        {},
        h.tok.countyClinician,
      );
      expect(page.errors).toBeUndefined();
      const nodes = page.data!.consultations.nodes as { id: string; experts: unknown[] }[];
      expect(nodes.length).toBeGreaterThanOrEqual(2);
      for (const node of nodes) {
        const one = await h.api.gql(
          `query($id: ID!) { consultation(id: $id) { ${FIELDS} } }`,
          { id: node.id },
          h.tok.countyClinician,
        );
        expect(one.errors).toBeUndefined();
        expect(node).toEqual(one.data!.consultation);
      }
      const first = nodes.find((n) => n.id === c1.id)!;
      expect(first.experts).toEqual([
        { practitionerId: a.practitionerId, expert: { name: expect.any(String) } },
      ]);
    });

    it('lets only a clinician with a practitioner record request (the requester takes part)', async () => {
      const e = await addExpert(h.db.ds, h.t, 'req');
      const res = await h.api.gql(
        REQUEST,
        {
          i: {
            kind: 'VIDEO',
            patientId: h.patientId,
            purpose: '会诊',
            caseSummary: '摘要',
            question: '问题',
            urgency: 'ROUTINE',
            expertIds: [e.practitionerId],
          },
        },
        h.tok.coordinator,
      );
      expectError(res, 'FORBIDDEN');
      const noExperts = await h.api.gql(
        REQUEST,
        {
          i: {
            kind: 'VIDEO',
            patientId: h.patientId,
            purpose: '会诊',
            caseSummary: '摘要',
            question: '问题',
            urgency: 'ROUTINE',
            expertIds: [],
          },
        },
        h.tok.countyClinician,
      );
      expectError(noExperts, 'BAD_USER_INPUT');
      const bySpecialty = await h.api.gql(
        REQUEST,
        {
          i: {
            kind: 'ECG_READ',
            patientId: h.patientId,
            purpose: '心电会诊',
            caseSummary: '摘要',
            question: '问题',
            urgency: 'ROUTINE',
            expertIds: [],
            specialty: '心血管内科',
          },
        },
        h.tok.countyClinician,
      );
      expect(bySpecialty.data?.requestConsultation.state).toBe('REQUESTED');
    });
  });

  describe('reports', () => {
    it('takes signed reports from a booked expert only: v1 → REPORTED, an amendment needs a reason, the hash covers the content, rows are immutable', async () => {
      const e = await addExpert(h.db.ds, h.t, 'rep');
      const stranger = await addExpert(h.db.ds, h.t, 'rep-other');
      await h.publish(e.practitionerId);
      const expertTok = await h.login(e.username);
      const c = await h.request([e.practitionerId]);
      const input = {
        id: c.id,
        opinion: '  考虑冠心病,建议冠脉造影  ',
        suggestedDiagnoses: [{ code: 'I25.1', name: '动脉粥样硬化性心脏病' }, { name: '高血压' }],
        recommendations: '转上级医院行 PCI 评估',
      };
      // Named but not yet booked: may not report.
      expectError(await h.api.gql(REPORT, { i: input }, expertTok), 'FORBIDDEN');
      await h.booked(c.id, at(3, '17:00'));
      expectError(await h.api.gql(REPORT, { i: input }, await h.login(stranger.username)), 'NOT_FOUND');
      expectError(await h.api.gql(REPORT, { i: input }, h.tok.countyClinician), 'FORBIDDEN');
      // A video consultation is reported after its session has started.
      expectError(await h.api.gql(REPORT, { i: input }, expertTok), 'INVALID_TRANSITION');
      expectError(await h.api.gql(COMPLETE, { id: c.id }, h.tok.countyClinician), 'INVALID_TRANSITION');
      expect((await h.api.gql(START, { id: c.id }, expertTok)).data!.startConsultation.state).toBe(
        'IN_PROGRESS',
      );
      expectError(await h.api.gql(COMPLETE, { id: c.id }, h.tok.countyClinician), 'INVALID_TRANSITION');

      const v1 = await h.api.gql(REPORT, { i: input }, expertTok);
      expect(v1.errors).toBeUndefined();
      const r1 = v1.data!.submitConsultationReport;
      expect(r1).toEqual(
        expect.objectContaining({
          version: 1,
          authorPractitionerId: e.practitionerId,
          authorUserId: e.userId,
          opinion: '考虑冠心病,建议冠脉造影',
          suggestedDiagnoses: [
            { code: 'I25.1', name: '动脉粥样硬化性心脏病' },
            { code: null, name: '高血压' },
          ],
          amendmentReason: null,
        }),
      );
      const hashOf = (r: any) =>
        createHash('sha256')
          .update(
            canonical({
              consultationId: c.id,
              version: r.version,
              authorPractitionerId: r.authorPractitionerId,
              authorUserId: r.authorUserId,
              opinion: r.opinion,
              suggestedDiagnoses: r.suggestedDiagnoses,
              recommendations: r.recommendations,
              amendmentReason: r.amendmentReason,
              signedAt: iso(r.signedAt),
            }),
          )
          .digest('hex');
      expect(r1.contentHash).toBe(hashOf(r1));
      expect(await h.state(c.id)).toBe('REPORTED');

      const unexplained = await h.api.gql(REPORT, { i: { ...input, opinion: '修订意见' } }, expertTok);
      expectError(unexplained, 'BAD_USER_INPUT', { field: 'amendmentReason' });
      const blank = await h.api.gql(
        REPORT,
        { i: { ...input, opinion: '修订意见', amendmentReason: '   ' } },
        expertTok,
      );
      expectError(blank, 'BAD_USER_INPUT', { field: 'amendmentReason' });
      const v2 = await h.api.gql(
        REPORT,
        { i: { ...input, opinion: '修订:建议先行药物治疗', amendmentReason: '补充了心肌酶结果' } },
        expertTok,
      );
      expect(v2.errors).toBeUndefined();
      const r2 = v2.data!.submitConsultationReport;
      expect(r2).toEqual(
        expect.objectContaining({
          version: 2,
          amendmentReason: '补充了心肌酶结果',
          opinion: '修订:建议先行药物治疗',
        }),
      );
      expect(r2.contentHash).toBe(hashOf(r2));
      expect(r2.contentHash).not.toBe(r1.contentHash);
      expect(await h.state(c.id)).toBe('REPORTED');

      // The app's own connection cannot edit or delete a signed report.
      const appDs = h.api.app.get(DataSource);
      await expect(
        appDs.query(`UPDATE consultation_report SET opinion = 'tampered' WHERE consultation_id = $1`, [c.id]),
      ).rejects.toThrow(/cannot be changed/);
      await expect(
        appDs.query(`DELETE FROM consultation_report WHERE consultation_id = $1`, [c.id]),
      ).rejects.toThrow(/cannot be changed/);
      const stored: { version: number; opinion: string; content_hash: string }[] = await h.db.ds.query(
        `SELECT version, opinion, content_hash FROM consultation_report WHERE consultation_id = $1 ORDER BY version`,
        [c.id],
      );
      expect(stored).toEqual([
        { version: 1, opinion: r1.opinion, content_hash: r1.contentHash },
        { version: 2, opinion: r2.opinion, content_hash: r2.contentHash },
      ]);

      expectError(await h.api.gql(COMPLETE, { id: c.id }, expertTok), 'FORBIDDEN');
      const done = await h.api.gql(COMPLETE, { id: c.id }, h.tok.countyClinician);
      expect(done.errors).toBeUndefined();
      expect(done.data!.completeConsultation.state).toBe('COMPLETED');
      expect(done.data!.completeConsultation.reports.map((r: any) => r.version)).toEqual([1, 2]);
      expectError(await h.api.gql(COMPLETE, { id: c.id }, h.tok.countyClinician), 'INVALID_TRANSITION');
    });

    it('lets a read (IMAGING_READ) be reported without a live session, with a 24 h deadline after the booked time', async () => {
      const e = await addExpert(h.db.ds, h.t, 'read');
      await h.publish(e.practitionerId);
      const c = await h.request([e.practitionerId], { kind: 'IMAGING_READ' });
      const booked = await h.booked(c.id, at(3, '18:00'));
      expect(ms(booked.reportDueAt) - ms(at(3, '18:00').end)).toBe(24 * 3600_000);
      const video = await h.request([e.practitionerId]);
      const videoBooked = await h.booked(video.id, at(3, '18:30'));
      expect(ms(videoBooked.reportDueAt) - ms(at(3, '18:30').end)).toBe(48 * 3600_000);
      const r = await h.api.gql(
        REPORT,
        { i: { id: c.id, opinion: '右肺上叶结节', suggestedDiagnoses: [], recommendations: '三个月后复查' } },
        await h.login(e.username),
      );
      expect(r.errors).toBeUndefined();
      expect(await h.state(c.id)).toBe('REPORTED');
    });
  });

  describe('audit trail', () => {
    it('writes a timeline step and an audit_event consultation.<action> for every step of the life cycle, by its actor', async () => {
      const e = await addExpert(h.db.ds, h.t, 'life');
      await h.publish(e.practitionerId);
      const expertTok = await h.login(e.username);
      const c = await h.request([e.practitionerId]);
      await h.booked(c.id, at(3, '08:00'));
      await h.api.gql(
        RESCHEDULE,
        { i: { id: c.id, ...at(3, '08:30'), reason: '调整时间' } },
        h.tok.countyClinician,
      );
      expect(
        (await h.api.gql(START, { id: c.id }, h.tok.countyClinician)).data!.startConsultation.state,
      ).toBe('IN_PROGRESS');
      const ended = await h.api.gql(END, { id: c.id }, expertTok);
      expect(ended.data!.endConsultation.endedAt).toEqual(expect.any(String));
      // The report deadline now runs from the end of the session (48 h for a video consultation).
      expect(ms(ended.data!.endConsultation.reportDueAt) - ms(ended.data!.endConsultation.endedAt)).toBe(
        48 * 3600_000,
      );
      expectError(await h.api.gql(END, { id: c.id }, expertTok), 'CONFLICT');
      const report = { id: c.id, opinion: '意见', suggestedDiagnoses: [], recommendations: '建议' };
      expect((await h.api.gql(REPORT, { i: report }, expertTok)).errors).toBeUndefined();
      expect(
        (await h.api.gql(REPORT, { i: { ...report, amendmentReason: '更正' } }, expertTok)).errors,
      ).toBeUndefined();
      const done = await h.api.gql(COMPLETE, { id: c.id }, h.tok.countyClinician);
      expect(done.data!.completeConsultation.timeline.map((s: any) => s.action)).toEqual([
        'request',
        'book',
        'reschedule',
        'start',
        'end',
        'report',
        'amend-report',
        'complete',
      ]);
      const clinician = h.t.users.countyClinician.id;
      await h.expectTrail(c.id, [
        ['request', clinician],
        ['book', clinician],
        ['reschedule', clinician],
        ['start', clinician],
        ['end', e.userId],
        ['report', e.userId],
        ['amend-report', e.userId],
        ['complete', clinician],
      ]);
      const { steps } = await h.trail(c.id);
      expect(steps.map((s) => [s.from_state, s.to_state])).toEqual([
        [null, 'REQUESTED'],
        ['REQUESTED', 'SCHEDULED'],
        ['SCHEDULED', 'SCHEDULED'],
        ['SCHEDULED', 'IN_PROGRESS'],
        ['IN_PROGRESS', 'IN_PROGRESS'],
        ['IN_PROGRESS', 'REPORTED'],
        ['REPORTED', 'REPORTED'],
        ['REPORTED', 'COMPLETED'],
      ]);
      // Refused attempts leave no step behind.
      expectError(await h.api.gql(START, { id: c.id }, expertTok), 'INVALID_TRANSITION');
      expect((await h.trail(c.id)).steps).toHaveLength(8);
    });
  });
});

describe('consultation timers on a manual clock', () => {
  const h = new Harness();
  const clock = new ManualClock();
  let worker: INestApplicationContext;
  let timers: ConsultationTimers;
  let expert: Expert;
  let expertTok: string;

  beforeAll(async () => {
    // The sweep stays out of the way (first run at boot, then hourly): the checks are called directly.
    h.db = await createTestDb({ REFERRAL_SWEEP_EVERY_MS: '3600000', JWT_TTL_SECONDS: '3600' });
    h.t = await buildTenant(h.db.ds);
    h.api = await TestApi.start(h.db.config, { clock });
    worker = await startWorker(h.db.config, { clock });
    timers = worker.get(ConsultationTimers);
    for (const key of ['admin', 'countyClinician', 'coordinator'] as UserKey[])
      h.tok[key] = await h.login(h.t.users[key].username);
    expert = await addExpert(h.db.ds, h.t, 'timer');
    expertTok = await h.login(expert.username);
    await h.publish(expert.practitionerId, week('00:00', '24:00'));
    h.patientId = await registerPatient(h.api, h.tok.countyClinician);
  });
  afterEach(() => clock.reset());
  afterAll(async () => {
    await worker?.close();
    await h.api?.close();
    await h.db?.drop();
  });

  /** Everything has left the outbox, so no timer is published against a moved clock. */
  async function outboxDrained() {
    await eventually(async () => {
      const [{ n }] = await h.db.ds.query(
        `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
      );
      return n === 0;
    }, 30_000);
  }

  /** Moves the shared clock so that it reads `to`. */
  function setClock(to: Date) {
    clock.advance(to.getTime() - clock.now().getTime());
  }

  function timerRows(id: string): Promise<{ job_name: string; run_at: Date; payload: any }[]> {
    return h.db.ds.query(
      `SELECT job_name, run_at, payload FROM outbox_message
        WHERE queue = 'consultation-timers' AND payload->>'consultationId' = $1 ORDER BY id`,
      [id],
    );
  }

  async function notified(id: string, kind: string) {
    return h.db.ds.query(
      `SELECT recipient_user_id FROM notification WHERE payload->>'consultationId' = $1 AND kind = $2 ORDER BY recipient_user_id`,
      [id, kind],
    ) as Promise<{ recipient_user_id: string }[]>;
  }

  async function events(id: string, type: string): Promise<number> {
    const [{ n }] = await h.db.ds.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE job_name = $2 AND payload->>'aggregateId' = $1`,
      [id, type],
    );
    return n;
  }

  const participants = () => [h.t.users.countyClinician.id, h.t.users.coordinator.id, expert.userId].sort();

  it('plans reminders 24 h and 15 min before, the no-show check 15 min after the start and the report deadline', async () => {
    const c = await h.request([expert.practitionerId]);
    const slot = at(2, '10:00');
    await h.booked(c.id, slot);
    const rows = await timerRows(c.id);
    const start = ms(slot.start);
    expect(
      rows.map((r) => [
        r.job_name,
        ms(r.run_at) - start,
        r.payload.minutesBefore ?? null,
        r.payload.scheduledStart,
      ]),
    ).toEqual([
      [JOBS.CONSULTATION_REMINDER, -24 * 3600_000, 1440, slot.start],
      [JOBS.CONSULTATION_REMINDER, -15 * 60_000, 15, slot.start],
      [JOBS.CONSULTATION_NO_SHOW_CHECK, 15 * 60_000, null, slot.start],
      [JOBS.CONSULTATION_REPORT_DUE, 48 * 3600_000 + 30 * 60_000, null, slot.start],
    ]);
  });

  it('sends each reminder once to every participant at its time: early → retryAt, on time → one notification each, again → no-op', async () => {
    const c = await h.request([expert.practitionerId]);
    const slot = at(2, '11:00');
    await h.booked(c.id, slot);
    await outboxDrained();
    const start = new Date(slot.start);
    const dayBefore = new Date(start.getTime() - 24 * 3600_000);

    expect(await timers.reminder(c.id, start, 1440)).toEqual({ done: false, retryAt: dayBefore });
    expect((await h.trail(c.id)).steps.map((s) => s.action)).toEqual(['request', 'book']);

    setClock(new Date(dayBefore.getTime() + 60_000));
    const both = await Promise.all([timers.reminder(c.id, start, 1440), timers.reminder(c.id, start, 1440)]);
    expect(both).toEqual(
      expect.arrayContaining([
        { done: true, changed: true },
        { done: true, changed: false },
      ]),
    );
    expect(await timers.reminder(c.id, start, 1440)).toEqual({ done: true, changed: false });
    // The 15-minute reminder is not due yet.
    expect(await timers.reminder(c.id, start, 15)).toEqual({
      done: false,
      retryAt: new Date(start.getTime() - 15 * 60_000),
    });

    const told = await eventually(async () => {
      const list = await notified(c.id, 'consultation.reminder');
      return list.length >= 3 ? list : null;
    }, 30_000);
    expect(told.map((n) => n.recipient_user_id)).toEqual(participants());
    expect(await events(c.id, 'consultation.reminder')).toBe(1);
    const { steps, audit } = await h.trail(c.id);
    expect(steps.filter((s) => s.action === 'remind').map((s) => [s.actor_user_id, s.details])).toEqual([
      [null, { minutesBefore: 1440 }],
    ]);
    expect(audit.filter((a) => a.action === 'consultation.remind')).toHaveLength(1);

    setClock(new Date(start.getTime() - 10 * 60_000));
    expect(await timers.reminder(c.id, start, 15)).toEqual({ done: true, changed: true });
    expect(await timers.reminder(c.id, start, 15)).toEqual({ done: true, changed: false });
    await eventually(async () => (await notified(c.id, 'consultation.reminder')).length >= 6, 30_000);
    expect(await events(c.id, 'consultation.reminder')).toBe(2);
    const [row] = await h.db.ds.query(`SELECT reminders_sent FROM consultation WHERE id = $1`, [c.id]);
    expect(row.reminders_sent).toEqual([`${slot.start}/1440`, `${slot.start}/15`]);
  });

  it('does nothing for a reminder or no-show check of a superseded schedule after a reschedule', async () => {
    const c = await h.request([expert.practitionerId]);
    const old = at(2, '13:00');
    const next = at(3, '13:00');
    await h.booked(c.id, old);
    const moved = await h.api.gql(
      RESCHEDULE,
      { i: { id: c.id, ...next, reason: '患者改期' } },
      h.tok.countyClinician,
    );
    expect(moved.errors).toBeUndefined();
    await outboxDrained();
    const oldStart = new Date(old.start);
    const nextStart = new Date(next.start);

    setClock(new Date(oldStart.getTime() - 24 * 3600_000 + 60_000));
    expect(await timers.reminder(c.id, oldStart, 1440)).toEqual({ done: true, changed: false });
    expect(await timers.reminder(c.id, nextStart, 1440)).toEqual({
      done: false,
      retryAt: new Date(nextStart.getTime() - 24 * 3600_000),
    });
    setClock(new Date(oldStart.getTime() + 20 * 60_000));
    expect(await timers.reminder(c.id, oldStart, 15)).toEqual({ done: true, changed: false });
    expect(await timers.noShow(c.id, oldStart)).toEqual({ done: true, changed: false });
    expect(await h.state(c.id)).toBe('SCHEDULED');
    expect((await h.trail(c.id)).steps.map((s) => s.action)).toEqual(['request', 'book', 'reschedule']);
    expect(await events(c.id, 'consultation.reminder')).toBe(0);

    // The new schedule's reminder works at its own time.
    setClock(new Date(nextStart.getTime() - 24 * 3600_000 + 60_000));
    expect(await timers.reminder(c.id, nextStart, 1440)).toEqual({ done: true, changed: true });
  });

  it('marks NO_SHOW once 15 min after an unstarted start and releases the bookings; a started session is left alone', async () => {
    const c = await h.request([expert.practitionerId]);
    const slot = at(2, '15:00');
    await h.booked(c.id, slot);
    const live = await h.request([expert.practitionerId]);
    const liveSlot = at(2, '15:30');
    await h.booked(live.id, liveSlot);
    expect((await h.api.gql(START, { id: live.id }, expertTok)).data!.startConsultation.state).toBe(
      'IN_PROGRESS',
    );
    await outboxDrained();
    const start = new Date(slot.start);
    const after = new Date(start.getTime() + 15 * 60_000);

    expect(await timers.noShow(c.id, start)).toEqual({ done: false, retryAt: after });
    setClock(new Date(start.getTime() + 14 * 60_000));
    expect(await timers.noShow(c.id, start)).toEqual({ done: false, retryAt: after });
    expect(await h.state(c.id)).toBe('SCHEDULED');

    setClock(new Date(after.getTime() + 60_000));
    expect(await timers.noShow(c.id, start)).toEqual({ done: true, changed: true });
    expect(await timers.noShow(c.id, start)).toEqual({ done: true, changed: false });
    expect(await h.state(c.id)).toBe('NO_SHOW');
    expect((await h.bookings(c.id)).map((r) => [r.active, r.released_at !== null])).toEqual([[false, true]]);
    await h.expectTrail(c.id, [
      ['request', h.t.users.countyClinician.id],
      ['book', h.t.users.countyClinician.id],
      ['noShow', null],
    ]);
    const told = await eventually(async () => {
      const list = await notified(c.id, 'consultation.no-show');
      return list.length >= 3 ? list : null;
    }, 30_000);
    expect(told.map((n) => n.recipient_user_id)).toEqual(participants());
    expect(await events(c.id, 'consultation.no-show')).toBe(1);

    setClock(new Date(ms(liveSlot.start) + 20 * 60_000));
    expect(await timers.noShow(live.id, new Date(liveSlot.start))).toEqual({ done: true, changed: false });
    expect(await h.state(live.id)).toBe('IN_PROGRESS');
    expect((await h.bookings(live.id)).map((r) => r.active)).toEqual([true]);
  });

  it('escalates an overdue report once to the experts, the requester and the consortium admins; a reported one is left alone', async () => {
    const c = await h.request([expert.practitionerId]);
    await h.booked(c.id, at(2, '17:00'));
    expect((await h.api.gql(START, { id: c.id }, expertTok)).data!.startConsultation.state).toBe(
      'IN_PROGRESS',
    );
    const ended = await h.api.gql(END, { id: c.id }, expertTok);
    const due = new Date(ended.data!.endConsultation.reportDueAt);
    const reported = await h.request([expert.practitionerId]);
    await h.booked(reported.id, at(2, '17:30'));
    await h.api.gql(START, { id: reported.id }, expertTok);
    const rep = await h.api.gql(
      REPORT,
      { i: { id: reported.id, opinion: '已出报告', suggestedDiagnoses: [], recommendations: '随访' } },
      expertTok,
    );
    expect(rep.errors).toBeUndefined();
    await outboxDrained();

    expect(await timers.reportDue(c.id)).toEqual({ done: false, retryAt: due });
    setClock(new Date(due.getTime() + 60_000));
    const both = await Promise.all([timers.reportDue(c.id), timers.reportDue(c.id)]);
    expect(both).toEqual(
      expect.arrayContaining([
        { done: true, changed: true },
        { done: true, changed: false },
      ]),
    );
    expect(await timers.reportDue(c.id)).toEqual({ done: true, changed: false });
    const [row] = await h.db.ds.query(`SELECT state, report_escalated_at FROM consultation WHERE id = $1`, [
      c.id,
    ]);
    expect(row.state).toBe('IN_PROGRESS');
    expect(row.report_escalated_at).not.toBeNull();
    const { steps, audit } = await h.trail(c.id);
    expect(steps.filter((s) => s.action === 'report-overdue')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'consultation.report-overdue')).toHaveLength(1);
    const told = await eventually(async () => {
      const list = await notified(c.id, 'consultation.report-overdue');
      return list.length >= 3 ? list : null;
    }, 30_000);
    expect(told.map((n) => n.recipient_user_id)).toEqual(
      [h.t.users.countyClinician.id, h.t.users.admin.id, expert.userId].sort(),
    );
    expect(await events(c.id, 'consultation.report-overdue')).toBe(1);

    expect(await timers.reportDue(reported.id)).toEqual({ done: true, changed: false });
    expect(await events(reported.id, 'consultation.report-overdue')).toBe(0);
  });
});
