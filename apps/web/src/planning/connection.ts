import { io } from 'socket.io-client';
import { IndexeddbPersistence } from 'y-indexeddb';
import { localPlanDbName } from './local-copies';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { api } from '../api/client';
import {
  PlanSyncProvider,
  ensureSections,
  type PlanSyncStatus,
  type PlanningSocket,
} from '../../../../libs/contracts/src/planning/index';

/** What the page shows about the document's state. */
export interface PlanConnectionState {
  /** The provider's status (see PlanSyncProvider). */
  sync: PlanSyncStatus;
  /** The socket is connected. */
  online: boolean;
  /** Local edits the server has not stored yet (kept in this browser meanwhile). */
  unsynced: boolean;
  /** The local copy (IndexedDB) has been read. */
  localLoaded: boolean;
  error: { code: string; message: string } | null;
}

const COLORS = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#e67700', '#0c8599', '#c2255c', '#5c940d'];
export const colorFor = (userId: string): string => {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length];
};

/**
 * One open plan: its Y.Doc (kept in this browser's IndexedDB, so edits made offline survive a
 * reload), the `/planning` socket and the sync provider. Edits are stored locally at once and on
 * the server as soon as it is reachable; the CRDT merges them with everyone else's.
 */
export class PlanConnection {
  readonly doc = new Y.Doc();
  /** Presence and cursors: ours and everyone's in the plan (shared by the section editors). */
  readonly awareness = new Awareness(this.doc);
  provider: PlanSyncProvider | null = null;
  socket: PlanningSocket | null = null;
  private local: IndexeddbPersistence | null = null;
  private stopped = false;
  private renewToken = false;
  private retryTimer = 0;
  private retryDelay = 1000;
  private readonly listeners = new Set<() => void>();
  private snap: PlanConnectionState = {
    sync: 'connecting',
    online: false,
    unsynced: false,
    localLoaded: false,
    error: null,
  };

  constructor(
    readonly planId: string,
    readonly user: { id: string; displayName: string },
  ) {
    ensureSections(this.doc);
    this.awareness.setLocalStateField('user', {
      id: user.id,
      name: user.displayName,
      color: colorFor(user.id),
    });
  }

  get state(): PlanConnectionState {
    return this.snap;
  }

  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private update(p: Partial<PlanConnectionState>): void {
    this.snap = { ...this.snap, ...p };
    for (const l of [...this.listeners]) l();
  }

  async start(): Promise<void> {
    // The local copy first: whatever was typed here and not yet stored goes up with the handshake.
    try {
      this.local = new IndexeddbPersistence(localPlanDbName(this.user.id, this.planId), this.doc);
      await Promise.race([this.local.whenSynced, new Promise((r) => window.setTimeout(r, 3000))]);
    } catch {
      this.local = null; // private mode without IndexedDB: the in-memory document still works
    }
    if (this.stopped) return;
    this.update({ localLoaded: true });
    const base =
      (await api.clientConfig().then(
        (c) => c.realtimeUrl || null,
        () => null,
      )) ?? window.location.origin;
    if (this.stopped) return;
    const socket: PlanningSocket = io(base.replace(/\/$/, '') + '/planning', {
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      timeout: 20_000,
      auth: (cb) => {
        const renew = this.renewToken;
        this.renewToken = false;
        api.accessTokenForUpload(renew).then(
          (token) => cb({ token: token ?? '' }),
          () => cb({ token: '' }),
        );
      },
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.retryDelay = 1000;
      this.update({ online: true });
    });
    socket.on('disconnect', () => {
      // Whoever we saw is not known to be here any more; they come back with the next join.
      const others = [...this.awareness.getStates().keys()].filter((c) => c !== this.doc.clientID);
      removeAwarenessStates(this.awareness, others, 'offline');
      this.update({ online: false });
    });
    // An expired access token is refused at the handshake: renew it for the next try.
    socket.on('connect_error', () => {
      this.renewToken = true;
      this.update({ online: false });
      // Refused at the handshake (an expired token): socket.io does not retry that by itself.
      if (!socket.active && !this.stopped) {
        window.clearTimeout(this.retryTimer);
        this.retryTimer = window.setTimeout(() => {
          if (!this.stopped && !socket.connected) socket.connect();
        }, this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, 15_000);
      }
    });
    const provider = new PlanSyncProvider(socket, this.planId, this.doc, { awareness: this.awareness });
    this.provider = provider;
    provider.onStatus((s) => this.fromProvider(s));
    this.fromProvider(provider.status);
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  private fromProvider(s: PlanSyncStatus): void {
    this.update({
      sync: s,
      unsynced: s === 'offline' || s === 'saving',
      error: s === 'error' ? (this.provider?.lastError ?? null) : null,
    });
  }

  /** The browser knows first that the link is gone: do not wait for ping timeouts. */
  private readonly onOffline = (): void => {
    this.socket?.io.engine?.close();
  };

  private readonly onOnline = (): void => {
    const s = this.socket;
    if (s && !s.connected && !this.stopped) {
      s.disconnect();
      s.connect();
    }
  };

  async stop(): Promise<void> {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.listeners.clear();
    await this.provider?.destroy().catch(() => undefined);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    await this.local?.destroy().catch(() => undefined);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
