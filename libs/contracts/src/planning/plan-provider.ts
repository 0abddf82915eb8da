/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- socket.io-client's emitWithAck on this socket returns any; the ack shapes are the typed SocketAck contracts */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Socket } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type {
  PlanAccessRole,
  PlanAwarenessPayload,
  PlanningClientToServerEvents,
  PlanningServerToClientEvents,
  PlanSyncPayload,
} from '../api/planning.js';
import { toBytes } from './plan-doc.js';

export type PlanningSocket = Socket<PlanningServerToClientEvents, PlanningClientToServerEvents>;

/**
 * - `connecting`: not joined yet (or reconnecting) and nothing local is unsaved;
 * - `offline`: disconnected with local edits the server has not stored yet (they are kept in the
 *   Y.Doc and uploaded as a sync step 2 on reconnect);
 * - `saving`: edits sent, not all acknowledged; `saved`: everything local is stored on the server;
 * - `error`: the server refused (no access, read-only, too large) — see `lastError`.
 */
export type PlanSyncStatus = 'connecting' | 'offline' | 'saving' | 'saved' | 'error';

export interface PlanSyncProviderOptions {
  awareness?: awarenessProtocol.Awareness;
  ackTimeoutMs?: number;
}

const encodeSync = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

/**
 * Binds a Y.Doc to one plan over the `/planning` socket.io namespace: joins, runs the y-protocols
 * handshake, sends local edits (acknowledged once stored), applies relayed ones, and relays
 * awareness. It knows at every moment whether everything local is saved.
 */
/** Awareness changes (cursor, section, presence) are sent at most this often. */
const AWARENESS_COALESCE_MS = 50;

export class PlanSyncProvider {
  readonly awareness: awarenessProtocol.Awareness;
  access: PlanAccessRole | null = null;
  /** Highest persisted sequence number this client has heard of. */
  seq = 0;
  status: PlanSyncStatus = 'connecting';
  lastError: { code: string; message: string } | null = null;

  private readonly ackTimeoutMs: number;
  private joined = false;
  private localVersion = 0;
  private savedVersion = 0;
  private inflight = 0;
  private destroyed = false;
  private readonly ownsAwareness: boolean;
  private handshake: Promise<void> | null = null;
  private handshakeAgain = false;
  private readonly listeners = new Set<(s: PlanSyncStatus) => void>();

  constructor(
    readonly socket: PlanningSocket,
    readonly planId: string,
    readonly doc: Y.Doc,
    opts: PlanSyncProviderOptions = {},
  ) {
    this.ownsAwareness = !opts.awareness;
    this.awareness = opts.awareness ?? new awarenessProtocol.Awareness(doc);
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 30_000;
    doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('sync', this.onRemoteSync);
    socket.on('awareness', this.onRemoteAwareness);
    socket.on('revoked', this.onRevoked);
    if (socket.connected) this.onConnect();
  }

  /** True when every local edit is stored on the server. */
  get saved(): boolean {
    return this.status === 'saved';
  }

  onStatus(listener: (s: PlanSyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once joined, synced and with nothing unsaved; rejects when the server refuses. */
  whenSaved(): Promise<void> {
    if (this.status === 'saved') return Promise.resolve();
    if (this.status === 'error') return Promise.reject(new PlanSyncError(this.lastError));
    return new Promise((resolve, reject) => {
      const off = this.onStatus((s) => {
        if (s === 'saved') {
          off();
          resolve();
        } else if (s === 'error') {
          off();
          reject(new PlanSyncError(this.lastError));
        }
      });
    });
  }

  /** Forgets the plan on the server side too (leaves the room, clears our cursor). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
    this.flushAwareness(); // the removal goes out before we leave
    this.destroyed = true;
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('sync', this.onRemoteSync);
    this.socket.off('awareness', this.onRemoteAwareness);
    this.socket.off('revoked', this.onRevoked);
    if (this.socket.connected && this.joined) {
      await this.socket
        .timeout(this.ackTimeoutMs)
        .emitWithAck('leave', { planId: this.planId })
        .catch(() => undefined);
    }
    this.joined = false;
    // Its renewal timer would keep the process (or page) busy.
    if (this.ownsAwareness) this.awareness.destroy();
  }

  private setStatus(s: PlanSyncStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const l of [...this.listeners]) l(s);
  }

  private refreshStatus(): void {
    if (this.destroyed || this.status === 'error') return;
    const unsaved = this.savedVersion < this.localVersion || this.inflight > 0;
    if (!this.socket.connected || !this.joined) this.setStatus(unsaved ? 'offline' : 'connecting');
    else this.setStatus(unsaved ? 'saving' : 'saved');
  }

  private fail(error: { code: string; message: string }): void {
    this.lastError = error;
    this.setStatus('error');
  }

  private readonly onConnect = (): void => {
    if (this.destroyed) return;
    if (this.handshake) {
      this.handshakeAgain = true;
      return;
    }
    this.handshake = this.runHandshake()
      .catch(() => {
        // Refused (status error) or timed out: the next reconnect runs the handshake again.
        this.joined = false;
      })
      .finally(() => {
        this.handshake = null;
        this.refreshStatus();
        if (this.handshakeAgain && this.socket.connected && this.status !== 'error') {
          this.handshakeAgain = false;
          this.onConnect();
        }
      });
  };

  private async runHandshake(): Promise<void> {
    this.joined = false;
    this.handshakeAgain = false;
    this.refreshStatus();
    const join = await this.socket.timeout(this.ackTimeoutMs).emitWithAck('join', { planId: this.planId });
    if (!join.ok) {
      this.fail(join.error);
      throw new PlanSyncError(join.error);
    }
    this.access = join.data.access;
    this.seq = Math.max(this.seq, join.data.seq);
    if (join.data.awareness)
      awarenessProtocol.applyAwarenessUpdate(this.awareness, toBytes(join.data.awareness), this);

    // What the server has that we lack.
    const step1 = encodeSync((e) => syncProtocol.writeSyncStep1(e, this.doc));
    const res = await this.send(step1);
    if (res.reply) this.applySyncMessage(toBytes(res.reply));

    // What we have that the server lacks (edits made offline), acknowledged once stored. Edits
    // typed while that upload is in flight go in another round.
    if (this.access === 'editor') {
      const d = decoding.createDecoder(toBytes(join.data.syncStep1));
      decoding.readVarUint(d); // message type: step 1
      let base = decoding.readVarUint8Array(d);
      for (;;) {
        const version = this.localVersion;
        const diff = Y.encodeStateAsUpdate(this.doc, base);
        base = Y.encodeStateVector(this.doc);
        if (updateHasContent(diff)) {
          await this.send(
            encodeSync((e) => {
              encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
              encoding.writeVarUint8Array(e, diff);
            }),
          );
        }
        this.savedVersion = Math.max(this.savedVersion, version);
        if (this.localVersion === version) break;
      }
    } else {
      this.savedVersion = this.localVersion;
    }
    this.joined = true;
    if (this.awareness.getLocalState() !== null) this.sendAwareness([this.doc.clientID]);
  }

  private async send(message: Uint8Array): Promise<{ reply?: Uint8Array; seq?: number }> {
    this.inflight++;
    this.refreshStatus();
    try {
      const res = await this.socket
        .timeout(this.ackTimeoutMs)
        .emitWithAck('sync', { planId: this.planId, message });
      if (!res.ok) {
        this.fail(res.error);
        throw new PlanSyncError(res.error);
      }
      if (res.data.seq !== undefined) this.seq = Math.max(this.seq, res.data.seq);
      return { reply: res.data.reply ? toBytes(res.data.reply) : undefined, seq: res.data.seq };
    } finally {
      this.inflight--;
    }
  }

  private applySyncMessage(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), this.doc, this);
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    this.localVersion++;
    const version = this.localVersion;
    if (!this.joined || !this.socket.connected || this.access !== 'editor') {
      this.refreshStatus();
      return;
    }
    const message = encodeSync((e) => syncProtocol.writeUpdate(e, update));
    this.send(message).then(
      () => {
        this.savedVersion = Math.max(this.savedVersion, version);
        this.refreshStatus();
      },
      (err: unknown) => {
        // Not stored: the edit is still in the doc; a fresh handshake uploads it.
        if (!(err instanceof PlanSyncError)) this.resync();
        this.refreshStatus();
      },
    );
  };

  private resync(): void {
    if (this.socket.connected) this.onConnect();
  }

  private readonly onDisconnect = (): void => {
    this.joined = false;
    this.refreshStatus();
  };

  private readonly onRemoteSync = (payload: PlanSyncPayload): void => {
    if (payload.planId !== this.planId) return;
    if (payload.seq !== undefined) this.seq = Math.max(this.seq, payload.seq);
    this.applySyncMessage(toBytes(payload.message));
  };

  private readonly onRemoteAwareness = (payload: PlanAwarenessPayload): void => {
    if (payload.planId !== this.planId) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, toBytes(payload.update), this);
  };

  private readonly onRevoked = (payload: { planId: string; code: string; message: string }): void => {
    if (payload.planId !== this.planId) return;
    this.joined = false;
    this.fail({ code: payload.code, message: payload.message });
  };

  private readonly onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this) return;
    const clients = [...changes.added, ...changes.updated, ...changes.removed];
    if (clients.length > 0) this.sendAwareness(clients);
  };

  private readonly pendingAwareness = new Set<number>();
  private awarenessTimer: ReturnType<typeof setTimeout> | null = null;

  private sendAwareness(clients: number[]): void {
    if (!this.socket.connected || (!this.joined && !this.destroyed)) return;
    for (const c of clients) this.pendingAwareness.add(c);
    this.awarenessTimer ??= setTimeout(() => {
      this.awarenessTimer = null;
      this.flushAwareness();
    }, AWARENESS_COALESCE_MS);
  }

  /**
   * Not volatile: a presence change (who is here, which section) dropped while the transport
   * upgrades or drains would stay wrong for everyone until the next renewal (15 s). Changes are
   * coalesced instead, so a moving cursor costs at most one small message per interval.
   */
  private flushAwareness(): void {
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    this.awarenessTimer = null;
    const clients = [...this.pendingAwareness];
    this.pendingAwareness.clear();
    if (clients.length === 0 || !this.socket.connected) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
    this.socket.emit('awareness', { planId: this.planId, update });
  }
}

export class PlanSyncError extends Error {
  constructor(readonly error: { code: string; message: string } | null) {
    super(error ? `${error.code}: ${error.message}` : 'plan sync failed');
    this.name = 'PlanSyncError';
  }
}

/** Whether a Yjs v1 update carries any struct or deletion (an empty diff encodes as [0, 0]). */
export function updateHasContent(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length > 0 || ds.clients.size > 0;
}
