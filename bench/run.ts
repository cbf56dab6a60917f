/**
 * Referral api vs a bare Apollo server on the same Postgres, measured in one run.
 *
 *   npm run bench            (builds first if dist/ is missing)
 *
 * Scenarios, each repeated RUNS times with a warm-up, medians reported:
 *   createReferral (submit: true)  vs  baseline insertRow (one INSERT)
 *   coordinator worklist, 50 rows  vs  baseline row(id)   (one SELECT by key)
 *   createReferral and the baseline INSERT at a fixed offered load (BENCH_RATE, 200 req/s): latency
 * After the load: idempotency (parallel retries of one key make one referral) and single winner
 * (parallel answers to one referral: one succeeds, the rest CONFLICT) are checked.
 * The api's resident memory is sampled during the runs. Results go to bench/results/.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import { loadConfig } from '@yg/core/config/app-config';
import { dataSourceOptions, ownerConfig } from '@yg/core/database/data-source-options';
import { dropDatabase } from '@yg/schema/migrate';
import { migrate } from '../apps/cli/src/migrate';
import { seedQianjiang } from '@yg/seed';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { API_MAIN, apiArgs, benchEnv, median, ROOT, startServer } from './common';

const DB_NAME = process.env.BENCH_DB ?? 'yg_bench';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 200);
// Several people may benchmark on one machine: each run needs its own database, ports and queue prefix.
const API_PORT = Number(process.env.BENCH_API_PORT ?? 4200);
const BASE_PORT = Number(process.env.BENCH_BASE_PORT ?? 4100);
const PREFIX = DB_NAME.replace(/_/g, '');

const env = benchEnv(DB_NAME, PREFIX);

interface RunResult {
  rps: number;
  /** CPU time the server spent per request (user + system), from /proc: steadier than rates on a shared machine. */
  cpuMsPerRequest: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function gql(port: number, query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** User + system CPU time of a process so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime, fields 14 and 15 of stat, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const pids = new Map<number, number>();

async function load(
  port: number,
  body: string,
  token?: string,
  duration = DURATION,
  overallRate?: number,
): Promise<RunResult> {
  const cpuBefore = cpuMs(pids.get(port)!);
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
    cpuMsPerRequest: (cpuMs(pids.get(port)!) - cpuBefore) / Math.max(1, r.requests.total),
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

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function scenario(name: string, port: number, body: string, token?: string, rate?: number) {
  await load(port, body, token, WARMUP, rate);
  const runs: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await load(port, body, token, DURATION, rate));
  const summary = {
    name,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    runs,
  };
  process.stdout.write(
    `${name.padEnd(28)} ${summary.rps.toFixed(0).padStart(6)} req/s  p50 ${summary.p50} ms  p99 ${summary.p99} ms  cpu ${summary.cpuMsPerRequest.toFixed(2)} ms/req  non2xx ${summary.non2xx}  errors ${summary.errors}\n`,
  );
  return summary;
}

async function prepare() {
  const config = loadConfig(env);
  await dropDatabase(config);
  await migrate(config);
  // The owner arranges and inspects; the api (and the baseline) connect as the ordinary role.
  const ds = new DataSource(dataSourceOptions(ownerConfig(config), { entities: [], migrations: [] }));
  await ds.initialize();
  await seedQianjiang(ds, config);
  await ds.query(
    `CREATE TABLE bench_row (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await ds.query(`INSERT INTO bench_row (payload) SELECT md5(i::text) FROM generate_series(1, 10000) i`);
  const [{ id: rowId }] = await ds.query(`SELECT id FROM bench_row LIMIT 1`);
  return { ds, rowId: rowId as string };
}

async function main() {
  if (!existsSync(resolve(ROOT, API_MAIN))) execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  execSync(`redis-cli --scan --pattern '${PREFIX}*' | xargs -r redis-cli del > /dev/null`, {
    shell: '/bin/bash',
  });
  const { ds, rowId } = await prepare();
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  const api = await startServer('api', apiArgs(), `http://127.0.0.1:${API_PORT}/health/live`, {
    ...env,
    PORT: String(API_PORT),
  });
  const base = await startServer(
    'baseline',
    ['-r', '@swc-node/register', 'bench/baseline-server.ts'],
    `http://127.0.0.1:${BASE_PORT}/`,
    { ...env, PORT: String(BASE_PORT) },
  );
  pids.set(API_PORT, api.pid!);
  pids.set(BASE_PORT, base.pid!);
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMb(api.pid!)), 250);
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
    const [{ patient, general }] = await ds.query(
      `SELECT (SELECT p.id FROM patient p JOIN institution i ON i.id = p.registered_by_institution_id WHERE i.name = '邻鄂镇松林村卫生室' LIMIT 1) AS patient,
              (SELECT id FROM institution WHERE name = '黔江中心医院') AS general`,
    );
    const createBody = JSON.stringify({
      query: `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state responseDueAt } }`,
      variables: {
        i: {
          patientId: patient,
          direction: 'UP',
          toInstitutionId: general,
          urgency: 'URGENT',
          diagnosisCode: 'I10',
          diagnosisName: '原发性高血压',
          purpose: '血压控制不佳',
          clinicalSummary: '反复头晕 2 周,血压 180/110 mmHg',
          insuranceType: 'URBAN_RURAL_RESIDENT',
          contactPhone: '13800000000',
          attachments: [],
          medicationPlan: [],
          submit: true,
        },
      },
    });
    const worklistBody = JSON.stringify({
      query: `{ referrals(box: INCOMING, first: 50) { nodes { id number state urgency dueAt responseDueAt
                patient { name sex birthYear } fromInstitution { name } toInstitution { name } } pageInfo { endCursor } } }`,
    });
    const insertBody = JSON.stringify({
      query: `mutation { insertRow(payload: "转诊单 benchmark payload") }`,
    });
    const selectBody = JSON.stringify({
      query: `query($id: ID!) { row(id: $id) { id payload } }`,
      variables: { id: rowId },
    });

    // Every body must succeed before it is hammered.
    await gql(API_PORT, JSON.parse(createBody).query, JSON.parse(createBody).variables, village);
    await gql(API_PORT, JSON.parse(worklistBody).query, {}, coordinator);
    await gql(BASE_PORT, JSON.parse(insertBody).query, {});
    await gql(BASE_PORT, JSON.parse(selectBody).query, JSON.parse(selectBody).variables);

    const measured = [
      await scenario('baseline INSERT', BASE_PORT, insertBody),
      await scenario('createReferral', API_PORT, createBody, village),
      await scenario('baseline SELECT by key', BASE_PORT, selectBody),
      // The create runs grow referral from 0 to thousands of rows within a minute, faster than
      // autovacuum's first look; a live table has statistics, so give it them before reading.
      await ds.query('ANALYZE referral, patient, institution').then(() => null),
      await scenario('worklist (50 rows)', API_PORT, worklistBody, coordinator),
      await scenario(`baseline INSERT @${RATE}/s`, BASE_PORT, insertBody, undefined, RATE),
      await scenario(`createReferral @${RATE}/s`, API_PORT, createBody, village, RATE),
    ];
    const results = measured.filter((r) => r !== null);
    const checks = await checkGuarantees(village, coordinator, JSON.parse(createBody).variables.i);
    const [{ n: referrals }] = await ds.query(`SELECT count(*)::int AS n FROM referral`);
    const [{ n: steps }] = await ds.query(`SELECT count(*)::int AS n FROM referral_step`);
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      settings: { connections: CONNECTIONS, durationS: DURATION, warmupS: WARMUP, runs: RUNS },
      results,
      ratios: {
        createVsInsert: results[1].rps / results[0].rps,
        worklistVsSelect: results[3].rps / results[2].rps,
      },
      fixedRate: { rate: RATE, insertP99: results[4].p99, createP99: results[5].p99 },
      checks,
      apiRssMb: { max: Math.max(...rss), median: median(rss) },
      referralsInDb: referrals,
      stepsInDb: steps,
    };
    if (checks.idempotentDistinctIds !== 1 || checks.answerWinners !== 1 || checks.answerConflicts !== 9) {
      process.exitCode = 1;
      process.stderr.write('guarantees broken under load\n');
    }
    const file = resolve(ROOT, `bench/results/${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    process.stdout.write(
      `\ncreateReferral / INSERT = ${(report.ratios.createVsInsert * 100).toFixed(0)} %` +
        `   worklist / SELECT = ${(report.ratios.worklistVsSelect * 100).toFixed(0)} %` +
        `   api RSS max ${report.apiRssMb.max.toFixed(0)} MB\n` +
        `at ${RATE} req/s: createReferral p99 ${results[5].p99} ms (INSERT p99 ${results[4].p99} ms)\n` +
        `after the load: ${JSON.stringify(checks)}\n` +
        `referrals created: ${referrals} (steps ${steps})\nwrote ${file}\n`,
    );
  } finally {
    clearInterval(sampler);
    api.kill('SIGTERM');
    base.kill('SIGTERM');
    await ds.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
