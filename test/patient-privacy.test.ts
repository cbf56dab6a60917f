import type { INestApplicationContext } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  isEnumType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture, UserKey } from './utils/fixtures';
import { GqlResult, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { addUser, createReferral } from './pipeline-helpers';

/**
 * A masked record must not be restorable from everything else the same caller can read.
 *
 * For each role, every query it may call (every root field of the schema, every field selected,
 * every page) is run, and an attacker who knows the ID number format, the GB 11643 check
 * character and the masking rules tries to rebuild each patient's ID number and phone from the
 * values collected. Roles that see masked records must be left with at least MIN_CANDIDATES
 * equally likely ID numbers (32 is the least a known birth year leaves: see
 * libs/patients/src/domain/masked-birth.ts) and no phone; roles entitled to the full record are
 * the control that shows the attacker works.
 */

const MIN_CANDIDATES = 32;
const MIN_PHONE_CANDIDATES = 1000;

// GB 11643 check character, computed independently of the code under test.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const DAY = 86_400_000;
const checkChar = (first17: string) =>
  '10X98765432'[[...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0) % 11];
const withCheckChar = (first17: string) => first17 + checkChar(first17);

/** YYYY-MM-DD on Beijing's calendar. */
const chinaDay = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

interface Person {
  label: string;
  id: string;
  idNumber: string;
  birthDate: string;
  phone: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every string and number anywhere in the answers, as text. */
function allValues(data: Json[]): string[] {
  const out: string[] = [];
  const walk = (v: Json) => {
    if (v === null) return;
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v).forEach(walk);
    else out.push(String(v));
  };
  data.forEach(walk);
  return out;
}

/** Every object describing the patient (a Patient or PatientSummary: its id and a name). */
function patientObjects(data: Json[], id: string): Record<string, Json>[] {
  const out: Record<string, Json>[] = [];
  const walk = (v: Json) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    if (v.id === id && 'name' in v) out.push(v);
    Object.values(v).forEach(walk);
  };
  data.forEach(walk);
  return out;
}

/**
 * Every ID number consistent with what was seen: the masked characters, the check character,
 * a birth date no later than registration (registration refuses future dates), and every
 * birth-related field: a date, a year, or a year withheld (which says: born in the year of
 * registration or the one before).
 */
function idCandidates(objs: Record<string, Json>[], now: number): string[] | null {
  const numbers = objs.map((o) => o.idNumber).filter((v): v is string => typeof v === 'string');
  const full = numbers.find((n) => /^\d{17}[\dX]$/.test(n));
  if (full) return [full];
  const masked = numbers[0];
  if (!masked) return null; // not even the masked number is shown
  expect(masked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
  const created = objs
    .map((o) => o.createdAt)
    .filter((v): v is string => typeof v === 'string')
    .map((v) => Date.parse(v));
  const regDay = chinaDay(created.length ? Math.min(...created) : now);
  const regYear = Number(regDay.slice(0, 4));
  const out: string[] = [];
  for (let t = Date.parse('1890-01-01T00:00:00Z'); ; t += DAY) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (date > regDay) break;
    const year = Number(date.slice(0, 4));
    const id = withCheckChar(`${masked.slice(0, 6)}${date.replace(/-/g, '')}${masked.slice(14, 17)}`);
    if (id[17] !== masked[17]) continue;
    const consistent = objs.every((o) => {
      if (typeof o.birthDate === 'string' && o.birthDate !== date) return false;
      if (typeof o.birthYear === 'number' && o.birthYear !== year) return false;
      if ('birthYear' in o && o.birthYear === null && year < regYear - 1) return false;
      if (typeof o.age === 'number') {
        const [y, m, d] = chinaDay(now).split('-').map(Number);
        const age = y - year - (m * 100 + d < Number(date.slice(5, 7)) * 100 + Number(date.slice(8)) ? 1 : 0);
        if (o.age !== age) return false;
      }
      return true;
    });
    if (consistent) out.push(id);
  }
  return out;
}

/** How many phone numbers agree with what was seen (1 means it is known). */
function phoneCandidates(objs: Record<string, Json>[]): number {
  const phones = objs.map((o) => o.phone).filter((v): v is string => typeof v === 'string');
  if (phones.some((p) => !p.includes('*'))) return 1;
  if (!phones.length) return Infinity;
  return Math.min(...phones.map((p) => 10 ** (p.match(/\*/g) ?? []).length));
}

/** A selection of every field reachable from `type` within `depth` levels (fields without required arguments). */
function selectAll(type: GraphQLOutputType, depth: number): string | null {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) || depth === 0) return null;
  const parts: string[] = [];
  for (const f of Object.values(named.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const sub = selectAll(f.type, depth - 1);
    if (sub === null) continue;
    parts.push(sub ? `${f.name} { ${sub} }` : f.name);
  }
  return parts.length ? parts.join(' ') : null;
}

/** Whether a value of `type` can hold patient data. */
function carriesPatient(type: GraphQLOutputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (!isObjectType(named) || seen.has(named.name)) return false;
  if (['Patient', 'PatientSummary'].includes(named.name)) return true;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => carriesPatient(f.type, seen));
}

describe('masked patient data cannot be reconstructed from everything a role can read', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let t: TenantFixture;
  let schema: GraphQLSchema;
  const people: Person[] = [];
  const ids = { referral: [] as string[], consultation: [] as string[] };
  const tok: Record<string, string> = {};

  beforeAll(async () => {
    // Every field of every query at once costs more than a client's request may.
    db = await createTestDb({ GRAPHQL_MAX_COST: '1000000', GRAPHQL_MAX_DEPTH: '12' });
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    worker = await startWorker(db.config);
    schema = api.app.get(GraphQLSchemaHost).schema;
    for (const k of Object.keys(t.users) as UserKey[]) tok[k] = await api.login(t.users[k].username);
    // An administrator of the registering clinic, and a township clinician who also audits.
    const villageAdmin = await addUser(db.ds, t, `vadmin-${t.tenantId.slice(0, 8)}`, t.inst.village, [
      'INSTITUTION_ADMIN',
    ]);
    const clinAudit = await addUser(db.ds, t, `clinaud-${t.tenantId.slice(0, 8)}`, t.inst.township, [
      'CLINICIAN',
      'AUDITOR',
    ]);
    tok.villageAdmin = await api.login(villageAdmin.username);
    tok.clinicianAuditor = await api.login(clinAudit.username);

    // An elderly patient, and a newborn registered on 4 January, two days after birth: there the
    // birth year alone would leave only the dates from 1 January to registration day.
    const today = chinaDay(Date.now());
    const year = Number(today.slice(0, 4)) - (today.slice(5) < '01-05' ? 1 : 0);
    for (const [label, birth, seq, phone] of [
      ['elderly', '1952-03-14', '031', '13912345678'],
      ['newborn', `${year}-01-02`, '042', '13887654321'],
    ] as const) {
      const idNumber = withCheckChar(`500114${birth.replace(/-/g, '')}${seq}`);
      const res = await api.gql(
        `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`,
        {
          i: {
            name: `隐私${label}`,
            idNumber,
            phone,
            residenceDivisionCode: '500114',
            chronicConditions: [],
          },
        },
        tok.villageClinician,
      );
      expect(res.errors).toBeUndefined();
      const id = res.data!.registerPatient.id;
      people.push({ label, id, idNumber, birthDate: birth, phone });
      if (label === 'newborn') {
        await db.ds.query(`UPDATE patient SET created_at = $2 WHERE id = $1`, [
          id,
          `${year}-01-04T12:00:00+08:00`,
        ]);
      }
      // Up to the county hospital (which gains access), then a consultation with the partner's expert.
      ids.referral.push((await createReferral(api, tok.villageClinician, id, t.inst.general)).id);
      const c = await api.gql(
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id } }`,
        {
          i: {
            kind: 'VIDEO',
            patientId: id,
            purpose: '会诊',
            caseSummary: '摘要',
            question: '问题',
            urgency: 'ROUTINE',
            expertIds: [t.practitioner.expert],
            consent: {
              signedBy: '患者本人',
              relationship: '本人',
              signedAt: new Date(Date.now() - 3_600_000).toISOString(),
              documentUri: 'https://files.example/consent/1.pdf',
            },
          },
        },
        tok.countyClinician,
      );
      expect(c.errors).toBeUndefined();
      ids.consultation.push(c.data!.requestConsultation.id);
    }
    // The partner hospital granted access to the elderly patient (as a consultation might).
    await db.ds.query(
      `INSERT INTO patient_access (patient_id, institution_id, tenant_id, reason) VALUES ($1, $2, $3, 'consultation')`,
      [people[0].id, t.inst.partner, t.tenantId],
    );
    // The notifications of those steps are in the inboxes before anyone reads them.
    await eventually(async () => {
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM notification WHERE recipient_user_id = ANY($1)`,
        [[t.users.coordinator.id, t.users.expert.id]],
      );
      return n >= 4;
    }, 30_000);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  /** Every query the role may call, every field selected, every page: the answers' data. */
  async function everythingVisibleTo(token: string): Promise<Json[]> {
    const query = schema.getQueryType() as GraphQLObjectType;
    const byId: Record<string, string[]> = {
      patient: people.map((p) => p.id),
      referral: ids.referral,
      consultation: ids.consultation,
    };
    const answers: Json[] = [];
    const run = async (field: string, args: Record<string, unknown>, argDecl: string, sel: string) => {
      const vars = Object.keys(args).length ? `(${argDecl})` : '';
      const call = Object.keys(args).length
        ? `(${Object.keys(args)
            .map((a) => `${a}: $${a}`)
            .join(', ')})`
        : '';
      const res: GqlResult = await api.gql(
        `query${vars} { ${field}${call} ${sel ? `{ ${sel} }` : ''} }`,
        args,
        token,
      );
      if (res.data) answers.push(res.data as Json);
      return res.data?.[field] as { pageInfo?: { hasNextPage: boolean; endCursor: string } } | undefined;
    };
    for (const f of Object.values(query.getFields())) {
      const sel = selectAll(f.type, 5);
      if (sel === null) continue;
      const required = f.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      if (required.length) {
        if (byId[f.name]) {
          for (const id of byId[f.name]) await run(f.name, { id }, '$id: ID!', sel);
        } else {
          // A query that needs arguments this test does not know must not carry patients.
          expect({ query: f.name, carriesPatient: carriesPatient(f.type) }).toEqual({
            query: f.name,
            carriesPatient: false,
          });
        }
        continue;
      }
      // Lists: every page, and every value of enum arguments that choose a view (the referral boxes).
      const enumArg = f.args.find((a) => a.name === 'box');
      const boxType = enumArg && getNamedType(enumArg.type);
      const boxes = boxType && isEnumType(boxType) ? boxType.getValues().map((v) => v.name) : [];
      for (const box of boxes.length ? boxes : [undefined]) {
        const paged = f.args.some((a) => a.name === 'first');
        let after: string | undefined;
        for (let page = 0; page < 50; page++) {
          const args: Record<string, unknown> = {};
          const decl: string[] = [];
          if (box) {
            args.box = box;
            decl.push(`$box: ${enumArg!.type.toString()}`);
          }
          if (paged) {
            args.first = 100;
            decl.push('$first: Int');
          }
          if (after) {
            args.after = after;
            decl.push('$after: String');
          }
          const out = await run(f.name, args, decl.join(', '), sel);
          if (!out?.pageInfo?.hasNextPage) break;
          after = out.pageInfo.endCursor;
        }
      }
    }
    return answers;
  }

  /** What the attacker gets per patient from everything the role can read. */
  async function attack(token: string) {
    const data = await everythingVisibleTo(token);
    const text = allValues(data);
    return people.map((p) => {
      const objs = patientObjects(data, p.id);
      const candidates = objs.length ? idCandidates(objs, Date.now()) : null;
      return {
        person: p,
        seen: objs.length > 0,
        candidates,
        phones: objs.length ? phoneCandidates(objs) : Infinity,
        // Anything printed elsewhere: the whole number, its hidden digits, the birth date, the phone.
        printed: [p.idNumber, p.idNumber.slice(6, 14), p.birthDate, p.phone].filter((needle) =>
          text.some((v) => v.includes(needle)),
        ),
      };
    });
  }

  it('knows every field of the patient types (a new field must be taught to the attacker above)', () => {
    const fields = (name: string) =>
      Object.keys((schema.getType(name) as GraphQLObjectType).getFields()).sort();
    expect(fields('Patient')).toEqual(
      [
        'id',
        'name',
        'sex',
        'birthDate',
        'birthYear',
        'idNumber',
        'phone',
        'masked',
        'residenceDivisionCode',
        'chronicConditions',
        'familyDoctorContract',
        'registeredByInstitutionId',
        'registeredByInstitution',
        'createdAt',
      ].sort(),
    );
    expect(fields('PatientSummary')).toEqual(['birthDate', 'birthYear', 'id', 'name', 'sex']);
  });

  it.each([
    ['the consortium administrator', 'admin', ['elderly', 'newborn']],
    ['the auditor', 'auditor', ['elderly', 'newborn']],
    [
      'the expert (assigned consultations; the partner was granted one patient)',
      'expert',
      ['elderly', 'newborn'],
    ],
    ['the registering clinic’s institution administrator', 'villageAdmin', ['elderly', 'newborn']],
    ['a clinician who also audits, at an unrelated institution', 'clinicianAuditor', ['elderly', 'newborn']],
    ['an unrelated institution administrator', 'instAdmin', []],
  ])('%s cannot rebuild an ID number or phone', async (_label, who, expectSeen) => {
    const results = await attack(tok[who]);
    expect(results.filter((r) => r.seen).map((r) => r.person.label)).toEqual(expectSeen);
    for (const r of results) {
      expect({ patient: r.person.label, printed: r.printed }).toEqual({
        patient: r.person.label,
        printed: [],
      });
      if (!r.seen) continue;
      expect(r.phones).toBeGreaterThanOrEqual(MIN_PHONE_CANDIDATES);
      if (r.candidates === null) continue;
      // The attacker's reasoning holds (the true number is among the candidates), and leaves many.
      expect(r.candidates).toContain(r.person.idNumber);
      expect({ patient: r.person.label, candidates: Math.min(r.candidates.length, MIN_CANDIDATES) }).toEqual({
        patient: r.person.label,
        candidates: MIN_CANDIDATES,
      });
    }
  });

  it.each([
    ['the registering clinician', 'villageClinician'],
    ['the receiving hospital’s coordinator (access granted by the referral)', 'coordinator'],
    ['a clinician of the receiving hospital', 'countyClinician'],
  ])('%s is entitled to the full record, and the attacker finds it (control)', async (_label, who) => {
    for (const r of await attack(tok[who])) {
      expect(r.candidates).toEqual([r.person.idNumber]);
      expect(r.phones).toBe(1);
    }
  });
});
