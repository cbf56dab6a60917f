/** What both benchmarks share: statistics, and starting the built api the way `npm start` does. */
import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { openSync } from 'node:fs';
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
 * BENCH_CPU_PROF=<dir> adds a V8 CPU profile, written when the api stops.
 */
export function apiArgs(): string[] {
  return [
    `--max-old-space-size=${process.env.API_HEAP_MB ?? 192}`,
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    // Another build of the api (e.g. the main branch's) against the same set-up, for before/after.
    process.env.BENCH_API_MAIN ?? API_MAIN,
  ];
}

/** Starts a server with its output in bench/results/<name>.log, and waits until `readyUrl` answers. */
export async function startServer(
  name: string,
  args: string[],
  readyUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<ChildProcess> {
  // Another process on the port would answer the readiness check and take the load.
  const port = Number(new URL(readyUrl).port);
  await new Promise<void>((ok, fail) => {
    const probe = createServer()
      .once('error', () => fail(new Error(`${name}: port ${port} is taken (another benchmark?)`)))
      .listen(port, () => probe.close(() => ok()));
  });
  const log = openSync(resolve(ROOT, `bench/results/${name}.log`), 'w');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', log, log] });
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

/** The referral every benchmark submits: an urgent up-referral from a village clinic, submitted at once. */
export function benchReferralInput(patientId: string, toInstitutionId: string) {
  return {
    patientId,
    direction: 'UP',
    toInstitutionId,
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
  };
}
