import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig, ProcessOptions } from '@yg/core';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { NO_METRICS_PORTS, testLogEnv } from './config';

/** The worker in this process: relay, processors and schedulers against the suite's DB and queues. */
export async function startWorker(
  config: AppConfig,
  opts: ProcessOptions = {},
): Promise<INestApplicationContext> {
  const app = await createWorker(config, opts);
  await app.init();
  return app;
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Environment that makes a child process see the same database, Redis and queues as `config`. */
export function configEnv(config: AppConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    ...NO_METRICS_PORTS,
    ...testLogEnv(),
    DB_HOST: config.db.host,
    DB_PORT: String(config.db.port),
    DB_USER: config.db.user,
    DB_PASSWORD: config.db.password,
    DB_MIGRATION_USER: config.db.migrationUser,
    DB_MIGRATION_PASSWORD: config.db.migrationPassword,
    DB_NAME: config.db.name,
    REDIS_HOST: config.redis.host,
    REDIS_PORT: String(config.redis.port),
    QUEUE_PREFIX: config.queuePrefix,
    AUDIT_SEAL_EVERY_MS: String(config.audit.sealEveryMs),
    AUDIT_CHECKPOINT_DIR: config.audit.checkpointDir ?? '',
    REFERRAL_SWEEP_EVERY_MS: String(config.referrals.sweepEveryMs),
    OUTBOX_POLL_MS: String(config.outbox.pollMs),
    OUTBOX_RECONCILE_AFTER_MS: String(config.outbox.reconcileAfterMs),
    DELIVERY_MAX_ATTEMPTS: String(config.notifications.deliveryMaxAttempts),
    ...extra,
  };
}

/**
 * The worker as a separate process (TypeScript run through swc), so a test can kill it with
 * SIGKILL mid-work. Resolves once it reports ready.
 */
export function spawnWorker(config: AppConfig, extra: Record<string, string> = {}): Promise<ChildProcess> {
  const root = resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
    cwd: root,
    env: configEnv(config, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveReady, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker not ready in 60 s:\n${output.slice(-2000)}`));
    }, 60_000);
    const onData = (buf: Buffer) => {
      output += buf.toString();
      if (output.includes('"worker ready"')) {
        clearTimeout(timer);
        resolveReady(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before ready:\n${output.slice(-2000)}`));
    });
  });
}

/** SIGKILL, no goodbye: what a crashed or OOM-killed worker looks like. */
export async function killWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
