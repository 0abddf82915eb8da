/** Socket.io event maps for the classroom service, shared by server and web (typed both ways). */
export interface SocketErrorAck {
  ok: false;
  error: { code: string; message: string };
}
export type SocketAck<T> = { ok: true; data: T } | SocketErrorAck;

export interface PresenceWelcome {
  userId: string;
  displayName: string;
  role: string;
  serverTime: string;
}

/** Root namespace: handshake/health. */
export interface RootServerToClientEvents {
  welcome: (payload: PresenceWelcome) => void;
}
export interface RootClientToServerEvents {
  ping: (
    payload: { sentAt: number },
    ack: (res: SocketAck<{ sentAt: number; serverAt: number }>) => void,
  ) => void;
}
