/**
 * Referral api vs a bare Apollo server on the same Postgres, measured in one run.
 *
 *   npm run bench            (builds first if dist/ is missing)
 *
 * Scenarios, each repeated RUNS times with a warm-up, medians reported:
 *   P0: `{ __typename }`           vs  the same on the baseline (the fixed cost of a request), and
 *       on the baseline served through express 5 (the floor of the api's HTTP adapter)
 *   createReferral (submit: true)  vs  baseline insertRow (one INSERT)
 *   coordinator worklist, 50 rows  vs  baseline row(id)   (one SELECT by key), and vs baseline
 *       worklist (the same page as one SELECT with its joins, no access rules: the bare stack's
 *       own cost of the same answer)
 *   createReferral and the baseline INSERT at a fixed offered load (BENCH_RATE, 200 req/s): latency,
 *       open-loop (bench/open-loop.ts: evenly spaced, counted from each request's due time)
 * After the load: idempotency (parallel retries of one key make one referral) and single winner
 * (parallel answers to one referral: one succeeds, the rest CONFLICT) are checked.
 * BENCH_SCENARIOS=p0,create,worklist picks some (all by default). BENCH_WORKER=1 also runs the
 * worker beside the api (it drains the outbox the creates fill). The resident memory of the api
 * (and worker) is sampled during the runs. Results go to bench/results/.
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '@yg/core/config/app-config';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { upReferralInput } from '../test/utils/referrals';
import {
  API_MAIN,
  apiArgs,
  benchEnv,
  cpuUs,
  gql,
  median,
  ROOT,
  rssMb,
  startServer,
  WORKER_MAIN,
} from './common';
import { freshDemoDb } from './demo-db';
import { openLoop } from './open-loop';

const DB_NAME = process.env.BENCH_DB ?? 'yg_bench';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// BENCH_PORT moves all three when another benchmark holds the defaults.
const API_PORT = Number(process.env.BENCH_PORT ?? 4200);
const BASE_PORT = API_PORT - 100;
const BASE_EXPRESS_PORT = API_PORT - 99;
const SCENARIOS = new Set(
  (process.env.BENCH_SCENARIOS ?? 'p0,create,worklist').split(',').map((x) => x.trim()),
);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const WITH_WORKER = process.env.BENCH_WORKER === '1';
// The fixed-rate runs are open-loop (bench/open-loop.ts); BENCH_RATE_TOOL=autocannon measures
// them with autocannon's bursty `overallRate` instead, as the reports before 2026-11-28 10:00 did.
const AUTOCANNON_RATE = process.env.BENCH_RATE_TOOL === 'autocannon';

// Set both (and BENCH_PORT) to run beside another benchmark on the same machine.
const QUEUE_PREFIX = process.env.BENCH_QUEUE_PREFIX ?? 'ygbench';
const env = benchEnv(DB_NAME, QUEUE_PREFIX);

interface Server {
  port: number;
  pid: number;
}

interface RunResult {
  rps: number;
  /** CPU time (user + system) the server process spent per request, in µs. */
  cpuUsPerReq: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Open-loop runs: how late the generator sent (p99, ms). */
  sendLagP99?: number;
}

async function load(
  port: number,
  pid: number,
  body: string,
  token?: string,
  duration = DURATION,
  overallRate?: number,
): Promise<RunResult> {
  const cpuBefore = cpuUs(pid);
  if (overallRate && !AUTOCANNON_RATE) {
    const o = await openLoop({
      port,
      body,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      rate: overallRate,
      durationS: duration,
    });
    return {
      rps: o.rps,
      cpuUsPerReq: (cpuUs(pid) - cpuBefore) / Math.max(o.ok + o.non2xx, 1),
      p50: o.p50,
      p99: o.p99,
      requests: o.ok + o.non2xx,
      non2xx: o.non2xx,
      errors: o.errors,
      sendLagP99: o.sendLagP99,
    };
  }
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    connections: CONNECTIONS,
    duration,
    ...(overallRate ? { overallRate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return {
    rps: r.requests.average,
    cpuUsPerReq: (cpuUs(pid) - cpuBefore) / Math.max(r.requests.total, 1),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/**
 * The guarantees the load must not have bent, checked on the loaded database: 20 parallel
 * retries of one idempotency key make one referral; 10 coordinators' parallel answers to one
 * referral make one winner and CONFLICT for the rest.
 */
async function checkGuarantees(village: string, coordinator: string, input: Record<string, unknown>) {
  const CREATE = `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id state } }`;
  const key = `bench-${Date.now()}`;
  const retries = await Promise.all(
    Array.from({ length: 20 }, () =>
      gql(API_PORT, CREATE, { i: { ...input, idempotencyKey: key } }, village),
    ),
  );
  const ids = new Set(retries.map((d) => d.createReferral.id as string));
  const target = (await gql(API_PORT, CREATE, { i: input }, village)).createReferral.id as string;
  const answers = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const res = await fetch(`http://127.0.0.1:${API_PORT}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator}` },
        body: JSON.stringify(
          i % 2
            ? {
                query: `mutation($i: RejectReferralInput!) { rejectReferral(input: $i) { state } }`,
                variables: { i: { id: target, reasonCode: 'NO_CAPACITY', reason: '床位已满' } },
              }
            : {
                query: `mutation($i: AcceptReferralInput!) { acceptReferral(input: $i) { state } }`,
                variables: {
                  i: {
                    id: target,
                    appointmentAt: new Date(Date.now() + 86_400_000).toISOString(),
                    place: '门诊',
                  },
                },
              },
        ),
      });
      const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      return body.errors ? (body.errors[0].extensions?.code ?? 'ERROR') : 'OK';
    }),
  );
  return {
    idempotentRetries: retries.length,
    idempotentDistinctIds: ids.size,
    answers: answers.length,
    answerWinners: answers.filter((a) => a === 'OK').length,
    answerConflicts: answers.filter((a) => a === 'CONFLICT').length,
  };
}

async function scenario(name: string, server: Server, body: string, token?: string, rate?: number) {
  await load(server.port, server.pid, body, token, WARMUP, rate);
  const runs: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await load(server.port, server.pid, body, token, DURATION, rate));
  const summary = {
    name,
    rps: median(runs.map((r) => r.rps)),
    cpuUsPerReq: median(runs.map((r) => r.cpuUsPerReq)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    runs,
  };
  const lag =
    runs[0].sendLagP99 === undefined ? '' : `  send lag p99 ${median(runs.map((r) => r.sendLagP99!))} ms`;
  process.stdout.write(
    `${name.padEnd(32)} ${summary.rps.toFixed(0).padStart(6)} req/s  ${summary.cpuUsPerReq.toFixed(0).padStart(5)} µs CPU/req  p50 ${summary.p50} ms  p99 ${summary.p99} ms  non2xx ${summary.non2xx}  errors ${summary.errors}${lag}\n`,
  );
  return summary;
}

async function prepare() {
  const ds = await freshDemoDb(loadConfig(env));
  await ds.query(
    `CREATE TABLE bench_row (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await ds.query(`INSERT INTO bench_row (payload) SELECT md5(i::text) FROM generate_series(1, 10000) i`);
  const [{ id: rowId }] = await ds.query(`SELECT id FROM bench_row LIMIT 1`);
  return { ds, rowId: rowId as string };
}

async function main() {
  if (!existsSync(resolve(ROOT, API_MAIN))) execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  execSync(`redis-cli --scan --pattern '${QUEUE_PREFIX}*' | xargs -r redis-cli del > /dev/null`, {
    shell: '/bin/bash',
  });
  const { ds, rowId } = await prepare();
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  // Servers never outlive the run, whatever fails first.
  const children: ChildProcess[] = [];
  process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
  const keep = <T extends ChildProcess | undefined>(c: T): T => {
    if (c) children.push(c);
    return c;
  };
  const api = keep(
    // The metrics listener off: its default port may be another benchmark's.
    await startServer('api', apiArgs(), `http://127.0.0.1:${API_PORT}/health/live`, {
      ...env,
      PORT: String(API_PORT),
      METRICS_PORT: '0',
    }),
  );
  const base = keep(
    await startServer(
      'baseline',
      ['-r', '@swc-node/register', 'bench/baseline-server.ts'],
      `http://127.0.0.1:${BASE_PORT}/`,
      { ...env, PORT: String(BASE_PORT) },
    ),
  );
  const baseExpress = keep(
    SCENARIOS.has('p0')
      ? await startServer(
          'baseline-express',
          ['-r', '@swc-node/register', 'bench/baseline-server.ts'],
          `http://127.0.0.1:${BASE_EXPRESS_PORT}/`,
          { ...env, PORT: String(BASE_EXPRESS_PORT), BASELINE_HTTP: 'express' },
        )
      : undefined,
  );
  const worker = keep(
    WITH_WORKER
      ? await startWorker({
          ...env,
          WORKER_METRICS_PORT: '0',
          AUDIT_CHECKPOINT_DIR: resolve(ROOT, 'bench/results/checkpoints'),
        })
      : undefined,
  );
  const rss: number[] = [];
  const workerRss: number[] = [];
  const sampler = setInterval(() => {
    rss.push(rssMb(api.pid!));
    if (worker) workerRss.push(rssMb(worker.pid!));
  }, 250);
  try {
    const login = async (u: string) =>
      (
        await gql(API_PORT, `mutation($u:String!,$p:String!){ login(username:$u, password:$p){ token } }`, {
          u,
          p: DEMO_PASSWORD,
        })
      ).login.token as string;
    const village = await login('villagedoc');
    const coordinator = await login('coordinator');
    const [{ coordinatorInstitution }] = await ds.query(
      `SELECT institution_id AS "coordinatorInstitution" FROM app_user WHERE username = 'coordinator'`,
    );
    const [{ patient, general }] = await ds.query(
      `SELECT (SELECT p.id FROM patient p JOIN institution i ON i.id = p.registered_by_institution_id WHERE i.name = '邻鄂镇松林村卫生室' LIMIT 1) AS patient,
              (SELECT id FROM institution WHERE name = '黔江中心医院') AS general`,
    );
    const createBody = JSON.stringify({
      query: `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state responseDueAt } }`,
      variables: {
        i: upReferralInput(patient, general),
      },
    });
    const worklistBody = JSON.stringify({
      query: `{ referrals(box: INCOMING, first: 50) { nodes { id number state urgency dueAt responseDueAt
                patient { name sex birthYear } fromInstitution { name } toInstitution { name } } pageInfo { endCursor } } }`,
    });
    const typenameBody = JSON.stringify({ query: '{ __typename }' });
    const insertBody = JSON.stringify({
      query: `mutation { insertRow(payload: "转诊单 benchmark payload") }`,
    });
    const selectBody = JSON.stringify({
      query: `query($id: ID!) { row(id: $id) { id payload } }`,
      variables: { id: rowId },
    });

    const bareWorklistBody = JSON.stringify({
      query: `query($i: ID!) { worklist(institutionId: $i, first: 50) { nodes { id number state urgency dueAt responseDueAt
                patient { name sex birthYear } fromInstitution { name } toInstitution { name } } pageInfo { endCursor } } }`,
      variables: { i: coordinatorInstitution },
    });

    // Every body must succeed before it is hammered.
    await gql(API_PORT, JSON.parse(createBody).query, JSON.parse(createBody).variables, village);
    await gql(API_PORT, JSON.parse(worklistBody).query, {}, coordinator);
    await gql(BASE_PORT, JSON.parse(insertBody).query, {});
    await gql(BASE_PORT, JSON.parse(selectBody).query, JSON.parse(selectBody).variables);
    await gql(BASE_PORT, JSON.parse(bareWorklistBody).query, JSON.parse(bareWorklistBody).variables);

    const apiServer: Server = { port: API_PORT, pid: api.pid! };
    const bare: Server = { port: BASE_PORT, pid: base.pid! };
    const results: Record<string, Awaited<ReturnType<typeof scenario>>> = {};
    if (SCENARIOS.has('p0')) {
      // No token: the fixed path every request takes, without a session lookup.
      results.baseTypename = await scenario('baseline { __typename }', bare, typenameBody);
      results.expressTypename = await scenario(
        'express baseline { __typename }',
        {
          port: BASE_EXPRESS_PORT,
          pid: baseExpress!.pid!,
        },
        typenameBody,
      );
      results.typename = await scenario('api { __typename }', apiServer, typenameBody);
    }
    if (SCENARIOS.has('create')) {
      results.insert = await scenario('baseline INSERT', bare, insertBody);
      results.create = await scenario('createReferral', apiServer, createBody, village);
    }
    if (SCENARIOS.has('worklist')) {
      results.select = await scenario('baseline SELECT by key', bare, selectBody);
      // The create runs grow referral from 0 to thousands of rows within a minute, faster than
      // autovacuum's first look; a live table has statistics, so give it them before reading.
      await ds.query('ANALYZE referral, patient, institution');
      results.bareWorklist = await scenario(
        'baseline worklist (50 rows, one SELECT)',
        bare,
        bareWorklistBody,
      );
      results.worklist = await scenario('worklist (50 rows)', apiServer, worklistBody, coordinator);
    }
    if (SCENARIOS.has('create')) {
      results.insertAtRate = await scenario(`baseline INSERT @${RATE}/s`, bare, insertBody, undefined, RATE);
      results.createAtRate = await scenario(
        `createReferral @${RATE}/s`,
        apiServer,
        createBody,
        village,
        RATE,
      );
    }
    const checks = await checkGuarantees(village, coordinator, JSON.parse(createBody).variables.i);
    const ratio = (a?: { rps: number }, b?: { rps: number }) => (a && b ? a.rps / b.rps : null);
    const [{ n: referrals }] = await ds.query(`SELECT count(*)::int AS n FROM referral`);
    const [{ n: steps }] = await ds.query(`SELECT count(*)::int AS n FROM referral_step`);
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      settings: { connections: CONNECTIONS, durationS: DURATION, warmupS: WARMUP, runs: RUNS },
      results,
      ratios: {
        typenameVsBare: ratio(results.typename, results.baseTypename),
        expressTypenameVsBare: ratio(results.expressTypename, results.baseTypename),
        createVsInsert: ratio(results.create, results.insert),
        worklistVsSelect: ratio(results.worklist, results.select),
        worklistVsBareWorklist: ratio(results.worklist, results.bareWorklist),
      },
      fixedRate: { rate: RATE, insertP99: results.insertAtRate?.p99, createP99: results.createAtRate?.p99 },
      checks,
      apiRssMb: { max: Math.max(...rss), median: median(rss) },
      workerRssMb: worker ? { max: Math.max(...workerRss), median: median(workerRss) } : null,
      referralsInDb: referrals,
      stepsInDb: steps,
    };
    if (checks.idempotentDistinctIds !== 1 || checks.answerWinners !== 1 || checks.answerConflicts !== 9) {
      process.exitCode = 1;
      process.stderr.write('guarantees broken under load\n');
    }
    const file = resolve(ROOT, `bench/results/${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(0)} %`);
    process.stdout.write(
      `\n{ __typename } api / bare = ${pct(report.ratios.typenameVsBare)}` +
        ` (express baseline / bare = ${pct(report.ratios.expressTypenameVsBare)})` +
        `   createReferral / INSERT = ${pct(report.ratios.createVsInsert)}` +
        `   worklist / SELECT = ${pct(report.ratios.worklistVsSelect)}` +
        ` (/ the same page bare = ${pct(report.ratios.worklistVsBareWorklist)})\n` +
        `api RSS max ${report.apiRssMb.max.toFixed(0)} MB` +
        (report.workerRssMb ? `   worker RSS max ${report.workerRssMb.max.toFixed(0)} MB` : '') +
        `\nat ${RATE} req/s: createReferral p99 ${results.createAtRate?.p99 ?? '–'} ms (INSERT p99 ${results.insertAtRate?.p99 ?? '–'} ms)\n` +
        `after the load: ${JSON.stringify(checks)}` +
        `\nreferrals created: ${referrals} (steps ${steps})\nwrote ${file}\n`,
    );
  } finally {
    clearInterval(sampler);
    api.kill('SIGTERM');
    base.kill('SIGTERM');
    worker?.kill('SIGTERM');
    baseExpress?.kill('SIGTERM');
    await ds.destroy();
  }
}

/** The built worker as `npm run start:worker` runs it; ready once its log says so. */
async function startWorker(workerEnv: NodeJS.ProcessEnv) {
  const log = resolve(ROOT, 'bench/results/worker.log');
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${process.env.WORKER_HEAP_MB ?? 160}`, WORKER_MAIN],
    {
      cwd: ROOT,
      env: workerEnv,
      stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')],
    },
  );
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}; see ${log}`);
    if (readFileSync(log, 'utf8').includes('worker ready')) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`worker not ready in 60 s; see ${log}`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
