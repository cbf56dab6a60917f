/**
 * Booking storm: many clinicians booking the same experts' time at once.
 *
 *   npm run bench:storm        (builds first if dist/ is missing or older than the sources)
 *
 * 1. THE API. 10 partner-hospital experts publish 08:00–20:00 every day (30-min sessions);
 *    1,000 REQUESTED consultations with consent (set up through the api as `doctor`): every
 *    fifth an MDT naming 2–3 experts (STORM_MDT_EVERY, 5: ~20 %), the others a video
 *    consultation naming one expert round-robin. Then all 1,000 bookConsultation calls are fired
 *    at once through the built api (STORM_API_PROCESSES=2: two api processes, requests dealt
 *    round-robin, as two replicas behind a balancer), all of them in flight at once
 *    (STORM_HTTP_CONCURRENCY caps it, e.g. 100) over Node's fetch (undici, keep-alive),
 *    with overlapping ranges: starts on a 15-minute grid in 09:00–13:00 tomorrow (Asia/Shanghai),
 *    30/60/90 minutes long. STORM_WARMUPS (2) unmeasured storms with other ranges first (their
 *    correctness is checked like the rest), then STORM_RUNS (3) measured ones; bookings released and consultations
 *    reset to REQUESTED by SQL in between; medians reported. Checked: overlaps (self-join),
 *    deadlocks (pg_stat_database.deadlocks before/after, and the api log), maximality (every
 *    refused range overlaps a booking of its expert), bookings == successes.
 * 2. THE SAME ATTEMPTS AT THE SQL LEVEL, against a fresh copy of consultation_booking (same
 *    exclusion constraint), STORM_PG_CLIENTS (50) pg clients, each attempt in its own transaction:
 *      constraint-only  check, then insert; the exclusion constraint alone guards (23P01/40P01
 *                       counted, the attempt retried up to 5 times);
 *      lock-first       pg_advisory_xact_lock per expert in sorted order, check, insert, each
 *                       its own statement;
 *      one-call         the same in one statement: the migration's reserve_expert_time, copied
 *                       onto the table (what BookingService calls, without the rest of its
 *                       transaction) — the floor of one booking decision at the database.
 *    Once with the API's attempts (~20 % MDT), once with MDT attempts only (2–3 experts each, in
 *    random order; lock-first sorts them), each STORM_RUNS times.
 * Results: bench/results/storm-<timestamp>.json and a table on stdout.
 */
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@yg/core/config/app-config';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { API_MAIN, apiArgs, benchEnv, latencies, median, percentile, ROOT, startServer } from './common';
import { freshDemoDb } from './demo-db';

const DB_NAME = process.env.STORM_DB ?? 'yg_bench_storm';
const ATTEMPTS = Number(process.env.STORM_ATTEMPTS ?? 1000);
const EXPERTS = 10;
const HTTP_CONCURRENCY = Number(process.env.STORM_HTTP_CONCURRENCY ?? ATTEMPTS);
/** Every n-th consultation is an MDT naming 2–3 experts (0: none). */
const MDT_EVERY = Number(process.env.STORM_MDT_EVERY ?? 5);
const SETUP_CONCURRENCY = 20;
const PG_CLIENTS = Number(process.env.STORM_PG_CLIENTS ?? 50);
const RUNS = Number(process.env.STORM_RUNS ?? 3);
/** Unmeasured storms first (other ranges), so the measured runs meet a warmed-up api, as autocannon's warm-up does in `npm run bench`. */
const WARMUPS = Number(process.env.STORM_WARMUPS ?? 2);
/** STORM_SQL=0 skips the SQL side-by-side (e.g. for an extra api-only run); STORM_CONTROLS=0 the controls. */
const SQL_RUNS = process.env.STORM_SQL === '0' ? 0 : RUNS;
const API_PORT = Number(process.env.STORM_PORT ?? 4300);
/** STORM_API_PROCESSES=2: two api processes on consecutive ports, requests dealt round-robin (as two replicas behind a balancer). */
const API_PROCESSES = Math.max(1, Number(process.env.STORM_API_PROCESSES ?? 1));
const API_PORTS = Array.from({ length: API_PROCESSES }, (_, i) => API_PORT + i);
let nextApi = 0;
const TIME_ZONE = 'Asia/Shanghai';
const WINDOW = { startHour: 9, minutes: 240, grid: 15, durations: [30, 60, 90] };
const MAX_TRIES = 5;
/** PG 15 backends flush their statistics when idle, at the latest 10 s later. */
const STATS_SETTLE_MS = 11_000;

/** Its own queue prefix per database, so two storms on one machine do not share Redis keys. */
const QUEUE_PREFIX = DB_NAME === 'yg_bench_storm' ? 'ygstorm' : `ygstorm-${DB_NAME}`;
const env = benchEnv(DB_NAME, QUEUE_PREFIX);
const config = loadConfig(env);

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: the same seed gives the same attempt set. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn` over 0..n-1 with at most `limit` calls in flight. */
async function pool(n: number, limit: number, fn: (i: number, worker: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async (_, w) => {
      while (next < n) await fn(next++, w);
    }),
  );
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const main = resolve(ROOT, API_MAIN);
  const sources = Math.max(newestMtime(resolve(ROOT, 'apps')), newestMtime(resolve(ROOT, 'libs')));
  if (process.env.STORM_BUILD === 'always' || !existsSync(main) || statSync(main).mtimeMs < sources) {
    process.stdout.write('building (npm run build)…\n');
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  }
}

interface GqlBody {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

async function gqlRaw(query: string, variables: Record<string, unknown>, token?: string): Promise<GqlBody> {
  const res = await fetch(`http://127.0.0.1:${API_PORT}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlBody;
}

async function gql(query: string, variables: Record<string, unknown>, token?: string) {
  const body = await gqlRaw(query, variables, token);
  if (body.errors) throw new Error(`${query.slice(0, 50)}…: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

const login = async (u: string) =>
  (
    await gql(`mutation($u:String!,$p:String!){ login(username:$u, password:$p){ token } }`, {
      u,
      p: DEMO_PASSWORD,
    })
  ).login.token as string;

/** A valid 18-digit resident ID (Qianjiang address code) with its check digit. */
function residentId(seq: number): string {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `500114195806${String(10 + (seq % 18)).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`;
  const sum = [...body].reduce((a, d, i) => a + Number(d) * W[i], 0);
  return body + '10X98765432'[sum % 11];
}

// ---------------------------------------------------------------- attempts

interface Attempt {
  consultationId: string;
  experts: string[];
  start: Date;
  end: Date;
}

function tomorrowWindowStart(): DateTime {
  return DateTime.now().setZone(TIME_ZONE).plus({ days: 1 }).startOf('day').set({ hour: WINDOW.startHour });
}

function randomRange(rand: () => number, base: DateTime): { start: Date; end: Date } {
  const d = WINDOW.durations[Math.floor(rand() * WINDOW.durations.length)];
  const slots = (WINDOW.minutes - d) / WINDOW.grid + 1;
  const start = base.plus({ minutes: Math.floor(rand() * slots) * WINDOW.grid });
  return { start: start.toJSDate(), end: start.plus({ minutes: d }).toJSDate() };
}

interface StormConsultation {
  id: string;
  /** The experts it names: one, or 2–3 for an MDT (the first is the round-robin one). */
  experts: string[];
}

/** Attempt i books consultation i for the experts it names. */
function stormAttempts(seed: number, consultations: StormConsultation[]): Attempt[] {
  const rand = rng(seed);
  const base = tomorrowWindowStart();
  return consultations.map((c) => ({
    consultationId: c.id,
    experts: c.experts,
    ...randomRange(rand, base),
  }));
}

/** 2–3 distinct experts, in random order, starting with `first` when given. */
function pickExperts(rand: () => number, experts: string[], first?: string): string[] {
  const k = 2 + Math.floor(rand() * 2);
  const pool = experts.filter((e) => e !== first);
  const picked: string[] = first ? [first] : [];
  while (picked.length < k) picked.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return picked;
}

/** 2–3 distinct experts per attempt, in random order. */
function mdtAttempts(seed: number, consultations: { id: string }[], experts: string[]): Attempt[] {
  const rand = rng(seed);
  const base = tomorrowWindowStart();
  return consultations.map((c) => {
    const picked = pickExperts(rand, experts);
    return { consultationId: c.id, experts: picked, ...randomRange(rand, base) };
  });
}

const overlaps = (a: { start: Date; end: Date }, b: { start: Date; end: Date }) =>
  a.start < b.end && b.start < a.end;

/** Every refused attempt must overlap a booking of one of its experts: nothing was refused for no reason. */
function unexplainedRefusals(
  refused: Attempt[],
  bookings: { expert: string; start: Date; end: Date }[],
): number {
  const byExpert = new Map<string, { start: Date; end: Date }[]>();
  for (const b of bookings) byExpert.set(b.expert, [...(byExpert.get(b.expert) ?? []), b]);
  return refused.filter((a) => !a.experts.some((e) => (byExpert.get(e) ?? []).some((b) => overlaps(a, b))))
    .length;
}

// ---------------------------------------------------------------- database

async function dbDeadlocks(ds: DataSource): Promise<number> {
  const [{ n }] = await ds.query(
    `SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return n;
}

function prepareDb(): Promise<DataSource> {
  return freshDemoDb(config);
}

async function overlapCount(ds: DataSource, table: string): Promise<number> {
  const [{ n }] = await ds.query(
    `SELECT count(*)::int AS n FROM ${table} a JOIN ${table} b
        ON a.practitioner_id = b.practitioner_id AND a.id < b.id AND a.active AND b.active AND a.during && b.during`,
  );
  return n;
}

async function activeBookings(ds: DataSource, table: string) {
  const rows: { expert: string; consultation: string; start: Date; end: Date }[] = await ds.query(
    `SELECT practitioner_id AS expert, consultation_id AS consultation, lower(during) AS start, upper(during) AS "end"
       FROM ${table} WHERE active`,
  );
  return rows;
}

// ---------------------------------------------------------------- 1. the api storm

interface ApiRun {
  run: number;
  seed: number;
  wallMs: number;
  attemptsPerS: number;
  successes: number;
  conflicts: number;
  otherErrors: Record<string, number>;
  deadlocks: { pgStatDatabase: number; apiLog: number };
  overlaps: number;
  unexplainedConflicts: number;
  conflictsNamingOtherExpert: number;
  bookingsInDb: number;
  scheduledInDb: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** CPU seconds the api process used during the storm, and that over the wall time (1.0 = one core busy). */
  apiCpuS: number;
  apiCpuShare: number;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
}

const BOOK = `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { id state } }`;

/** utime + stime of a process, in seconds (clock ticks of 1/100 s). */
function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);
}

function countInLog(needle: RegExp): number {
  return API_PORTS.reduce((n, _, i) => {
    const file = resolve(ROOT, `bench/results/storm-api${i ? `-${i + 1}` : ''}.log`);
    return n + (existsSync(file) ? (readFileSync(file, 'utf8').match(needle) ?? []).length : 0);
  }, 0);
}

type Outcome = { kind: 'ok' | 'CONFLICT' | string; busy?: string; ms: number };

/** One bookConsultation call; the outcome is 'ok', the error code, HTTP_<status> or NETWORK_<code>. */
async function bookRequest(token: string, a: Attempt): Promise<Outcome> {
  const s = performance.now();
  try {
    const port = API_PORTS[nextApi++ % API_PORTS.length];
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: BOOK,
        variables: { i: { id: a.consultationId, start: a.start.toISOString(), end: a.end.toISOString() } },
      }),
    });
    const text = await res.text();
    let body: GqlBody;
    try {
      body = JSON.parse(text) as GqlBody;
    } catch {
      return { kind: `HTTP_${res.status}`, ms: performance.now() - s };
    }
    if (body.data?.bookConsultation?.state === 'SCHEDULED') return { kind: 'ok', ms: performance.now() - s };
    const ext = body.errors?.[0]?.extensions ?? {};
    return {
      kind: String(ext.code ?? `HTTP_${res.status}`),
      busy: ext.busyExpertId,
      ms: performance.now() - s,
    };
  } catch (err) {
    return {
      kind: `NETWORK_${(err as { cause?: { code?: string } }).cause?.code ?? 'ERROR'}`,
      ms: performance.now() - s,
    };
  }
}

/** Every attempt at once (HTTP_CONCURRENCY in flight): outcomes, wall time and the api's CPU seconds. */
async function fireAll(apiPids: number[], token: string, attempts: Attempt[]) {
  const outcome: Outcome[] = new Array(attempts.length);
  const cpu0 = cpuSeconds(apiPids);
  const t0 = performance.now();
  await pool(attempts.length, HTTP_CONCURRENCY, async (i) => {
    outcome[i] = await bookRequest(token, attempts[i]);
  });
  return { outcome, wallMs: performance.now() - t0, apiCpuS: cpuSeconds(apiPids) - cpu0 };
}

async function resetBookings(ds: DataSource) {
  await ds.transaction(async (em) => {
    await em.query(`DELETE FROM consultation_booking`);
    await em.query(`UPDATE consultation_expert SET assigned = false WHERE assigned`);
    await em.query(
      `UPDATE consultation SET state = 'REQUESTED', scheduled_start = NULL, scheduled_end = NULL, mode = NULL,
              meeting_url = NULL, report_due_at = NULL, reminders_sent = '{}' WHERE state <> 'REQUESTED'`,
    );
  });
  await ds.query(`VACUUM ANALYZE consultation_booking`);
  await ds.query(`VACUUM ANALYZE consultation`);
}

async function apiStorm(
  ds: DataSource,
  apiPids: number[],
  run: number,
  seed: number,
  attempts: Attempt[],
  token: string,
  deadlocksBefore: number,
) {
  const DEADLOCK_IN_LOG = /deadlock detected|40P01/g;
  const logDeadlocksBefore = countInLog(DEADLOCK_IN_LOG);
  const loadAvgBefore = loadavg();
  const { outcome, wallMs, apiCpuS } = await fireAll(apiPids, token, attempts);
  const loadAvgAfter = loadavg();

  const refused = attempts.filter((_, i) => outcome[i].kind === 'CONFLICT');
  const otherErrors: Record<string, number> = {};
  for (const o of outcome)
    if (o.kind !== 'ok' && o.kind !== 'CONFLICT') otherErrors[o.kind] = (otherErrors[o.kind] ?? 0) + 1;
  const bookings = await activeBookings(ds, 'consultation_booking');
  const [{ n: scheduled }] = await ds.query(
    `SELECT count(*)::int AS n FROM consultation WHERE state = 'SCHEDULED'`,
  );
  process.stdout.write(
    `  run ${run}: answered in ${(wallMs / 1000).toFixed(2)} s; waiting ${STATS_SETTLE_MS / 1000} s for pg statistics…\n`,
  );
  await sleep(STATS_SETTLE_MS);
  const deadlocksAfter = await dbDeadlocks(ds);
  const result: ApiRun = {
    run,
    seed,
    wallMs,
    attemptsPerS: attempts.length / (wallMs / 1000),
    successes: outcome.filter((o) => o.kind === 'ok').length,
    conflicts: refused.length,
    otherErrors,
    deadlocks: {
      pgStatDatabase: deadlocksAfter - deadlocksBefore,
      apiLog: countInLog(DEADLOCK_IN_LOG) - logDeadlocksBefore,
    },
    overlaps: await overlapCount(ds, 'consultation_booking'),
    unexplainedConflicts: unexplainedRefusals(refused, bookings),
    conflictsNamingOtherExpert: attempts.filter(
      (a, i) => outcome[i].kind === 'CONFLICT' && outcome[i].busy !== a.experts[0],
    ).length,
    bookingsInDb: bookings.length,
    scheduledInDb: scheduled,
    latencyMs: latencies(
      outcome.map((o) => o.ms),
      [50, 95, 99] as const,
    ),
    apiCpuS,
    apiCpuShare: apiCpuS / (wallMs / 1000),
    loadAvgBefore,
    loadAvgAfter,
  };
  return { result, deadlocksAfter };
}

/** The k-th booking in the control: 30 minutes, 08:00 + k·30 min from tomorrow, 20 a day, never overlapping. */
function freeRange(k: number): { start: Date; end: Date } {
  const start = tomorrowWindowStart()
    .set({ hour: 8 })
    .plus({ days: Math.floor(k / 20), minutes: (k % 20) * 30 });
  return { start: start.toJSDate(), end: start.plus({ minutes: 30 }).toJSDate() };
}

/**
 * Where the time goes: SEQ bookings one at a time that succeed, SEQ that conflict (same expert,
 * same range), then a storm like the real one but with ranges that never overlap (all succeed:
 * each attempt its own half hour).
 */
async function controls(ds: DataSource, apiPids: number[], consultations: StormConsultation[]) {
  const SEQ = 30;
  await resetBookings(ds);
  let token = await login('doctor');
  const seq = (os: Outcome[]) => ({
    n: os.length,
    kinds: [...new Set(os.map((o) => o.kind))],
    medianMs: median(os.map((o) => o.ms)),
    meanMs: os.reduce((a, o) => a + o.ms, 0) / os.length,
  });
  const singles = consultations.filter((c) => c.experts.length === 1);
  const ok: Outcome[] = [];
  const sequentialAttempts: Attempt[] = [];
  for (let j = 0; j < SEQ; j++) {
    const a = { consultationId: singles[j].id, experts: singles[j].experts, ...freeRange(j) };
    sequentialAttempts.push(a);
    ok.push(await bookRequest(token, a));
  }
  // The same ranges again, each by another consultation naming the same expert.
  const others = singles.slice(SEQ);
  const conflict: Outcome[] = [];
  for (const a of sequentialAttempts) {
    const c = others.splice(
      others.findIndex((o) => o.experts[0] === a.experts[0]),
      1,
    )[0];
    conflict.push(await bookRequest(token, { ...a, consultationId: c.id }));
  }
  await resetBookings(ds);
  token = await login('doctor');
  const attempts = consultations.map((c, i) => ({
    consultationId: c.id,
    experts: c.experts,
    ...freeRange(i),
  }));
  const { outcome, wallMs, apiCpuS } = await fireAll(apiPids, token, attempts);
  const kinds: Record<string, number> = {};
  for (const o of outcome) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  return {
    sequentialSuccess: seq(ok),
    sequentialConflict: seq(conflict),
    noOverlapStorm: {
      wallMs,
      attemptsPerS: attempts.length / (wallMs / 1000),
      outcomes: kinds,
      apiCpuS,
      apiCpuShare: apiCpuS / (wallMs / 1000),
      latencyMs: {
        p50: percentile(
          outcome.map((o) => o.ms),
          50,
        ),
        p99: percentile(
          outcome.map((o) => o.ms),
          99,
        ),
      },
      overlaps: await overlapCount(ds, 'consultation_booking'),
    },
  };
}

// ---------------------------------------------------------------- 2. the SQL side-by-side

type Variant = 'constraint-only' | 'lock-first' | 'one-call';
const VARIANTS: Variant[] = ['constraint-only', 'lock-first', 'one-call'];

interface SqlRun {
  variant: Variant;
  set: 'api' | 'mdt';
  rep: number;
  wallMs: number;
  attemptsPerS: number;
  booked: number;
  refused: number;
  gaveUp: number;
  /** Attempts that gave up although no booking of theirs overlaps them in the end: refused for nothing. */
  gaveUpNeedlessly: number;
  deadlocks40P01: number;
  exclusionViolations23P01: number;
  retries: number;
  pgStatDeadlocks: number;
  overlaps: number;
  unexplainedRefusals: number;
  latencyMs: { p50: number; p99: number; max: number };
}

const TABLE = 'storm_booking';

async function attemptSql(
  c: PoolClient,
  variant: Variant,
  a: Attempt,
  tenantId: string,
  stats: { d: number; x: number; r: number },
) {
  if (variant === 'one-call') {
    // Buffer 0: the range to keep free is the range itself.
    const during = `[${a.start.toISOString()},${a.end.toISOString()})`;
    const { rows } = await c.query(
      `SELECT ${TABLE}_reserve($1, $2, $3::uuid[], $4::tstzrange, $4::tstzrange) AS busy`,
      [tenantId, a.consultationId, a.experts, during],
    );
    return rows[0].busy ? ('refused' as const) : ('booked' as const);
  }
  const experts = variant === 'lock-first' ? [...a.experts].sort() : a.experts;
  for (let tries = 1; ; tries++) {
    try {
      await c.query('BEGIN');
      if (variant === 'lock-first') {
        for (const e of experts)
          await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('expert-booking:' || $1, 0))`, [e]);
      }
      const busy = await c.query(
        `SELECT 1 FROM ${TABLE} WHERE active AND practitioner_id = ANY($1::uuid[]) AND during && tstzrange($2, $3) LIMIT 1`,
        [experts, a.start, a.end],
      );
      if (busy.rowCount) {
        await c.query('ROLLBACK');
        return 'refused' as const;
      }
      await c.query(
        `INSERT INTO ${TABLE} (tenant_id, consultation_id, practitioner_id, during)
         SELECT $1, $2, p, tstzrange($4, $5) FROM unnest($3::uuid[]) WITH ORDINALITY AS u(p, n) ORDER BY n`,
        [tenantId, a.consultationId, experts, a.start, a.end],
      );
      await c.query('COMMIT');
      return 'booked' as const;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      const code = (err as { code?: string }).code;
      if (code === '23P01') stats.x++;
      else if (code === '40P01') stats.d++;
      else throw err;
      if (tries >= MAX_TRIES) return 'gave-up' as const;
      stats.r++;
    }
  }
}

async function sqlRun(
  ds: DataSource,
  variant: Variant,
  set: 'api' | 'mdt',
  rep: number,
  attempts: Attempt[],
  tenantId: string,
): Promise<SqlRun> {
  await ds.query(`TRUNCATE ${TABLE}`);
  const pg = new Pool({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: DB_NAME,
    max: PG_CLIENTS,
    application_name: `storm-${variant}`,
  });
  const clients: PoolClient[] = [];
  for (let i = 0; i < PG_CLIENTS; i++) clients.push(await pg.connect());
  const dlBefore = await dbDeadlocks(ds);
  const stats = { d: 0, x: 0, r: 0 };
  const outcome: { kind: 'booked' | 'refused' | 'gave-up'; ms: number }[] = new Array(attempts.length);
  const t0 = performance.now();
  await pool(attempts.length, PG_CLIENTS, async (i, w) => {
    const s = performance.now();
    const kind = await attemptSql(clients[w], variant, attempts[i], tenantId, stats);
    outcome[i] = { kind, ms: performance.now() - s };
  });
  const wallMs = performance.now() - t0;
  clients.forEach((c) => c.release());
  await pg.end(); // backends flush their statistics as they exit
  let pgStatDeadlocks = 0;
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    pgStatDeadlocks = (await dbDeadlocks(ds)) - dlBefore;
    if (pgStatDeadlocks >= stats.d) break;
  }
  const bookings = await activeBookings(ds, TABLE);
  return {
    variant,
    set,
    rep,
    wallMs,
    attemptsPerS: attempts.length / (wallMs / 1000),
    booked: outcome.filter((o) => o.kind === 'booked').length,
    refused: outcome.filter((o) => o.kind === 'refused').length,
    gaveUp: outcome.filter((o) => o.kind === 'gave-up').length,
    gaveUpNeedlessly: unexplainedRefusals(
      attempts.filter((_, i) => outcome[i].kind === 'gave-up'),
      bookings,
    ),
    deadlocks40P01: stats.d,
    exclusionViolations23P01: stats.x,
    retries: stats.r,
    pgStatDeadlocks,
    overlaps: await overlapCount(ds, TABLE),
    unexplainedRefusals: unexplainedRefusals(
      attempts.filter((_, i) => outcome[i].kind === 'refused'),
      bookings,
    ),
    latencyMs: latencies(
      outcome.map((o) => o.ms),
      [50, 99] as const,
    ),
  };
}

// ---------------------------------------------------------------- main

/** Which code was measured: the sources change under other sessions, so fingerprint the ones that matter. */
function codeFingerprint() {
  const files = [
    'libs/consultations/src/booking.service.ts',
    'libs/consultations/src/scheduling.repository.ts',
    'libs/consultations/src/domain/booking.ts',
    'libs/consultations/src/availability.service.ts',
    'libs/consultations/src/domain/slots.ts',
    'libs/consultations/src/consultation-access.service.ts',
    'libs/consultations/src/consultation-recorder.service.ts',
    'libs/audit/src/audit.service.ts',
    'apps/api/src/graphql/audit.plugin.ts',
  ];
  const main = resolve(ROOT, API_MAIN);
  return {
    distBuiltAt: statSync(main).mtime.toISOString(),
    files: Object.fromEntries(
      files.map((f) => {
        const p = resolve(ROOT, f);
        return [
          f,
          {
            sha256: createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16),
            modified: statSync(p).mtime.toISOString(),
          },
        ];
      }),
    ),
  };
}

function machine() {
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { encoding: 'utf8' }).trim();
    } catch {
      return 'n/a';
    }
  };
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 2 ** 30),
    nproc: sh('nproc'),
    freeG: sh('free -g'),
    uptime: sh('uptime'),
    node: process.version,
  };
}

async function main() {
  ensureBuilt();
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  execSync(`redis-cli --scan --pattern '${QUEUE_PREFIX}*' | xargs -r redis-cli del > /dev/null`, {
    shell: '/bin/bash',
  });
  const startedAt = new Date();
  const code = codeFingerprint();
  const machineBefore = machine();
  process.stdout.write(`preparing ${DB_NAME} (migrate + seed)…\n`);
  const ds = await prepareDb();
  const [{ v: pgVersion }] = await ds.query(`SELECT version() AS v`);
  const pgSettings = Object.fromEntries(
    (
      await ds.query(
        `SELECT name, setting FROM pg_settings WHERE name IN ('max_connections','deadlock_timeout','shared_buffers','synchronous_commit','fsync')`,
      )
    ).map((r: { name: string; setting: string }) => [r.name, r.setting]),
  );
  const [{ tenant: tenantId }] = await ds.query(`SELECT id AS tenant FROM consortium LIMIT 1`);
  const experts: { id: string; name: string; institution: string }[] = await ds.query(
    `SELECT p.id, p.name, i.name AS institution FROM practitioner p JOIN institution i ON i.id = p.institution_id
      WHERE i.kind = 'PARTNER_HOSPITAL' AND p.active ORDER BY i.name, p.licence_number LIMIT ${EXPERTS}`,
  );
  if (experts.length < EXPERTS) throw new Error(`only ${experts.length} partner practitioners in the seed`);

  const api = await startServer('storm-api', apiArgs(), `http://127.0.0.1:${API_PORT}/health/live`, {
    ...env,
    PORT: String(API_PORT),
  });
  const apis = [api];
  for (const port of API_PORTS.slice(1)) {
    apis.push(
      await startServer(`storm-api-${apis.length + 1}`, apiArgs(), `http://127.0.0.1:${port}/health/live`, {
        ...env,
        PORT: String(port),
        // The first process keeps the metrics port; a second listener there would fail to start.
        METRICS_PORT: '0',
      }),
    );
  }
  const apiPids = apis.map((a) => a.pid!);
  const apiRuns: ApiRun[] = [];
  const warmups: ApiRun[] = [];
  let setupMs: number;
  let consultations: StormConsultation[] = [];
  let firstAttempts: Attempt[] = [];
  let control: Awaited<ReturnType<typeof controls>> | undefined;
  try {
    // ---- set-up, through the api
    const admin = await login('admin');
    const doctor = await login('doctor');
    const today = DateTime.now().setZone(TIME_ZONE).toISODate()!;
    const week = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      start: '08:00',
      end: '20:00',
      sessionMinutes: 30,
      mode: 'REMOTE',
      validFrom: today,
    }));
    for (const e of experts) {
      await gql(
        `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { expertId } }`,
        { i: { expertId: e.id, rules: week, exceptions: [] } },
        admin,
      );
    }
    const patientId = (
      await gql(
        `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`,
        {
          i: {
            name: '压测患者',
            idNumber: residentId(Date.now() % 100000),
            phone: '13900000000',
            residenceDivisionCode: '500114101',
            chronicConditions: ['HYPERTENSION'],
          },
        },
        doctor,
      )
    ).registerPatient.id as string;
    const consent = {
      signedBy: '患者本人',
      relationship: '本人',
      signedAt: new Date(Date.now() - 60_000).toISOString(),
      documentUri: 'https://files.example/consent/storm.pdf',
    };
    consultations = new Array(ATTEMPTS);
    process.stdout.write(
      `requesting ${ATTEMPTS} consultations through the api (${SETUP_CONCURRENCY} at a time)…\n`,
    );
    const s0 = performance.now();
    const pickRand = rng(42);
    const named = Array.from({ length: ATTEMPTS }, (_, i) =>
      MDT_EVERY && i % MDT_EVERY === MDT_EVERY - 1
        ? pickExperts(
            pickRand,
            experts.map((e) => e.id),
            experts[i % EXPERTS].id,
          )
        : [experts[i % EXPERTS].id],
    );
    await pool(ATTEMPTS, SETUP_CONCURRENCY, async (i) => {
      const d = await gql(
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id state } }`,
        {
          i: {
            kind: named[i].length > 1 ? 'MDT' : 'VIDEO',
            patientId,
            purpose: '疑难病例会诊',
            caseSummary: '反复消化道出血',
            question: '下一步诊疗方案?',
            urgency: 'ROUTINE',
            expertIds: named[i],
            consent,
          },
        },
        doctor,
      );
      consultations[i] = { id: d.requestConsultation.id, experts: named[i] };
    });
    setupMs = performance.now() - s0;
    await ds.query(`VACUUM ANALYZE`);

    // Every body must succeed before it is hammered: one booking, then undone.
    const probe = stormAttempts(999, consultations.slice(0, 1))[0];
    await gql(
      BOOK,
      { i: { id: probe.consultationId, start: probe.start.toISOString(), end: probe.end.toISOString() } },
      doctor,
    );
    await resetBookings(ds);

    // ---- the storm, RUNS times
    process.stdout.write(`waiting ${STATS_SETTLE_MS / 1000} s for pg statistics to settle…\n`);
    await sleep(STATS_SETTLE_MS);
    let deadlocks = await dbDeadlocks(ds);
    for (let w = 1; w <= WARMUPS; w++) {
      const { result, deadlocksAfter } = await apiStorm(
        ds,
        apiPids,
        -w,
        1000 + w,
        stormAttempts(1000 + w, consultations),
        await login('doctor'),
        deadlocks,
      );
      deadlocks = deadlocksAfter;
      warmups.push(result);
      process.stdout.write(
        `  warm-up ${w}: ${result.successes} booked, ${result.conflicts} CONFLICT, other ${JSON.stringify(result.otherErrors)}, overlaps ${result.overlaps}\n`,
      );
      await resetBookings(ds);
    }
    for (let run = 1; run <= RUNS; run++) {
      if (run > 1) await resetBookings(ds);
      const token = await login('doctor');
      const attempts = stormAttempts(run, consultations);
      if (run === 1) firstAttempts = attempts;
      const { result, deadlocksAfter } = await apiStorm(ds, apiPids, run, run, attempts, token, deadlocks);
      deadlocks = deadlocksAfter;
      apiRuns.push(result);
      process.stdout.write(
        `  run ${run}: ${result.successes} booked, ${result.conflicts} CONFLICT, other ${JSON.stringify(result.otherErrors)}, ` +
          `deadlocks ${result.deadlocks.pgStatDatabase}, overlaps ${result.overlaps}, p99 ${result.latencyMs.p99.toFixed(0)} ms\n`,
      );
    }
    if (process.env.STORM_CONTROLS !== '0') {
      process.stdout.write(`controls: sequential bookings, then a storm with ranges that never overlap…\n`);
      control = await controls(ds, apiPids, consultations);
      process.stdout.write(`  ${JSON.stringify(control)}\n`);
    }
  } finally {
    for (const a of apis) {
      a.kill('SIGTERM');
      await new Promise((r) => (a.exitCode !== null ? r(null) : a.once('exit', r)));
    }
  }

  // ---- SQL side-by-side, against a fresh copy of the bookings table
  await ds.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await ds.query(
    `CREATE TABLE ${TABLE} (LIKE consultation_booking INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
  );
  const [{ def }] = await ds.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${TABLE}'::regclass AND contype = 'x'`,
  );
  // The booking function of the migrations, onto the copy: the api's one-call decision, bare.
  const [{ fn }] = await ds.query(
    `SELECT pg_get_functiondef(p.oid) AS fn FROM pg_proc p WHERE p.proname = 'reserve_expert_time'`,
  );
  await ds.query(
    String(fn)
      .replace(/reserve_expert_time/g, `${TABLE}_reserve`)
      .replace(/consultation_booking/g, TABLE),
  );
  const mdt = mdtAttempts(
    7,
    consultations,
    experts.map((e) => e.id),
  );
  const sqlRuns: SqlRun[] = [];
  process.stdout.write(`\nSQL side-by-side (${PG_CLIENTS} pg clients; ${TABLE}: ${def})\n`);
  for (let rep = 1; rep <= SQL_RUNS; rep++) {
    for (const [set, attempts] of [
      ['api', firstAttempts],
      ['mdt', mdt],
    ] as const) {
      // Alternate which variant goes first, so drift on a shared machine does not favour one.
      const order: Variant[] = rep % 2 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const r = await sqlRun(ds, variant, set, rep, attempts, tenantId);
        sqlRuns.push(r);
        process.stdout.write(
          `  ${set.padEnd(6)} ${variant.padEnd(15)} rep ${rep}: ${r.attemptsPerS.toFixed(0).padStart(5)} att/s  booked ${r.booked}  refused ${r.refused}  ` +
            `40P01 ${r.deadlocks40P01}  23P01 ${r.exclusionViolations23P01}  gave up ${r.gaveUp} (needlessly ${r.gaveUpNeedlessly})  overlaps ${r.overlaps}  unexplained ${r.unexplainedRefusals}\n`,
        );
      }
    }
  }
  const finalUptime = execSync('uptime', { encoding: 'utf8' }).trim();
  await ds.destroy();

  // ---- summary
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const codes = [...new Set(apiRuns.flatMap((r) => Object.keys(r.otherErrors)))];
  const apiSummary = {
    wallMsMedian: median(apiRuns.map((r) => r.wallMs)),
    attemptsPerSMedian: median(apiRuns.map((r) => r.attemptsPerS)),
    successesMedian: median(apiRuns.map((r) => r.successes)),
    conflictsMedian: median(apiRuns.map((r) => r.conflicts)),
    otherErrorsTotal: Object.fromEntries(
      codes.map((c) => [c, sum(apiRuns.map((r) => r.otherErrors[c] ?? 0))]),
    ),
    deadlocksTotal: sum(apiRuns.map((r) => r.deadlocks.pgStatDatabase)),
    overlapsMax: Math.max(...apiRuns.map((r) => r.overlaps)),
    unexplainedConflictsTotal: sum(apiRuns.map((r) => r.unexplainedConflicts)),
    p50MsMedian: median(apiRuns.map((r) => r.latencyMs.p50)),
    p99MsMedian: median(apiRuns.map((r) => r.latencyMs.p99)),
  };
  const targets = {
    medianWithin2_5s: apiSummary.wallMsMedian <= 2500,
    allAnsweredWithin5s: apiRuns.every((r) => r.wallMs <= 5000),
    // Correctness counts the warm-ups too; only time is measured on the runs after them.
    zeroOverlaps: [...apiRuns, ...warmups].every((r) => r.overlaps === 0),
    zeroDeadlocks: [...apiRuns, ...warmups].every(
      (r) => r.deadlocks.pgStatDatabase === 0 && r.deadlocks.apiLog === 0,
    ),
    zeroServerErrors: [...apiRuns, ...warmups].every((r) => Object.keys(r.otherErrors).length === 0),
    maximal: [...apiRuns, ...warmups].every((r) => r.unexplainedConflicts === 0),
  };
  const sqlSummary = (['api', 'mdt'] as const).flatMap((set) =>
    VARIANTS.map((variant) => {
      const rs = sqlRuns.filter((r) => r.set === set && r.variant === variant);
      return {
        set,
        variant,
        attemptsPerSMedian: median(rs.map((r) => r.attemptsPerS)),
        wallMsMedian: median(rs.map((r) => r.wallMs)),
        bookedMedian: median(rs.map((r) => r.booked)),
        deadlocks40P01: rs.map((r) => r.deadlocks40P01),
        exclusionViolations23P01: rs.map((r) => r.exclusionViolations23P01),
        pgStatDeadlocks: rs.map((r) => r.pgStatDeadlocks),
        gaveUp: rs.map((r) => r.gaveUp),
        gaveUpNeedlessly: rs.map((r) => r.gaveUpNeedlessly),
        overlapsMax: Math.max(...rs.map((r) => r.overlaps)),
        unexplainedRefusals: rs.map((r) => r.unexplainedRefusals),
        p99MsMedian: median(rs.map((r) => r.latencyMs.p99)),
      };
    }),
  );
  const report = {
    at: startedAt.toISOString(),
    code,
    machine: { ...machineBefore, uptimeAtEnd: finalUptime, postgres: pgVersion, pgSettings },
    settings: {
      db: DB_NAME,
      attempts: ATTEMPTS,
      experts: experts.map((e) => `${e.name} (${e.institution})`),
      httpConcurrency: HTTP_CONCURRENCY,
      mdt: consultations.filter((c) => c.experts.length > 1).length,
      httpClient:
        'Node fetch (undici, keep-alive), a pool of that many workers: at most that many requests / connections in flight',
      apiProcesses: API_PROCESSES,
      apiDbPoolSize: config.db.poolSize,
      pgClients: PG_CLIENTS,
      runs: RUNS,
      ranges: `starts on a ${WINDOW.grid}-min grid in ${WINDOW.startHour}:00 + ${WINDOW.minutes} min tomorrow (${TIME_ZONE}), durations ${WINDOW.durations.join('/')} min`,
      window: { from: firstAttempts.length ? tomorrowWindowStart().toISO() : null },
      maxTriesSql: MAX_TRIES,
    },
    setup: { requestConsultationMs: setupMs, requestConsultationPerS: ATTEMPTS / (setupMs / 1000) },
    api: { warmups, runs: apiRuns, summary: apiSummary, targets, controls: control ?? null },
    sql: { table: TABLE, constraint: def, runs: sqlRuns, summary: sqlSummary },
  };
  const file = resolve(ROOT, `bench/results/storm-${report.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));

  const f = (n: number, d = 0) => n.toFixed(d);
  const lines = [
    '',
    `API storm: ${ATTEMPTS} bookConsultation (${consultations.filter((c) => c.experts.length > 1).length} MDT), ${EXPERTS} experts, ${HTTP_CONCURRENCY} in flight, ${API_PROCESSES} api process(es), DB pool ${config.db.poolSize} each`,
    'run  wall s  att/s  booked  CONFLICT  other              deadlocks  overlaps  unexplained  p50 ms  p99 ms',
    ...[...warmups, ...apiRuns].map(
      (r) =>
        `${(r.run < 0 ? `w${-r.run}` : String(r.run)).padEnd(4)} ${f(r.wallMs / 1000, 2).padStart(6)} ${f(r.attemptsPerS).padStart(6)} ${String(r.successes).padStart(7)} ${String(r.conflicts).padStart(9)}  ` +
        `${(JSON.stringify(r.otherErrors) === '{}' ? '-' : JSON.stringify(r.otherErrors)).padEnd(18)} ${String(r.deadlocks.pgStatDatabase).padStart(9)} ${String(r.overlaps).padStart(9)} ` +
        `${String(r.unexplainedConflicts).padStart(12)} ${f(r.latencyMs.p50).padStart(7)} ${f(r.latencyMs.p99).padStart(7)}`,
    ),
    `     (w: warm-up, not measured) api CPU per run: ${[...warmups, ...apiRuns].map((r) => `${f(r.apiCpuS, 1)} s (${f(r.apiCpuShare * 100)} % of a core)`).join(', ')}`,
    `med  ${f(apiSummary.wallMsMedian / 1000, 2).padStart(6)} ${f(apiSummary.attemptsPerSMedian).padStart(6)} ${String(apiSummary.successesMedian).padStart(7)} ${String(apiSummary.conflictsMedian).padStart(9)}`,
    `targets: median ≤ 2.5 s ${targets.medianWithin2_5s ? 'YES' : 'NO'} · maximal ${targets.maximal ? 'YES' : 'NO'} · 0 overlaps ${targets.zeroOverlaps ? 'YES' : 'NO'} · ` +
      `0 deadlocks ${targets.zeroDeadlocks ? 'YES' : 'NO'} · 0 server errors ${targets.zeroServerErrors ? 'YES' : 'NO'}`,
    control
      ? `controls: one at a time, success ${f(control.sequentialSuccess.medianMs)} ms, CONFLICT ${f(control.sequentialConflict.medianMs)} ms (medians); ` +
        `${ATTEMPTS} never-overlapping bookings at ${HTTP_CONCURRENCY} in flight: ${f(control.noOverlapStorm.wallMs / 1000, 2)} s, ` +
        `${f(control.noOverlapStorm.attemptsPerS)} /s, ${JSON.stringify(control.noOverlapStorm.outcomes)}, api CPU ${f(control.noOverlapStorm.apiCpuShare * 100)} % of a core`
      : 'controls: n/a',
    '',
    `SQL side-by-side: ${PG_CLIENTS} pg clients, ${RUNS} reps, medians (per-rep lists for errors)`,
    'set     variant          att/s  wall s  booked  40P01        23P01        gave up   overlaps  p99 ms',
    ...sqlSummary.map(
      (s) =>
        `${s.set.padEnd(7)} ${s.variant.padEnd(15)} ${f(s.attemptsPerSMedian).padStart(6)} ${f(s.wallMsMedian / 1000, 2).padStart(7)} ${String(s.bookedMedian).padStart(7)}  ` +
        `${s.deadlocks40P01.join('/').padEnd(12)} ${s.exclusionViolations23P01.join('/').padEnd(12)} ${s.gaveUp.join('/').padEnd(9)} ${String(s.overlapsMax).padStart(8)} ${f(s.p99MsMedian).padStart(7)}`,
    ),
    '',
    `setup: ${ATTEMPTS} requestConsultation at ${SETUP_CONCURRENCY} in flight: ${f(report.setup.requestConsultationPerS)} req/s`,
    `load: before ${machineBefore.uptime}`,
    `      after  ${finalUptime}`,
    `wrote ${file}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
