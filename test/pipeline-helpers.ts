import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { Redis } from 'ioredis';
import { QueueName } from '@yg/core';
import type { TenantFixture } from './utils/fixtures';
import type { TestApi } from './utils/api';
import { upReferralInput } from './utils/referrals';

/**
 * Helpers shared by the referral pipeline suites (timers, outbox, notifications): arranging
 * state in SQL, the referral mutations they drive, and reading what the pipeline left behind.
 */

/** Timings below the API's 60 s minimum, for tests only: written straight into the consortium row. */
export async function setReferralTimings(
  ds: DataSource,
  tenantId: string,
  s: { response: number; reminderBefore: number; noShowGrace: number },
): Promise<void> {
  const section = {
    responseSeconds: { EMERGENCY: s.response, URGENT: s.response, ROUTINE: s.response },
    reminderBeforeSeconds: s.reminderBefore,
    noShowGraceSeconds: s.noShowGrace,
  };
  await ds.query(
    `UPDATE consortium SET settings = jsonb_set(settings, '{referrals}', $2::jsonb) WHERE id = $1`,
    [tenantId, JSON.stringify(section)],
  );
}

/** One more user of the tenant (same password as the fixture users). */
export async function addUser(
  ds: DataSource,
  t: TenantFixture,
  username: string,
  institutionId: string,
  roles: string[],
  phone: string | null = null,
): Promise<{ id: string; username: string }> {
  const [row] = await ds.query(
    `INSERT INTO app_user (tenant_id, institution_id, username, display_name, password_hash, roles, phone)
     SELECT tenant_id, $2, $3, $3, password_hash, $4, $5 FROM app_user WHERE id = $1
     RETURNING id`,
    [t.users.admin.id, institutionId, username, roles, phone],
  );
  return { id: row.id as string, username };
}

export interface CreatedReferral {
  id: string;
  number: string;
  state: string;
}

export async function createReferral(
  api: TestApi,
  token: string,
  patientId: string,
  toInstitutionId: string,
  extra: Record<string, unknown> = {},
): Promise<CreatedReferral> {
  const res = await api.gql<{ createReferral: CreatedReferral }>(
    `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state } }`,
    { i: upReferralInput(patientId, toInstitutionId, extra) },
    token,
  );
  if (!res.data?.createReferral) throw new Error(`createReferral failed: ${JSON.stringify(res.errors)}`);
  return res.data.createReferral;
}

export async function acceptReferral(
  api: TestApi,
  token: string,
  id: string,
  appointmentAt: Date,
): Promise<void> {
  const res = await api.gql(
    `mutation($i: AcceptReferralInput!) { acceptReferral(input: $i) { state } }`,
    { i: { id, appointmentAt: appointmentAt.toISOString(), place: '门诊二楼全科' } },
    token,
  );
  if (res.data?.acceptReferral?.state !== 'ACCEPTED')
    throw new Error(`accept failed: ${JSON.stringify(res.errors)}`);
}

/** The BullMQ queue of a running app (api or worker). */
export function queueOf(app: INestApplicationContext, name: QueueName): Queue {
  return app.get<Queue>(getQueueToken(name), { strict: false });
}

/** Outbox rows of one referral's timers, by job name. */
export async function timerRows(
  ds: DataSource,
  referralId: string,
  jobName: string,
): Promise<{ id: string; run_at: Date; published_at: Date | null; payload: Record<string, unknown> }[]> {
  return ds.query(
    `SELECT id::text, run_at, published_at, payload FROM outbox_message
      WHERE queue = 'timers' AND job_name = $2 AND payload->>'referralId' = $1 ORDER BY id`,
    [referralId, jobName],
  );
}

/** The BullMQ job the relay made from an outbox row. */
export async function jobOfRow(queue: Queue, rowId: string): Promise<Job | undefined> {
  return queue.getJob(`ob-${rowId}`);
}

/** Notifications of one referral (by the payload the fan-out stores), per recipient. */
export async function notificationsFor(
  ds: DataSource,
  referralId: string,
  kind: string,
): Promise<
  { recipient_user_id: string; message_id: string; title: string; payload: Record<string, unknown> }[]
> {
  return ds.query(
    `SELECT recipient_user_id, message_id::text, title, payload FROM notification
      WHERE payload->>'referralId' = $1 AND kind = $2 ORDER BY created_at, recipient_user_id`,
    [referralId, kind],
  );
}

/** Timeline actions of a referral, oldest first. */
export async function steps(
  ds: DataSource,
  referralId: string,
): Promise<{ action: string; at: Date; details: Record<string, unknown> }[]> {
  return ds.query(`SELECT action, at, details FROM referral_step WHERE referral_id = $1 ORDER BY id`, [
    referralId,
  ]);
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A mutation that hangs instead of answering is a failure too: a liveness bound, not a speed claim. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    // A pending timer would keep the jest worker alive for up to `ms` after the suite.
    clearTimeout(timer);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway, non-persistent redis-server on `port`, as a child of this process. Resolves
 * once it answers PING. Never use it for the shared Redis.
 */
export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`redis-server on ${port} exited with ${code}`))),
  );
  exited.catch(() => undefined);
  const until = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined);
    try {
      await Promise.race([probe.connect().then(() => probe.ping()), exited]);
      return child;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > until) {
        child.kill('SIGKILL');
        throw err;
      }
    } finally {
      probe.disconnect();
    }
    await sleep(50);
  }
}

/** SIGKILL and wait for the exit: Redis crashing, not shutting down. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
