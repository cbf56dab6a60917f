import { io, Socket as ClientSocket } from 'socket.io-client';
import { rooms } from '@yg/realtime';
import { eventually } from './worker';

/** Generous: two cores shared with other suites. */
export const LIVE_WAIT_MS = 30_000;

/** A socket.io client that records everything it is sent. */
export class LiveClient {
  readonly frames: { event: string; data: any }[] = [];
  readonly socket: ClientSocket;

  constructor(url: string, token: string) {
    this.socket = io(url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      timeout: LIVE_WAIT_MS,
    });
    this.socket.onAny((event: string, data: unknown) => this.frames.push({ event, data }));
  }

  of(event: string): any[] {
    return this.frames.filter((f) => f.event === event).map((f) => f.data);
  }

  waitFor(event: string, match: (data: any) => boolean): Promise<any> {
    return eventually(async () => this.of(event).find(match), LIVE_WAIT_MS);
  }

  async ready(userId: string): Promise<void> {
    await eventually(async () => this.socket.connected, LIVE_WAIT_MS);
    const ack = await this.socket.timeout(LIVE_WAIT_MS).emitWithAck('join', rooms.user(userId));
    if (!ack?.ok) throw new Error(`socket not admitted: ${JSON.stringify(ack)}`);
  }

  close() {
    this.socket.disconnect();
  }
}
