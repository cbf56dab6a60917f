import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { io, Manager, Socket as ClientSocket } from 'socket.io-client';
import { MAX_SOCKETS_PER_USER, RealtimeEmitter, rooms, SOCKET_CONNECT_TIMEOUT_MS } from '@yg/realtime';
import { createTestDb, TestDb } from './utils/test-db';
import { testConfig } from './utils/config';
import { buildTenant, TenantFixture, UserKey } from './utils/fixtures';
import { TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { registerPatient, upReferralInput } from './utils/referrals';

/** Generous: two cores shared with other suites. */
const WAIT_MS = 30_000;

interface Frame {
  event: string;
  data: any;
}

/** A socket.io client that records everything it is sent. */
class LiveClient {
  readonly frames: Frame[] = [];
  readonly disconnects: { reason: string; at: number }[] = [];
  readonly socket: ClientSocket;

  constructor(url: string, token?: string, opts: { header?: string } = {}) {
    this.socket = io(url, {
      // websocket only: several api processes without sticky sessions, as in production.
      transports: ['websocket'],
      auth: token === undefined ? {} : { token },
      extraHeaders: opts.header ? { authorization: opts.header } : undefined,
      reconnection: false,
      forceNew: true,
      timeout: WAIT_MS,
    });
    this.socket.onAny((event: string, data: unknown) => this.frames.push({ event, data }));
    this.socket.on('disconnect', (reason) => this.disconnects.push({ reason, at: Date.now() }));
  }

  of(event: string): any[] {
    return this.frames.filter((f) => f.event === event).map((f) => f.data);
  }

  waitFor(event: string, match: (data: any) => boolean = () => true, timeoutMs = WAIT_MS): Promise<any> {
    return eventually(async () => this.of(event).find(match), timeoutMs);
  }

  /** Connected and admitted: the server acknowledges the client's own user room. */
  async ready(userId: string): Promise<void> {
    await eventually(async () => this.socket.connected, WAIT_MS);
    const ack = await this.join(rooms.user(userId));
    if (!ack?.ok)
      throw new Error(`socket not admitted: ${JSON.stringify(ack)} ${JSON.stringify(this.frames)}`);
  }

  join(room: unknown): Promise<any> {
    return this.socket.timeout(WAIT_MS).emitWithAck('join', room);
  }

  /** Refused at connection: told why, then dropped by the server. */
  async refused(): Promise<void> {
    await this.waitFor('auth_error');
    await eventually(async () => this.disconnects.length > 0, WAIT_MS);
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

const CREATE = `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state } }`;

describe('live push over socket.io', () => {
  let db: TestDb;
  let t: TenantFixture;
  let api: TestApi;
  let apiB: TestApi;
  let worker: INestApplicationContext;
  let url: string;
  let urlB: string;
  const clients: LiveClient[] = [];
  const tokens = {} as Record<UserKey, string>;

  const connect = (target: string, token?: string, opts?: { header?: string }) => {
    const c = new LiveClient(target, token, opts);
    clients.push(c);
    return c;
  };

  /** A token the api would sign for this user, with our choice of secret and expiry. */
  const mint = (key: UserKey, secret: string, expInSeconds: number) => {
    const roles: Record<UserKey, string[]> = {
      admin: ['CONSORTIUM_ADMIN'],
      auditor: ['AUDITOR'],
      instAdmin: ['INSTITUTION_ADMIN'],
      villageClinician: ['CLINICIAN'],
      coordinator: ['REFERRAL_COORDINATOR'],
      countyClinician: ['CLINICIAN'],
      expert: ['EXPERT'],
    };
    const inst: Record<UserKey, string> = {
      admin: t.inst.general,
      auditor: t.inst.general,
      instAdmin: t.inst.township,
      villageClinician: t.inst.village,
      coordinator: t.inst.general,
      countyClinician: t.inst.general,
      expert: t.inst.partner,
    };
    const now = Math.floor(Date.now() / 1000);
    return new JwtService().sign(
      {
        sub: t.users[key].id,
        tid: t.tenantId,
        iid: inst[key],
        pid: null,
        roles: roles[key],
        iat: now - 1000,
        exp: now + expInSeconds,
      },
      { secret, algorithm: 'HS256', issuer: 'yigongti' },
    );
  };

  /** The village clinician refers a new patient up to the general hospital. */
  const referUp = async () => {
    const patientId = await registerPatient(api, tokens.villageClinician);
    const res = await api.gql(
      CREATE,
      { i: upReferralInput(patientId, t.inst.general) },
      tokens.villageClinician,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createReferral as {
      id: string;
      number: string;
      state: string;
    };
  };

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    url = await listen(api);
    apiB = await TestApi.start(db.config);
    urlB = await listen(apiB);
    worker = await startWorker(db.config);
    for (const key of [
      'villageClinician',
      'coordinator',
      'countyClinician',
      'expert',
      'admin',
    ] as UserKey[]) {
      tokens[key] = await api.login(t.users[key].username);
    }
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await worker?.close();
    await apiB?.close();
    await api?.close();
    await db?.drop();
  });

  describe('connection authentication', () => {
    it('refuses clients without a valid token with auth_error and a server disconnect, and sends them nothing else', async () => {
      const secret = db.config.auth.jwtSecret;
      const refusedClients = {
        none: connect(url),
        garbage: connect(url, 'not-a-jwt'),
        bearerGarbage: connect(url, undefined, { header: 'Bearer x.y.z' }),
        expired: connect(url, mint('coordinator', secret, -60)),
        otherSecret: connect(url, mint('coordinator', 'another-secret-of-at-least-32-characters!!', 600)),
      };
      // Control: the same claims, signed right and not expired, are admitted.
      const control = connect(url, mint('coordinator', secret, 600));
      await control.ready(t.users.coordinator.id);

      for (const [name, c] of Object.entries(refusedClients)) {
        await c.refused().catch((err) => {
          throw new Error(`${name}: ${(err as Error).message}; frames ${JSON.stringify(c.frames)}`);
        });
        expect({ name, error: c.of('auth_error')[0] }).toEqual({
          name,
          error: {
            code: 'UNAUTHENTICATED',
            message: expect.stringContaining('未登录'),
          },
        });
        expect({ name, reason: c.disconnects[0].reason }).toEqual({
          name,
          reason: 'io server disconnect',
        });
        expect(c.socket.connected).toBe(false);
      }

      // Something the coordinator's institution hears about: the control gets it, the refused nothing.
      const r = await referUp();
      await control.waitFor('referral.updated', (d) => d.id === r.id);
      await control.waitFor('notification', (n) => n.link === `/referrals/${r.id}`);
      for (const [name, c] of Object.entries(refusedClients)) {
        expect({ name, events: c.frames.map((f) => f.event) }).toEqual({
          name,
          events: ['auth_error'],
        });
      }
    });

    it('holds at most MAX_SOCKETS_PER_USER sockets of one user open on an api process, and takes another once one closes', async () => {
      // A script with one clinician's token opened 9,000 sockets and ended the api (heap out of memory).
      const token = await api.login(t.users.auditor.username);
      const before = clients.length;
      const open = Array.from({ length: MAX_SOCKETS_PER_USER }, () => connect(url, token));
      for (const c of open) await c.ready(t.users.auditor.id);

      const extra = connect(url, token);
      await extra.refused();
      expect(extra.of('auth_error')).toEqual([
        { code: 'TOO_MANY_CONNECTIONS', message: expect.stringContaining('实时连接过多') },
      ]);
      // The limit is the user's: others still get in, and the open sockets are unaffected.
      const other = connect(url, tokens.expert);
      await other.ready(t.users.expert.id);
      expect(open.every((c) => c.socket.connected)).toBe(true);

      // Admitted or refused, whichever the server says first.
      const admitted = (c: LiveClient) =>
        Promise.race([
          c.waitFor('auth_error').then(() => false),
          c.ready(t.users.auditor.id).then(() => true),
        ]);
      open[0].close();
      await eventually(async () => admitted(connect(url, token)), WAIT_MS);
      for (const c of clients.slice(before)) c.close();
    });

    it('accepts the token in an Authorization header as well', async () => {
      const c = connect(url, undefined, { header: `Bearer ${tokens.expert}` });
      await c.ready(t.users.expert.id);
      expect(c.of('auth_error')).toEqual([]);
    });
  });

  describe('pushes', () => {
    it('pushes notification (id, kind, title, link) to the recipient and referral.updated to both institutions, without patient details', async () => {
      const coord = connect(url, tokens.coordinator);
      const village = connect(url, tokens.villageClinician);
      await coord.ready(t.users.coordinator.id);
      await village.ready(t.users.villageClinician.id);

      const r = await referUp();
      const n = await coord.waitFor('notification', (x) => x.link === `/referrals/${r.id}`);
      expect(n).toEqual({
        id: expect.any(String),
        kind: 'referral.submitted',
        title: expect.stringContaining(r.number),
        body: null,
        link: `/referrals/${r.id}`,
        createdAt: expect.any(String),
      });
      // The pushed notification is the inbox entry, not a copy with its own id.
      const inbox = await api.gql(
        `{ notifications(unreadOnly: true) { nodes { id kind link } } }`,
        {},
        tokens.coordinator,
      );
      expect(inbox.data!.notifications.nodes).toContainEqual({
        id: n.id,
        kind: 'referral.submitted',
        link: n.link,
      });

      for (const c of [coord, village]) {
        const u = await c.waitFor('referral.updated', (d) => d.id === r.id);
        expect(u).toEqual({
          id: r.id,
          number: r.number,
          state: 'SUBMITTED',
          type: 'referral.submitted',
          at: expect.any(String),
        });
      }
      // The sender is the actor: no notification for its own step.
      expect(village.of('notification').filter((x) => x.link === `/referrals/${r.id}`)).toEqual([]);
      // Pushes carry no patient details (name, id number, phone).
      const pushed = JSON.stringify([...coord.frames, ...village.frames]);
      expect(pushed).not.toContain('测试患者');
      expect(pushed).not.toContain('13900000000');
    });

    it('keeps a client out of rooms it is not entitled to; an unrelated institution hears nothing', async () => {
      const village = connect(url, tokens.villageClinician);
      const partner = connect(url, tokens.expert);
      const general = connect(url, tokens.countyClinician);
      await village.ready(t.users.villageClinician.id);
      await partner.ready(t.users.expert.id);
      await general.ready(t.users.countyClinician.id);

      for (const room of [
        rooms.institution(t.inst.general),
        rooms.user(t.users.coordinator.id),
        'consultation:x',
        { room: 'inst:x' },
      ]) {
        expect(await village.join(room)).toEqual({
          ok: false,
          code: 'FORBIDDEN',
          message: expect.stringContaining('无权'),
        });
      }
      expect(await village.join(rooms.institution(t.inst.village))).toEqual({
        ok: true,
        room: rooms.institution(t.inst.village),
      });

      // The general hospital refers up to the partner hospital: nothing of the village's business.
      const patientId = await registerPatient(api, tokens.countyClinician, '县医院患者');
      const res = await api.gql(
        CREATE,
        { i: upReferralInput(patientId, t.inst.partner) },
        tokens.countyClinician,
      );
      expect(res.errors).toBeUndefined();
      const other = res.data!.createReferral;
      await general.waitFor('referral.updated', (d) => d.id === other.id);
      await partner.waitFor('referral.updated', (d) => d.id === other.id);

      // A village referral travels the same path after it; once the village has that one, the
      // other would have arrived before it had it been routed there.
      const mine = await referUp();
      await village.waitFor('referral.updated', (d) => d.id === mine.id);
      expect(village.frames.filter((f) => JSON.stringify(f.data ?? null).includes(other.id))).toEqual([]);
      // And the partner hospital hears nothing about the village's referral to the general hospital.
      await general.waitFor('referral.updated', (d) => d.id === mine.id);
      const partnerSentinel = await api.gql(
        CREATE,
        {
          i: upReferralInput(
            await registerPatient(api, tokens.countyClinician, '县医院患者二'),
            t.inst.partner,
          ),
        },
        tokens.countyClinician,
      );
      await partner.waitFor('referral.updated', (d) => d.id === partnerSentinel.data!.createReferral.id);
      expect(partner.frames.filter((f) => JSON.stringify(f.data ?? null).includes(mine.id))).toEqual([]);
    });

    it('reaches a client on another api process for an action done through the first (Redis adapter + worker emitter)', async () => {
      const onB = connect(urlB, tokens.coordinator);
      const onA = connect(url, tokens.coordinator);
      await onB.ready(t.users.coordinator.id);
      await onA.ready(t.users.coordinator.id);

      const r = await referUp(); // through api A's HTTP server
      for (const c of [onB, onA]) {
        await c.waitFor('referral.updated', (d) => d.id === r.id && d.state === 'SUBMITTED');
        await c.waitFor(
          'notification',
          (n) => n.link === `/referrals/${r.id}` && n.kind === 'referral.submitted',
        );
      }
      // Delivered once, not once per process: a later push has arrived, so any duplicate would have too.
      const later = await referUp();
      await onB.waitFor('referral.updated', (d) => d.id === later.id);
      expect(onB.of('referral.updated').filter((d) => d.id === r.id)).toHaveLength(1);
      expect(onB.of('notification').filter((n) => n.link === `/referrals/${r.id}`)).toHaveLength(1);
    });

    it('lets a client that was offline find what it missed in its inbox after reconnecting', async () => {
      const first = connect(url, tokens.coordinator);
      await first.ready(t.users.coordinator.id);
      first.close();
      await eventually(async () => first.disconnects.length > 0);

      // Submitted while the coordinator is offline; the village's own socket shows the push went out.
      const village = connect(url, tokens.villageClinician);
      await village.ready(t.users.villageClinician.id);
      const r = await referUp();
      await village.waitFor('referral.updated', (d) => d.id === r.id);

      const again = connect(url, tokens.coordinator);
      await again.ready(t.users.coordinator.id);
      const res = await api.gql(
        `{ notifications(unreadOnly: true) { unreadCount nodes { kind title link readAt } } }`,
        {},
        tokens.coordinator,
      );
      expect(res.errors).toBeUndefined();
      const missed = res.data!.notifications.nodes.find(
        (n: { link: string }) => n.link === `/referrals/${r.id}`,
      );
      expect(missed).toEqual({
        kind: 'referral.submitted',
        title: expect.stringContaining(r.number),
        link: `/referrals/${r.id}`,
        readAt: null,
      });
      // socket.io keeps no buffer: the push itself is gone, the inbox is the recovery path.
      expect(again.of('notification').filter((n) => n.link === `/referrals/${r.id}`)).toEqual([]);
    });
  });

  describe('connection limits', () => {
    it('refuses handshakes past SOCKET_MAX_CONNECTIONS and closes a connection that never asks for the namespace', async () => {
      // Opened and left silent, before any token: socket.io kept each 45 s, and an unauthenticated
      // client holding 13,000 of them ended the api for lack of heap.
      const small = await TestApi.start({ ...db.config, socketMaxConnections: 3 });
      const smallUrl = await listen(small);
      const managers: Manager[] = [];
      const manager = () => {
        const m = new Manager(smallUrl, {
          transports: ['websocket'],
          reconnection: false,
          autoConnect: false,
        });
        managers.push(m);
        return m;
      };
      const opened = (m: Manager) => new Promise<boolean>((resolve) => m.open((err) => resolve(!err)));
      try {
        const silent = [manager(), manager(), manager()];
        const closed = new Set<Manager>();
        for (const m of silent) m.on('close', () => closed.add(m));
        expect(await Promise.all(silent.map(opened))).toEqual([true, true, true]);
        expect(await opened(manager())).toBe(false);

        // The server closes the silent ones (the client never sent its CONNECT) and room is made.
        await eventually(async () => closed.size === silent.length, SOCKET_CONNECT_TIMEOUT_MS + 10_000);
        const c = new LiveClient(smallUrl, tokens.expert);
        try {
          await c.ready(t.users.expert.id);
        } finally {
          c.close();
        }
      } finally {
        for (const m of managers) m.engine?.close();
        await small.close();
      }
    });
  });

  describe('token expiry', () => {
    let shortApi: TestApi;
    let shortUrl: string;
    beforeAll(async () => {
      // Same database and queues, tokens that live 3 s.
      shortApi = await TestApi.start(
        testConfig({
          DB_NAME: db.name,
          QUEUE_PREFIX: db.config.queuePrefix,
          JWT_TTL_SECONDS: '3',
        }),
      );
      shortUrl = await listen(shortApi);
    });
    afterAll(async () => {
      await shortApi?.close();
    });

    it('drops a socket when its token expires, and refuses the expired token afterwards', async () => {
      // Log in and connect before the 3 s run out; a loaded machine may need another go.
      let c: LiveClient | undefined;
      let token = '';
      for (let attempt = 0; attempt < 5 && !c; attempt++) {
        token = await shortApi.login(t.users.coordinator.username);
        const candidate = connect(shortUrl, token);
        try {
          await candidate.ready(t.users.coordinator.id);
          c = candidate;
        } catch {
          candidate.close();
        }
      }
      if (!c) throw new Error('could not connect with a fresh short-lived token');
      const { exp } = new JwtService().decode<{ exp: number }>(token);
      expect(c.of('auth_error')).toEqual([]);

      await eventually(async () => c.disconnects.length > 0, WAIT_MS);
      expect(c.disconnects[0].reason).toBe('io server disconnect');
      // Told why, so it can refresh its token instead of giving up.
      expect(c.of('auth_error')).toEqual([expect.objectContaining({ code: 'TOKEN_EXPIRED' })]);
      // Dropped because the token ran out, not before (timer resolution slack only).
      expect(c.disconnects[0].at).toBeGreaterThanOrEqual(exp * 1000 - 250);

      const late = connect(shortUrl, token);
      await late.refused();
      expect(late.frames.map((f) => f.event)).toEqual(['auth_error']);
    });
  });

  describe('when Redis cannot be reached', () => {
    it('drops a push quietly instead of leaving an unhandled rejection (which would kill the worker)', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      // Nothing listens on port 1.
      const emitter = new RealtimeEmitter(testConfig({ REDIS_PORT: '1' }));
      try {
        expect(() =>
          emitter.emit([rooms.user(t.users.coordinator.id)], 'notification', {
            id: 'x',
          }),
        ).not.toThrow();
        await new Promise((r) => setTimeout(r, 500));
        expect(unhandled).toEqual([]);
      } finally {
        emitter.onApplicationShutdown();
        process.off('unhandledRejection', onUnhandled);
        // ioredis keeps a 2 s timer after disconnecting a refused socket; let it run out here
        // rather than hold jest open after the suite.
        await new Promise((r) => setTimeout(r, 2_100));
      }
    });
  });
});
