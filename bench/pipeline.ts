/**
 * The event pipeline end to end: referral events from the outbox to inbox rows, socket pushes and
 * webhook deliveries, through the built api and worker, beside a bare BullMQ no-op floor.
 *
 *   npm run bench:pipeline            (builds first if dist/ is missing)
 *
 * Set-up: its own database (migrated, seeded), the built api and the built worker as `npm start`
 * and `npm run start:worker` run them, a local HTTP server standing in for webhook receivers
 * (WEBHOOK_ALLOWED_HOSTS=127.0.0.1), the receiving coordinators' outside channel set to WEBHOOK
 * through the api, and socket.io clients connected with the users' own tokens (the village doctor
 * who sends, every coordinator of the receiving hospital who can log in).
 *
 * Events: BENCH_EVENTS (10,000) real `createReferral` mutations (submitted) are sent through the api
 * while the worker is stopped; the outbox rows they wrote (the `referral.submitted` event and its
 * response-due timer) are kept as a template and taken out of the outbox. Each run inserts copies
 * of those rows (new ids, the timer's delay kept), which is what the service writes; the worker
 * relays and handles them as it would the originals.
 *
 * (a) Throughput, RUNS times: all copies in one INSERT (one commit), then from that commit until
 *     every side effect is done (every inbox row, every push at every client, every delivery SENT
 *     and received); beside it, the bare no-op (bench/pipeline-noop.ts) with the same job count,
 *     and the same no-op in the pipeline's shape (an event job, a timer job, a delivery job per
 *     event, none doing anything): the ceiling of any worker code that keeps those jobs.
 * (b) Latency, RUNS times: copies inserted one referral per statement at BENCH_RATE (200/s) for
 *     BENCH_RATE_SECONDS, commit → push at the clients (`notification` and `referral.updated`).
 * (c) Every run is counted per event: inbox rows, deliveries, webhook receipts, pushes per client;
 *     then once more with the worker SIGKILLed at ~30 % and restarted (BENCH_KILL=0 skips it).
 * (d) api and worker RSS sampled every 250 ms; worker CPU time per event.
 * (e) SQL statements (round trips) the worker sent per event, by kind (bench/count-queries.cjs).
 * BENCH_WORKER_MAIN runs another build of the worker (e.g. main's, built in a second worktree)
 * against the same set-up: each throughput run then measures both, one after the other (the order
 * alternating from run to run), against the same run's no-op floor.
 * BENCH_REDIS_PORT starts a private redis-server on that port for the whole run, so its command
 * statistics (Redis calls per event) count this run alone. BENCH_CPU_PROF=<dir> writes a V8 CPU
 * profile of the worker over the throughput runs.
 */
import { ChildProcess, execFileSync, execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { io, Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { loadConfig } from '@yg/core/config/app-config';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { upReferralInput } from '../test/utils/referrals';
import {
  API_MAIN,
  apiArgs,
  benchEnv,
  cpuUs,
  gql,
  latencies,
  median,
  ROOT,
  rssMb,
  startServer,
  WORKER_MAIN,
} from './common';
import { freshDemoDb } from './demo-db';

const DB_NAME = process.env.BENCH_DB ?? 'yg_bench_pipeline';
const API_PORT = Number(process.env.BENCH_PORT ?? 4300);
const HOOK_PORT = API_PORT - 100;
const QUEUE_PREFIX = process.env.BENCH_QUEUE_PREFIX ?? 'ygpipe';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 15);
const KILL = process.env.BENCH_KILL !== '0';
/** BENCH_PHASES=throughput,rate,kill picks phases (all by default). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'throughput,rate,kill').split(',').map((x) => x.trim()));
const PRIVATE_REDIS = process.env.BENCH_REDIS_PORT ? Number(process.env.BENCH_REDIS_PORT) : undefined;
const DONE_TIMEOUT_MS = Number(process.env.BENCH_DONE_TIMEOUT_MS ?? 900_000);
/** The worker builds measured: this tree's, and another's when BENCH_WORKER_MAIN names one. */
const BUILDS: { name: 'this' | 'other'; main: string }[] = [
  { name: 'this', main: WORKER_MAIN },
  ...(process.env.BENCH_WORKER_MAIN ? [{ name: 'other' as const, main: process.env.BENCH_WORKER_MAIN }] : []),
];
const QUERY_COUNT_FILE = resolve(ROOT, `bench/results/pipeline-queries-${process.pid}.json`);

const env: NodeJS.ProcessEnv = {
  ...benchEnv(DB_NAME, QUEUE_PREFIX),
  ...(PRIVATE_REDIS ? { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(PRIVATE_REDIS), REDIS_DB: '0' } : {}),
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  // The clients' tokens must outlive the run (the longest the api allows): an expired token drops the socket.
  JWT_TTL_SECONDS: '3600',
};
const REDIS_DB = Number(env.REDIS_DB ?? 0);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the clients and the webhook receiver saw, reset per run. */
class Observed {
  /** `${client}|${event}|${referralId}` → arrival times (performance.now()). */
  pushes = new Map<string, number[]>();
  pushCount = 0;
  lastPush = 0;
  /** notificationId → receipts. */
  hooks = new Map<string, number>();
  hookCount = 0;
  lastHook = 0;
  reset() {
    this.pushes.clear();
    this.hooks.clear();
    this.pushCount = this.hookCount = this.lastPush = this.lastHook = 0;
  }
}
const seen = new Observed();

function hookServer(): Promise<HttpServer> {
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          notification: { notificationId: string };
        };
        const id = body.notification.notificationId;
        seen.hooks.set(id, (seen.hooks.get(id) ?? 0) + 1);
        seen.hookCount++;
        seen.lastHook = Date.now();
      } catch {
        /* counted as missing */
      }
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((ok) => server.listen(HOOK_PORT, '127.0.0.1', () => ok(server)));
}

interface Client {
  name: string;
  userId: string;
  institutionId: string;
  socket: Socket;
}

async function connect(name: string, token: string, userId: string, institutionId: string): Promise<Client> {
  const socket = io(`http://127.0.0.1:${API_PORT}`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: true,
  });
  const record = (event: string, referralId: string) => {
    const key = `${name}|${event}|${referralId}`;
    const at = performance.now();
    const list = seen.pushes.get(key);
    if (list) list.push(at);
    else seen.pushes.set(key, [at]);
    seen.pushCount++;
    seen.lastPush = Date.now();
  };
  socket.on('notification', (n: { link: string | null }) =>
    record('notification', (n.link ?? '').split('/').pop()!),
  );
  socket.on('referral.updated', (r: { id: string }) => record('referral.updated', r.id));
  socket.on('auth_error', (e: unknown) => process.stderr.write(`socket ${name}: ${JSON.stringify(e)}\n`));
  await new Promise<void>((ok, fail) => {
    socket.once('connect', () => ok());
    socket.once('connect_error', fail);
  });
  // Admission (rooms joined) completes just after the connection; a join answer proves it.
  for (let i = 0; i < 40; i++) {
    const ans = (await socket.emitWithAck('join', `user:${userId}`)) as { ok: boolean };
    if (ans.ok) break;
    await sleep(50);
  }
  return { name, userId, institutionId, socket };
}

/** The built worker as `npm run start:worker` runs it; ready once its log says so. */
async function startWorker(tag: string, main = WORKER_MAIN): Promise<ChildProcess> {
  const log = resolve(ROOT, `bench/results/pipeline-worker-${tag}.log`);
  const args = [
    `--max-old-space-size=${process.env.WORKER_HEAP_MB ?? 160}`,
    ...(process.env.BENCH_CPU_PROF ? ['-r', resolve(ROOT, 'bench/cpu-profile.cjs')] : []),
    '-r',
    resolve(ROOT, 'bench/count-queries.cjs'),
    main,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...env,
      WORKER_METRICS_PORT: '0',
      AUDIT_CHECKPOINT_DIR: resolve(ROOT, 'bench/results/checkpoints'),
      BENCH_CPU_PROF: process.env.BENCH_CPU_PROF ?? '',
      BENCH_QUERY_COUNT_FILE: QUERY_COUNT_FILE,
    },
    stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')],
  });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}; see ${log}`);
    if (readFileSync(log, 'utf8').includes('worker ready')) return child;
    await sleep(250);
  }
  child.kill('SIGTERM');
  throw new Error(`worker not ready in 60 s; see ${log}`);
}

async function stopChild(c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill(signal);
  await Promise.race([gone, sleep(15_000)]);
}

/** The owner's connection: arranges the run and counts what the pipeline left behind. */
function prepare(): Promise<DataSource> {
  return freshDemoDb(loadConfig(env));
}

interface Expect {
  events: number;
  /** Inbox rows per event. */
  recipients: number;
  /** Deliveries per event (recipients with the WEBHOOK channel). */
  deliveries: number;
  /** Per client: the push events it must see once per referral. */
  perClient: { name: string; events: string[] }[];
}

interface Range {
  minId: string;
  maxId: string;
  referralIds: string[];
}

/** Whether every side effect of the range is visible to the observers (the clients, the receiver). */
function observedComplete(x: Expect, events: number, needPushes: boolean) {
  const pushes = x.perClient.reduce((a, c) => a + c.events.length, 0) * events;
  return (!needPushes || seen.pushCount >= pushes) && seen.hookCount >= x.deliveries * events;
}

/**
 * Until every side effect is seen; `needPushes` false after a crash, where a push is best effort
 * (a handler killed between its commit and its emit loses it; the inbox row is the record).
 */
async function waitDone(
  ds: DataSource,
  x: Expect,
  r: Range,
  events: number,
  needPushes = true,
): Promise<{ endMs: number; complete: boolean }> {
  const deadline = Date.now() + DONE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (observedComplete(x, events, needPushes)) {
      const [row] = await ds.query(
        `SELECT count(*) FILTER (WHERE d.status = 'SENT')::int AS sent,
                (extract(epoch FROM max(d.finished_at)) * 1000)::float8 AS last_sent,
                (extract(epoch FROM max(n.created_at)) * 1000)::float8 AS last_inbox
           FROM notification n LEFT JOIN notification_delivery d ON d.notification_id = n.id
          WHERE n.message_id BETWEEN $1 AND $2`,
        [r.minId, r.maxId],
      );
      if (row.sent >= x.deliveries * events) {
        return {
          endMs: Math.max(seen.lastPush, seen.lastHook, row.last_sent ?? 0, row.last_inbox ?? 0),
          complete: true,
        };
      }
    }
    await sleep(100);
  }
  return { endMs: Date.now(), complete: false };
}

/** Per event: inbox rows, deliveries, receipts and pushes against what each must be. */
async function count(ds: DataSource, x: Expect, r: Range) {
  const [db] = await ds.query(
    `WITH ev AS (SELECT id FROM outbox_message WHERE id BETWEEN $1 AND $2 AND queue = 'events'),
          per AS (SELECT ev.id, count(n.id) AS n FROM ev LEFT JOIN notification n ON n.message_id = ev.id GROUP BY ev.id),
          del AS (SELECT n.id, count(d.id) FILTER (WHERE d.status = 'SENT') AS sent, count(d.id) AS all_d,
                         count(d.id) FILTER (WHERE d.status = 'FAILED') AS failed
                    FROM notification n LEFT JOIN notification_delivery d ON d.notification_id = n.id
                   WHERE n.message_id BETWEEN $1 AND $2 GROUP BY n.id)
     SELECT (SELECT count(*) FROM ev)::int AS events,
            (SELECT count(*) FROM per WHERE n < $3)::int AS events_missing_inbox,
            (SELECT count(*) FROM per WHERE n > $3)::int AS events_extra_inbox,
            (SELECT coalesce(sum(n), 0) FROM per)::int AS inbox_rows,
            (SELECT coalesce(sum(sent), 0) FROM del)::int AS deliveries_sent,
            (SELECT coalesce(sum(failed), 0) FROM del)::int AS deliveries_failed,
            (SELECT coalesce(sum(all_d), 0) FROM del)::int AS deliveries`,
    [r.minId, r.maxId, x.recipients],
  );
  const sent: { id: string }[] = await ds.query(
    `SELECT n.id FROM notification n JOIN notification_delivery d ON d.notification_id = n.id
      WHERE n.message_id BETWEEN $1 AND $2 AND d.status = 'SENT'`,
    [r.minId, r.maxId],
  );
  let hooksMissing = 0;
  for (const s of sent) if (!seen.hooks.has(s.id)) hooksMissing++;
  let hooksDuplicated = 0;
  for (const n of seen.hooks.values()) hooksDuplicated += n - 1;
  let pushesMissing = 0;
  let pushesDuplicated = 0;
  for (const c of x.perClient)
    for (const e of c.events)
      for (const id of r.referralIds) {
        const got = seen.pushes.get(`${c.name}|${e}|${id}`)?.length ?? 0;
        if (got === 0) pushesMissing++;
        else pushesDuplicated += got - 1;
      }
  /** What must hold even across a crash: every inbox row and delivery once, every delivery received. */
  const durableOk =
    db.events === r.referralIds.length &&
    db.events_missing_inbox === 0 &&
    db.events_extra_inbox === 0 &&
    db.deliveries_sent === x.deliveries * r.referralIds.length &&
    db.deliveries === db.deliveries_sent &&
    hooksMissing === 0;
  return {
    ...db,
    webhooksReceived: seen.hookCount,
    webhooksMissing: hooksMissing,
    webhooksDuplicated: hooksDuplicated,
    pushesReceived: seen.pushCount,
    pushesMissing,
    pushesDuplicated,
    durableOk,
    ok: durableOk && pushesMissing === 0 && pushesDuplicated === 0,
  };
}

/** Calls per Redis command so far (the private instance only: the shared one counts everyone's). */
async function redisStats(redis: Redis | undefined): Promise<Record<string, number> | null> {
  if (!redis) return null;
  const info = await redis.info('commandstats');
  const calls: Record<string, number> = {};
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) calls[m[1]] = Number(m[2]);
  return calls;
}

const total = (s: Record<string, number>) => Object.values(s).reduce((a, b) => a + b, 0);

/** Redis calls per event between two snapshots, in all and by command (the top ten). */
function perEvent(a: Record<string, number> | null, b: Record<string, number> | null, n: number) {
  if (!a || !b) return null;
  const by = Object.entries(b)
    .map(([k, v]) => [k, (v - (a[k] ?? 0)) / n] as const)
    .filter(([, v]) => v > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 10);
  return { total: (total(b) - total(a)) / n, byCommand: Object.fromEntries(by) };
}

interface QueryCounts {
  total: number;
  byKind: Record<string, number>;
}

/** The worker's statement counts so far (bench/count-queries.cjs writes them every 200 ms). */
async function queryCounts(): Promise<QueryCounts> {
  await sleep(300);
  try {
    return JSON.parse(readFileSync(QUERY_COUNT_FILE, 'utf8')) as QueryCounts;
  } catch {
    return { total: 0, byKind: {} };
  }
}

/** Statements per event between two snapshots, in all and by kind (the top ten). */
function queriesPerEvent(a: QueryCounts, b: QueryCounts, n: number) {
  const by = Object.entries(b.byKind)
    .map(([k, v]) => [k, (v - (a.byKind[k] ?? 0)) / n] as const)
    .filter(([, v]) => v > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 10);
  return { total: (b.total - a.total) / n, byKind: Object.fromEntries(by) };
}

async function pgCounters(ds: DataSource) {
  const [row] = await ds.query(
    `SELECT xact_commit::bigint AS commits, tup_inserted::bigint AS inserted, tup_updated::bigint AS updated,
            tup_fetched::bigint AS fetched
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  return { commits: Number(row.commits), inserted: Number(row.inserted), updated: Number(row.updated) };
}

async function main() {
  if (!existsSync(resolve(ROOT, API_MAIN)) || !existsSync(resolve(ROOT, WORKER_MAIN)))
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  const children: ChildProcess[] = [];
  process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

  let redisServer: ChildProcess | undefined;
  if (PRIVATE_REDIS) {
    // The same binary and persistence settings as the shared instance (no RDB, no AOF).
    redisServer = spawn(
      'redis-server',
      ['--port', String(PRIVATE_REDIS), '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', openSync(resolve(ROOT, 'bench/results/pipeline-redis.log'), 'w'), 'inherit'],
      },
    );
    children.push(redisServer);
    await sleep(500);
  } else {
    execSync(
      `redis-cli -n ${REDIS_DB} --scan --pattern '${QUEUE_PREFIX}*' | xargs -r redis-cli -n ${REDIS_DB} del > /dev/null`,
      {
        shell: '/bin/bash',
      },
    );
  }
  const statsRedis = PRIVATE_REDIS ? new Redis({ port: PRIVATE_REDIS, host: '127.0.0.1' }) : undefined;

  const ds = await prepare();
  const hooks = await hookServer();
  const api = await startServer('pipeline-api', apiArgs(), `http://127.0.0.1:${API_PORT}/health/live`, {
    ...env,
    PORT: String(API_PORT),
    METRICS_PORT: '0',
  });
  children.push(api);
  const rss = { api: [] as number[], worker: [] as number[] };
  /** Resident memory by phase: the template creates load the api as `npm run bench` does; the rest is the pipeline. */
  let phase = 'setup';
  const rssByPhase: Record<string, { api: number; worker: number }> = {};
  const note = (proc: 'api' | 'worker', mb: number) => {
    rss[proc].push(mb);
    const p = (rssByPhase[phase] ??= { api: 0, worker: 0 });
    p[proc] = Math.max(p[proc], mb);
  };
  let worker: ChildProcess | undefined;
  const sampler = setInterval(() => {
    note('api', rssMb(api.pid!));
    if (worker?.pid && worker.exitCode === null) {
      try {
        note('worker', rssMb(worker.pid));
      } catch {
        /* between kill and restart */
      }
    }
  }, 250);
  const clients: Client[] = [];
  try {
    const login = async (u: string) =>
      (
        await gql(API_PORT, `mutation($u:String!,$p:String!){ login(username:$u, password:$p){ token } }`, {
          u,
          p: DEMO_PASSWORD,
        })
      ).login.token as string;
    const [{ patient, general, village_id }] = await ds.query(
      `SELECT (SELECT p.id FROM patient p JOIN institution i ON i.id = p.registered_by_institution_id WHERE i.name = '邻鄂镇松林村卫生室' LIMIT 1) AS patient,
              (SELECT id FROM institution WHERE name = '黔江中心医院') AS general,
              (SELECT institution_id FROM app_user WHERE username = 'villagedoc') AS village_id`,
    );
    const village = await login('villagedoc');
    const [{ id: villageId }] = await ds.query(`SELECT id FROM app_user WHERE username = 'villagedoc'`);
    // Everyone the referral.submitted event tells: the receiving hospital's coordinators.
    const recipients: { id: string; username: string }[] = await ds.query(
      `SELECT id, username FROM app_user WHERE institution_id = $1 AND active AND 'REFERRAL_COORDINATOR' = ANY(roles) ORDER BY username`,
      [general],
    );
    const withTokens: { id: string; username: string; token: string }[] = [];
    for (const r of recipients) {
      const token = await login(r.username).catch(() => null);
      if (token) withTokens.push({ ...r, token });
    }
    // Their outside channel: the webhook receiver, set through the api as a user would.
    for (const r of withTokens) {
      await gql(
        API_PORT,
        `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { channels } }`,
        { i: { channels: ['WEBHOOK'], webhookUrl: `http://127.0.0.1:${HOOK_PORT}/hook/${r.username}` } },
        r.token,
      );
    }
    clients.push(await connect('villagedoc', village, villageId, village_id));
    for (const r of withTokens) clients.push(await connect(r.username, r.token, r.id, general));
    const expect: Expect = {
      events: EVENTS,
      recipients: recipients.length,
      deliveries: withTokens.length,
      perClient: clients.map((c) => ({
        name: c.name,
        events: c.name === 'villagedoc' ? ['referral.updated'] : ['notification', 'referral.updated'],
      })),
    };
    process.stdout.write(
      `recipients per event: ${recipients.length} (${withTokens.length} with a login: webhook + socket); clients: ${clients.map((c) => c.name).join(', ')}\n`,
    );

    // Template: EVENTS real submissions through the api, the worker not running.
    const createBody = JSON.stringify({
      query: `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
      variables: {
        i: upReferralInput(patient, general),
      },
    });
    phase = 'template creates';
    const made = await autocannon({
      url: `http://127.0.0.1:${API_PORT}/graphql`,
      connections: 20,
      amount: EVENTS,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${village}` },
      body: createBody,
    });
    if (made.non2xx || made.errors)
      throw new Error(`template creates failed: ${made.non2xx} non-2xx, ${made.errors} errors`);
    await ds.query(
      `CREATE TABLE bench_outbox_template AS
         SELECT id, tenant_id, queue, job_name, payload, run_at - created_at AS delay, attempts,
                coalesce(payload->>'aggregateId', payload->>'referralId') AS referral_id
           FROM outbox_message ORDER BY id`,
    );
    await ds.query(`DELETE FROM outbox_message`);
    await ds.query(`CREATE INDEX ON bench_outbox_template (referral_id)`);
    const refs: { referral_id: string }[] = await ds.query(
      `SELECT referral_id FROM bench_outbox_template WHERE queue = 'events' ORDER BY id`,
    );
    if (refs.length !== EVENTS)
      throw new Error(`expected ${EVENTS} events in the template, found ${refs.length}`);
    const [{ payload: samplePayload }] = await ds.query(
      `SELECT payload FROM bench_outbox_template WHERE queue = 'events' LIMIT 1`,
    );
    await ds.query('ANALYZE');
    process.stdout.write(
      `template: ${EVENTS} referrals created through the api (${made.requests.average} req/s)\n`,
    );

    phase = 'worker start';
    let build = BUILDS[0];
    worker = await startWorker('main');
    children.push(worker);
    /**
     * Runs the given build's worker. With two builds every measured run starts a fresh worker,
     * so neither build gets the other's warmed-up process (JIT, connections, cached plans).
     */
    const useBuild = async (b: (typeof BUILDS)[number]) => {
      if (b === build && BUILDS.length === 1) return;
      await stopChild(worker!);
      build = b;
      worker = await startWorker(b.name === 'this' ? 'main' : 'other-build', b.main);
      children.push(worker);
    };

    const insertAll = async () => {
      const t0 = Date.now();
      const [row] = await ds.query(
        `WITH ins AS (
           INSERT INTO outbox_message (tenant_id, queue, job_name, payload, run_at, attempts)
           SELECT tenant_id, queue, job_name, payload, now() + delay, attempts FROM bench_outbox_template ORDER BY id
           RETURNING id)
         SELECT min(id)::text AS min, max(id)::text AS max FROM ins`,
      );
      return {
        t0,
        tCommit: Date.now(),
        range: { minId: row.min, maxId: row.max, referralIds: refs.map((r) => r.referral_id) },
      };
    };

    // (a) Throughput, with a short warm-up of the whole path first.
    const throughput: Record<string, unknown>[] = [];
    const bare: {
      perSec: number;
      cpuUsPerJob: number;
      ms: number;
      rssMb: number;
      redisCallsPerJob: ReturnType<typeof perEvent>;
    }[] = [];
    const shapes: Omit<(typeof bare)[number], 'redisCallsPerJob'>[] = [];
    for (let run = 0; run < (PHASES.has('throughput') ? RUNS : 0); run++) {
      const floor = (shape: 'plain' | 'pipeline') =>
        JSON.parse(
          execFileSync(process.execPath, ['-r', '@swc-node/register', 'bench/pipeline-noop.ts'], {
            cwd: ROOT,
            env: {
              ...env,
              QUEUE_PREFIX: `${QUEUE_PREFIX}-noop`,
              BENCH_NOOP_JOBS: String(EVENTS),
              BENCH_NOOP_PAYLOAD: JSON.stringify(samplePayload),
              BENCH_NOOP_SHAPE: shape,
            },
            encoding: 'utf8',
          }).trim(),
        ) as (typeof bare)[number];
      const before = await redisStats(statsRedis);
      const noop = floor('plain');
      const after = await redisStats(statsRedis);
      noop.redisCallsPerJob = perEvent(before, after, EVENTS);
      bare.push(noop);
      // The same jobs per event as the pipeline, with none of its work: the ceiling of its shape.
      const shape = floor('pipeline');
      shapes.push(shape);
      process.stdout.write(
        `run ${run}: pipeline-shaped no-op ${shape.perSec.toFixed(0)} events/s (${shape.cpuUsPerJob.toFixed(0)} µs CPU/event), ` +
          `${((shape.perSec / noop.perSec) * 100).toFixed(0)} % of the no-op\n`,
      );

      // Both builds in one run when there are two, the order alternating from run to run.
      const order = run % 2 ? [...BUILDS].reverse() : BUILDS;
      for (const b of order) {
        await useBuild(b);
        seen.reset();
        phase = 'throughput';
        const cpu0 = cpuUs(worker!.pid!);
        const pg0 = await pgCounters(ds);
        const r0 = await redisStats(statsRedis);
        const q0 = await queryCounts();
        const load0 = loadavg()[0];
        const { t0, tCommit, range } = await insertAll();
        const done = await waitDone(ds, expect, range, EVENTS);
        const cpu = cpuUs(worker!.pid!) - cpu0;
        const pg1 = await pgCounters(ds);
        const r1 = await redisStats(statsRedis);
        const q1 = await queryCounts();
        const counts = await count(ds, expect, range);
        const res = {
          run,
          build: b.name,
          insertMs: tCommit - t0,
          drainMs: done.endMs - tCommit,
          complete: done.complete,
          perSec: (EVENTS / (done.endMs - tCommit)) * 1000,
          bareRatio: ((EVENTS / (done.endMs - tCommit)) * 1000) / noop.perSec,
          shapeRatio: ((EVENTS / (done.endMs - tCommit)) * 1000) / shape.perSec,
          workerCpuUsPerEvent: cpu / EVENTS,
          workerStatementsPerEvent: queriesPerEvent(q0, q1, EVENTS),
          pgCommitsPerEvent: (pg1.commits - pg0.commits) / EVENTS,
          pgRowsInsertedPerEvent: (pg1.inserted - pg0.inserted) / EVENTS,
          pgRowsUpdatedPerEvent: (pg1.updated - pg0.updated) / EVENTS,
          redisCallsPerEvent: perEvent(r0, r1, EVENTS),
          loadAvg1: load0,
          counts,
        };
        throughput.push(res);
        process.stdout.write(
          `run ${run} (${b.name} build): bare no-op ${noop.perSec.toFixed(0)} jobs/s (${noop.cpuUsPerJob.toFixed(0)} µs CPU/job)  ` +
            `pipeline ${res.perSec.toFixed(0)} events/s (${res.workerCpuUsPerEvent.toFixed(0)} µs worker CPU/event, ` +
            `${res.workerStatementsPerEvent.total.toFixed(1)} statements/event, drain ${(res.drainMs / 1000).toFixed(1)} s)  ` +
            `${(res.bareRatio * 100).toFixed(0)} %  correct: ${counts.ok}  load ${load0.toFixed(1)}\n`,
        );
      }
    }
    await useBuild(BUILDS[0]);
    if (process.env.BENCH_CPU_PROF) worker!.kill('SIGWINCH');

    // (b) Latency at a fixed offered load: one referral's rows per statement, as a service commits them.
    const latency: Record<string, unknown>[] = [];
    const perRun = RATE * RATE_SECONDS;
    for (let run = 0; run < (PHASES.has('rate') ? RUNS : 0); run++) {
      seen.reset();
      const slice = refs.slice(
        (run * perRun) % Math.max(1, EVENTS - perRun + 1),
        ((run * perRun) % Math.max(1, EVENTS - perRun + 1)) + perRun,
      );
      const sent = new Map<string, { send: number; commit: number; id: string }>();
      phase = 'rate';
      const load0 = loadavg()[0];
      const start = performance.now();
      const inFlight: Promise<void>[] = [];
      let next = 0;
      while (next < slice.length) {
        const due = Math.floor((performance.now() - start) / (1000 / RATE)) + 1;
        for (; next < Math.min(due, slice.length); next++) {
          const ref = slice[next].referral_id;
          const send = performance.now();
          inFlight.push(
            ds
              .query(
                `INSERT INTO outbox_message (tenant_id, queue, job_name, payload, run_at, attempts)
                 SELECT tenant_id, queue, job_name, payload, now() + delay, attempts FROM bench_outbox_template
                  WHERE referral_id = $1 ORDER BY id RETURNING id::text, queue`,
                [ref],
              )
              .then((rows: { id: string; queue: string }[]) => {
                sent.set(ref, {
                  send,
                  commit: performance.now(),
                  id: rows.find((r) => r.queue === 'events')!.id,
                });
              }),
          );
        }
        await sleep(1);
      }
      await Promise.all(inFlight);
      const offeredSeconds = (performance.now() - start) / 1000;
      const ids = [...sent.values()].map((s) => BigInt(s.id));
      const range: Range = {
        minId: ids.reduce((a, b) => (a < b ? a : b)).toString(),
        maxId: ids.reduce((a, b) => (a > b ? a : b)).toString(),
        referralIds: slice.map((s) => s.referral_id),
      };
      const done = await waitDone(ds, expect, range, slice.length);
      const counts = await count(ds, expect, range);
      const fromCommit: number[] = [];
      const fromSend: number[] = [];
      const byEvent: Record<string, number[]> = { notification: [], 'referral.updated': [] };
      for (const [key, times] of seen.pushes) {
        const [, event, ref] = key.split('|');
        const s = sent.get(ref);
        if (!s) continue;
        fromCommit.push(times[0] - s.commit);
        fromSend.push(times[0] - s.send);
        byEvent[event]?.push(times[0] - s.commit);
      }
      const res = {
        run,
        events: slice.length,
        offeredPerSec: slice.length / offeredSeconds,
        complete: done.complete,
        commitToPush: latencies(fromCommit, [50, 90, 99] as const),
        sendToPush: latencies(fromSend, [50, 99] as const),
        notificationP99: latencies(byEvent.notification, [50, 99] as const),
        referralUpdatedP99: latencies(byEvent['referral.updated'], [50, 99] as const),
        loadAvg1: load0,
        counts,
      };
      latency.push(res);
      process.stdout.write(
        `rate run ${run}: ${res.offeredPerSec.toFixed(0)} events/s offered, commit → push p50 ${res.commitToPush.p50.toFixed(0)} ms ` +
          `p99 ${res.commitToPush.p99.toFixed(0)} ms max ${res.commitToPush.max.toFixed(0)} ms  correct: ${counts.ok}  load ${load0.toFixed(1)}\n`,
      );
    }

    // (c) The worker killed mid-run and restarted: at least once, nothing twice in Postgres.
    let killRun: Record<string, unknown> | null = null;
    if (KILL && PHASES.has('kill')) {
      seen.reset();
      phase = 'kill';
      const { tCommit, range } = await insertAll();
      const totalPushes = expect.perClient.reduce((a, c) => a + c.events.length, 0) * EVENTS;
      while (seen.pushCount < totalPushes * 0.3 && Date.now() - tCommit < DONE_TIMEOUT_MS) await sleep(20);
      const killedAt = Date.now() - tCommit;
      await stopChild(worker, 'SIGKILL');
      await sleep(1000);
      worker = await startWorker('restarted');
      children.push(worker);
      const done = await waitDone(ds, expect, range, EVENTS, false);
      // A little longer for late pushes before they are counted as lost.
      await sleep(2000);
      const counts = await count(ds, expect, range);
      killRun = { killedAtMs: killedAt, drainMs: done.endMs - tCommit, complete: done.complete, counts };
      process.stdout.write(
        `kill run: killed at ${killedAt} ms, done in ${done.endMs - tCommit} ms, ${JSON.stringify(counts)}\n`,
      );
    }

    const report = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadavg: loadavg() },
      settings: {
        events: EVENTS,
        workerBuilds: BUILDS,
        runs: RUNS,
        rate: RATE,
        rateSeconds: RATE_SECONDS,
        privateRedis: !!PRIVATE_REDIS,
      },
      expect: { recipients: expect.recipients, deliveries: expect.deliveries, clients: expect.perClient },
      summary: {
        barePerSec: median(bare.map((b) => b.perSec)),
        bareCpuUsPerJob: median(bare.map((b) => b.cpuUsPerJob)),
        shapePerSec: median(shapes.map((b) => b.perSec)),
        shapeCpuUsPerEvent: median(shapes.map((b) => b.cpuUsPerJob)),
        shapeRatio: median(shapes.map((b, i) => b.perSec / bare[i].perSec)),
        ...Object.fromEntries(
          BUILDS.map((b) => {
            const mine = throughput.filter((t) => t.build === b.name);
            const of = (k: string) => median(mine.map((t) => t[k] as number));
            return [
              b.name === 'this' ? 'pipeline' : 'otherBuild',
              {
                perSec: of('perSec'),
                ratio: of('bareRatio'),
                ofShape: of('shapeRatio'),
                workerCpuUsPerEvent: of('workerCpuUsPerEvent'),
                workerStatementsPerEvent: median(
                  mine.map((t) => (t.workerStatementsPerEvent as { total: number }).total),
                ),
                pgCommitsPerEvent: of('pgCommitsPerEvent'),
              },
            ];
          }),
        ),
        commitToPushP50: median(latency.map((l) => (l.commitToPush as { p50: number }).p50)),
        commitToPushP99: median(latency.map((l) => (l.commitToPush as { p99: number }).p99)),
        apiRssMb: { max: Math.max(...rss.api), median: median(rss.api) },
        workerRssMb: { max: Math.max(...rss.worker), median: median(rss.worker) },
        maxRssMbByPhase: rssByPhase,
        allCorrect: [...throughput, ...latency].every((t) => (t.counts as { ok: boolean }).ok),
      },
      bare,
      shapes,
      throughput,
      latency,
      killRun,
    };
    const file = resolve(ROOT, `bench/results/pipeline-${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    process.stdout.write(`\n${JSON.stringify(report.summary, null, 2)}\nwrote ${file}\n`);
    if (!report.summary.allCorrect || (killRun && !(killRun.counts as { durableOk: boolean }).durableOk))
      process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    for (const c of clients) c.socket.close();
    if (worker) await stopChild(worker);
    await stopChild(api);
    hooks.close();
    statsRedis?.disconnect();
    await ds.destroy();
    if (redisServer) await stopChild(redisServer);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
