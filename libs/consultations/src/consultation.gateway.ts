import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Server, Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import { AuthUser, Public } from '@yg/core';
import { rooms } from '@yg/realtime/rooms';
import { ConsultationAccess } from './consultation-access.service';

type AuthedSocket = Socket & { data: { user?: AuthUser; consultations?: Set<string> } };

export interface PresentUser {
  userId: string;
  displayName: string;
  roles: string[];
}

const REFUSED = {
  ok: false,
  code: 'FORBIDDEN',
  message: '只有会诊参与者可以进入 (only participants may join this consultation)',
};

/**
 * The live room of a consultation: who is present and its status. Only participants may
 * join (the requesting side, booked experts, consortium admins). Presence is read from the
 * room itself across every api process, so nothing has to be kept in step.
 * @Public: sockets authenticate at the handshake (realtime gateway), not per message.
 */
@WebSocketGateway()
export class ConsultationGateway {
  private readonly logger = new Logger(ConsultationGateway.name);
  @WebSocketServer() server!: Server;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConsultationAccess,
  ) {}

  @Public()
  @SubscribeMessage('consultation.join')
  async join(@ConnectedSocket() socket: AuthedSocket, @MessageBody() body: { consultationId?: unknown }) {
    const user = socket.data.user;
    const id = typeof body?.consultationId === 'string' ? body.consultationId : '';
    if (!user || !id) return REFUSED;
    try {
      const c = await this.access.visible(this.dataSource.manager, user, id);
      if (!(await this.access.isParticipant(this.dataSource.manager, user, c))) return REFUSED;
      const room = rooms.consultation(c.id);
      await socket.join(room);
      socket.data.consultations ??= new Set();
      if (!socket.data.consultations.has(c.id)) {
        socket.data.consultations.add(c.id);
        socket.once('disconnect', () => void this.broadcastPresence(c.id));
      }
      const present = await this.broadcastPresence(c.id);
      return { ok: true, consultationId: c.id, state: c.state, meetingUrl: c.meetingUrl, present };
    } catch {
      // Not found and not allowed look the same from outside.
      return REFUSED;
    }
  }

  @Public()
  @SubscribeMessage('consultation.leave')
  async leave(@ConnectedSocket() socket: AuthedSocket, @MessageBody() body: { consultationId?: unknown }) {
    const id = typeof body?.consultationId === 'string' ? body.consultationId : '';
    if (!id || !socket.rooms.has(rooms.consultation(id))) return { ok: false };
    await socket.leave(rooms.consultation(id));
    await this.broadcastPresence(id);
    return { ok: true };
  }

  /** Sends everyone in the room the current list of people present. */
  async broadcastPresence(consultationId: string): Promise<PresentUser[]> {
    const room = rooms.consultation(consultationId);
    try {
      const sockets = await this.server.in(room).fetchSockets();
      const users = new Map<string, AuthUser>();
      for (const s of sockets) {
        const u = (s.data as { user?: AuthUser }).user;
        if (u) users.set(u.id, u);
      }
      const names: { id: string; display_name: string }[] = users.size
        ? await this.dataSource.query(
            `SELECT id, display_name FROM user_directory WHERE id = ANY($1::uuid[])`,
            [[...users.keys()]],
          )
        : [];
      const byId = new Map(names.map((n) => [n.id, n.display_name]));
      const present = [...users.values()].map((u) => ({
        userId: u.id,
        displayName: byId.get(u.id) ?? '',
        roles: u.roles,
      }));
      this.server.to(room).emit('consultation.presence', { consultationId, present });
      return present;
    } catch (err) {
      this.logger.warn(`presence of ${consultationId} not sent: ${(err as Error).message}`);
      return [];
    }
  }
}
