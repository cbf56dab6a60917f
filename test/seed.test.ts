import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Queue, type RedisOptions as BullRedisOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { DateTime } from 'luxon';
import { AppConfig, dataSourceOptions, QUEUES, redisOptions } from '@yg/core';
import {
  ActivitySummary,
  AssessmentSeedSummary,
  seedActivity,
  seedAssessment,
  seedQianjiang,
  seedVisits,
  VisitSeedSummary,
} from '@yg/seed';
import { CONSORTIUM } from '@yg/seed/qianjiang.data';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { CONTINUITY_DEMO_REFERRAL } from '@yg/seed/drugs/drug.story';
import { addMonths } from '@yg/indicators';
import { currentMonth } from '@yg/indicators/engine/months';
import { drawUnits } from '@yg/assessment';
import { TestApi } from './utils/api';
import { downloadDocument } from './utils/documents';
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
let visits: VisitSeedSummary;
let visitsAgain: VisitSeedSummary;
let rollupsAfterSeed: unknown[];
let rollupsAfterSecondSeed: unknown[];
/** The visit data at a small fraction of the county (the demo runs at 1), through the same code. */
const VISIT_SCALE = 0.003;
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

/** Every rollup row, to compare runs: counts alone would miss a rollup moved by a rerun. */
async function rollups(ds: DataSource): Promise<unknown[]> {
  return ds.query(
    `SELECT 'enc' AS t, to_jsonb(r) AS v FROM encounter_rollup r
     UNION ALL SELECT 'day', to_jsonb(d) FROM encounter_day_rollup d
     UNION ALL SELECT 'ooc', to_jsonb(o) FROM ooc_rollup o ORDER BY 1, 2`,
  );
}

/** Visit data as `db:seed` loads it: as the apps' ordinary role, not the owner. */
async function seedVisitsAsApp(config: AppConfig): Promise<VisitSeedSummary> {
  const ds = new DataSource(dataSourceOptions(config, { entities: [], migrations: [] }));
  await ds.initialize();
  try {
    return await seedVisits(ds, { scale: VISIT_SCALE });
  } finally {
    await ds.destroy();
  }
}

beforeAll(async () => {
  db = await createTestDb();
  await seedQianjiang(db.ds, db.config);
  visits = await seedVisitsAsApp(db.config);
  rollupsAfterSeed = await rollups(db.ds);
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
  visitsAgain = await seedVisitsAsApp(db.config);
  rollupsAfterSecondSeed = await rollups(db.ds);
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
    expect(assessment.groups.map((g: { code: string }) => g.code)).toEqual([
      'COUNTY',
      'CENTRE',
      'TOWNSHIP',
      'VILLAGE',
    ]);
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

  it('attaches uploaded lab reports that the receiving side and the expert download', async () => {
    const download = async (username: string, uri: string) => {
      if (!tokens.has(username)) tokens.set(username, await api.login(username, DEMO_PASSWORD));
      const res = await downloadDocument(api, tokens.get(username)!, uri);
      return {
        status: res.status,
        type: res.headers['content-type'],
        head: (res.body as Buffer).subarray(0, 5),
      };
    };
    const { referrals } = await as(
      'coordinator',
      `{ referrals(first: 100) { nodes { attachments { name uri documentId } } } }`,
    );
    const fromReferral = referrals.nodes.flatMap(
      (n: { attachments: { uri: string; documentId: string | null }[] }) =>
        n.attachments.filter((a) => a.documentId),
    );
    expect(fromReferral.length).toBeGreaterThan(0);
    const { consultations } = await as(
      'expert',
      `{ consultations(first: 50) { nodes { attachments { name uri documentId } } } }`,
    );
    const fromConsultation = consultations.nodes.flatMap(
      (n: { attachments: { uri: string; documentId: string | null }[] }) =>
        n.attachments.filter((a) => a.documentId),
    );
    expect(fromConsultation.length).toBeGreaterThan(0);
    for (const [user, a] of [
      ['coordinator', fromReferral[0]],
      ['expert', fromConsultation[0]],
    ] as const) {
      expect(await download(user, a.uri)).toEqual({
        status: 200,
        type: 'application/pdf',
        head: Buffer.from('%PDF-'),
      });
    }
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

  it('gives the seven-unification scorecard evidence: reviewed at the sub-centre (its rejected statement sent again, awaiting review), awaiting review at the general hospital', async () => {
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
    // The statement was rejected; the one sent again waits for the admin's review.
    expect(dims.FINANCE.outcome).toBe('PARTIAL');
    expect(dims.FINANCE.items[0].reason).toContain('材料待审核 1 份');
    const { unificationEvidence } = await as(
      'admin',
      `{ unificationEvidence(status: PENDING) { evidenceKind } }`,
    );
    expect(unificationEvidence.map((e: { evidenceKind: string }) => e.evidenceKind).sort()).toEqual([
      'COMMITTEE_MINUTES',
      'LEDGER_STATEMENT',
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

describe('db:seed gives the county 24 months of visit data', () => {
  const now = DateTime.now().setZone(CONSORTIUM.timeZone);
  const lastMonth = now.startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');

  it('has every month from 24 months before last month to this one (to yesterday)', async () => {
    const months: { m: string }[] = await db.ds.query(
      `SELECT DISTINCT to_char(occurred_on, 'YYYY-MM') AS m FROM encounter ORDER BY 1`,
    );
    const expected = Array.from({ length: 24 }, (_, i) =>
      now
        .startOf('month')
        .minus({ months: 24 - i })
        .toFormat('yyyy-MM'),
    );
    if (now.day > 1) expected.push(now.toFormat('yyyy-MM'));
    expect(months.map((r) => r.m)).toEqual(expected);
    expect(visits.months).toBe(expected.length);
    const [{ last }] = await db.ds.query(`SELECT max(occurred_on)::text AS last FROM encounter`);
    expect(last <= now.minus({ days: 1 }).toISODate()!).toBe(true);
    expect(visits.encounters).toBeGreaterThan(10_000);
    expect(visits.settlements).toBeGreaterThan(1_000);
    // Every record has its key, pointing at it.
    const [{ unkeyed }] = await db.ds.query(
      `SELECT count(*)::int AS unkeyed FROM encounter e
        WHERE NOT EXISTS (SELECT 1 FROM encounter_key k WHERE k.tenant_id = e.tenant_id AND k.institution_id = e.institution_id
                            AND k.source_system = e.source_system AND k.source_record_id = e.source_record_id
                            AND k.occurred_on = e.occurred_on AND k.content_hash = e.content_hash)`,
    );
    const [{ keys, rows }] = await db.ds.query(
      `SELECT (SELECT count(*)::int FROM encounter_key) AS keys, (SELECT count(*)::int FROM encounter) AS rows`,
    );
    expect({ unkeyed, keys }).toEqual({ unkeyed: 0, keys: rows });
  });

  /** The rollups of a month against sums over its records, written out here from the rules, not from the merge. */
  async function expectRollupsMatchRecords(month: string): Promise<void> {
    const from = `${month}-01`;
    const sums = await db.ds.query(
      `WITH e AS (SELECT * FROM encounter WHERE occurred_on >= $1::date - 62),
       m AS (SELECT $1::date AS s, ($1::date + interval '1 month')::date AS t)
       SELECT i.id AS institution_id,
         (SELECT count(*) FROM e, m WHERE e.institution_id = i.id AND e.kind <> 'INPATIENT' AND e.occurred_on >= s AND e.occurred_on < t)::int AS visits,
         (SELECT count(*) FROM e, m WHERE e.institution_id = i.id AND e.kind <> 'INPATIENT' AND e.resident AND e.occurred_on >= s AND e.occurred_on < t)::int AS visits_resident,
         (SELECT count(*) FROM e, m WHERE e.institution_id = i.id AND e.kind <> 'INPATIENT' AND e.tcm AND e.occurred_on >= s AND e.occurred_on < t)::int AS visits_tcm,
         (SELECT count(*) FROM e, m WHERE e.institution_id = i.id AND e.kind = 'INPATIENT' AND e.occurred_on >= s AND e.occurred_on < t)::int AS admissions,
         (SELECT count(*) FROM e, m WHERE e.institution_id = i.id AND e.kind = 'INPATIENT' AND e.chronic_managed AND e.occurred_on >= s AND e.occurred_on < t)::int AS chronic_admissions,
         (SELECT count(*) FROM e, m WHERE e.institution_id = i.id AND e.discharged_on >= s AND e.discharged_on < t)::int AS discharges,
         (SELECT count(*) FROM e, m WHERE e.institution_id = i.id AND e.insured AND e.resident AND e.discharged_on >= s AND e.discharged_on < t)::int AS discharges_insured_resident,
         (SELECT coalesce(sum(total_cost), 0)::numeric(16,2)::text FROM e, m WHERE e.institution_id = i.id AND e.insured AND e.resident AND e.discharged_on >= s AND e.discharged_on < t) AS inpatient_cost_insured_resident,
         (SELECT coalesce(sum(fund_paid), 0)::numeric(16,2)::text FROM e, m WHERE e.institution_id = i.id AND
            ((e.kind <> 'INPATIENT' AND e.occurred_on >= s AND e.occurred_on < t) OR (e.discharged_on >= s AND e.discharged_on < t))) AS fund_paid,
         (SELECT coalesce(sum(fund_paid), 0)::numeric(16,2)::text FROM e, m WHERE e.institution_id = i.id AND e.insured AND e.resident AND
            ((e.kind <> 'INPATIENT' AND e.occurred_on >= s AND e.occurred_on < t) OR (e.discharged_on >= s AND e.discharged_on < t))) AS fund_paid_insured_resident
         FROM institution i WHERE i.tier <> 'EXTERNAL' ORDER BY i.id`,
      [from],
    );
    const stored = await db.ds.query(
      `SELECT i.id AS institution_id, coalesce(r.visits, 0) AS visits, coalesce(r.visits_resident, 0) AS visits_resident,
              coalesce(r.visits_tcm, 0) AS visits_tcm, coalesce(r.admissions, 0) AS admissions,
              coalesce(r.chronic_admissions, 0) AS chronic_admissions, coalesce(r.discharges, 0) AS discharges,
              coalesce(r.discharges_insured_resident, 0) AS discharges_insured_resident,
              coalesce(r.inpatient_cost_insured_resident, 0)::numeric(16,2)::text AS inpatient_cost_insured_resident,
              coalesce(r.fund_paid, 0)::numeric(16,2)::text AS fund_paid, coalesce(r.fund_paid_insured_resident, 0)::numeric(16,2)::text AS fund_paid_insured_resident
         FROM institution i LEFT JOIN encounter_rollup r ON r.institution_id = i.id AND r.month = $1::date
        WHERE i.tier <> 'EXTERNAL' ORDER BY i.id`,
      [from],
    );
    expect(stored).toEqual(sums);
    expect(sums.some((s: { visits: number }) => s.visits > 0)).toBe(true);
    const [days] = await db.ds.query(
      `SELECT (SELECT jsonb_agg(x ORDER BY x) FROM (SELECT institution_id, day, encounters FROM encounter_day_rollup
                WHERE day >= $1::date AND day < ($1::date + interval '1 month')) x) AS stored,
              (SELECT jsonb_agg(x ORDER BY x) FROM (SELECT institution_id, occurred_on AS day, count(*)::int AS encounters
                FROM encounter WHERE occurred_on >= $1::date AND occurred_on < ($1::date + interval '1 month') GROUP BY 1, 2) x) AS counted`,
      [from],
    );
    expect(days.stored).toEqual(days.counted);
    const [reported] = await db.ds.query(
      `SELECT (SELECT jsonb_object_agg(institution_id, days_reported) FROM encounter_rollup
                WHERE month = $1::date AND days_reported > 0) AS stored,
              (SELECT jsonb_object_agg(institution_id, n) FROM (SELECT institution_id, count(DISTINCT occurred_on)::int AS n
                FROM encounter WHERE occurred_on >= $1::date AND occurred_on < ($1::date + interval '1 month') GROUP BY 1) x) AS counted`,
      [from],
    );
    expect(reported.stored).toEqual(reported.counted);
    const [ooc] = await db.ds.query(
      `SELECT (SELECT to_jsonb(x) FROM (SELECT visits, admissions, cost::text, fund_paid::text FROM ooc_rollup WHERE month = $1::date) x) AS stored,
              (SELECT to_jsonb(x) FROM (SELECT count(*) FILTER (WHERE NOT inpatient)::int AS visits,
                 count(*) FILTER (WHERE inpatient)::int AS admissions, sum(total_cost)::text AS cost, sum(fund_paid)::text AS fund_paid
                 FROM ooc_settlement WHERE settled_on >= $1::date AND settled_on < ($1::date + interval '1 month')) x) AS counted`,
      [from],
    );
    expect(ooc.stored).toEqual(ooc.counted);
  }

  it("keeps last month's rollups equal to sums over its records (admissions by admission day, discharges by discharge day)", async () => {
    await expectRollupsMatchRecords(lastMonth);
    const [{ institutions, discharged }] = await db.ds.query(
      `SELECT count(*) FILTER (WHERE visits > 0)::int AS institutions, count(*) FILTER (WHERE discharges > 0)::int AS discharged
         FROM encounter_rollup WHERE month = $1::date`,
      [`${lastMonth}-01`],
    );
    expect(institutions).toBeGreaterThan(30);
    expect(discharged).toBeGreaterThan(5);
  });

  it('changes no record and no rollup when run again', () => {
    expect(visitsAgain).toEqual({ months: 0, encounters: 0, settlements: 0, statistics: 0, dispatches: 0 });
    expect(rollupsAfterSecondSeed).toEqual(rollupsAfterSeed);
    expect(afterSecondSeed.encounter_key).toBe(afterSeed.encounter_key);
    expect(afterSecondSeed.intake_statistic).toBe(afterSeed.intake_statistic);
  });

  it("gives last month's indicator report values for the visit, settlement and form indicators", async () => {
    const { indicatorReport } = await as(
      'auditor',
      `query($m: String!) { indicatorReport(scope: { kind: CONSORTIUM }, period: { kind: MONTH, month: $m }) {
         results { code value reason } } }`,
      { m: lastMonth },
    );
    const byCode = Object.fromEntries(
      indicatorReport.results.map((r: { code: string }) => [r.code, r]),
    ) as Record<string, { value: number | null; reason: string | null }>;
    for (const code of [
      'N04',
      'N05B',
      'N06',
      'N07',
      'N08',
      'N09',
      'N10A',
      'N10B',
      'N11',
      'N12',
      'N13',
      'N14',
      'C01',
      'C02',
    ]) {
      expect({ code, value: typeof byCode[code].value }).toEqual({ code, value: 'number' });
    }
    // Bounds that hold at any scale (the full county's figures are in the README).
    expect(byCode.N07.value).toBeGreaterThan(45);
    expect(byCode.N07.value).toBeLessThan(70);
    expect(byCode.C01.value).toBeGreaterThan(85);
    expect(byCode.C01.value).toBeLessThan(96);
    const { indicator } = await as(
      'admin',
      `query($m: String!) { indicator(code: "C01", scope: { kind: CONSORTIUM }, period: { kind: MONTH, month: $m },
           trendMonths: 24) { trend { month value } } }`,
      { m: lastMonth },
    );
    expect(indicator.trend).toHaveLength(24);
    expect(indicator.trend.every((t: { value: number | null }) => typeof t.value === 'number')).toBe(true);
  });

  it('adds only the new day when run a day later, its rollups still equal to its records', async () => {
    const tomorrow = now.plus({ days: 1 });
    const ds = new DataSource(dataSourceOptions(db.config, { entities: [], migrations: [] }));
    await ds.initialize();
    let later: VisitSeedSummary;
    try {
      later = await seedVisits(ds, { scale: VISIT_SCALE, now: tomorrow.toJSDate() });
    } finally {
      await ds.destroy();
    }
    const [{ days }] = await db.ds.query(
      `SELECT array_agg(DISTINCT occurred_on::text) AS days FROM encounter WHERE received_at > $1`,
      // Records carry the moment of the run that loaded them.
      [new Date(Date.now() + 3600_000)],
    );
    expect(days).toEqual([now.toISODate()]);
    expect(later.months).toBe(1);
    expect(later.statistics + later.dispatches).toBe(0);
    await expectRollupsMatchRecords(now.toFormat('yyyy-MM'));
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
