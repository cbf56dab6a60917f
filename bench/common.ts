/** What the benchmarks share: statistics, GraphQL calls, /proc readings and starting the built api the way `npm start` does. */
import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const API_MAIN = 'dist/apps/api/apps/api/src/main.js';

export const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** `{ p50, p99, …, max }` of latencies in ms, for the percentiles asked. */
export function latencies<P extends number>(
  ms: number[],
  ps: readonly P[],
): { [K in P as `p${K}`]: number } & { max: number } {
  return {
    ...Object.fromEntries(ps.map((p) => [`p${p}`, percentile(ms, p)])),
    max: Math.max(...ms),
  } as { [K in P as `p${K}`]: number } & { max: number };
}

/**
 * The environment a benchmark's api runs with: production mode, its own database and queue
 * prefix, an ordinary database role (migrations as the owner, the environment's DB_USER),
 * bench-only secrets, JSON logs at info.
 */
export function benchEnv(dbName: string, queuePrefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    DB_NAME: dbName,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'info',
    DB_MIGRATION_USER: process.env.DB_MIGRATION_USER || process.env.DB_USER || 'postgres',
    DB_MIGRATION_PASSWORD: process.env.DB_MIGRATION_PASSWORD ?? process.env.DB_PASSWORD ?? '',
    DB_USER: 'yg_bench_app',
    DB_PASSWORD: 'yg-bench-app',
    JWT_SECRET: `${queuePrefix}-secret-`.padEnd(48, 'x'),
    PATIENT_DATA_KEY: Buffer.alloc(32, 3).toString('base64'),
    PATIENT_LOOKUP_KEY: Buffer.alloc(32, 4).toString('base64'),
    AUDIT_CHAIN_KEYS: `bench:${Buffer.alloc(32, 5).toString('base64')}`,
    AUDIT_CHECKPOINT_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'der' })
      .toString('base64'),
    // Benchmarks run far past any real login pace.
    LOGIN_MAX_FAILURES: '1000',
  };
}

/**
 * Node arguments for the api as `npm start` runs it (the same old-space cap);
 * BENCH_CPU_PROF=<dir> adds a V8 CPU profile, written when the api stops; BENCH_TRACE_GC=1 logs each
 * garbage collection (pauses, heap before and after) into the api's log. `main` (default: this
 * build, or BENCH_API_MAIN), extra Node `flags` and the profile's directory may be given.
 */
export function apiArgs(opts: { main?: string; flags?: string[]; profileDir?: string } = {}): string[] {
  const profileDir = opts.profileDir ?? process.env.BENCH_CPU_PROF;
  return [
    `--max-old-space-size=${process.env.API_HEAP_MB ?? 192}`,
    ...(process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []),
    ...(opts.flags ?? []),
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    // Another build of the api (e.g. the main branch's) against the same set-up, for before/after.
    opts.main ?? process.env.BENCH_API_MAIN ?? API_MAIN,
  ];
}

/** Starts a server with its output in bench/results/<name>.log, and waits until `readyUrl` answers. */
export async function startServer(
  name: string,
  args: string[],
  readyUrl: string,
  env: NodeJS.ProcessEnv,
  execPath = process.execPath,
): Promise<ChildProcess> {
  // Another process on the port would answer the readiness check and take the load.
  const port = Number(new URL(readyUrl).port);
  await new Promise<void>((ok, fail) => {
    const probe = createServer()
      .once('error', () => fail(new Error(`${name}: port ${port} is taken (another benchmark?)`)))
      .listen(port, () => probe.close(() => ok()));
  });
  const log = openSync(resolve(ROOT, `bench/results/${name}.log`), 'w');
  const child = spawn(execPath, args, { cwd: ROOT, env, stdio: ['ignore', log, log] });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited ${child.exitCode}; see bench/results/${name}.log`);
    const up = await fetch(readyUrl, { method: 'GET' }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (up) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`${name} not ready in 60 s; see bench/results/${name}.log`);
}

export const WORKER_MAIN = 'dist/apps/worker/apps/worker/src/main.js';

/** A GraphQL call to the api on `port`; its errors thrown. */
export async function gql(port: number, query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (body.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** User + system CPU time a process has used so far, in µs (from /proc: clock ticks of 10 ms). */
export function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** A process's resident memory now, in MB. */
export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}
