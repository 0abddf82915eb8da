import { docFromLog } from '@tongke/contracts';
import type { PlanAppend, PlanLogEntry, PlanLogStore } from '@tongke/database';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { PlanningSocketErrors } from './planning.errors.js';
import { checkUpdate } from './plan-update-check.js';

/** Where a live document sends what it stored: this instance's sockets, and the other instances. */
export interface PlanRelay {
  /** A stored update to this instance's sockets in the plan's room (except the sender's). */
  updateToLocal(planId: string, seq: number, message: Uint8Array, exceptSocketId: string | null): void;
  /** A stored update to the other classroom instances (Redis adapter), so their documents apply it too. */
  updateToPeers(planId: string, seq: number, update: Uint8Array, originSocketId: string): void;
}

export interface SubmittedUpdate {
  update: Uint8Array;
  authorId: string;
  socketId: string;
}

type Op =
  | {
      kind: 'update';
      item: SubmittedUpdate;
      clientId: number | null;
      resolve: (seq: number) => void;
      reject: (e: unknown) => void;
    }
  | {
      kind: 'step1';
      stateVector: Uint8Array;
      resolve: (r: { reply: Uint8Array; seq: number }) => void;
      reject: (e: unknown) => void;
    }
  | { kind: 'remote'; seq: number; update: Uint8Array; originSocketId: string }
  | { kind: 'catchup' }
  | { kind: 'snapshot'; done: () => void };

const MAX_BATCH = 64;

export const encodeUpdateMessage = (update: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
};

/**
 * One plan's document held by this instance. Every change goes through one serialized queue:
 * client updates are validated, appended to the log (several at once when they queue up), and only
 * then applied, acknowledged and relayed — so the in-memory document never holds an edit the log
 * does not, and a sync step 2 served from it never leaks an unsaved one. `seq` is the last log entry
 * the document contains; entries it missed (written by another instance or the API) are read back
 * from the log before anything newer is applied.
 */
export class LivePlanDoc {
  readonly awareness: awarenessProtocol.Awareness;
  /** Awareness client id → the socket that speaks for it. */
  readonly awarenessOwners = new Map<number, string>();
  readonly sockets = new Set<string>();
  seq: number;
  snapshotSeq: number;
  lastSnapshotAt = Date.now();
  idleSince = Date.now();
  /** Set when an update failed to integrate: the registry drops the document and reloads it from the log. */
  broken = false;
  private readonly queue: Op[] = [];
  private running = false;
  private snapshotting = false;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    readonly planId: string,
    readonly doc: Y.Doc,
    headSeq: number,
    snapshotSeq: number,
    private readonly store: PlanLogStore,
    private readonly relay: PlanRelay,
    private readonly onError: (err: unknown, what: string) => void,
  ) {
    this.seq = headSeq;
    this.snapshotSeq = snapshotSeq;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
  }

  static async load(
    planId: string,
    store: PlanLogStore,
    relay: PlanRelay,
    onError: (err: unknown, what: string) => void,
  ): Promise<LivePlanDoc | null> {
    const state = await store.load(planId);
    if (!state) return null;
    const doc = docFromLog(
      state.snapshot?.state ?? null,
      state.tail.map((t) => t.update),
      { onSkip: (i) => onError(new Error(`skipped update ${state.tail[i].seq}`), 'load') },
    );
    return new LivePlanDoc(planId, doc, state.headSeq, state.snapshot?.seq ?? 0, store, relay, onError);
  }

  /** Resolves with the sequence number once the update is stored (or immediately if it adds nothing). */
  submit(item: SubmittedUpdate): Promise<number> {
    const check = checkUpdate(this.doc, item.update);
    if (!check.ok) return Promise.reject(PlanningSocketErrors.invalidUpdate(check.reason));
    if (!check.hasNewContent && this.queue.length === 0 && !this.running) return Promise.resolve(this.seq);
    return new Promise((resolve, reject) =>
      this.push({ kind: 'update', item, clientId: check.clientId, resolve, reject }),
    );
  }

  /** The sync step 2 answering a client's step 1, served in queue order. */
  step1(stateVector: Uint8Array): Promise<{ reply: Uint8Array; seq: number }> {
    return new Promise((resolve, reject) => this.push({ kind: 'step1', stateVector, resolve, reject }));
  }

  /** An update another instance stored. */
  remote(seq: number, update: Uint8Array, originSocketId: string): void {
    if (seq <= this.seq && this.queue.length === 0) return;
    this.push({ kind: 'remote', seq, update, originSocketId });
  }

  /** Reads log entries this document does not have yet (the API or another instance wrote them). */
  catchUp(): void {
    if (!this.queue.some((o) => o.kind === 'catchup')) this.push({ kind: 'catchup' });
  }

  /** Stores the current state as the plan's snapshot (resolves when written). */
  snapshot(): Promise<void> {
    return new Promise((done) => this.push({ kind: 'snapshot', done }));
  }

  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Resolves once the queue is empty. */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }

  private push(op: Op): void {
    this.queue.push(op);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const op = this.queue[0];
        if (op.kind === 'update') {
          let n = 1;
          while (n < this.queue.length && n < MAX_BATCH && this.queue[n].kind === 'update') n++;
          const batch = this.queue.splice(0, n) as Extract<Op, { kind: 'update' }>[];
          await this.storeBatch(batch);
          continue;
        }
        this.queue.shift();
        switch (op.kind) {
          case 'step1':
            try {
              const e = encoding.createEncoder();
              syncProtocol.writeSyncStep2(e, this.doc, op.stateVector);
              op.resolve({ reply: encoding.toUint8Array(e), seq: this.seq });
            } catch (err) {
              op.reject(PlanningSocketErrors.invalidMessage('bad state vector'));
              this.onError(err, 'step1');
            }
            break;
          case 'remote':
            if (op.seq === this.seq + 1) {
              this.integrate([{ seq: op.seq, update: op.update }], null);
            } else if (op.seq > this.seq) {
              await this.readMissing();
            }
            break;
          case 'catchup':
            await this.readMissing();
            break;
          case 'snapshot':
            this.startSnapshot(op.done);
            break;
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async storeBatch(batch: Extract<Op, { kind: 'update' }>[]): Promise<void> {
    // Re-check against the document as it is now: an earlier batch may have made an update redundant.
    const fresh = batch.filter((op) => {
      const check = checkUpdate(this.doc, op.item.update);
      if (check.ok && !check.hasNewContent) {
        op.resolve(this.seq);
        return false;
      }
      return true;
    });
    if (fresh.length === 0) return;
    let stored: { firstSeq: number; headSeq: number } | null;
    try {
      const entries: PlanAppend[] = fresh.map((op) => ({
        update: op.item.update,
        authorId: op.item.authorId,
        clientId: op.clientId,
      }));
      stored = await this.store.append(this.planId, entries);
    } catch (err) {
      this.onError(err, 'append');
      for (const op of fresh) op.reject(PlanningSocketErrors.storeUnavailable());
      return;
    }
    if (!stored) {
      for (const op of fresh) op.reject(PlanningSocketErrors.notFound());
      this.broken = true;
      return;
    }
    if (stored.firstSeq - 1 > this.seq) await this.readMissing(stored.firstSeq - 1);
    this.integrate(
      fresh.map((op, i) => ({
        seq: stored.firstSeq + i,
        update: op.item.update,
        socketId: op.item.socketId,
      })),
      fresh,
    );
  }

  /** Applies stored entries in order, acknowledges their senders, relays them. */
  private integrate(
    entries: { seq: number; update: Uint8Array; socketId?: string }[],
    ops: Extract<Op, { kind: 'update' }>[] | null,
  ): void {
    entries.forEach((entry, i) => {
      try {
        Y.applyUpdate(this.doc, entry.update, 'log');
      } catch (err) {
        // Stored but does not integrate: reload from the log, which skips it.
        this.broken = true;
        this.onError(err, `apply ${entry.seq}`);
      }
      this.seq = Math.max(this.seq, entry.seq);
      ops?.[i].resolve(entry.seq);
      this.relay.updateToLocal(
        this.planId,
        entry.seq,
        encodeUpdateMessage(entry.update),
        entry.socketId ?? null,
      );
      if (entry.socketId) this.relay.updateToPeers(this.planId, entry.seq, entry.update, entry.socketId);
    });
  }

  private async readMissing(upTo?: number): Promise<void> {
    let missing: PlanLogEntry[];
    try {
      missing = await this.store.between(this.planId, this.seq, upTo);
    } catch (err) {
      this.onError(err, 'catch up');
      return;
    }
    this.integrate(missing, null);
  }

  private startSnapshot(done: () => void): void {
    if (this.snapshotting || this.seq <= this.snapshotSeq || this.broken) {
      done();
      return;
    }
    this.snapshotting = true;
    const seq = this.seq;
    const state = Y.encodeStateAsUpdate(this.doc);
    this.store
      .writeSnapshot(this.planId, seq, state)
      .then(
        () => {
          this.snapshotSeq = Math.max(this.snapshotSeq, seq);
          this.lastSnapshotAt = Date.now();
        },
        (err: unknown) => this.onError(err, 'snapshot'),
      )
      .finally(() => {
        this.snapshotting = false;
        done();
      });
  }
}
