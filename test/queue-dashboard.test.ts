import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue, Worker } from 'bullmq';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { JwtService } from '@nestjs/jwt';
import { redisOptions } from '@yg/core';
import { OperatorsService } from '@yg/identity';
import { PLATFORM_TENANT } from '@yg/audit';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { configEnv, eventually } from './utils/worker';

const OP_PASSWORD = 'Ops-pass-2026-x';
const ROOT = resolve(__dirname, '..');

interface CliResult {
  code: number | null;
  out: string;
}

describe('queue dashboard: platform operators only, read-only unless given write', () => {
  let db: TestDb;
  let t: TenantFixture;
  let api: TestApi;
  let adminToken: string;
  let clinicianToken: string;
  const tag = randomBytes(3).toString('hex');
  const reader = `ops-read-${tag}`;
  const writer = `ops-write-${tag}`;

  /** The CLI as an operator runs it (TypeScript through swc), against this suite's database and Redis. */
  function cli(
    args: string[],
    opts: { input?: string; env?: Record<string, string> } = {},
  ): Promise<CliResult> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/cli/src/main.ts', ...args], {
      cwd: ROOT,
      env: configEnv(db.config, opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.stdin.end(opts.input ?? '');
    return new Promise((done) => child.once('exit', (code) => done({ code, out })));
  }

  async function operatorLogin(username: string, password = OP_PASSWORD) {
    return api.http.post('/admin/login').send({ username, password });
  }

  async function operatorToken(username: string): Promise<string> {
    const res = await operatorLogin(username);
    if (res.status !== 200)
      throw new Error(`operator login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    // Sessions are re-read only once a minute here: whatever ends one sooner is the broadcast.
    db.config = { ...db.config, auth: { ...db.config.auth, sessionRecheckMs: 60_000 } };
    api = await TestApi.start(db.config);
    adminToken = await api.login(t.users.admin.username);
    clinicianToken = await api.login(t.users.villageClinician.username);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  describe('operator accounts (CLI)', () => {
    it('creates operators from the CLI (password from standard input or OPERATOR_PASSWORD), each in the platform trail', async () => {
      const [a, b] = await Promise.all([
        cli(['operator:create', reader], { input: `${OP_PASSWORD}\n` }),
        cli(['operator:create', writer, '--write'], { env: { OPERATOR_PASSWORD: OP_PASSWORD } }),
      ]);
      expect({ code: a.code, out: a.out }).toEqual({ code: 0, out: expect.stringContaining('read-only') });
      expect({ code: b.code, out: b.out }).toEqual({
        code: 0,
        out: expect.stringContaining('read and write'),
      });
      const rows: { username: string; can_write: boolean; active: boolean; password_hash: string }[] =
        await db.ds.query(
          `SELECT username, can_write, active, password_hash FROM platform_operator ORDER BY username`,
        );
      expect(rows.map((r) => [r.username, r.can_write, r.active])).toEqual([
        [reader, false, true],
        [writer, true, true],
      ]);
      expect(rows.every((r) => r.password_hash.startsWith('$argon2id$'))).toBe(true);
      // Operators are nobody's users.
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM app_user WHERE username LIKE 'ops-%'`,
      );
      expect(n).toBe(0);
      const events = await db.ds.query(
        `SELECT tenant_id, details FROM audit_event WHERE action = 'operator.create' ORDER BY id`,
      );
      expect(events).toHaveLength(2);
      expect(events.every((e: { tenant_id: string }) => e.tenant_id === PLATFORM_TENANT)).toBe(true);
    });

    it('refuses a weak password and a name already taken, creating nothing', async () => {
      const weak = await cli(['operator:create', `ops-weak-${tag}`], { input: 'short\n' });
      expect(weak.code).toBe(1);
      expect(weak.out).toContain('密码至少 10 位');
      const dup = await cli(['operator:create', reader], { env: { OPERATOR_PASSWORD: OP_PASSWORD } });
      expect(dup.code).toBe(1);
      expect(dup.out).toContain('already exists');
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM platform_operator`);
      expect(n).toBe(2);
    });
  });

  describe('operator login', () => {
    it('answers a token at POST /admin/login; a wrong password or a tenant account gets 401', async () => {
      const ok = await operatorLogin(reader);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String), canWrite: false });
      const wrong = await operatorLogin(reader, 'Wrong-pass-4711');
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('UNAUTHENTICATED');
      // A consortium admin's credentials are not an operator's.
      const tenant = await operatorLogin(t.users.admin.username, 'Demo-pass-2026');
      expect(tenant.status).toBe(401);
      const missing = await api.http.post('/admin/login').send({ username: reader });
      expect(missing.status).toBe(400);
      const [{ failed_attempts }] = await db.ds.query(
        `SELECT failed_attempts FROM platform_operator WHERE username = $1`,
        [reader],
      );
      expect(failed_attempts).toBe(1);
    });

    it("an operator's token opens no tenant GraphQL operation (no patient data, no users)", async () => {
      const token = await operatorToken(reader);
      for (const query of [
        `{ me { id } }`,
        `{ patients(name: "冉") { nodes { id } } }`,
        `{ users { nodes { id } } }`,
        `{ auditEvents(first: 1) { nodes { id } } }`,
      ]) {
        const res = await api.gql(query, {}, token);
        expect({ query, code: errorCode(res), data: res.data }).toEqual({
          query,
          code: 'UNAUTHENTICATED',
          data: null,
        });
      }
      // Nor its claims re-signed as a tenant token without a tenant.
      const claims = new JwtService().decode<{ sub: string }>(token);
      const reshaped = new JwtService().sign(
        { sub: claims.sub, roles: ['CONSORTIUM_ADMIN'] },
        { secret: db.config.auth.jwtSecret, issuer: 'yigongti', expiresIn: 60 },
      );
      expect(errorCode(await api.gql(`{ me { id } }`, {}, reshaped))).toBe('UNAUTHENTICATED');
    });
  });

  describe('who may open it', () => {
    it('refuses consortium admins and clinicians (403) and anonymous or forged callers (401), on the page and the API', async () => {
      for (const [who, token] of [
        ['consortium admin', adminToken],
        ['clinician', clinicianToken],
      ]) {
        for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
          const res = await api.http.get(path).set(bearer(token));
          expect({ who, path, status: res.status, code: res.body.code }).toEqual({
            who,
            path,
            status: 403,
            code: 'FORBIDDEN',
          });
        }
        const viaQuery = await api.http.get(`/admin/queues?token=${encodeURIComponent(token)}`);
        expect(viaQuery.status).toBe(403);
        expect(viaQuery.headers['set-cookie']).toBeUndefined();
        const viaCookie = await api.http
          .get('/admin/queues/api/queues')
          .set('cookie', `yg_admin_token=${token}`);
        expect(viaCookie.status).toBe(403);
      }
      expect((await api.http.get('/admin/queues')).status).toBe(401);
      expect((await api.http.get('/admin/queues/api/queues')).status).toBe(401);
      const forged = new JwtService().sign(
        { sub: '00000000-0000-0000-0000-000000000001', sv: 0 },
        {
          secret: 'another-secret-of-at-least-32-characters!!',
          issuer: 'yigongti',
          audience: 'yigongti-platform',
          expiresIn: 60,
        },
      );
      expect((await api.http.get('/admin/queues').set(bearer(forged))).status).toBe(401);
    });

    it('lets an operator in with a bearer token, or moves a ?token= into an HttpOnly cookie that opens the API', async () => {
      const token = await operatorToken(reader);
      const page = await api.http.get('/admin/queues').set(bearer(token));
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);

      const first = await api.http.get(`/admin/queues?token=${encodeURIComponent(token)}`);
      expect(first.status).toBe(303);
      expect(first.headers.location).toBe('/admin/queues');
      const cookie = ([] as string[])
        .concat(first.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('yg_admin_token='));
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*Path=\/admin\/queues/i);
      expect(cookie).toMatch(/;\s*SameSite=Strict/i);
      const res = await api.http.get('/admin/queues/api/queues').set('cookie', cookie!.split(';')[0]);
      expect(res.status).toBe(200);
      const queues = res.body.queues as { name: string; readOnlyMode: boolean }[];
      expect(queues.map((q) => q.name)).toEqual(
        expect.arrayContaining(['audit', 'events', 'timers', 'deliveries']),
      );
      expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    });
  });

  describe('write access', () => {
    let deliveries: Queue;

    /** A job of the deliveries queue that failed (a stand-in worker throws once). */
    async function failedJob(): Promise<Job> {
      const job = await deliveries.add('dashboard.test', { n: 1 }, { attempts: 1, removeOnFail: false });
      const worker = new Worker(
        'deliveries',
        async () => {
          throw new Error('made to fail');
        },
        {
          connection: redisOptions(db.config, { maxRetriesPerRequest: null }) as BullRedisOptions,
          prefix: db.config.queuePrefix,
        },
      );
      try {
        await eventually(async () => (await job.getState()) === 'failed');
      } finally {
        await worker.close();
      }
      return job;
    }

    beforeAll(() => {
      deliveries = api.app.get<Queue>(getQueueToken('deliveries'), { strict: false });
    });

    it('a read-only operator can neither retry nor remove a job; one with write can, and each write is in the trail', async () => {
      const readToken = await operatorToken(reader);
      const writeToken = await operatorToken(writer);
      const job = await failedJob();
      const retry = `/admin/queues/api/queues/deliveries/${job.id}/retry`;
      const clean = `/admin/queues/api/queues/deliveries/${job.id}/clean`;

      for (const path of [retry, clean, '/admin/queues/api/queues/deliveries/retry/failed']) {
        const res = await api.http.put(path).set(bearer(readToken));
        expect({ path, status: res.status, code: res.body.code }).toEqual({
          path,
          status: 403,
          code: 'FORBIDDEN',
        });
      }
      expect(await job.getState()).toBe('failed');

      const listed = await api.http.get('/admin/queues/api/queues').set(bearer(writeToken));
      expect((listed.body.queues as { readOnlyMode: boolean }[]).every((q) => !q.readOnlyMode)).toBe(true);
      const retried = await api.http.put(retry).set(bearer(writeToken));
      expect(retried.status).toBe(204);
      expect(await job.getState()).toBe('waiting');
      const removed = await api.http.put(clean).set(bearer(writeToken));
      expect(removed.status).toBe(204);
      expect(await Job.fromId(deliveries, job.id!)).toBeUndefined();

      const [{ id: writerId }] = await db.ds.query(`SELECT id FROM platform_operator WHERE username = $1`, [
        writer,
      ]);
      const trail = await db.ds.query(
        `SELECT tenant_id, actor_user_id, actor_roles, details FROM audit_event WHERE action = 'queue.write' ORDER BY id`,
      );
      expect(trail).toEqual([
        {
          tenant_id: PLATFORM_TENANT,
          actor_user_id: writerId,
          actor_roles: ['PLATFORM_OPERATOR', 'PLATFORM_OPERATOR_WRITE'],
          details: { method: 'PUT', path: `/api/queues/deliveries/${job.id}/retry` },
        },
        {
          tenant_id: PLATFORM_TENANT,
          actor_user_id: writerId,
          actor_roles: ['PLATFORM_OPERATOR', 'PLATFORM_OPERATOR_WRITE'],
          details: { method: 'PUT', path: `/api/queues/deliveries/${job.id}/clean` },
        },
      ]);
    });

    it('withdrawing write access ends the write session at once; after logging in again the operator reads only', async () => {
      const writeToken = await operatorToken(writer);
      const job = await failedJob();
      expect((await api.http.get('/admin/queues/api/queues').set(bearer(writeToken))).status).toBe(200);

      await api.app.get(OperatorsService).setWrite(writer, false);
      const stale = await api.http
        .put(`/admin/queues/api/queues/deliveries/${job.id}/retry`)
        .set(bearer(writeToken));
      expect(stale.status).toBe(401);
      expect(await job.getState()).toBe('failed');

      const again = await operatorLogin(writer);
      expect(again.body.canWrite).toBe(false);
      const refused = await api.http
        .put(`/admin/queues/api/queues/deliveries/${job.id}/retry`)
        .set(bearer(again.body.token));
      expect(refused.status).toBe(403);
      expect(await job.getState()).toBe('failed');
    });

    it('an operator deactivated from the CLI (another process) loses the dashboard at once, and cannot log in', async () => {
      const token = await operatorToken(reader);
      expect((await api.http.get('/admin/queues/api/queues').set(bearer(token))).status).toBe(200);
      const res = await cli(['operator:deactivate', reader]);
      expect({ code: res.code, out: res.out }).toEqual({
        code: 0,
        out: expect.stringContaining('deactivated'),
      });
      // The api process hears it through Redis; its own re-check would take a minute here.
      await eventually(
        async () => (await api.http.get('/admin/queues/api/queues').set(bearer(token))).status === 401,
        10_000,
      );
      const login = await operatorLogin(reader);
      expect(login.status).toBe(401);
      expect(login.body.message).toContain('停用');
      const trail = await db.ds.query(
        `SELECT details FROM audit_event WHERE action = 'operator.deactivate' AND tenant_id = $1`,
        [PLATFORM_TENANT],
      );
      expect(trail).toEqual([{ details: { active: false, via: 'cli' } }]);
    });
  });
});
