import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Queue, type RedisOptions as BullRedisOptions } from 'bullmq';
import type { DataSource } from 'typeorm';
import { DateTime } from 'luxon';
import { AppConfig, QUEUES, redisOptions } from '@yg/core';
import { ActivitySummary, AssessmentSeedSummary, seedActivity, seedAssessment, seedQianjiang } from '@yg/seed';
import { CONSORTIUM } from '@yg/seed/qianjiang.data';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { CONTINUITY_DEMO_REFERRAL } from '@yg/seed/drugs/drug.story';
import { addMonths } from '@yg/indicators';
import { currentMonth } from '@yg/indicators/engine/months';
import { drawUnits } from '@yg/assessment';
import { TestApi } from './utils/api';
import { createTestDb, TestDb } from './utils/test-db';
import { eventually, startWorker } from './utils/worker';

/**
 * `db:seed` on a fresh database, then what a newcomer does first: the README's queries as the
 * demo users. Each must find something, and a second seed must change nothing.
 */

const ALL_STATES = [
  'DRAFT',
  'SUBMITTED',
  'ACCEPTED',
  'ARRIVED',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
  'NO_SHOW',
];

let db: TestDb;
let api: TestApi;
let first: ActivitySummary;
let second: ActivitySummary;
let firstAssessment: AssessmentSeedSummary;
let secondAssessment: AssessmentSeedSummary;
let afterSeed: Record<string, number>;
let afterWorker: Record<string, number>;
let afterSecondSeed: Record<string, number>;
const tokens = new Map<string, string>();

async function rowCounts(ds: DataSource): Promise<Record<string, number>> {
  const tables: { name: string }[] = await ds.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM "${name}"`);
    out[name] = n;
  }
  return out;
}

async function as<T = Record<string, any>>(username: string, query: string, variables = {}): Promise<T> {
  if (!tokens.has(username)) tokens.set(username, await api.login(username, DEMO_PASSWORD));
  const res = await api.gql<T>(query, variables, tokens.get(username));
  if (res.errors?.length || !res.data) throw new Error(`${username}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** Until the worker has published every outbox row and run every event and every timer that is due. */
async function drained(config: AppConfig, ds: DataSource): Promise<void> {
  const connection = redisOptions(config) as BullRedisOptions;
  const queues = [
    QUEUES.EVENTS,
    QUEUES.TIMERS,
    QUEUES.CONSULTATION_TIMERS,
    QUEUES.DRUG_TASKS,
    QUEUES.DRUG_IMPORTS,
  ].map((name) => new Queue(name, { prefix: config.queuePrefix, connection }));
  try {
    await eventually(async () => {
      // published_at is committed only after Redis took the job: none left means all are queued.
      const [{ n }] = await ds.query(
        `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
      );
      if (n > 0) return false;
      for (const q of queues) {
        // Timers not yet due wait as delayed jobs; events are never delayed.
        const counts = await q.getJobCounts('wait', 'active', 'prioritized');
        if (Object.values(counts).some((c) => c > 0)) return false;
      }
      return true;
    }, 90_000);
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

beforeAll(async () => {
  db = await createTestDb();
  await seedQianjiang(db.ds, db.config);
  first = await seedActivity(db.config);
  firstAssessment = await seedAssessment(db.config);
  afterSeed = await rowCounts(db.ds);
  // The demo starts the worker next: it publishes the seeded outbox rows and runs them.
  const worker = await startWorker(db.config);
  try {
    await drained(db.config, db.ds);
  } finally {
    await worker.close();
  }
  afterWorker = await rowCounts(db.ds);
  await seedQianjiang(db.ds, db.config);
  second = await seedActivity(db.config);
  secondAssessment = await seedAssessment(db.config);
  afterSecondSeed = await rowCounts(db.ds);
  api = await TestApi.start(db.config);
}, 240_000);

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('db:seed puts the demo consortium in motion', () => {
  it('plays referrals in every state, both ways, and consultations through the services', async () => {
    expect(first).toEqual({ patients: 12, referrals: 23, consultations: 9, existing: 0 });
    const states: { state: string; direction: string }[] = await db.ds.query(
      `SELECT DISTINCT state, direction FROM referral`,
    );
    expect(new Set(states.map((s) => s.state))).toEqual(new Set(ALL_STATES));
    expect(new Set(states.map((s) => s.direction))).toEqual(new Set(['UP', 'DOWN']));
    // Every step left its timeline entry and its audit event, as a mutation does.
    const [{ steps, audited }] = await db.ds.query(
      `SELECT (SELECT count(*)::int FROM referral_step) + (SELECT count(*)::int FROM consultation_step) AS steps,
              (SELECT count(*)::int FROM audit_event WHERE entity_type IN ('Referral', 'Consultation')) AS audited`,
    );
    expect(steps).toBeGreaterThan(100);
    expect(audited).toBe(steps);
    // Escalations and the no-show were the worker's checks, run at their moment.
    const system: { action: string }[] = await db.ds.query(
      `SELECT DISTINCT action FROM referral_step WHERE actor_user_id IS NULL`,
    );
    expect(system.map((s) => s.action).sort()).toEqual(['escalate', 'noShow', 'remind']);
    // Each event went through the notification fan-out.
    const [{ unhandled }] = await db.ds.query(
      `SELECT count(*)::int AS unhandled FROM outbox_message o
        WHERE o.queue = 'events' AND NOT EXISTS (SELECT 1 FROM processed_event p WHERE p.message_id = o.id)`,
    );
    expect(unhandled).toBe(0);
  });

  it('leaves the worker nothing to do but publish: every check finds its work done, every event handled', () => {
    const unsealed = (c: Record<string, number>) => {
      const { audit_seal: _seal, audit_pending: _pending, ...rest } = c;
      return rest;
    };
    expect(unsealed(afterWorker)).toEqual(unsealed(afterSeed));
  });

  it('changes nothing when run again', () => {
    expect(second).toEqual({ patients: 0, referrals: 0, consultations: 0, existing: 32 });
    expect(afterSecondSeed).toEqual(afterWorker);
  });

  it("keeps a year's key-task ledger and last month's assessment, published", async () => {
    const month = addMonths(currentMonth(CONSORTIUM.timeZone, new Date()), -1);
    expect(firstAssessment).toEqual({ tasks: 12, matters: 48, published: month });
    expect(secondAssessment).toEqual({ tasks: 0, matters: 0, published: null });
    const { keyTasks } = await as(
      'admin',
      `query($y: Int!) { keyTasks(year: $y) { kind matters { doneAt overdueAt } } }`,
      { y: Number(month.slice(0, 4)) },
    );
    expect(keyTasks).toHaveLength(12);
    expect(keyTasks.filter((k: { kind: string }) => k.kind === 'INDICATOR')).toHaveLength(4);
    const { assessment } = await as(
      'instadmin',
      `query($m: String!) { assessment(month: $m) { state edition groups { code units { rank top bottom } }
         draw { seed units drawn } goodCase { title } badCase { title } } }`,
      { m: month },
    );
    expect(assessment.state).toBe('PUBLISHED');
    expect(assessment.groups.map((g: { code: string }) => g.code)).toEqual(['COUNTY', 'CENTRE', 'TOWNSHIP', 'VILLAGE']);
    expect(drawUnits(assessment.draw.seed, assessment.draw.units, 2)).toEqual(assessment.draw.drawn);
    expect(assessment.goodCase.title).toBeTruthy();
    expect(assessment.badCase.title).toBeTruthy();
    const { notifications } = await as('instadmin', `{ notifications(first: 100) { nodes { kind } } }`);
    expect(notifications.nodes.map((n: { kind: string }) => n.kind)).toContain('assessment.published');
  });

  it('sends nothing to outside channels', async () => {
    const [{ deliveries, queued }] = await db.ds.query(
      `SELECT (SELECT count(*)::int FROM notification_delivery) AS deliveries,
              (SELECT count(*)::int FROM outbox_message WHERE queue = 'deliveries') AS queued`,
    );
    expect({ deliveries, queued }).toEqual({ deliveries: 0, queued: 0 });
  });

  it('answers every first query of the README with something, as the user it names', async () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const block = readme.split('Some first queries')[1].split('```graphql')[1].split('```')[0];
    const queries = block
      .trim()
      .split('\n')
      .map((line) => /^(\{.*\})\s+# as (\w+)$/.exec(line.trim()));
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const q of queries) {
      expect(q).not.toBeNull();
      const [, query, username] = q!;
      const data = await as(username, query);
      for (const [field, value] of Object.entries(data)) {
        expect({ query, field, found: somethingIn(value) }).toEqual({ query, field, found: true });
      }
    }
  });

  it("fills the coordinator's incoming worklist, with overdue and escalated referrals", async () => {
    const { referrals, referralCounts } = await as(
      'coordinator',
      `{ referrals(box: INCOMING, first: 50) { nodes { state direction } }
         referralCounts(box: INCOMING) { total overdue escalated byState { state count } } }`,
    );
    const states = new Set(referrals.nodes.map((n: { state: string }) => n.state));
    expect(states.size).toBeGreaterThanOrEqual(7);
    expect(referralCounts.overdue).toBeGreaterThan(0);
    expect(referralCounts.escalated).toBeGreaterThan(0);
    expect(
      referralCounts.byState.filter((s: { count: number }) => s.count > 0).length,
    ).toBeGreaterThanOrEqual(7);
  });

  it('gives the village doctor sent referrals (a draft among them) and a down-referral to answer', async () => {
    const { outgoing, incoming } = await as(
      'villagedoc',
      `{ outgoing: referrals(box: OUTGOING, first: 50) { nodes { state } }
         incoming: referrals(box: INCOMING, first: 50) { nodes { state direction } } }`,
    );
    expect(outgoing.nodes.map((n: { state: string }) => n.state)).toEqual(
      expect.arrayContaining(['DRAFT', 'SUBMITTED', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'NO_SHOW']),
    );
    expect(incoming.nodes).toEqual(expect.arrayContaining([{ state: 'SUBMITTED', direction: 'DOWN' }]));
  });

  it('gives the expert published hours, coming sessions and a signed report', async () => {
    const { me } = await as('expert', `{ me { practitionerId } }`);
    const { consultations, expertAvailability } = await as(
      'expert',
      `query($e: ID!) {
         consultations(first: 20) { nodes { state scheduledStart reports { signedAt contentHash } } }
         expertAvailability(expertId: $e) { rules { weekday start end mode } } }`,
      { e: me.practitionerId },
    );
    const nodes: { state: string; scheduledStart: string | null; reports: { contentHash: string }[] }[] =
      consultations.nodes;
    expect(new Set(nodes.map((n) => n.state))).toEqual(
      new Set(['REQUESTED', 'SCHEDULED', 'IN_PROGRESS', 'REPORTED', 'COMPLETED', 'DECLINED', 'CANCELLED']),
    );
    const coming = nodes.filter((n) => n.state === 'SCHEDULED');
    expect(coming.every((n) => new Date(n.scheduledStart!) > new Date())).toBe(true);
    expect(nodes.find((n) => n.state === 'REPORTED')!.reports[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(expertAvailability.rules.length).toBeGreaterThan(0);
  });

  it('leaves unread notifications in the demo users’ inboxes, dated by their events', async () => {
    for (const user of ['doctor', 'coordinator', 'villagedoc', 'towndoc', 'expert', 'admin']) {
      const { notifications } = await as(user, `{ notifications(unreadOnly: true) { unreadCount } }`);
      expect({ user, unread: notifications.unreadCount > 0 }).toEqual({ user, unread: true });
    }
    const { notifications } = await as('doctor', `{ notifications(first: 100) { nodes { createdAt } } }`);
    const times = notifications.nodes.map((n: { createdAt: string }) => new Date(n.createdAt).getTime());
    expect(times[0]).toBeGreaterThan(Date.now() - 86_400_000);
    expect(times[times.length - 1]).toBeLessThan(DateTime.now().startOf('month').toMillis());
  });

  it('closes last month with completed referrals and consultations', async () => {
    const thisMonth = DateTime.now().setZone(CONSORTIUM.timeZone).startOf('month');
    const { referralCounts } = await as(
      'admin',
      `query($from: DateTime!, $to: DateTime!) {
         referralCounts(box: ALL, from: $from, to: $to) { byState { state count } } }`,
      { from: thisMonth.minus({ months: 1 }).toISO(), to: thisMonth.toISO() },
    );
    const completed = referralCounts.byState.find((s: { state: string }) => s.state === 'COMPLETED').count;
    expect(completed).toBeGreaterThanOrEqual(4);
    const [{ n }] = await db.ds.query(
      `SELECT count(*)::int AS n FROM consultation WHERE state = 'COMPLETED' AND created_at >= $1 AND created_at < $2`,
      [thisMonth.minus({ months: 1 }).toJSDate(), thisMonth.toJSDate()],
    );
    expect(n).toBe(2);
  });

  it('gives the seven-unification scorecard evidence: reviewed at the sub-centre, awaiting review at the general hospital', async () => {
    const month = DateTime.now().setZone(CONSORTIUM.timeZone).minus({ months: 1 }).toFormat('yyyy-MM');
    const [{ institution_id: subCentre }] = await db.ds.query(
      `SELECT institution_id FROM unification_evidence WHERE evidence_kind = 'APPOINTMENT_LETTER'`,
    );
    const { sevenUnifications } = await as(
      'instadmin',
      `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) {
         sevenUnifications(scope: $s, period: $p) {
           institutions { dimensions { dimension outcome items { code outcome reason } } } } }`,
      { s: { kind: 'INSTITUTION', institutionId: subCentre }, p: { kind: 'MONTH', month } },
    );
    const dims = Object.fromEntries(
      sevenUnifications.institutions[0].dimensions.map((d: { dimension: string }) => [d.dimension, d]),
    );
    expect(dims.ADMINISTRATION.outcome).toBe('MET');
    expect(dims.FINANCE.outcome).toBe('NOT_MET');
    expect(dims.FINANCE.items[0].reason).toContain('材料均被退回');
    const { unificationEvidence } = await as(
      'admin',
      `{ unificationEvidence(status: PENDING) { evidenceKind } }`,
    );
    expect(unificationEvidence.map((e: { evidenceKind: string }) => e.evidenceKind).sort()).toEqual([
      'COMMITTEE_MINUTES',
      'MUTUAL_RECOGNITION',
    ]);
  });
});

describe('db:seed gives the consortium one drug list and its members’ catalogues', () => {
  const DRUG_TABLES = [
    'drug_code',
    'formulary_item',
    'formulary_item_version',
    'drug_catalogue_import',
    'drug_catalogue_item',
    'drug_mapping',
    'drug_mapping_history',
    'drug_stock',
    'medication_plan_item',
    'medication_continuity_check',
    'medication_continuity_result',
    'supply_request',
    'supply_request_step',
  ];

  it('lists at least 150 items on the unified list, each with its national code in the dictionary', async () => {
    const { formulary } = await as(
      'villagedoc',
      `{ formulary(tier: VILLAGE, first: 5) { nodes { genericName spec } } }`,
    );
    expect(formulary.nodes).toHaveLength(5);
    const [{ items, coded }] = await db.ds.query(
      `SELECT count(*)::int AS items,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM drug_code d WHERE d.code = f.national_code))::int AS coded
         FROM formulary_item f WHERE f.status = 'ACTIVE'`,
    );
    expect(items).toBeGreaterThanOrEqual(150);
    expect(coded).toBe(items);
  });

  it('has five member catalogues, each with confirmed, pending and unmapped items, and stock (some zero)', async () => {
    const rows: { institution: string; status: string; n: number }[] = await db.ds.query(
      `SELECT i.institution_id AS institution, m.status, count(*)::int AS n
         FROM drug_catalogue_item i JOIN drug_mapping m ON m.catalogue_item_id = i.id GROUP BY 1, 2`,
    );
    const by = new Map<string, Set<string>>();
    for (const r of rows) {
      const kind =
        r.status === 'AUTO_CONFIRMED' || r.status === 'CONFIRMED'
          ? 'confirmed'
          : r.status === 'PROPOSED'
            ? 'pending'
            : 'unmapped';
      by.set(r.institution, (by.get(r.institution) ?? new Set()).add(kind));
    }
    expect(by.size).toBe(5);
    for (const kinds of by.values()) expect([...kinds].sort()).toEqual(['confirmed', 'pending', 'unmapped']);
    const [{ imports }] = await db.ds.query(
      `SELECT count(*)::int AS imports FROM drug_catalogue_import WHERE status = 'DONE'`,
    );
    expect(imports).toBe(5);
    // The pharmacist's first review, through the service: audited and kept in the history.
    const decided: { status: string }[] = await db.ds.query(
      `SELECT DISTINCT status FROM drug_mapping WHERE status IN ('CONFIRMED', 'REJECTED')`,
    );
    expect(decided.map((d) => d.status).sort()).toEqual(['CONFIRMED', 'REJECTED']);
    const [{ audited }] = await db.ds.query(
      `SELECT count(*)::int AS audited FROM audit_event WHERE action IN ('drug.mapping.confirm', 'drug.mapping.reject')`,
    );
    expect(audited).toBe(2);
    const [{ stocked, empty }] = await db.ds.query(
      `SELECT count(*) FILTER (WHERE on_hand > 0)::int AS stocked, count(*) FILTER (WHERE on_hand = 0)::int AS empty
         FROM drug_stock`,
    );
    expect(stocked).toBeGreaterThan(50);
    expect(empty).toBeGreaterThan(3);
  });

  it('lets the pharmacist in, to the coverage and the review queue', async () => {
    const { catalogueCoverage, catalogueMappings } = await as(
      'pharmacist',
      `{ catalogueCoverage { total { items mapped pending unmapped } institutions { institution { name } } }
         catalogueMappings(status: PROPOSED, first: 20) { nodes { id } } }`,
    );
    expect(catalogueCoverage.institutions).toHaveLength(5);
    expect(catalogueCoverage.total.pending).toBeGreaterThan(0);
    expect(catalogueMappings.nodes.length).toBeGreaterThan(0);
  });

  it('shows every continuity outcome on the demo down-referral, as checked at submission', async () => {
    const [{ id }] = await db.ds.query(`SELECT id FROM referral WHERE idempotency_key = $1`, [
      `demo-${CONTINUITY_DEMO_REFERRAL}`,
    ]);
    const outcomes: { outcome: string }[] = await db.ds.query(
      `SELECT r.outcome FROM medication_continuity_result r
         JOIN medication_continuity_check c ON c.id = r.check_id
        WHERE c.referral_id = $1 AND c.trigger = 'SUBMISSION'`,
      [id],
    );
    expect(outcomes.map((o) => o.outcome).sort()).toEqual([
      'AVAILABLE',
      'NOT_LISTED',
      'OUT_OF_STOCK',
      'SUBSTITUTE',
      'UNKNOWN',
    ]);
    const { referral } = await as(
      'villagedoc',
      `query($id: ID!) { referral(id: $id) { medicationContinuityChecks { trigger items { outcome } } } }`,
      { id },
    );
    expect(referral.medicationContinuityChecks[0]).toMatchObject({ trigger: 'SUBMISSION' });
    expect(referral.medicationContinuityChecks[0].items).toHaveLength(5);
  });

  it('has supply requests in every state, made through the supply service', async () => {
    const states: { state: string }[] = await db.ds.query(`SELECT DISTINCT state FROM supply_request`);
    expect(states.map((s) => s.state).sort()).toEqual([
      'APPROVED',
      'DISPATCHED',
      'RECEIVED',
      'REJECTED',
      'REQUESTED',
    ]);
    const { supplyRequests } = await as('pharmacist', `{ supplyRequests(first: 20) { nodes { state } } }`);
    expect(supplyRequests.nodes).toHaveLength(5);
  });

  it('closes last month with a 用药衔接率 built from down-referrals with plans', async () => {
    const month = DateTime.now().setZone(CONSORTIUM.timeZone).startOf('month').minus({ months: 1 });
    const { medicationContinuityRate: rate } = await as(
      'pharmacist',
      `query($m: String!) { medicationContinuityRate(month: $m) { numerator denominator items { outcome counted basis } } }`,
      { m: month.toFormat('yyyy-MM') },
    );
    expect(rate.denominator).toBeGreaterThan(0);
    expect(rate.numerator).toBeGreaterThan(0);
  });

  it('changes none of these rows on a second run', () => {
    const pick = (c: Record<string, number>) => Object.fromEntries(DRUG_TABLES.map((t) => [t, c[t]]));
    expect(pick(afterSecondSeed)).toEqual(pick(afterSeed));
    expect(afterSeed.supply_request).toBe(5);
  });
});

/** Whether a top-level answer holds something to look at. */
function somethingIn(value: unknown): boolean {
  if (value == null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value !== 'object') return true;
  const v = value as Record<string, unknown>;
  if ('ok' in v && v.ok !== true) return false;
  if ('unreadCount' in v && !((v.unreadCount as number) > 0)) return false;
  if ('total' in v && !((v.total as number) > 0)) return false;
  if ('nodes' in v) return (v.nodes as unknown[]).length > 0;
  return true;
}
