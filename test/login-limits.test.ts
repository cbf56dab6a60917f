import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { LoginRateLimiter } from '@yg/identity';
import { createTestDb, TestDb } from './utils/test-db';
import { PRODUCTION_REDIS_TIMEOUT, testConfig } from './utils/config';
import { buildTenant, PASSWORD, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { eventually } from './utils/worker';
import { freePort, startRedis, stopProcess } from './pipeline-helpers';

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const WRONG = 'Wrong-pass-4711-zz';

describe('login: no connection held while hashing, rate limits per address and per user name', () => {
  let db: TestDb;
  let t: TenantFixture;
  const started: TestApi[] = [];

  async function start(overrides: Record<string, string>): Promise<TestApi> {
    const api = await TestApi.start(
      testConfig({ DB_NAME: db.name, QUEUE_PREFIX: db.config.queuePrefix, ...overrides }),
    );
    started.push(api);
    return api;
  }

  async function newUser(prefix: string, passwordHash?: string): Promise<{ id: string; username: string }> {
    const username = `${prefix}-${randomBytes(4).toString('hex')}`;
    const [row] = await db.ds.query(
      `INSERT INTO app_user (tenant_id, institution_id, username, display_name, password_hash, roles)
       SELECT tenant_id, institution_id, $1, $1, coalesce($3, password_hash), roles FROM app_user WHERE id = $2
       RETURNING id`,
      [username, t.users.coordinator.id, passwordHash ?? null],
    );
    return { id: row.id as string, username };
  }

  function loginFrom(api: TestApi, address: string, username: string, password: string): Promise<GqlResult> {
    return api.http
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('x-forwarded-for', address)
      .send({ query: LOGIN, variables: { u: username, p: password } })
      .then((res) => ({ status: res.status, data: res.body?.data ?? null, errors: res.body?.errors }));
  }

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
  });
  afterAll(async () => {
    for (const api of started) await api.close();
    await db?.drop();
  });

  it('checks passwords holding no database connection: with a pool of 2, `me` answers during a burst of 20 slow wrong logins, and every attempt is counted', async () => {
    const api = await start({ DB_POOL_SIZE: '2' });
    // A deliberately slow hash, so every attempt of the burst is still hashing when `me` is asked.
    const slow = await argon2.hash(PASSWORD, {
      type: argon2.argon2id,
      timeCost: 120,
      memoryCost: 8192,
      parallelism: 1,
    });
    const u = await newUser('slow', slow);
    const token = await api.login(t.users.auditor.username);

    // What the burst sends to Postgres, in order: R reads the row by name, W records an outcome.
    const statements = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    const sequence = () =>
      statements.mock.calls
        .map(([sql, params]) => {
          if (/FROM "app_user"/.test(sql) && (params ?? []).includes(u.username)) return 'R';
          if (/UPDATE[\s\S]*failed_attempts/.test(sql) && (params ?? []).includes(u.id)) return 'W';
          return '';
        })
        .join('');
    let answered = 0;
    const burst = Array.from({ length: 20 }, () =>
      api.gql(LOGIN, { u: u.username, p: WRONG }).finally(() => answered++),
    );
    await eventually(async () => /R{20}|W/.test(sequence()), 60_000, 10);
    const me = await api.gql(`{ me { id } }`, {}, token);
    const answeredBeforeMe = answered;
    // Now, with every attempt hashing, no transaction is open or waiting on a lock.
    const [{ open }] = await db.ds.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND (state LIKE 'idle in transaction%' OR wait_event_type = 'Lock')`,
    );
    const results = await Promise.all(burst);
    const order = sequence();
    statements.mockRestore();
    // Every attempt read the row before any outcome was written: none waited for another's
    // hash. Before, each attempt hashed inside its transaction holding the row lock and one of
    // the 2 pooled connections, so reads and writes alternated and `me` waited for the pool.
    expect(order).toBe('R'.repeat(20) + 'W'.repeat(20));
    expect(me.data?.me.id).toBe(t.users.auditor.id);
    expect(answeredBeforeMe).toBe(0);
    expect(open).toBe(0);

    const codes = results.map(errorCode);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(4);
    expect(codes.filter((c) => c === 'ACCOUNT_LOCKED')).toHaveLength(16);
    const events: { outcome: string; error_code: string; details: { failures?: number } }[] =
      await db.ds.query(
        `SELECT outcome, error_code, details FROM audit_event WHERE action = 'auth.login' AND entity_id = $1 ORDER BY id`,
        [u.id],
      );
    expect(events).toHaveLength(20);
    const failures = events.filter((e) => e.outcome === 'FAILURE');
    // Each attempt counted once, in order, and none past the limit.
    expect(failures.map((e) => e.details.failures)).toEqual([1, 2, 3, 4, 5]);
    expect(events.filter((e) => e.outcome === 'DENIED' && e.error_code === 'ACCOUNT_LOCKED')).toHaveLength(
      15,
    );
    const [row] = await db.ds.query(`SELECT failed_attempts, locked_until FROM app_user WHERE id = $1`, [
      u.id,
    ]);
    expect(row.locked_until).not.toBeNull();
  });

  describe('rate limits (in Redis, shared by api copies)', () => {
    let api: TestApi;
    let apiB: TestApi;
    const limits = {
      TRUST_PROXY: 'true',
      LOGIN_RATE_MAX_PER_ADDRESS: '5',
      LOGIN_RATE_MAX_PER_USERNAME: '3',
      LOGIN_RATE_WINDOW_SECONDS: '600',
    };

    beforeAll(async () => {
      api = await start(limits);
      apiB = await start(limits);
    });

    async function rateEvents(): Promise<{ outcome: string; details: { scope: string; limit: number } }[]> {
      return db.ds.query(
        `SELECT outcome, details FROM audit_event WHERE action = 'auth.login' AND error_code = 'RATE_LIMITED' ORDER BY id`,
      );
    }

    it('limits attempts per user name (from any address, on any api copy) and per address; others are unaffected', async () => {
      const u1 = await newUser('rl1');
      const u2 = await newUser('rl2');
      const u3 = await newUser('rl3');
      const a = `10.1.${randomBytes(1)[0]}.1`;
      const b = `10.2.${randomBytes(1)[0]}.2`;
      const c = `10.3.${randomBytes(1)[0]}.3`;

      for (let i = 0; i < 3; i++)
        expect(errorCode(await loginFrom(api, a, u1.username, WRONG))).toBe('UNAUTHENTICATED');
      const byName = await loginFrom(api, a, ` ${u1.username.toUpperCase()} `, PASSWORD);
      expect(errorCode(byName)).toBe('RATE_LIMITED');
      expect(byName.errors![0].message).toMatch(
        /登录尝试过多.*\(Too many login attempts for this account; try again in \d+ s\)/,
      );
      expect(byName.errors![0].extensions).toMatchObject({
        scope: 'username',
        retryAfterSeconds: expect.any(Number),
      });
      expect(byName.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
      expect(byName.errors![0].extensions!.retryAfterSeconds).toBeLessThanOrEqual(600);
      // The same name from another address, through the other api copy: still refused, and the
      // refused attempts were never checked against the password.
      expect(errorCode(await loginFrom(apiB, b, u1.username, PASSWORD))).toBe('RATE_LIMITED');
      const [{ failed_attempts }] = await db.ds.query(`SELECT failed_attempts FROM app_user WHERE id = $1`, [
        u1.id,
      ]);
      expect(failed_attempts).toBe(3);

      // Address a has made 4 attempts: one more passes (another name), then it is refused.
      expect((await loginFrom(apiB, a, u2.username, PASSWORD)).data?.login.token).toEqual(expect.any(String));
      const byAddress = await loginFrom(api, a, u3.username, PASSWORD);
      expect(errorCode(byAddress)).toBe('RATE_LIMITED');
      expect(byAddress.errors![0].extensions!.scope).toBe('address');
      expect(byAddress.errors![0].message).toContain('from this address');
      // Another address and name is unaffected.
      expect((await loginFrom(api, c, u3.username, PASSWORD)).data?.login.token).toEqual(expect.any(String));

      expect((await rateEvents()).map((e) => [e.outcome, e.details.scope, e.details.limit])).toEqual([
        ['DENIED', 'username', 3],
        ['DENIED', 'username', 3],
        ['DENIED', 'address', 5],
      ]);
    });
  });

  describe('when Redis fails', () => {
    let redis: ChildProcess | undefined;
    afterAll(() => stopProcess(redis));

    it('counts per process while Redis is gone (limits still hold), and never waits on a frozen Redis', async () => {
      const port = await freePort();
      redis = await startRedis(port);
      const config = testConfig({
        REDIS_PORT: String(port),
        QUEUE_PREFIX: db.config.queuePrefix,
        LOGIN_RATE_MAX_PER_ADDRESS: '100',
        LOGIN_RATE_MAX_PER_USERNAME: '2',
        ...PRODUCTION_REDIS_TIMEOUT,
      });
      const limiter = new LoginRateLimiter(config);
      try {
        expect(await limiter.hit('10.9.0.1', 'frozen-a')).toBeNull();
        // Frozen, not gone: connections stay open and nothing answers.
        redis.kill('SIGSTOP');
        const results = await Promise.all([1, 2, 3].map(() => limiter.hit('10.9.0.1', 'frozen-b')));
        expect(results.map((r) => r?.scope ?? null)).toEqual([null, null, 'username']);
        expect(results[2]).toMatchObject({ limit: 2, retryAfterSeconds: expect.any(Number) });
        redis.kill('SIGCONT');
      } finally {
        limiter.onApplicationShutdown();
      }
    });
  });
});
