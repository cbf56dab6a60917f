import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { APP_CONFIG, AppConfig, AuthUser, Public } from '@yg/core';
import { PASSWORD_CHANGE_REQUIRED_MESSAGE, SessionRegistry, TokenService, UserSession } from '@yg/identity';
import { rooms } from './rooms';

/**
 * Plain data only: the Redis adapter serialises `socket.data` when another api process fetches
 * the sockets of a room (consultation presence).
 */
interface SocketData {
  /** The user as they are now (current roles); set once admitted. */
  user?: AuthUser;
  /** What the token says, and its session version: re-checked on every event. */
  claims?: AuthUser;
  sessionVersion?: number;
  stamp?: string;
}

/** What this process keeps about its own sockets besides their data. */
interface LocalState {
  admitted: Promise<boolean>;
  expiry?: NodeJS.Timeout;
}

type AuthedSocket = Socket & { data: SocketData };

/**
 * Sockets one user may hold open on one api process. Each costs the process about 40 kB of
 * heap: without a bound, one signed-in user opening thousands from a script (a token is
 * enough) exhausts the api's heap and ends it for everyone. The console opens one per tab.
 */
export const MAX_SOCKETS_PER_USER = 20;

interface AuthError {
  code: string;
  message: string;
}

const UNAUTHENTICATED: AuthError = {
  code: 'UNAUTHENTICATED',
  message: '未登录或登录已过期 (Not authenticated or session expired)',
};
const SESSION_REVOKED: AuthError = {
  code: 'SESSION_REVOKED',
  message: '登录已失效(账户已停用或已调整),请重新登录 (Your session has ended; log in again)',
};
const SESSION_CHANGED: AuthError = {
  code: 'SESSION_CHANGED',
  message: '账户权限已变更,请重新连接 (Your roles changed; reconnect)',
};
const PASSWORD_CHANGE_REQUIRED: AuthError = {
  code: 'PASSWORD_CHANGE_REQUIRED',
  message: PASSWORD_CHANGE_REQUIRED_MESSAGE,
};
const TOO_MANY_SOCKETS: AuthError = {
  code: 'TOO_MANY_CONNECTIONS',
  message:
    '同一账户的实时连接过多,请关闭不用的页面 (Too many live connections for this account; close unused tabs)',
};
const SERVICE_UNAVAILABLE: AuthError = {
  code: 'SERVICE_UNAVAILABLE',
  message: '暂时无法核验登录状态,请稍后重连 (Your session cannot be checked right now; reconnect shortly)',
};

function tokenOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string') return auth.token.replace(/^Bearer\s+/i, '');
  const header = socket.handshake.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Live pushes. A client connects with its JWT and is put in its own user room and its
 * institution's room, nothing else; without a valid token or live session it is disconnected.
 * Every event it sends passes the session check first, and its sockets are dropped (with an
 * `auth_error` saying why) when its user is deactivated or changed anywhere, when a periodic
 * re-check finds so (in case the news was lost with Redis), or when its token expires.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayConnection, OnGatewayInit, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeGateway.name);
  @WebSocketServer() server!: Server;
  private sweep?: NodeJS.Timeout;
  private stopListening?: () => void;
  private readonly local = new WeakMap<Socket, LocalState>();
  /** Open sockets per user on this process, counted from the token check to the disconnect. */
  private readonly perUser = new Map<string, number>();

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit() {
    this.stopListening = this.sessions.onChange((change) => {
      if (change.kind === 'user') void this.recheck(this.localSocketsOf(change.id));
    });
    this.sweep = setInterval(() => void this.recheck(this.localSockets()), this.config.auth.sessionRecheckMs);
    this.sweep.unref();
  }

  onModuleDestroy() {
    clearInterval(this.sweep);
    this.stopListening?.();
  }

  handleConnection(socket: AuthedSocket) {
    // Registered before anything is awaited, so no event gets past it.
    socket.use((_packet, next) => this.screen(socket, next));
    const state: LocalState = {
      admitted: this.admit(socket).catch((err: Error) => {
        this.logger.warn(`socket not admitted: ${err.message}`);
        this.drop(socket, SERVICE_UNAVAILABLE);
        return false;
      }),
    };
    this.local.set(socket, state);
    socket.once('disconnect', () => clearTimeout(state.expiry));
  }

  private async admit(socket: AuthedSocket): Promise<boolean> {
    const token = tokenOf(socket);
    const check = token ? this.tokens.check(token) : undefined;
    if (!check?.ok) {
      this.drop(socket, UNAUTHENTICATED);
      return false;
    }
    // Counted before anything is awaited, so a burst of handshakes cannot all pass the check.
    if (!this.count(socket, check.user.id)) {
      this.drop(socket, TOO_MANY_SOCKETS);
      return false;
    }
    const session = await this.sessions.checkUser(check.user, check.sessionVersion);
    if (!session.ok) {
      this.drop(socket, session.reason === 'revoked' ? SESSION_REVOKED : SERVICE_UNAVAILABLE);
      return false;
    }
    // Pushes carry patients' business: not before the admin-chosen password is replaced.
    if (session.user.passwordChangeRequired) {
      this.drop(socket, PASSWORD_CHANGE_REQUIRED);
      return false;
    }
    Object.assign(socket.data, {
      user: session.user,
      claims: check.user,
      sessionVersion: check.sessionVersion,
      stamp: session.stamp,
    });
    await socket.join([rooms.user(session.user.id), rooms.institution(session.user.institutionId)]);
    const ttl = check.expiresAt.getTime() - Date.now();
    // Say why, so the client refreshes its token and reconnects instead of giving up.
    const expiry = setTimeout(
      () =>
        this.drop(socket, {
          code: 'TOKEN_EXPIRED',
          message: '登录已过期,请重新登录 (Session expired; log in again)',
        }),
      Math.max(ttl, 0),
    );
    expiry.unref();
    const state = this.local.get(socket);
    if (state && socket.connected) state.expiry = expiry;
    else clearTimeout(expiry);
    return true;
  }

  /** Takes one of the user's sockets, released at disconnect; false when they hold all of them. */
  private count(socket: AuthedSocket, userId: string): boolean {
    const open = this.perUser.get(userId) ?? 0;
    if (open >= MAX_SOCKETS_PER_USER || !socket.connected) return false;
    this.perUser.set(userId, open + 1);
    socket.once('disconnect', () => {
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    });
    return true;
  }

  /** Lets an event through only for an admitted socket whose session is as it was admitted. */
  private screen(socket: AuthedSocket, next: (err?: Error) => void): void {
    const { claims, sessionVersion } = socket.data;
    if (!claims || sessionVersion === undefined) {
      void this.local.get(socket)?.admitted.then((ok) => ok && this.screen(socket, next));
      return;
    }
    const session = this.sessions.checkUser(claims, sessionVersion);
    if (session instanceof Promise) void session.then((s) => this.judge(socket, s) && next());
    else if (this.judge(socket, session)) next();
  }

  /** Re-checks these sockets' sessions (their users read in one query) and drops the dead. */
  private async recheck(sockets: AuthedSocket[]): Promise<void> {
    const live = sockets.filter((s) => s.data.claims && s.connected);
    if (!live.length) return;
    try {
      await this.sessions.refreshUsers(live.map((s) => s.data.claims!.id));
    } catch (err) {
      this.logger.warn(`session re-check postponed: ${(err as Error).message}`);
      return;
    }
    for (const s of live) {
      const session = this.sessions.checkUser(s.data.claims!, s.data.sessionVersion!);
      if (session instanceof Promise) void session.then((r) => this.judge(s, r));
      else this.judge(s, session);
    }
  }

  private judge(socket: AuthedSocket, session: UserSession): boolean {
    if (!socket.connected) return false;
    if (!session.ok) {
      this.drop(socket, session.reason === 'revoked' ? SESSION_REVOKED : SERVICE_UNAVAILABLE);
      return false;
    }
    // Roles or institution changed: the rooms and rights of this socket are out of date.
    if (session.stamp !== socket.data.stamp) {
      this.drop(socket, SESSION_CHANGED);
      return false;
    }
    return true;
  }

  /** Says why, then disconnects: the socket leaves every room, consultation rooms included. */
  private drop(socket: AuthedSocket, error: AuthError): void {
    if (!socket.connected) return;
    socket.emit('auth_error', error);
    socket.disconnect(true);
  }

  private localSockets(): AuthedSocket[] {
    return [...this.server.sockets.sockets.values()] as AuthedSocket[];
  }

  private localSocketsOf(userId: string): AuthedSocket[] {
    const ids = this.server.sockets.adapter.rooms.get(rooms.user(userId));
    if (!ids) return [];
    return [...ids].flatMap((id) => {
      const s = this.server.sockets.sockets.get(id);
      return s ? [s as AuthedSocket] : [];
    });
  }

  /**
   * Rooms are decided by the server; asking for any other is refused.
   * @Public: the global AuthGuard reads the user from an HTTP/GraphQL request and finds none on
   * a socket. This gateway authenticates at the handshake and checks the session on every
   * event (socket middleware above) instead.
   */
  @Public()
  @SubscribeMessage('join')
  join(@ConnectedSocket() socket: AuthedSocket, @MessageBody() room: unknown) {
    const user = socket.data.user;
    const allowed = user ? [rooms.user(user.id), rooms.institution(user.institutionId)] : [];
    if (typeof room === 'string' && allowed.includes(room)) return { ok: true, room };
    // The client's own JSON: described, never String()-ed (an object may refuse), and cut short.
    const asked = typeof room === 'string' ? JSON.stringify(room.slice(0, 100)) : `a ${typeof room}`;
    this.logger.warn(`socket of user ${user?.id ?? '-'} refused room ${asked}`);
    return { ok: false, code: 'FORBIDDEN', message: '无权加入该频道 (You may not join this room)' };
  }
}
