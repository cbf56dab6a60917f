import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, PASSWORD, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';

// The project-level testTimeout is not applied to `projects` entries; argon2 logins and
// parallel requests need more than jest's default 5 s on a busy machine.
jest.setTimeout(60_000);

const LOGIN = `mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { token expiresAt user { id username roles institutionId } }
}`;
const ME = `{ me { id username roles institution { id name } } }`;

const WRONG = 'Wrong-pass-4711-zz';

interface UserRow {
  failed_attempts: number;
  locked_until: Date | null;
  last_login_at: Date | null;
}

interface AuditRow {
  action: string;
  outcome: string;
  error_code: string | null;
  actor_user_id: string | null;
  entity_id: string | null;
  details: Record<string, unknown>;
  json: string;
}

describe('identity: login, tokens, lockout and the login trail', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
  });
  afterAll(async () => {
    for (const c of cleanup) await c();
    await api?.close();
    await db?.drop();
  });

  /** A fresh account (same password, roles and institution as the coordinator) so lockouts stay apart. */
  async function newUser(prefix: string): Promise<{ id: string; username: string }> {
    const username = `${prefix}-${randomBytes(4).toString('hex')}`;
    const [row] = await db.ds.query(
      `INSERT INTO app_user (tenant_id, institution_id, username, display_name, password_hash, roles)
       SELECT tenant_id, institution_id, $1, $1, password_hash, roles FROM app_user WHERE id = $2
       RETURNING id`,
      [username, t.users.coordinator.id],
    );
    return { id: row.id as string, username };
  }

  async function userRow(id: string): Promise<UserRow> {
    const [row] = await db.ds.query(
      `SELECT failed_attempts, locked_until, last_login_at FROM app_user WHERE id = $1`,
      [id],
    );
    return row as UserRow;
  }

  /** Every `auth.login` event about this user, oldest first. */
  async function loginEvents(userId: string): Promise<AuditRow[]> {
    return db.ds.query(
      `SELECT action, outcome, error_code, actor_user_id, entity_id, details, row_to_json(a)::text AS json
         FROM audit_event a WHERE action = 'auth.login' AND entity_id = $1 ORDER BY id`,
      [userId],
    );
  }

  /** POST /graphql with a chosen request id, so the audit rows of this very request can be found. */
  async function post(body: unknown, headers: Record<string, string> = {}) {
    const req = api.http.post('/graphql').set('content-type', 'application/json');
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send(body as object);
  }

  function login(username: string, password: string): Promise<GqlResult> {
    return api.gql(LOGIN, { u: username, p: password });
  }

  function aliasedLogins(username: string, password: string, count: number): string {
    const fields = Array.from(
      { length: count },
      (_, i) =>
        `a${i + 1}: login(username: ${JSON.stringify(username)}, password: ${JSON.stringify(password)}) { token }`,
    );
    return `mutation { ${fields.join('\n')} }`;
  }

  describe('login', () => {
    it('returns a token that expires JWT_TTL_SECONDS from now, the user, and `me` answers with that token', async () => {
      const before = Date.now();
      const res = await login(t.users.countyClinician.username, PASSWORD);
      const after = Date.now();
      expect(res.errors).toBeUndefined();
      const payload = res.data!.login;
      expect(typeof payload.token).toBe('string');
      expect(payload.token.split('.')).toHaveLength(3);
      const ttlMs = db.config.auth.jwtTtlSeconds * 1000;
      const expiresAt = new Date(payload.expiresAt).getTime();
      // JWT exp has whole-second precision.
      expect(expiresAt).toBeGreaterThanOrEqual(before + ttlMs - 1000);
      expect(expiresAt).toBeLessThanOrEqual(after + ttlMs + 1000);
      expect(payload.user).toEqual({
        id: t.users.countyClinician.id,
        username: t.users.countyClinician.username,
        roles: ['CLINICIAN'],
        institutionId: t.inst.general,
      });

      const me = await api.gql(ME, {}, payload.token);
      expect(me.errors).toBeUndefined();
      expect(me.data!.me).toMatchObject({
        id: t.users.countyClinician.id,
        username: t.users.countyClinician.username,
        roles: ['CLINICIAN'],
        institution: { id: t.inst.general },
      });
      const row = await userRow(t.users.countyClinician.id);
      expect(row.last_login_at).not.toBeNull();
      expect(row.failed_attempts).toBe(0);
    });

    it("answers with the user's institution, read in the user's own consortium (login has no caller yet)", async () => {
      const res = await api.gql(
        `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { id institution { id name } } } }`,
        { u: t.users.countyClinician.username, p: PASSWORD },
      );
      expect(res.errors).toBeUndefined();
      const [inst] = await db.ds.query(`SELECT id, name FROM institution WHERE id = $1`, [t.inst.general]);
      expect(res.data!.login.user).toEqual({
        id: t.users.countyClinician.id,
        institution: { id: inst.id, name: inst.name },
      });
    });

    it('matches the user name after trimming and lower-casing it', async () => {
      const res = await login(`  ${t.users.auditor.username.toUpperCase()} `, PASSWORD);
      expect(res.errors).toBeUndefined();
      expect(res.data!.login.user.id).toBe(t.users.auditor.id);
    });

    it('refuses a wrong password with UNAUTHENTICATED, issues no token and counts the failure', async () => {
      const u = await newUser('wrongpw');
      const res = await login(u.username, WRONG);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(res.data).toBeNull();
      expect((await userRow(u.id)).failed_attempts).toBe(1);
    });

    it('answers an unknown user exactly like a wrong password (same code and message)', async () => {
      const u = await newUser('known');
      const wrong = await login(u.username, WRONG);
      const unknown = await login(`nobody-${randomBytes(4).toString('hex')}`, WRONG);
      expect(errorCode(unknown)).toBe('UNAUTHENTICATED');
      expect(unknown.errors![0].message).toBe(wrong.errors![0].message);
      expect(Object.keys(unknown.errors![0].extensions!).sort()).toEqual(
        Object.keys(wrong.errors![0].extensions!).sort(),
      );
      expect(unknown.data).toBeNull();
    });
  });

  describe('disabled accounts', () => {
    it('refuses the right password of a disabled account with UNAUTHENTICATED and records it as DENIED', async () => {
      const u = await newUser('disabled');
      await db.ds.query(`UPDATE app_user SET active = false WHERE id = $1`, [u.id]);
      const res = await login(u.username, PASSWORD);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(res.data).toBeNull();
      expect((await userRow(u.id)).last_login_at).toBeNull();
      const events = await loginEvents(u.id);
      expect(events.map((e) => [e.outcome, e.error_code])).toEqual([['DENIED', 'FORBIDDEN']]);
    });
  });

  describe('tokens', () => {
    const jwt = new JwtService({});
    const claimsOf = () => ({
      sub: t.users.admin.id,
      tid: t.tenantId,
      iid: t.inst.general,
      pid: null,
      roles: ['CONSORTIUM_ADMIN'],
    });

    it('accepts a token signed with the server secret (control for the refusals below)', async () => {
      const token = jwt.sign(claimsOf(), {
        secret: db.config.auth.jwtSecret,
        issuer: 'yigongti',
        expiresIn: 60,
      });
      const res = await api.gql(ME, {}, token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.me.id).toBe(t.users.admin.id);
    });

    it('refuses a token once it has expired (JWT_TTL_SECONDS=1)', async () => {
      const shortConfig = { ...db.config, auth: { ...db.config.auth, jwtTtlSeconds: 1 } };
      const shortApi = await TestApi.start(shortConfig);
      cleanup.push(() => shortApi.close());
      const res = await shortApi.gql(LOGIN, { u: t.users.admin.username, p: PASSWORD });
      expect(res.errors).toBeUndefined();
      const { token, expiresAt } = res.data!.login;
      const claims = jwt.decode<{ iat: number; exp: number }>(token);
      expect(claims.exp - claims.iat).toBe(1);
      expect(new Date(expiresAt).getTime()).toBe(claims.exp * 1000);
      // The token is genuine: only its age is wrong.
      expect(jwt.verify(token, { secret: db.config.auth.jwtSecret, ignoreExpiration: true }).sub).toBe(
        t.users.admin.id,
      );
      await new Promise((r) => setTimeout(r, 2100));
      for (const server of [shortApi, api]) {
        const me = await server.gql(ME, {}, token);
        expect(errorCode(me)).toBe('UNAUTHENTICATED');
        expect(me.data).toBeNull();
      }
    });

    it('refuses a token signed with another secret', async () => {
      const token = jwt.sign(claimsOf(), {
        secret: `another-secret-${randomBytes(16).toString('hex')}`,
        issuer: 'yigongti',
        expiresIn: 60,
      });
      const res = await api.gql(ME, {}, token);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(res.data).toBeNull();
    });

    it('refuses an unsigned (alg none) token and a token from another issuer', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claimsOf(), iss: 'yigongti', exp: now + 60 })}.`;
      expect(errorCode(await api.gql(ME, {}, unsigned))).toBe('UNAUTHENTICATED');
      const foreign = jwt.sign(claimsOf(), {
        secret: db.config.auth.jwtSecret,
        issuer: 'someone-else',
        expiresIn: 60,
      });
      expect(errorCode(await api.gql(ME, {}, foreign))).toBe('UNAUTHENTICATED');
    });

    it('refuses a correctly signed token that lacks the tenant claims', async () => {
      const token = jwt.sign(
        { sub: t.users.admin.id, roles: ['CONSORTIUM_ADMIN'] },
        { secret: db.config.auth.jwtSecret, issuer: 'yigongti', expiresIn: 60 },
      );
      expect(errorCode(await api.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    });

    it('refuses a garbage token and a missing token for `me`', async () => {
      const garbage = await api.gql(ME, {}, 'not-a-jwt.at.all');
      expect(errorCode(garbage)).toBe('UNAUTHENTICATED');
      expect(garbage.data).toBeNull();
      const none = await api.gql(ME);
      expect(errorCode(none)).toBe('UNAUTHENTICATED');
      expect(none.data).toBeNull();
      const notBearer = await post(
        { query: ME },
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      );
      expect(notBearer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('lockout after LOGIN_MAX_FAILURES wrong passwords', () => {
    const max = () => db.config.auth.loginMaxFailures;

    it('uses the default limit of 5', () => {
      expect(max()).toBe(5);
    });

    it('locks the account on the 5th wrong password and then refuses the right one with ACCOUNT_LOCKED', async () => {
      const u = await newUser('seq');
      const codes: (string | undefined)[] = [];
      for (let i = 1; i <= max(); i++) {
        codes.push(errorCode(await login(u.username, WRONG)));
        if (i < max()) expect((await userRow(u.id)).failed_attempts).toBe(i);
      }
      expect(codes).toEqual([...Array(max() - 1).fill('UNAUTHENTICATED'), 'ACCOUNT_LOCKED']);

      const before = Date.now();
      const right = await login(u.username, PASSWORD);
      expect(errorCode(right)).toBe('ACCOUNT_LOCKED');
      expect(right.data).toBeNull();
      const row = await userRow(u.id);
      expect(row.locked_until).not.toBeNull();
      const lockMs = db.config.auth.loginLockSeconds * 1000;
      expect(row.locked_until!.getTime()).toBeGreaterThan(before + lockMs - 60_000);
      expect(row.locked_until!.getTime()).toBeLessThanOrEqual(before + lockMs + 1000);
      expect(new Date(right.errors![0].extensions!.lockedUntil).getTime()).toBe(row.locked_until!.getTime());
      // The refused right password was not a login.
      expect(row.last_login_at).toBeNull();
    });

    it('locks a name no account has as it locks an account, so ACCOUNT_LOCKED does not tell which names exist; the name itself is not stored', async () => {
      const u = await newUser('lockpair');
      const ghost = `ghost-${randomBytes(4).toString('hex')}`;
      const real: GqlResult[] = [];
      const unknown: GqlResult[] = [];
      for (let i = 0; i <= max(); i++) {
        real.push(await login(u.username, WRONG));
        unknown.push(await login(ghost, WRONG));
      }
      const shape = (r: GqlResult) => ({
        code: errorCode(r),
        message: r.errors![0].message,
        keys: Object.keys(r.errors![0].extensions!).sort(),
        data: r.data,
      });
      // Four failures, the lock on the fifth, still locked on the sixth: the same answers.
      expect(unknown.map(shape)).toEqual(real.map(shape));
      expect(unknown.map(errorCode)).toEqual([
        ...Array(max() - 1).fill('UNAUTHENTICATED'),
        'ACCOUNT_LOCKED',
        'ACCOUNT_LOCKED',
      ]);
      const lockedFor = (r: GqlResult) => new Date(r.errors![0].extensions!.lockedUntil).getTime();
      expect(Math.abs(lockedFor(unknown[max()]) - lockedFor(real[max()]))).toBeLessThan(5_000);
      const rows = await db.ds.query(`SELECT * FROM login_unknown_name`);
      expect(JSON.stringify(rows)).not.toContain(ghost);
      // Once the lock has passed, a wrong password starts a new count, as for an account.
      await db.ds.query(`UPDATE login_unknown_name SET locked_until = now() - interval '1 second'`);
      expect(errorCode(await login(ghost, WRONG))).toBe('UNAUTHENTICATED');
    });

    it('refuses a document with several logins (aliases or fragments) whole: nothing runs, nothing is counted', async () => {
      const u = await newUser('alias');
      const documents = [
        aliasedLogins(u.username, WRONG, 6),
        aliasedLogins(u.username, PASSWORD, 2),
        `mutation { ...A ...B }
         fragment A on Mutation { a: login(username: ${JSON.stringify(u.username)}, password: "${WRONG}") { token } }
         fragment B on Mutation { b: login(username: ${JSON.stringify(u.username)}, password: "${WRONG}") { token } }`,
      ];
      for (const doc of documents) {
        const res = await api.gql(doc);
        expect(res.status).toBe(400);
        expect(res.data).toBeNull();
        expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(res.errors![0].message).toContain('one login per request');
        expect(JSON.stringify(res)).not.toMatch(/"token"/);
      }
      expect(await loginEvents(u.id)).toHaveLength(0);
      const row = await userRow(u.id);
      expect(row.failed_attempts).toBe(0);
      expect(row.last_login_at).toBeNull();

      // One login in a document (even through a fragment) runs and is counted as usual.
      const single = await api.gql(
        `mutation { ...A } fragment A on Mutation { a: login(username: ${JSON.stringify(u.username)}, password: "${WRONG}") { token } }`,
      );
      expect(errorCode(single)).toBe('UNAUTHENTICATED');
      expect((await userRow(u.id)).failed_attempts).toBe(1);
    });

    it('serialises 8 parallel wrong-password requests: 5 counted failures lock the account, none is lost', async () => {
      const u = await newUser('par');
      const results = await Promise.all(Array.from({ length: 8 }, () => login(u.username, WRONG)));
      const codes = results.map(errorCode);
      expect(codes.every((c) => c === 'UNAUTHENTICATED' || c === 'ACCOUNT_LOCKED')).toBe(true);
      expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(max() - 1);
      expect(codes.filter((c) => c === 'ACCOUNT_LOCKED')).toHaveLength(8 - (max() - 1));

      const row = await userRow(u.id);
      expect(row.locked_until).not.toBeNull();
      const events = await loginEvents(u.id);
      expect(events).toHaveLength(8);
      const failures = events.filter((e) => e.outcome === 'FAILURE');
      // A lost update would repeat a running number (e.g. two attempts both counting as 1).
      expect(failures.map((e) => e.details.failures)).toEqual([1, 2, 3, 4, 5]);
      expect(events.filter((e) => e.outcome === 'DENIED')).toHaveLength(8 - max());
      expect(errorCode(await login(u.username, PASSWORD))).toBe('ACCOUNT_LOCKED');
    });

    it('refuses batched HTTP requests (JSON array body) without running any login', async () => {
      const u = await newUser('batch');
      const res = await post([
        { query: LOGIN, variables: { u: u.username, p: PASSWORD } },
        { query: LOGIN, variables: { u: u.username, p: WRONG } },
      ]);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body ?? {})).not.toMatch(/"token"/);
      expect(await loginEvents(u.id)).toHaveLength(0);
      const row = await userRow(u.id);
      expect(row.last_login_at).toBeNull();
      expect(row.failed_attempts).toBe(0);
    });

    it(`refuses a document with more than GRAPHQL_MAX_ALIASES aliases before running it: nothing counted`, async () => {
      const u = await newUser('manyalias');
      const limit = db.config.graphql.maxAliases;
      expect(limit).toBe(15);
      const res = await api.gql(aliasedLogins(u.username, WRONG, limit + 1));
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.data).toBeNull();
      expect(await loginEvents(u.id)).toHaveLength(0);
      expect((await userRow(u.id)).failed_attempts).toBe(0);
    });

    it('lets the right password in once the lock has expired, and resets the counter', async () => {
      const u = await newUser('expire');
      for (let i = 0; i < max(); i++) await login(u.username, WRONG);
      expect(errorCode(await login(u.username, PASSWORD))).toBe('ACCOUNT_LOCKED');

      await db.ds.query(`UPDATE app_user SET locked_until = now() - interval '1 second' WHERE id = $1`, [
        u.id,
      ]);
      // A single wrong password after the lock starts a new count instead of re-locking at once.
      expect(errorCode(await login(u.username, WRONG))).toBe('UNAUTHENTICATED');
      const mid = await userRow(u.id);
      expect(mid.failed_attempts).toBe(1);
      expect(mid.locked_until === null || mid.locked_until.getTime() < Date.now()).toBe(true);

      const ok = await login(u.username, PASSWORD);
      expect(ok.errors).toBeUndefined();
      expect(ok.data!.login.user.id).toBe(u.id);
      const row = await userRow(u.id);
      expect(row.failed_attempts).toBe(0);
      expect(row.locked_until).toBeNull();
      expect(row.last_login_at).not.toBeNull();
      expect((await api.gql(ME, {}, ok.data!.login.token)).data!.me.id).toBe(u.id);
    });
  });

  describe('login trail', () => {
    async function eventsOfRequest(requestId: string): Promise<AuditRow[]> {
      return db.ds.query(
        `SELECT action, outcome, error_code, actor_user_id, entity_id, details, row_to_json(a)::text AS json
           FROM audit_event a WHERE request_id = $1 AND action = 'auth.login' ORDER BY id`,
        [requestId],
      );
    }

    async function loginWithRequestId(username: string, password: string) {
      const requestId = `test-${randomBytes(8).toString('hex')}`;
      const res = await post(
        { query: LOGIN, variables: { u: username, p: password } },
        { 'x-request-id': requestId },
      );
      return { res, events: await eventsOfRequest(requestId) };
    }

    it('writes one auth.login event per attempt (SUCCESS / FAILURE / DENIED) and never the password', async () => {
      const u = await newUser('trail');
      const secretWrong = `Leak-check-${randomBytes(6).toString('hex')}9`;

      const ok = await loginWithRequestId(u.username, PASSWORD);
      expect(ok.res.body.data.login.token).toBeTruthy();
      expect(ok.events).toHaveLength(1);
      expect(ok.events[0]).toMatchObject({
        outcome: 'SUCCESS',
        error_code: null,
        actor_user_id: u.id,
        entity_id: u.id,
      });

      const failed: AuditRow[] = [];
      for (let i = 0; i < max(); i++) {
        const f = await loginWithRequestId(u.username, secretWrong);
        expect(f.events).toHaveLength(1);
        failed.push(f.events[0]);
      }
      expect(failed.map((e) => e.outcome)).toEqual(Array(max()).fill('FAILURE'));
      expect(failed.map((e) => e.error_code)).toEqual([
        ...Array(max() - 1).fill('UNAUTHENTICATED'),
        'ACCOUNT_LOCKED',
      ]);

      const locked = await loginWithRequestId(u.username, PASSWORD);
      expect(locked.res.body.errors[0].extensions.code).toBe('ACCOUNT_LOCKED');
      expect(locked.events).toHaveLength(1);
      expect(locked.events[0]).toMatchObject({
        outcome: 'DENIED',
        error_code: 'ACCOUNT_LOCKED',
        entity_id: u.id,
      });

      const unknownName = `ghost-${randomBytes(4).toString('hex')}`;
      const unknown = await loginWithRequestId(unknownName, secretWrong);
      expect(unknown.events).toHaveLength(1);
      expect(unknown.events[0]).toMatchObject({
        outcome: 'FAILURE',
        error_code: 'UNAUTHENTICATED',
        actor_user_id: null,
      });

      for (const e of [...ok.events, ...failed, ...locked.events, ...unknown.events]) {
        expect(e.action).toBe('auth.login');
        expect(e.json).not.toContain(PASSWORD);
        expect(e.json).not.toContain(secretWrong);
      }
      // Nor anywhere else in the trail (e.g. the generic mutation events).
      const [{ hits }] = await db.ds.query(
        `SELECT count(*)::int AS hits FROM audit_event a
          WHERE strpos(row_to_json(a)::text, $1) > 0 OR strpos(row_to_json(a)::text, $2) > 0`,
        [PASSWORD, secretWrong],
      );
      expect(hits).toBe(0);
    });

    function max() {
      return db.config.auth.loginMaxFailures;
    }
  });
});
