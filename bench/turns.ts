/**
 * Several api builds against one already loaded benchmark database (run `npm run bench` with the
 * same BENCH_DB first), hammered in turns: CPU time per answered request, medians (the first turn
 * discarded). For before/after on a busy machine, where only comparisons within one sitting hold.
 *
 *   AB_BUILDS=main=/path/to/main/dist/apps/api/apps/api/src/main.js,branch=dist/apps/api/apps/api/src/main.js \
 *   AB_SC=worklist,create AB_TURNS=7 AB_DUR=5 AB_CONN=10 node -r @swc-node/register bench/turns.ts
 *
 * AB_SC also takes p0 (`{ __typename }`), p0auth (the same signed in) and createInvalid (createReferral
 * refused by input validation), to split a mutation's cost by phase.
 * AB_PROF=<dir> writes a V8 CPU profile per build; AB_PORT (4740) is the first build's port.
 * `name=main.js@/path/to/node@--flag …` runs that build with another Node binary and/or extra Node
 * flags (either part may be empty): the same build under two Nodes or two heap settings.
 */
import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { DataSource } from 'typeorm';
import { loadConfig } from '@yg/core/config/app-config';
import { dataSourceOptions, ownerConfig } from '@yg/core/database/data-source-options';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { upReferralInput } from '../test/utils/referrals';
import { apiArgs, benchEnv, cpuUs, gql, median, startServer } from './common';

const env = benchEnv(process.env.BENCH_DB ?? 'yg_bench_cpu', process.env.BENCH_QUEUE_PREFIX ?? 'bcpu');
// name=spec, split at the first '=' only: the spec's Node flags may hold their own.
const builds = (process.env.AB_BUILDS ?? '').split(',').map((s) => {
  const at = s.indexOf('=');
  return [s.slice(0, at), s.slice(at + 1)];
});
const TURNS = Number(process.env.AB_TURNS ?? 4);
const DUR = Number(process.env.AB_DUR ?? 5);
const CONN = Number(process.env.AB_CONN ?? 20);
const SC = (process.env.AB_SC ?? 'worklist,create').split(',');
async function main() {
  const ds = new DataSource(
    dataSourceOptions(ownerConfig(loadConfig(env)), { entities: [], migrations: [] }),
  );
  await ds.initialize();
  const [{ patient, general }] = await ds.query(
    `SELECT (SELECT p.id FROM patient p JOIN institution i ON i.id = p.registered_by_institution_id WHERE i.name = '邻鄂镇松林村卫生室' LIMIT 1) AS patient,
            (SELECT id FROM institution WHERE name = '黔江中心医院') AS general`,
  );
  await ds.query('ANALYZE referral, patient, institution');
  await ds.destroy();
  const children: ChildProcess[] = [];
  process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
  const servers: { name: string; port: number; pid: number; tokens: Record<string, string> }[] = [];
  let port = Number(process.env.AB_PORT ?? 4740);
  for (const [name, spec] of builds) {
    const [main, node, flags = ''] = spec.split('@');
    const execPath = node || process.execPath;
    const args = apiArgs({
      main,
      flags: flags.split(' ').filter(Boolean),
      // '' (not undefined): no profile unless AB_PROF asks, whatever BENCH_CPU_PROF says.
      profileDir: process.env.AB_PROF ? `${process.env.AB_PROF}/${name}` : '',
    });
    const c = await startServer(
      `ab-${name}`,
      args,
      `http://127.0.0.1:${port}/health/live`,
      {
        ...env,
        PORT: String(port),
        METRICS_PORT: '0',
      },
      execPath,
    );
    children.push(c);
    const login = async (u: string) =>
      (
        await gql(
          port,
          `mutation($u:String!,$p:String!){ login(username:$u, password:$p){ token } }`,
          { u, p: DEMO_PASSWORD },
          undefined,
        )
      ).login.token as string;
    servers.push({
      name,
      port,
      pid: c.pid!,
      tokens: { village: await login('villagedoc'), coordinator: await login('coordinator') },
    });
    port++;
  }
  const bodies: Record<string, { body: string; who: string }> = {
    worklist: {
      who: 'coordinator',
      body: JSON.stringify({
        query: `{ referrals(box: INCOMING, first: 50) { nodes { id number state urgency dueAt responseDueAt
                patient { name sex birthYear } fromInstitution { name } toInstitution { name } } pageInfo { endCursor } } }`,
      }),
    },
    create: {
      who: 'village',
      body: JSON.stringify({
        query: `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state responseDueAt } }`,
        variables: {
          i: upReferralInput(patient, general),
        },
      }),
    },
    p0: { who: '', body: JSON.stringify({ query: '{ __typename }' }) },
    // The same empty query signed in: what authentication adds to every request.
    p0auth: { who: 'village', body: JSON.stringify({ query: '{ __typename }' }) },
    // createReferral refused by input validation: the mutation path up to the service.
    createInvalid: {
      who: 'village',
      body: JSON.stringify({
        query: `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state responseDueAt } }`,
        variables: { i: { ...upReferralInput(patient, general), purpose: '' } },
      }),
    },
  };
  const res: Record<string, Record<string, { cpu: number; rps: number }[]>> = {};
  for (let t = 0; t < TURNS; t++) {
    for (const sc of SC) {
      for (const s of t % 2 ? [...servers].reverse() : servers) {
        const b = bodies[sc];
        const before = cpuUs(s.pid);
        const r = await autocannon({
          url: `http://127.0.0.1:${s.port}/graphql`,
          connections: CONN,
          duration: DUR,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(b.who ? { authorization: `Bearer ${s.tokens[b.who]}` } : {}),
          },
          body: b.body,
        });
        const cpu = (cpuUs(s.pid) - before) / Math.max(r.requests.total, 1);
        if (r.non2xx || r.errors) console.log(`!! ${s.name} ${sc} non2xx ${r.non2xx} errors ${r.errors}`);
        console.log(
          `turn ${t} ${sc.padEnd(9)} ${s.name.padEnd(10)} ${r.requests.average.toFixed(0).padStart(6)} req/s ${cpu.toFixed(0).padStart(6)} µs/req  load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
        );
        if (t > 0) ((res[sc] ??= {})[s.name] ??= []).push({ cpu, rps: r.requests.average });
      }
    }
  }
  for (const sc of SC)
    for (const s of servers) {
      const xs = res[sc]?.[s.name] ?? [];
      console.log(
        `MEDIAN ${sc.padEnd(9)} ${s.name.padEnd(10)} ${median(xs.map((x) => x.rps))
          .toFixed(0)
          .padStart(6)} req/s ${median(xs.map((x) => x.cpu))
          .toFixed(0)
          .padStart(6)} µs/req  (${xs.map((x) => x.cpu.toFixed(0)).join(' / ')})`,
      );
    }
  // Peak resident memory of each build over the whole sitting (P6).
  for (const s of servers) {
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${s.pid}/status`, 'utf8'))?.[1];
    console.log(`RSS max ${s.name.padEnd(10)} ${Math.round(Number(hwm) / 1024)} MB`);
  }
  await Promise.all(
    children.map(
      (c) =>
        new Promise((r) => {
          c.once('exit', r);
          c.kill('SIGTERM');
          setTimeout(r, 60000);
        }),
    ),
  );
  process.exit(0);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
