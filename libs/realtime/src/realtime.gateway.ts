import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { AuthUser, Public } from '@yg/core';
import { TokenService } from '@yg/identity';
import { rooms } from './rooms';

type AuthedSocket = Socket & { data: { user?: AuthUser; expiry?: NodeJS.Timeout } };

function tokenOf(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string') return auth.token.replace(/^Bearer\s+/i, '');
  const header = socket.handshake.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Live pushes. A client connects with its JWT and is put in its own user room and its
 * institution's room, nothing else; without a valid token it is disconnected. The socket is
 * dropped when the token expires, so a stale login stops receiving.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayConnection {
  private readonly logger = new Logger(RealtimeGateway.name);

  constructor(private readonly tokens: TokenService) {}

  async handleConnection(socket: AuthedSocket) {
    const token = tokenOf(socket);
    const check = token ? this.tokens.check(token) : undefined;
    if (!check?.ok) {
      socket.emit('auth_error', {
        code: 'UNAUTHENTICATED',
        message: '未登录或登录已过期 (Not authenticated or session expired)',
      });
      socket.disconnect(true);
      return;
    }
    socket.data.user = check.user;
    await socket.join([rooms.user(check.user.id), rooms.institution(check.user.institutionId)]);
    const ttl = check.expiresAt.getTime() - Date.now();
    socket.data.expiry = setTimeout(
      () => {
        // Say why, so the client refreshes its token and reconnects instead of giving up.
        socket.emit('auth_error', {
          code: 'TOKEN_EXPIRED',
          message: '登录已过期,请重新登录 (Session expired; log in again)',
        });
        socket.disconnect(true);
      },
      Math.max(ttl, 0),
    );
    socket.data.expiry.unref();
    socket.once('disconnect', () => clearTimeout(socket.data.expiry));
  }

  /**
   * Rooms are decided by the server; asking for any other is refused.
   * @Public: the global AuthGuard reads the user from an HTTP/GraphQL request and finds none on
   * a socket, so it refused every message. This gateway authenticates at the handshake instead
   * and checks `socket.data.user` here.
   */
  @Public()
  @SubscribeMessage('join')
  join(@ConnectedSocket() socket: AuthedSocket, @MessageBody() room: unknown) {
    const user = socket.data.user;
    const allowed = user ? [rooms.user(user.id), rooms.institution(user.institutionId)] : [];
    if (typeof room === 'string' && allowed.includes(room)) return { ok: true, room };
    this.logger.warn(`socket of user ${user?.id ?? '-'} refused room ${String(room)}`);
    return { ok: false, code: 'FORBIDDEN', message: '无权加入该频道 (You may not join this room)' };
  }
}
