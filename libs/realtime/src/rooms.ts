/** Room names; a socket joins only rooms its token entitles it to. */
export const rooms = {
  user: (id: string) => `user:${id}`,
  institution: (id: string) => `inst:${id}`,
  consultation: (id: string) => `consultation:${id}`,
};

/** Typed server → client events. */
export interface ServerToClientEvents {
  notification: (n: PushedNotification) => void;
  'referral.updated': (r: { id: string; number: string; state: string; at: string }) => void;
  [event: string]: (...args: never[]) => void;
}

export interface PushedNotification {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: string;
}

/** The Redis channel prefix shared by the api's adapter and every emitter. */
export const ioChannelKey = (queuePrefix: string) => `${queuePrefix}-io`;
