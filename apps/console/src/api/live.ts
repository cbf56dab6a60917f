import { io, type Socket } from 'socket.io-client';
import { session, sessionEnded } from './client';

let socket: Socket | null = null;

/** The one socket.io connection of this page, authenticated with the user's token. */
export function liveSocket(): Socket | null {
  const token = session.token;
  if (!token) return null;
  if (!socket) {
    socket = io({ auth: { token }, transports: ['websocket'] });
    // The api drops a socket whose user was deactivated or changed, saying why.
    socket.on('auth_error', () => sessionEnded());
  }
  return socket;
}

export function closeLive(): void {
  socket?.close();
  socket = null;
}

/** Subscribes to a pushed event for the life of a view; returns the unsubscribe. */
export function onLive(event: string, fn: (payload: unknown) => void): () => void {
  const s = liveSocket();
  if (!s) return () => undefined;
  s.on(event, fn);
  return () => {
    s.off(event, fn);
  };
}
