import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { io, Socket as ClientSocket } from 'socket.io-client';
import { rooms } from '@yg/realtime';
import { createTestDb, TestDb } from './utils/test-db';
import { testConfig } from './utils/config';
import { buildTenant, PASSWORD, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { eventually } from './utils/worker';
import { registerPatient } from './utils/referrals';
import { freePort, startRedis, stopProcess } from './pipeline-helpers';

const WAIT_MS = 20_000;

const USER_FIELDS = `id username displayName roles institutionId practitionerId active deactivatedAt`;
const UPDATE = `mutation($i: UpdateUserInput!) { updateUser(input: $i) { ${USER_FIELDS} } }`;
const DEACTIVATE = `mutation($id: ID!, $r: String!) { deactivateUser(id: $id, reason: $r) { ${USER_FIELDS} } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateUser(id: $id) { ${USER_FIELDS} } }`;
const USERS = `query($f: Int, $a: String, $inst: ID, $active: Boolean, $role: Role, $s: String) {
  users(first: $f, after: $a, institutionId: $inst, active: $active, role: $role, search: $s) {
    nodes { id username active roles institutionId } pageInfo { hasNextPage endCursor } } }`;
const ME = `{ me { id roles institutionId } }`;

/** A socket.io client that records what it is sent and how it was let go. */
class Live {
  readonly frames: { event: string; data: any }[] = [];
  readonly disconnects: string[] = [];
  readonly socket: ClientSocket;

  constructor(url: string, token: string) {
    this.socket = io(url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      timeout: WAIT_MS,
    });
    this.socket.onAny((event: string, data: unknown) => this.frames.push({ event, data }));
    this.socket.on('disconnect', (reason) => this.disconnects.push(reason));
  }

  of(event: string): any[] {
    return this.frames.filter((f) => f.event === event).map((f) => f.data);
  }

  waitFor(event: string, match: (d: any) => boolean = () => true): Promise<any> {
    return eventually(async () => this.of(event).find(match), WAIT_MS);
  }

  async ready(userId: string): Promise<void> {
    await eventually(async () => this.socket.connected, WAIT_MS);
    const ack = await this.emit('join', rooms.user(userId));
    if (!ack?.ok) throw new Error(`not admitted: ${JSON.stringify(ack)} ${JSON.stringify(this.frames)}`);
  }

  emit(event: string, body: unknown): Promise<any> {
    return this.socket.timeout(WAIT_MS).emitWithAck(event, body);
  }

  /** Told why, then dropped by the server. */
  async dropped(code: string): Promise<void> {
    await this.waitFor('auth_error', (e) => e.code === code);
    await eventually(async () => this.disconnects.length > 0, WAIT_MS);
    expect(this.disconnects).toEqual(['io server disconnect']);
  }

  close() {
    this.socket.disconnect();
  }
}

async function listen(api: TestApi): Promise<string> {
  await api.app.listen(0, '127.0.0.1');
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function expectCode(res: GqlResult, code: string) {
  expect({ code: errorCode(res), data: res.data, message: res.errors?.[0]?.message }).toEqual({
    code,
    data: null,
    message: expect.stringMatching(/[\u4e00-\u9fff].*\(.+\)/),
  });
}

describe('user administration and revocable sessions', () => {
  let db: TestDb;
  let t: TenantFixture;
  /** Two api copies on one database and Redis, as in production. */
  let api: TestApi;
  let apiB: TestApi;
  let url: string;
  let urlB: string;
  let adminToken: string;
  const clients: Live[] = [];

  const connect = (target: string, token: string) => {
    const c = new Live(target, token);
    clients.push(c);
    return c;
  };

  /** Another user (the fixture's password) at an institution, with roles. */
  async function addUser(
    prefix: string,
    institutionId: string,
    roles: string[],
    tenant: TenantFixture = t,
    practitionerId: string | null = null,
  ): Promise<{ id: string; username: string }> {
    const username = `${prefix}-${randomBytes(4).toString('hex')}`;
    const [row] = await db.ds.query(
      `INSERT INTO app_user (tenant_id, institution_id, practitioner_id, username, display_name, password_hash, roles)
       SELECT $1, $2, $3, $4, $4, password_hash, $5 FROM app_user WHERE id = $6 RETURNING id`,
      [tenant.tenantId, institutionId, practitionerId, username, roles, t.users.admin.id],
    );
    return { id: row.id as string, username };
  }

  async function row(id: string) {
    const [r] = await db.ds.query(
      `SELECT active, roles, institution_id, practitioner_id, display_name, phone, session_version,
              deactivated_at, deactivated_by, deactivation_reason
         FROM app_user WHERE id = $1`,
      [id],
    );
    return r;
  }

  /** An edit on the version the user has now, as an admin who just read it would send (unless given). */
  async function updateUser(input: Record<string, unknown>, token: string): Promise<GqlResult> {
    return api.gql(UPDATE, { i: { version: await versionOf(input.id as string), ...input } }, token);
  }
  async function versionOf(id: string): Promise<number> {
    const [r] = await db.ds.query(`SELECT version FROM app_user WHERE id::text = $1`, [id]);
    return r?.version ?? 1;
  }

  async function events(action: string, entityId: string) {
    return db.ds.query(
      `SELECT outcome, error_code, actor_user_id, details FROM audit_event
        WHERE action = $1 AND entity_id = $2 ORDER BY id`,
      [action, entityId],
    );
  }

  /** The trail the GraphQL layer writes for a refused mutation. */
  async function refusals(field: string) {
    return db.ds.query(
      `SELECT outcome, error_code FROM audit_event WHERE action = $1 AND outcome <> 'SUCCESS' ORDER BY id`,
      [`mutation.${field}`],
    );
  }

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    // Sessions are re-read only once a minute here: whatever ends one sooner is the revocation
    // itself (the local change or the Redis broadcast), not the periodic re-check.
    db.config = { ...db.config, auth: { ...db.config.auth, sessionRecheckMs: 60_000 } };
    api = await TestApi.start(db.config);
    apiB = await TestApi.start(db.config);
    url = await listen(api);
    urlB = await listen(apiB);
    adminToken = await api.login(t.users.admin.username);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await apiB?.close();
    await api?.close();
    await db?.drop();
  });

  describe('editing and listing users', () => {
    it('lets a consortium admin change name, phone and roles, each change audited in its transaction', async () => {
      const u = await addUser('edit', t.inst.village, ['CLINICIAN']);
      const res = await updateUser(
        {
          id: u.id,
          displayName: '  冉医生 ',
          phone: '13912345678',
          roles: ['REFERRAL_COORDINATOR', 'CLINICIAN'],
        },
        adminToken,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateUser).toMatchObject({
        id: u.id,
        displayName: '冉医生',
        roles: ['CLINICIAN', 'REFERRAL_COORDINATOR'],
        active: true,
      });
      const r = await row(u.id);
      expect(r).toMatchObject({ display_name: '冉医生', phone: '13912345678', session_version: 0 });
      // Admins see that a number is on record, never the number itself.
      const listed = await api.gql(
        `{ users(search: "${u.username}") { nodes { id phoneMasked } } }`,
        {},
        adminToken,
      );
      expect(listed.data!.users.nodes).toEqual([{ id: u.id, phoneMasked: '139****5678' }]);
      expect(JSON.stringify(listed)).not.toContain('13912345678');
      expect(await events('user.update', u.id)).toEqual([
        {
          outcome: 'SUCCESS',
          error_code: null,
          actor_user_id: t.users.admin.id,
          details: {
            changed: ['displayName', 'phone', 'roles'],
            roles: { from: ['CLINICIAN'], to: ['CLINICIAN', 'REFERRAL_COORDINATOR'] },
            endsSessions: false,
          },
        },
      ]);
      // null clears the phone; bad input changes nothing.
      await updateUser({ id: u.id, phone: null }, adminToken);
      expect((await row(u.id)).phone).toBeNull();
      const bad = await updateUser({ id: u.id, phone: '123', displayName: 'x' }, adminToken);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect((await row(u.id)).display_name).toBe('冉医生');
      expect(errorCode(await updateUser({ id: u.id, roles: [] }, adminToken))).toBe('BAD_USER_INPUT');
    });

    it('refuses an edit on a version changed meanwhile (CONFLICT naming the current one) and changes nothing', async () => {
      const u = await addUser('ver', t.inst.village, ['CLINICIAN']);
      const read = await api.gql(
        `{ users(search: "${u.username}") { nodes { id version } } }`,
        {},
        adminToken,
      );
      expect(read.data!.users.nodes).toEqual([{ id: u.id, version: 1 }]);
      // Another admin changes the phone on that version.
      const theirs = await api.gql(UPDATE, { i: { id: u.id, version: 1, phone: '13900000001' } }, adminToken);
      expect(theirs.errors).toBeUndefined();
      const all = async () => (await db.ds.query(`SELECT * FROM app_user WHERE id = $1`, [u.id]))[0];
      const [before, trail] = [await all(), await events('user.update', u.id)];
      expect(before.version).toBe(2);
      // Saved on the version read (a field of its own, nothing at all) or one never issued: refused.
      for (const input of [
        { id: u.id, version: 1, displayName: '向医生' },
        { id: u.id, version: 1 },
        { id: u.id, version: 3, roles: ['AUDITOR'] },
      ]) {
        const stale = await api.gql(UPDATE, { i: input }, adminToken);
        expectCode(stale, 'CONFLICT');
        expect(stale.errors![0].message).toMatch(/^用户已被他人修改\(当前版本 2\)/);
        expect(stale.errors![0].extensions).toMatchObject({ currentVersion: 2 });
        expect(await all()).toEqual(before);
        expect(await events('user.update', u.id)).toEqual(trail);
      }
      // Left out, the schema refuses it before anything is read.
      const missing = await api.gql(
        `mutation { updateUser(input: { id: "${u.id}", displayName: "向医生" }) { id } }`,
        {},
        adminToken,
      );
      expect(errorCode(missing)).toBe('GRAPHQL_VALIDATION_FAILED');
      // On the version read again, the change goes through and the other stands.
      const mine = await api.gql(UPDATE, { i: { id: u.id, version: 2, displayName: '向医生' } }, adminToken);
      expect(mine.errors).toBeUndefined();
      expect(await all()).toMatchObject({ display_name: '向医生', phone: '13900000001', version: 3 });
      expect(
        (await api.gql(`{ users(search: "${u.username}") { nodes { version } } }`, {}, adminToken)).data!
          .users.nodes,
      ).toEqual([{ version: 3 }]);
      // A save that changes nothing keeps the version.
      await api.gql(UPDATE, { i: { id: u.id, version: 3, displayName: '向医生' } }, adminToken);
      expect((await all()).version).toBe(3);
      // Deactivation and reactivation change the account too; a password reset does not.
      await api.gql(DEACTIVATE, { id: u.id, r: '调离' }, adminToken);
      expect((await all()).version).toBe(4);
      await api.gql(REACTIVATE, { id: u.id }, adminToken);
      expect((await all()).version).toBe(5);
      const reset = await api.gql(
        `mutation($id: ID!) { resetUserPassword(id: $id, newPassword: "Reset-pass-2027") { version } }`,
        { id: u.id },
        adminToken,
      );
      expect(reset.data!.resetUserPassword.version).toBe(5);
      expectCode(await api.gql(UPDATE, { i: { id: u.id, version: 3, phone: null } }, adminToken), 'CONFLICT');
    });

    it('lets exactly one of two admins saving the same user on the same version at once win; the other gets CONFLICT', async () => {
      const admin2 = await addUser('admin2', t.inst.general, ['CONSORTIUM_ADMIN']);
      const admin2Token = await apiB.login(admin2.username);
      for (let round = 0; round < 3; round++) {
        const u = await addUser(`race${round}`, t.inst.village, ['CLINICIAN']);
        // Each changes a field of its own, through its own api copy: without the version both would go through.
        const results = await Promise.all([
          api.gql(UPDATE, { i: { id: u.id, version: 1, displayName: `甲${round}` } }, adminToken),
          apiB.gql(UPDATE, { i: { id: u.id, version: 1, phone: `1390000000${round}` } }, admin2Token),
        ]);
        const won = results.filter((r) => !r.errors);
        expect(won).toHaveLength(1);
        const lost = results.filter((r) => errorCode(r) === 'CONFLICT');
        expect(lost).toHaveLength(1);
        expect(lost[0].errors![0].extensions).toMatchObject({ currentVersion: 2 });
        const [r] = await db.ds.query(`SELECT display_name, phone, version FROM app_user WHERE id = $1`, [
          u.id,
        ]);
        expect(r.version).toBe(2);
        // Only the winner's change is there.
        expect([r.display_name !== u.username, r.phone !== null].filter(Boolean)).toHaveLength(1);
        expect(await events('user.update', u.id)).toHaveLength(1);
      }
    });

    it('lists the users an admin administers, page by page; an institution admin sees only their institution', async () => {
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM app_user WHERE tenant_id = $1`, [
        t.tenantId,
      ]);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await api.gql(USERS, { f: 3, a: after }, adminToken);
        expect(page.errors).toBeUndefined();
        seen.push(...page.data!.users.nodes.map((x: { username: string }) => x.username));
        if (!page.data!.users.pageInfo.hasNextPage) break;
        after = page.data!.users.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(n);
      expect(new Set(seen).size).toBe(n);

      const instAdmin = await api.login(t.users.instAdmin.username);
      const own = await api.gql(USERS, { f: 100 }, instAdmin);
      expect(own.data!.users.nodes.length).toBeGreaterThan(0);
      expect(
        own.data!.users.nodes.every((x: { institutionId: string }) => x.institutionId === t.inst.township),
      ).toBe(true);
      expectCode(await api.gql(USERS, { inst: t.inst.general }, instAdmin), 'FORBIDDEN');
      const clinician = await api.login(t.users.villageClinician.username);
      expectCode(await api.gql(USERS, {}, clinician), 'FORBIDDEN');

      const found = await api.gql(
        USERS,
        { s: t.users.coordinator.username.toUpperCase(), role: 'REFERRAL_COORDINATOR' },
        adminToken,
      );
      expect(found.data!.users.nodes.map((x: { id: string }) => x.id)).toEqual([t.users.coordinator.id]);
    });

    it("keeps an institution admin to their own institution's users and the roles they may grant", async () => {
      const instAdmin = await api.login(t.users.instAdmin.username);
      const mine = await addUser('mine', t.inst.township, ['CLINICIAN']);
      const auditorHere = await addUser('aud', t.inst.township, ['AUDITOR']);
      const before = await refusals('updateUser');

      for (const [what, res] of [
        [
          'deactivate another institution’s user',
          await api.gql(DEACTIVATE, { id: t.users.villageClinician.id, r: '调离' }, instAdmin),
        ],
        [
          'edit another institution’s user',
          await updateUser({ id: t.users.villageClinician.id, displayName: 'x' }, instAdmin),
        ],
        ['grant CONSORTIUM_ADMIN', await updateUser({ id: mine.id, roles: ['CONSORTIUM_ADMIN'] }, instAdmin)],
        ['grant AUDITOR', await updateUser({ id: mine.id, roles: ['CLINICIAN', 'AUDITOR'] }, instAdmin)],
        [
          'move out of the institution',
          await updateUser({ id: mine.id, institutionId: t.inst.village }, instAdmin),
        ],
        [
          'touch an auditor of the institution',
          await api.gql(DEACTIVATE, { id: auditorHere.id, r: '调离' }, instAdmin),
        ],
      ] as const) {
        expect({ what, code: errorCode(res) }).toEqual({ what, code: 'FORBIDDEN' });
      }
      expect(await row(t.users.villageClinician.id)).toMatchObject({
        active: true,
        display_name: 'villageClinician',
      });
      expect(await row(mine.id)).toMatchObject({ roles: ['CLINICIAN'], institution_id: t.inst.township });
      expect(await row(auditorHere.id)).toMatchObject({ active: true });
      const after = await refusals('updateUser');
      expect(after.slice(before.length)).toEqual(
        Array(4).fill({ outcome: 'DENIED', error_code: 'FORBIDDEN' }),
      );

      // Within their remit it works.
      const granted = await updateUser({ id: mine.id, roles: ['CLINICIAN', 'INSTITUTION_ADMIN'] }, instAdmin);
      expect(granted.data!.updateUser.roles).toEqual(['CLINICIAN', 'INSTITUTION_ADMIN']);
      const off = await api.gql(DEACTIVATE, { id: mine.id, r: '调离本院' }, instAdmin);
      expect(off.data!.deactivateUser.active).toBe(false);
      expect(await row(mine.id)).toMatchObject({
        active: false,
        session_version: 1,
        deactivated_by: t.users.instAdmin.id,
        deactivation_reason: '调离本院',
      });
    });

    it('answers NOT_FOUND for a user of another consortium, changing nothing', async () => {
      const other = await buildTenant(db.ds);
      for (const res of [
        await api.gql(DEACTIVATE, { id: other.users.coordinator.id, r: 'x' }, adminToken),
        await updateUser({ id: other.users.coordinator.id, roles: ['AUDITOR'] }, adminToken),
      ]) {
        expect(errorCode(res)).toBe('NOT_FOUND');
      }
      // A malformed id is refused by the input rule before any lookup.
      expect(errorCode(await api.gql(REACTIVATE, { id: 'not-a-uuid' }, adminToken))).toBe('BAD_USER_INPUT');
      expect(await row(other.users.coordinator.id)).toMatchObject({
        active: true,
        roles: ['REFERRAL_COORDINATOR'],
      });
    });
  });

  describe('passwords', () => {
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }`;
    const RESET = `mutation($id: ID!, $n: String!) { resetUserPassword(id: $id, newPassword: $n) { id } }`;
    const ME = `{ me { id } }`;
    const hashOf = async (id: string) =>
      (await db.ds.query(`SELECT password_hash FROM app_user WHERE id = $1`, [id]))[0]
        .password_hash as string;

    it('lets a user change their own password with the current one: every session ends, the caller gets a new one', async () => {
      const u = await addUser('pw', t.inst.township, ['CLINICIAN']);
      const token = await api.login(u.username);
      const elsewhere = await apiB.login(u.username);
      const before = await hashOf(u.id);
      // Refused, each changing nothing: a wrong current password (the session stays), a weak or unchanged new one.
      const wrong = await api.gql(CHANGE, { c: 'not-the-password-1', n: 'New-pass-2027x' }, token);
      expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
      expect(wrong.errors![0].message).toContain('当前密码不正确');
      expect(errorCode(await api.gql(CHANGE, { c: PASSWORD, n: 'short1' }, token))).toBe('BAD_USER_INPUT');
      expect(errorCode(await api.gql(CHANGE, { c: PASSWORD, n: PASSWORD }, token))).toBe('BAD_USER_INPUT');
      expect(await hashOf(u.id)).toBe(before);
      expect((await api.gql(ME, {}, token)).data).not.toBeNull();

      const ok = await api.gql<{ changePassword: { token: string } }>(
        CHANGE,
        { c: PASSWORD, n: 'New-pass-2027x' },
        token,
      );
      const fresh = ok.data!.changePassword.token;
      expect((await api.gql(ME, {}, fresh)).data).toEqual({ me: { id: u.id } });
      for (const [copy, old] of [
        [api, token],
        [apiB, elsewhere],
      ] as const) {
        expect(errorCode(await copy.gql(ME, {}, old))).toBe('UNAUTHENTICATED');
      }
      expect(
        errorCode(
          await api.gql(
            `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
            { u: u.username, p: PASSWORD },
          ),
        ),
      ).toBe('UNAUTHENTICATED');
      expect(await api.login(u.username, 'New-pass-2027x')).toBeTruthy();
      const trail = JSON.stringify(
        await db.ds.query(`SELECT * FROM audit_event WHERE entity_id = $1`, [u.id]),
      );
      for (const p of ['New-pass-2027x', 'not-the-password-1', PASSWORD]) expect(trail).not.toContain(p);
      expect((await events('user.password.change', u.id)).map((e: { outcome: string }) => e.outcome)).toEqual(
        ['SUCCESS'],
      );
      // The wrong current password was counted as a failed attempt, in the trail.
      const confirms = await db.ds.query(
        `SELECT outcome, error_code FROM audit_event WHERE action = 'auth.password.confirm' AND entity_id = $1 ORDER BY id`,
        [u.id],
      );
      expect(confirms).toEqual([
        { outcome: 'FAILURE', error_code: 'UNAUTHENTICATED' },
        { outcome: 'SUCCESS', error_code: null },
      ]);
    });

    it('locks the account after as many wrong current passwords as failed logins would', async () => {
      const u = await addUser('pwlock', t.inst.township, ['CLINICIAN']);
      const token = await api.login(u.username);
      for (let i = 0; i < db.config.auth.loginMaxFailures - 1; i++) {
        expect(
          errorCode(await api.gql(CHANGE, { c: `wrong-${i}-password`, n: 'New-pass-2027x' }, token)),
        ).toBe('BAD_USER_INPUT');
      }
      expect(errorCode(await api.gql(CHANGE, { c: 'wrong-last-password', n: 'New-pass-2027x' }, token))).toBe(
        'ACCOUNT_LOCKED',
      );
      expect(errorCode(await api.gql(CHANGE, { c: PASSWORD, n: 'New-pass-2027x' }, token))).toBe(
        'ACCOUNT_LOCKED',
      );
    });

    it('refuses two password fields in one document', async () => {
      const res = await api.gql(
        `mutation { a: changePassword(currentPassword: "x1", newPassword: "New-pass-2027x") { token } b: changePassword(currentPassword: "x2", newPassword: "New-pass-2027x") { token } }`,
        {},
        adminToken,
      );
      expect(res.errors![0].message).toContain('one login per request');
    });

    it("lets an admin set a user's password: the user's sessions end and a lockout is lifted; an institution admin only its own institution's, nobody their own", async () => {
      const u = await addUser('pwreset', t.inst.township, ['CLINICIAN']);
      const token = await api.login(u.username);
      await db.ds.query(
        `UPDATE app_user SET failed_attempts = 3, locked_until = now() + interval '1 hour' WHERE id = $1`,
        [u.id],
      );
      const instAdmin = await api.login(t.users.instAdmin.username);
      const other = await addUser('pwother', t.inst.general, ['CLINICIAN']);
      const other2 = await buildTenant(db.ds);
      // Refused, changing nothing.
      expect(errorCode(await api.gql(RESET, { id: other.id, n: 'Reset-pass-2027' }, instAdmin))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await api.gql(RESET, { id: t.users.admin.id, n: 'Reset-pass-2027' }, instAdmin))).toBe(
        'FORBIDDEN',
      );
      expect(
        errorCode(await api.gql(RESET, { id: t.users.admin.id, n: 'Reset-pass-2027' }, adminToken)),
      ).toBe('FORBIDDEN');
      expect(
        errorCode(
          await api.gql(RESET, { id: other2.users.villageClinician.id, n: 'Reset-pass-2027' }, adminToken),
        ),
      ).toBe('NOT_FOUND');
      // A consortium-level role at the institution admin's own institution is still not theirs to reset.
      const lead = await addUser('pwlead', t.inst.township, ['CONSORTIUM_ADMIN']);
      expect(errorCode(await api.gql(RESET, { id: lead.id, n: 'Reset-pass-2027' }, instAdmin))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await api.gql(RESET, { id: u.id, n: 'short1' }, instAdmin))).toBe('BAD_USER_INPUT');
      expect(
        errorCode(
          await api.gql(
            RESET,
            { id: u.id, n: 'Reset-pass-2027' },
            await api.login(t.users.villageClinician.username),
          ),
        ),
      ).toBe('FORBIDDEN');
      expect((await api.gql(ME, {}, token)).data).not.toBeNull();
      const untouched = await hashOf(u.id);

      expect((await api.gql(RESET, { id: u.id, n: 'Reset-pass-2027' }, instAdmin)).data).toEqual({
        resetUserPassword: { id: u.id },
      });
      expect(errorCode(await api.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      expect(await hashOf(u.id)).not.toBe(untouched);
      expect(await api.login(u.username, 'Reset-pass-2027')).toBeTruthy();
      // The trail never holds a password, given or tried.
      const trail = JSON.stringify(
        await db.ds.query(`SELECT * FROM audit_event WHERE entity_id = ANY($1)`, [[u.id, lead.id]]),
      );
      expect(trail).not.toContain('Reset-pass-2027');
      expect(trail).not.toContain('short1');
      expect(
        (await events('user.password.reset', u.id)).map((e: { actor_user_id: string }) => e.actor_user_id),
      ).toEqual([t.users.instAdmin.id]);
    });

    it('a password an admin chose opens only `me` and `changePassword` (GraphQL, REST, sockets) until its user replaces it; a reset asks again', async () => {
      const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id passwordChangeRequired } }`;
      const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id passwordChangeRequired } } }`;
      const ME_FLAG = `{ me { id passwordChangeRequired institution { id } } }`;
      const WORK = `{ referrals(box: INCOMING, first: 5) { nodes { id } } }`;
      const REGISTER = `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`;
      const username = `first-${randomBytes(4).toString('hex')}`;
      const created = await api.gql(
        CREATE,
        {
          i: {
            username,
            displayName: '新入职管理员',
            institutionId: t.inst.township,
            roles: ['INSTITUTION_ADMIN', 'CLINICIAN'],
            password: 'Given-pass-2027',
          },
        },
        adminToken,
      );
      expect(created.errors).toBeUndefined();
      const id = created.data!.createUser.id as string;
      expect(created.data!.createUser.passwordChangeRequired).toBe(true);
      const listed = await api.gql(
        `{ users(search: "${username}") { nodes { id passwordChangeRequired } } }`,
        {},
        adminToken,
      );
      expect(listed.data!.users.nodes).toEqual([{ id, passwordChangeRequired: true }]);

      const login = await api.gql(LOGIN, { u: username, p: 'Given-pass-2027' });
      expect(login.data!.login.user).toEqual({ id, passwordChangeRequired: true });
      const token = login.data!.login.token as string;
      expect((await api.gql(ME_FLAG, {}, token)).data).toEqual({
        me: { id, passwordChangeRequired: true, institution: { id: t.inst.township } },
      });
      // Everything else is refused with a reason the console acts on, on either api copy.
      for (const copy of [api, apiB]) {
        const work = await copy.gql(WORK, {}, token);
        expect(errorCode(work)).toBe('PASSWORD_CHANGE_REQUIRED');
        expect(work.errors![0].message).toMatch(/须先修改密码.*\(.+\)/);
      }
      const patients = Number((await db.ds.query(`SELECT count(*) FROM patient`))[0].count);
      const register = await api.gql(
        REGISTER,
        { i: { idNumber: '110101199003070011', name: '改密前', residenceDivisionCode: '500114101' } },
        token,
      );
      expect(errorCode(register)).toBe('PASSWORD_CHANGE_REQUIRED');
      expect(Number((await db.ds.query(`SELECT count(*) FROM patient`))[0].count)).toBe(patients);
      expect(await refusals('registerPatient')).toContainEqual({
        outcome: 'DENIED',
        error_code: 'PASSWORD_CHANGE_REQUIRED',
      });
      const exportUrl = `${url}/indicators/export?month=2026-10`;
      const rest = await fetch(exportUrl, { headers: { authorization: `Bearer ${token}` } });
      expect(rest.status).toBe(403);
      expect(await rest.json()).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
      await connect(url, token).dropped('PASSWORD_CHANGE_REQUIRED');

      // Replaced: the new session does the user's work; the old token is gone.
      const changed = await api.gql<{ changePassword: { token: string } }>(
        `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }`,
        { c: 'Given-pass-2027', n: 'Own-pass-2027x' },
        token,
      );
      const own = changed.data!.changePassword.token;
      expect((await api.gql(ME_FLAG, {}, own)).data!.me.passwordChangeRequired).toBe(false);
      for (const copy of [api, apiB]) expect((await copy.gql(WORK, {}, own)).errors).toBeUndefined();
      expect(errorCode(await api.gql(ME_FLAG, {}, token))).toBe('UNAUTHENTICATED');
      expect((await fetch(exportUrl, { headers: { authorization: `Bearer ${own}` } })).status).toBe(200);
      await connect(url, own).ready(id);

      // An admin's reset hands the account a password someone else knows again.
      expect(errorCode(await api.gql(RESET, { id, n: 'Reset-pass-2028' }, adminToken))).toBeUndefined();
      const again = await api.gql(LOGIN, { u: username, p: 'Reset-pass-2028' });
      expect(again.data!.login.user.passwordChangeRequired).toBe(true);
      expect(errorCode(await api.gql(WORK, {}, again.data!.login.token))).toBe('PASSWORD_CHANGE_REQUIRED');
    });
  });

  describe('keeping the consortium administrable', () => {
    it('refuses to deactivate oneself, and to remove the last active consortium admin', async () => {
      const self = await api.gql(DEACTIVATE, { id: t.users.admin.id, r: '离职' }, adminToken);
      expectCode(self, 'FORBIDDEN');
      const other = await buildTenant(db.ds);
      const lone = await api.login(other.users.admin.username);
      const demote = await updateUser({ id: other.users.admin.id, roles: ['CLINICIAN'] }, lone);
      expectCode(demote, 'CONFLICT');
      expect(demote.errors![0].message).toContain('at least one active consortium admin');
      expect(await row(other.users.admin.id)).toMatchObject({ active: true, roles: ['CONSORTIUM_ADMIN'] });
    });

    it('of two admins removing each other at the same moment, exactly one succeeds', async () => {
      const other = await buildTenant(db.ds);
      const second = await addUser('admin2', other.inst.general, ['CONSORTIUM_ADMIN'], other);
      const [a, b] = await Promise.all([api.login(other.users.admin.username), api.login(second.username)]);
      const results = await Promise.all([
        api.gql(DEACTIVATE, { id: second.id, r: '互相停用' }, a),
        apiB.gql(DEACTIVATE, { id: other.users.admin.id, r: '互相停用' }, b),
      ]);
      const codes = results.map((r) => errorCode(r) ?? 'OK');
      expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
      // The loser either got past sign-in before the winner committed and is refused as the last
      // admin (CONFLICT), or arrived after it and finds its own session already revoked.
      const loser = codes.find((c) => c !== 'OK');
      expect(['CONFLICT', 'UNAUTHENTICATED']).toContain(loser);
      const [{ n }] = await db.ds.query(
        `SELECT count(*)::int AS n FROM app_user WHERE tenant_id = $1 AND active AND 'CONSORTIUM_ADMIN' = ANY(roles)`,
        [other.tenantId],
      );
      expect(n).toBe(1);
    });
  });

  describe('taking access away', () => {
    let consultationId: string;

    beforeAll(async () => {
      const county = await api.login(t.users.countyClinician.username);
      const patientId = await registerPatient(api, county);
      const res = await api.gql(
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id } }`,
        {
          i: {
            kind: 'VIDEO',
            patientId,
            purpose: '疑难病例会诊',
            caseSummary: '反复胸痛 3 月',
            question: '是否需要介入治疗?',
            attachments: [],
            urgency: 'ROUTINE',
            expertIds: [t.practitioner.expert],
            consent: {
              signedBy: '患者本人',
              relationship: '本人',
              signedAt: new Date(Date.now() - 3600_000).toISOString(),
              documentUri: 'https://files.example/consent/scan-001.pdf',
            },
          },
        },
        county,
      );
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      consultationId = res.data.requestConsultation.id;
    });

    it('deactivation ends the session at once: GraphQL on both api copies, sockets on both, the consultation room', async () => {
      const u = await addUser('leaver', t.inst.general, ['CLINICIAN']);
      const token = await api.login(u.username);
      // Warm both copies' caches: the revocation must beat them.
      for (const server of [api, apiB]) expect((await server.gql(ME, {}, token)).data!.me.id).toBe(u.id);
      const onA = connect(url, token);
      const onB = connect(urlB, token);
      const colleague = connect(url, await api.login(t.users.countyClinician.username));
      await Promise.all([onA.ready(u.id), onB.ready(u.id), colleague.ready(t.users.countyClinician.id)]);
      expect((await onA.emit('consultation.join', { consultationId })).ok).toBe(true);
      expect(
        (await colleague.emit('consultation.join', { consultationId })).present
          .map((p: any) => p.userId)
          .sort(),
      ).toEqual([u.id, t.users.countyClinician.id].sort());

      const res = await api.gql(DEACTIVATE, { id: u.id, r: '离职' }, adminToken);
      expect(res.data!.deactivateUser).toMatchObject({ active: false, deactivatedAt: expect.any(String) });

      // The very next request on the copy that made the change…
      const onSame = await api.gql(ME, {}, token);
      expectCode(onSame, 'UNAUTHENTICATED');
      expect(onSame.errors![0].extensions!.reason).toBe('SESSION_REVOKED');
      // …and on the other copy, through Redis (its own re-check would take a minute).
      await eventually(async () => errorCode(await apiB.gql(ME, {}, token)) === 'UNAUTHENTICATED', 10_000);
      // Sockets on both copies are told and dropped; the room no longer lists them.
      await onA.dropped('SESSION_REVOKED');
      await onB.dropped('SESSION_REVOKED');
      await colleague.waitFor(
        'consultation.presence',
        (p) => p.consultationId === consultationId && p.present.every((x: any) => x.userId !== u.id),
      );
      // The old token opens no new socket, so no consultation room either.
      const again = connect(url, token);
      await again.dropped('SESSION_REVOKED');
      expect(again.of('consultation.presence')).toEqual([]);
      // Nor a new login.
      const login = await api.gql(
        `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
        {
          u: u.username,
          p: PASSWORD,
        },
      );
      expect(errorCode(login)).toBe('UNAUTHENTICATED');
      expect(await events('user.deactivate', u.id)).toEqual([
        {
          outcome: 'SUCCESS',
          error_code: null,
          actor_user_id: t.users.admin.id,
          details: { roles: ['CLINICIAN'], institutionId: t.inst.general },
        },
      ]);
      // Deactivating again (a retried request) changes nothing and bumps nothing.
      await api.gql(DEACTIVATE, { id: u.id, r: '离职' }, adminToken);
      expect((await row(u.id)).session_version).toBe(1);
    });

    it('a removed role stops working at once; sockets reconnect with the roles the user has now', async () => {
      const boss = await addUser('boss', t.inst.general, ['CONSORTIUM_ADMIN', 'AUDITOR']);
      const token = await api.login(boss.username);
      expect((await apiB.gql(USERS, { f: 1 }, token)).errors).toBeUndefined();
      const live = connect(urlB, token);
      await live.ready(boss.id);
      // A consortium admin may sit in any consultation.
      expect((await live.emit('consultation.join', { consultationId })).ok).toBe(true);

      const res = await updateUser({ id: boss.id, roles: ['AUDITOR'] }, adminToken);
      expect(res.data!.updateUser.roles).toEqual(['AUDITOR']);

      const onSame = await api.gql(USERS, { f: 1 }, token);
      expectCode(onSame, 'FORBIDDEN');
      await eventually(async () => errorCode(await apiB.gql(USERS, { f: 1 }, token)) === 'FORBIDDEN', 10_000);
      // The session itself lives on, with the roles left.
      expect((await apiB.gql(ME, {}, token)).data!.me.roles).toEqual(['AUDITOR']);
      expect((await api.gql(`{ verifyAuditChain { ok } }`, {}, token)).errors).toBeUndefined();
      await live.dropped('SESSION_CHANGED');
      const back = connect(urlB, token);
      await back.ready(boss.id);
      expect(await back.emit('consultation.join', { consultationId })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
      expect(await events('user.update', boss.id)).toEqual([
        expect.objectContaining({
          details: expect.objectContaining({
            roles: { from: ['CONSORTIUM_ADMIN', 'AUDITOR'], to: ['AUDITOR'] },
          }),
        }),
      ]);
    });

    it('moving a user to another institution ends their sessions', async () => {
      const u = await addUser('mover', t.inst.general, ['CLINICIAN']);
      const token = await api.login(u.username);
      const live = connect(url, token);
      await live.ready(u.id);
      const res = await updateUser({ id: u.id, institutionId: t.inst.township }, adminToken);
      expect(res.data!.updateUser).toMatchObject({ institutionId: t.inst.township, practitionerId: null });
      expectCode(await api.gql(ME, {}, token), 'UNAUTHENTICATED');
      await live.dropped('SESSION_REVOKED');
      const fresh = await api.login(u.username);
      expect((await api.gql(ME, {}, fresh)).data!.me.institutionId).toBe(t.inst.township);
      expect((await events('user.update', u.id))[0].details).toEqual({
        changed: ['institutionId'],
        institutionId: { from: t.inst.general, to: t.inst.township },
        endsSessions: true,
      });
    });

    it('reactivation lets the user log in again, while tokens from before stay dead', async () => {
      const u = await addUser('return', t.inst.general, ['CLINICIAN']);
      const old = await api.login(u.username);
      await api.gql(DEACTIVATE, { id: u.id, r: '休假' }, adminToken);
      const res = await api.gql(REACTIVATE, { id: u.id }, adminToken);
      expect(res.data!.reactivateUser).toMatchObject({ active: true, deactivatedAt: null });
      expect(await row(u.id)).toMatchObject({ deactivated_by: null, deactivation_reason: null });
      expectCode(await api.gql(ME, {}, old), 'UNAUTHENTICATED');
      const fresh = await api.login(u.username);
      expect((await api.gql(ME, {}, fresh)).data!.me.id).toBe(u.id);
      expect((await events('user.reactivate', u.id)).map((e: { outcome: string }) => e.outcome)).toEqual([
        'SUCCESS',
      ]);
    });
  });

  describe('when the broadcast is lost', () => {
    it('a copy that never hears of the change still ends the session within SESSION_RECHECK_MS (HTTP and sockets)', async () => {
      const port = await freePort();
      const redis: ChildProcess = await startRedis(port);
      // On a Redis of its own, it never hears of changes made through the other copies: the
      // worst case of a lost message (a dropped subscription at least clears the cache).
      const isolated = await TestApi.start(
        testConfig({
          DB_NAME: db.name,
          QUEUE_PREFIX: db.config.queuePrefix,
          REDIS_PORT: String(port),
          SESSION_RECHECK_MS: '1000',
        }),
      );
      try {
        const isolatedUrl = await listen(isolated);
        const u = await addUser('cut', t.inst.general, ['CLINICIAN']);
        const token = await api.login(u.username);
        expect((await isolated.gql(ME, {}, token)).data!.me.id).toBe(u.id);
        const live = connect(isolatedUrl, token);
        await live.ready(u.id);

        await api.gql(DEACTIVATE, { id: u.id, r: '离职' }, adminToken);
        await eventually(
          async () => errorCode(await isolated.gql(ME, {}, token)) === 'UNAUTHENTICATED',
          15_000,
        );
        await live.dropped('SESSION_REVOKED');
        // Nothing else is refused meanwhile.
        const other = await api.login(t.users.coordinator.username);
        expect((await isolated.gql(ME, {}, other)).data!.me.id).toBe(t.users.coordinator.id);
      } finally {
        await isolated.close();
        await stopProcess(redis);
      }
    });
  });
});
