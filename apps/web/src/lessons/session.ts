import { io, type Socket } from 'socket.io-client';
import {
  LESSON_NAMESPACE,
  LOBBY_COMMANDS,
  LessonSequencer,
  applyLessonEvent,
  initialLessonState,
  type LessonClientToServerEvents,
  type LessonCommandName,
  type LessonCommandPayloads,
  type LessonCommandResult,
  type LessonJoinResult,
  type LessonJoinTokenResponse,
  type LessonPresence,
  type LessonQuality,
  type LessonResyncResult,
  type LessonRole,
  type LessonServerToClientEvents,
  type LessonState,
  type LessonWireEvent,
  type PointerMove,
  type PointerMoved,
  type RtcSignal,
  type RtcSignalRequest,
  type SocketAck,
} from '@tongke/contracts';
import { ApiError } from '../api/client';
import { LessonCommandError } from './errors';
import { shortId } from './ids';

/**
 * What the page shows about the connection. The three a classroom must see at a glance are
 * in_sync (同步中), reconnecting (重新连接中) and catching_up (正在补齐).
 */
export type SyncStatus =
  'connecting' | 'catching_up' | 'in_sync' | 'reconnecting' | 'lobby' | 'ended' | 'failed';

export { LessonCommandError };

export interface LessonSnapshot {
  /** Changes on every update; the state object itself is folded in place. */
  readonly version: number;
  readonly status: SyncStatus;
  readonly join: LessonJoinResult | null;
  /** Still waiting for the host to admit this classroom (the join result says how it began). */
  readonly lobby: boolean;
  readonly state: LessonState;
  readonly presence: LessonPresence | null;
  /** Latest round-trip time per peer (host only). */
  readonly quality: Readonly<Record<string, number>>;
  /** Volatile pointers by peer, with the time they arrived. */
  readonly pointers: Readonly<Record<string, PointerMoved & { receivedAt: number }>>;
  /** A refusal that stops the session (not allowed in, lesson cancelled…). */
  readonly fatal: unknown;
  /** Commands queued or waiting for their ack. */
  readonly pending: number;
  /** How the last catch-up was done (a reconnect or a gap), for the curious and for tests. */
  readonly lastCatchUp: { mode: 'events' | 'snapshot'; events: number; toSeq: number } | null;
}

export interface LessonSessionOptions {
  lessonId: string;
  role: LessonRole;
  classroomId?: string;
  /** Asks the API for a join token (each ~120 s); called again whenever the socket reconnects. */
  fetchToken: () => Promise<LessonJoinTokenResponse>;
  /** Where the classroom service is (GET /api/client-config); defaults to the token's realtimeUrl. */
  realtimeUrl?: () => Promise<string | null>;
  /**
   * A side connection (the room's A/V device next to a co-teacher's main one): joins and relays
   * WebRTC signals but does not fold the lesson's events.
   */
  passive?: boolean;
  /** For a passive connection: the seq its main connection has, so joining sends nothing old. */
  baseSeq?: () => number;
}

type Listener = () => void;
type LessonSocket = Socket<LessonServerToClientEvents, LessonClientToServerEvents>;
/** For commands sent by name (the typed map cannot be indexed by a union). */
type LooseEmitter = {
  timeout(ms: number): {
    emit(event: string, payload: unknown, ack: (err: Error | null, res: SocketAck<unknown>) => void): void;
  };
};

interface OutboxItem {
  name: LessonCommandName;
  payload: { clientMsgId: string };
  attempts: number;
  resolve: (r: LessonCommandResult) => void;
  reject: (e: LessonCommandError) => void;
}

/** Waiting for an ack this long means the message or its answer was lost (weak links: be patient). */
const ACK_TIMEOUT_MS = 10_000;
const JOIN_TIMEOUT_MS = 15_000;
const MAX_ATTEMPTS = 6;
/** Events can arrive out of order (two classroom instances); wait this long before resyncing. */
const GAP_GRACE_MS = 300;
/** Codes worth retrying with the same clientMsgId (the server answers a retry with the first result). */
const RETRYABLE = new Set([
  'INTERNAL_ERROR',
  'LESSON_NOT_JOINED',
  'LESSON_RATE_LIMITED',
  'LESSON_BUSY',
  'LESSON_RESTARTING',
]);
/** REST refusals of a join token that no retry will change. */
const FATAL_TOKEN_CODES = new Set([
  'LESSON_NOT_FOUND',
  'LESSON_CANCELLED',
  'LESSON_ENDED',
  'LESSON_NOT_OPEN',
  'LESSON_ROLE_NOT_ALLOWED',
  'LESSON_CLASSROOM_REQUIRED',
  'FORBIDDEN',
  'SESSION_EXPIRED',
  'VALIDATION_FAILED',
]);
const TOKEN_MARGIN_MS = 30_000;

/**
 * One participant's connection to one live lesson, and the small store the page reads with
 * useSyncExternalStore. Events are applied in seq order through the contracts' LessonSequencer;
 * a gap, a reconnect or an admission triggers `lesson:resync` from the last applied seq (never
 * relying on socket.io's own recovery). Commands carry a client message id and are retried on
 * timeout with the same id, one at a time and in order, and only while joined.
 */
export class LessonSession {
  private socket: LessonSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly signalListeners = new Set<(s: RtcSignal) => void>();
  private sequencer: LessonSequencer;
  private state: LessonState;
  private snap: LessonSnapshot;
  private outbox: OutboxItem[] = [];
  private inFlight: OutboxItem | null = null;
  private joined = false;
  private lobby = false;
  private endedInLobby = false;
  private resyncing = false;
  private everJoined = false;
  private stopped = false;
  private token: { value: string; expiresAt: number } | null = null;
  private handshakeToken: string | null = null;
  private gapTimer: number | undefined;
  private retryTimer: number | undefined;
  private reconnectTimer: number | undefined;
  private reconnectDelay = 1000;
  private notifyQueued = false;

  constructor(private readonly opts: LessonSessionOptions) {
    this.state = initialLessonState(opts.lessonId);
    this.sequencer = this.newSequencer(0);
    this.snap = {
      version: 0,
      status: 'connecting',
      join: null,
      lobby: false,
      state: this.state,
      presence: null,
      quality: {},
      pointers: {},
      fatal: null,
      pending: 0,
      lastCatchUp: null,
    };
  }

  // ---- store --------------------------------------------------------------------------------

  readonly subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  readonly getSnapshot = (): LessonSnapshot => this.snap;

  /** The last seq applied (what a resync starts from). */
  get lastSeq(): number {
    return this.sequencer.lastSeq;
  }

  get peerId(): string | null {
    return this.snap.join?.peerId ?? null;
  }

  private update(patch: Partial<LessonSnapshot> = {}): void {
    this.snap = {
      ...this.snap,
      ...patch,
      version: this.snap.version + 1,
      lobby: this.lobby,
      state: this.state,
      status: this.computeStatus(patch.fatal ?? this.snap.fatal),
      pending: this.outbox.length,
    };
    // Many events can land in one task (a resync): render once.
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const l of this.listeners) l();
    });
  }

  private computeStatus(fatal: unknown): SyncStatus {
    if (fatal) return 'failed';
    if (this.state.status === 'ended' || this.endedInLobby) return 'ended';
    if (!this.socket?.connected) return this.everJoined ? 'reconnecting' : 'connecting';
    if (!this.joined) return this.everJoined ? 'catching_up' : 'connecting';
    if (this.lobby) return 'lobby';
    if (this.resyncing || this.sequencer.hasGap) return 'catching_up';
    return 'in_sync';
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async start(): Promise<void> {
    let first: LessonJoinTokenResponse;
    try {
      first = await this.opts.fetchToken();
    } catch (e) {
      if (isFatalTokenError(e)) {
        this.update({ fatal: e });
      } else if (!this.stopped) {
        // The network (or the server) is not there yet: keep trying, the page says "connecting".
        window.clearTimeout(this.reconnectTimer);
        this.reconnectTimer = window.setTimeout(() => void this.start(), this.reconnectDelay);
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, 15_000);
      }
      return;
    }
    if (this.stopped) return;
    this.keepToken(first);
    const base = (await this.opts.realtimeUrl?.().catch(() => null)) || first.realtimeUrl;
    if (this.stopped) return;
    const socket: LessonSocket = io(base.replace(/\/$/, '') + (first.namespace || LESSON_NAMESPACE), {
      // Weak rural links: back off up to 8 s, and give a slow handshake time.
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      timeout: 20_000,
      auth: (cb) => {
        this.freshToken().then(
          (t) => {
            this.handshakeToken = t;
            cb({ token: t });
          },
          (e: unknown) => {
            this.handshakeToken = null;
            if (isFatalTokenError(e)) this.fail(e);
            // The server refuses a missing token; connect_error schedules another try.
            cb({ token: '' });
          },
        );
      },
    });
    this.socket = socket;

    socket.on('connect', () => {
      this.reconnectDelay = 1000;
      void this.join();
    });
    socket.on('disconnect', () => this.lostConnection());
    socket.on('connect_error', () => {
      // A refused handshake (an expired token) is not retried by socket.io itself.
      if (!socket.active && !this.stopped && !this.snap.fatal) {
        this.token = null;
        window.clearTimeout(this.reconnectTimer);
        this.reconnectTimer = window.setTimeout(() => socket.connect(), this.reconnectDelay);
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, 15_000);
      }
      this.update();
    });
    socket.on('lesson:event', (e) => this.onEvent(e));
    socket.on('lesson:rollback', (r) => {
      // Events from r.fromSeq on were broadcast but never made it into the log.
      if (this.opts.passive || this.lobby) return;
      if (this.sequencer.rollback(r.fromSeq)) void this.resync();
      this.update();
    });
    socket.on('lesson:presence', (p) => this.update({ presence: p }));
    socket.on('lesson:quality', (q: LessonQuality) =>
      this.update({ quality: { ...this.snap.quality, [q.peerId]: q.rttMs } }),
    );
    socket.on('lesson:probe', (p, ack) => ack(p));
    socket.on('pointer:moved', (p) =>
      this.update({ pointers: { ...this.snap.pointers, [p.peerId]: { ...p, receivedAt: Date.now() } } }),
    );
    socket.on('rtc:signal', (s) => {
      for (const l of this.signalListeners) l(s);
    });

    // The operating system knows first that the link is gone: do not wait ~30 s for ping timeouts.
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    window.clearTimeout(this.gapTimer);
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.reconnectTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    for (const item of this.outbox)
      item.reject(new LessonCommandError('CLOSED', 'The lesson page was closed'));
    this.outbox = [];
    this.inFlight = null;
    this.listeners.clear();
    this.signalListeners.clear();
  }

  private readonly onOffline = (): void => {
    // Drop the transport now; socket.io reconnects (with backoff) once the network is back.
    this.socket?.io.engine?.close();
  };

  private readonly onOnline = (): void => {
    const s = this.socket;
    if (s && !s.connected && !this.stopped && !this.snap.fatal) {
      // Skip whatever backoff is left: close the manager and open it again at once.
      window.clearTimeout(this.reconnectTimer);
      s.disconnect();
      s.connect();
    }
  };

  private fail(e: unknown): void {
    if (this.snap.fatal) return;
    this.update({ fatal: e });
    this.socket?.disconnect();
  }

  private lostConnection(): void {
    this.joined = false;
    // An ack for the in-flight command may never come; it is retried (same id) after re-joining,
    // and a lost connection does not count as a failed attempt.
    if (this.inFlight) this.inFlight.attempts--;
    this.inFlight = null;
    window.clearTimeout(this.gapTimer);
    this.update();
  }

  // ---- tokens -------------------------------------------------------------------------------

  private keepToken(t: LessonJoinTokenResponse): void {
    const expiresAt = Date.parse(t.expiresAt);
    this.token = { value: t.token, expiresAt: Number.isNaN(expiresAt) ? Date.now() + 60_000 : expiresAt };
  }

  private async freshToken(): Promise<string> {
    if (this.token && this.token.expiresAt - Date.now() > TOKEN_MARGIN_MS) return this.token.value;
    const t = await this.opts.fetchToken();
    this.keepToken(t);
    return t.token;
  }

  // ---- join, events, resync -----------------------------------------------------------------

  private newSequencer(last: number): LessonSequencer {
    return new LessonSequencer(
      {
        onEvent: (e) => {
          if (e.type === 'hidden') {
            if (e.seq > this.state.seq) this.state.seq = e.seq;
          } else {
            applyLessonEvent(this.state, e);
          }
        },
        onSnapshot: (s) => {
          // Straight off the wire: a fresh object, no copy needed.
          this.state = s;
        },
        onReset: () => {
          // Events this page showed were rolled back: rebuilt from what the resync brings.
          this.state = initialLessonState(this.opts.lessonId);
        },
      },
      last,
    );
  }

  private async join(): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.handshakeToken) return;
    this.update();
    let res: SocketAck<LessonJoinResult>;
    try {
      res = (await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('lesson:join', {
        lessonId: this.opts.lessonId,
        token: this.handshakeToken,
        ...(this.opts.passive ? { sinceSeq: this.opts.baseSeq?.() ?? 0 } : this.sequencer.resyncRequest()),
      })) as SocketAck<LessonJoinResult>;
    } catch {
      // No answer: start the transport over (it re-joins on connect).
      if (socket === this.socket && socket.connected) socket.io.engine?.close();
      return;
    }
    if (socket !== this.socket || !socket.connected) return;
    if (!res.ok) {
      const { code, message } = res.error;
      if (code === 'LESSON_ENDED') {
        this.endedInLobby = true;
        this.update();
      } else if (code === 'JOIN_TOKEN_INVALID') {
        this.token = null;
        socket.disconnect().connect();
      } else {
        this.fail(new LessonCommandError(code, message));
      }
      return;
    }
    const j = res.data;
    this.joined = true;
    this.everJoined = true;
    this.lobby = j.lobby;
    if (!this.opts.passive) {
      if (j.lesson.status === 'ended') this.endedInLobby = true;
      if (j.sync) this.applySync(j.sync);
    }
    this.update({ join: j });
    this.pump();
    if (!this.opts.passive && this.sequencer.hasGap) void this.resync();
  }

  private onEvent(e: LessonWireEvent): void {
    if (this.opts.passive) return;
    if (this.lobby) {
      // In the lobby only our own admission, prefetch confirmations and the end reach us.
      if (e.type === 'lobby.admitted' && e.payload.classroomId === this.snap.join?.classroomId) {
        this.lobby = false;
        this.update();
        void this.resync();
      } else if (e.type === 'lesson.ended') {
        this.endedInLobby = true;
        this.update();
      }
      return;
    }
    const inOrder = this.sequencer.push(e);
    if (!inOrder && this.joined) this.scheduleGapResync();
    this.update();
  }

  private scheduleGapResync(): void {
    window.clearTimeout(this.gapTimer);
    this.gapTimer = window.setTimeout(() => {
      if (this.sequencer.hasGap) void this.resync();
    }, GAP_GRACE_MS);
  }

  private applySync(r: LessonResyncResult): void {
    this.sequencer.applyResync(r);
    this.snap = {
      ...this.snap,
      lastCatchUp: {
        mode: r.mode,
        events: r.mode === 'events' ? r.events.length : 0,
        toSeq: r.toSeq,
      },
    };
  }

  /** Asks for everything after the last applied seq (events, or a snapshot when far behind). */
  async resync(): Promise<void> {
    const socket = this.socket;
    if (!socket || this.resyncing || !this.joined || this.lobby || this.opts.passive) return;
    this.resyncing = true;
    this.update();
    try {
      const res = (await socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('lesson:resync', this.sequencer.resyncRequest())) as SocketAck<LessonResyncResult>;
      if (socket !== this.socket) return;
      if (res.ok) this.applySync(res.data);
      else if (res.error.code === 'LESSON_NOT_ADMITTED') this.lobby = true;
      else if (res.error.code === 'LESSON_NOT_JOINED') socket.io.engine?.close();
    } catch {
      // Timed out: the next gap or reconnect tries again.
    } finally {
      this.resyncing = false;
      this.update();
    }
    if (this.sequencer.hasGap) this.scheduleGapResync();
  }

  // ---- commands -----------------------------------------------------------------------------

  /** Sends a command; resolves with its seq once the server appended it (retries keep the same id). */
  send<K extends LessonCommandName>(
    name: K,
    payload: Omit<LessonCommandPayloads[K], 'clientMsgId'>,
  ): Promise<LessonCommandResult> {
    return new Promise((resolve, reject) => {
      this.outbox.push({
        name,
        payload: { ...payload, clientMsgId: `${this.opts.role}.${shortId()}` },
        attempts: 0,
        resolve,
        reject,
      });
      this.update();
      this.pump();
    });
  }

  private canSend(item: OutboxItem): boolean {
    return !!this.socket?.connected && this.joined && (!this.lobby || LOBBY_COMMANDS.includes(item.name));
  }

  private pump(): void {
    const item = this.outbox[0];
    if (!item || this.inFlight || !this.canSend(item)) return;
    this.inFlight = item;
    item.attempts++;
    const socket = this.socket as unknown as LooseEmitter;
    socket.timeout(ACK_TIMEOUT_MS).emit(item.name, item.payload, (err, res) => {
      if (this.inFlight !== item) return; // the connection was reset meanwhile
      this.inFlight = null;
      if (err || (!res.ok && RETRYABLE.has(res.error.code))) {
        if (item.attempts >= MAX_ATTEMPTS) {
          this.settle(item, err ? new LessonCommandError('TIMEOUT', err.message) : asError(res));
        } else {
          // Same clientMsgId: a command that did arrive is answered with its first result.
          window.clearTimeout(this.retryTimer);
          this.retryTimer = window.setTimeout(() => this.pump(), 300 * item.attempts);
        }
        this.update();
        return;
      }
      if (res.ok) this.settle(item, res.data as LessonCommandResult);
      else this.settle(item, asError(res));
    });
  }

  private settle(item: OutboxItem, result: LessonCommandResult | LessonCommandError): void {
    this.outbox = this.outbox.filter((x) => x !== item);
    if (result instanceof LessonCommandError) item.reject(result);
    else item.resolve(result);
    this.update();
    this.pump();
  }

  // ---- volatile and WebRTC ------------------------------------------------------------------

  /** A laser-pointer position: volatile (dropped rather than queued on a bad link), not persisted. */
  pointer(move: PointerMove): void {
    if (this.socket?.connected && this.joined && !this.lobby) this.socket.volatile.emit('pointer:move', move);
  }

  async signal(req: RtcSignalRequest): Promise<boolean> {
    const socket = this.socket;
    if (!socket?.connected || !this.joined) return false;
    try {
      const res = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('rtc:signal', req)) as SocketAck<{
        delivered: boolean;
      }>;
      return res.ok && res.data.delivered;
    } catch {
      return false;
    }
  }

  onSignal(l: (s: RtcSignal) => void): () => void {
    this.signalListeners.add(l);
    return () => this.signalListeners.delete(l);
  }
}

function asError(res: SocketAck<unknown>): LessonCommandError {
  return res.ok
    ? new LessonCommandError('INTERNAL_ERROR', 'unexpected answer')
    : new LessonCommandError(res.error.code, res.error.message);
}

function isFatalTokenError(e: unknown): boolean {
  return e instanceof ApiError && FATAL_TOKEN_CODES.has(e.code);
}
