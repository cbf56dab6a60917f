import { io, type Socket } from 'socket.io-client';
import { session, sessionEnded, sessionReplacing } from './client';

let socket: Socket | null = null;
/** The token the socket last connected with. */
let connectedWith: string | null = null;

/** The one socket.io connection of this page, authenticated with the user's token. */
export function liveSocket(): Socket | null {
  const token = session.token;
  if (!token) return null;
  if (!socket) {
    // Read at each connection, so a reconnection after a password change uses the new token.
    socket = io({
      auth: (cb) => {
        connectedWith = session.token;
        cb({ token: connectedWith ?? '' });
      },
      transports: ['websocket'],
    });
    // The api drops a socket whose user was deactivated or changed, saying why (then disconnects
    // it). When this page replaced its own session (a password change), the socket connects again
    // with the new token once the drop is through.
    let resume: Promise<unknown> | null = null;
    socket.on('auth_error', () => {
      const change = sessionReplacing();
      if (change) resume = change;
      else if (session.token && session.token !== connectedWith) resume = Promise.resolve();
      else sessionEnded();
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect' || !resume) return;
      const after = resume;
      resume = null;
      void after.then(
        () => {
          if (session.token) socket?.connect();
        },
        () => sessionEnded(),
      );
    });
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
