import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  applyLessonEvent,
  initialLessonState,
  type LessonEventEnvelope,
  type LessonState,
} from '@tongke/contracts';
import { LessonErrors } from './lesson.errors.js';
import { LessonLogRepository, type LessonRow } from './lesson-log.repository.js';

const CATCH_UP_PAGE = 1000;
const RECENT_IDS_KEPT = 4000;
/** Events kept in memory for resyncs and marks; a client further behind reads the log. */
const RECENT_EVENTS_KEPT = 256;
/** A runtime nobody on this instance uses is dropped after this long; the log has everything. */
const IDLE_EVICT_MS = 5 * 60_000;

/** A command whose event was broadcast and whose append is under way. */
export interface SpeculativeCommand {
  seq: number;
  /** The sender's answer: once the event is in the log, or once the command was decided again after a rollback. */
  result: Promise<{ seq: number; duplicate: boolean }>;
}

/** A command whose broadcast event was voided: decided again, in seq order, by the rewind. */
export interface VoidedCommand {
  seq: number;
  redo(): Promise<void>;
  fail(err: unknown): void;
}

/**
 * This instance's working copy of one lesson: facts from the database, the folded state, and a
 * queue that runs its commands one at a time (so this instance decides and broadcasts in order).
 * The state may run ahead of the log by the events whose appends are under way (`durableSeq` is
 * the last one known in the log) and may lag behind it when another instance appended;
 * `catchUp` folds the missing events, and the compare-and-set append refuses decisions made on a
 * stale state, which `rewind` then rebuilds from the log.
 */
export class LessonRuntime {
  state: LessonState;
  /** The last seq known to be in the log. */
  durableSeq: number;
  /** The seq of the last snapshot taken (or loaded): the next is due `snapshotInterval` later. */
  snapshotSeq: number;
  private tail: Promise<unknown> = Promise.resolve();
  /** msgKey → seq of commands in the log that this instance appended, saw duplicated or loaded. */
  readonly recent = new Map<string, number>();
  /** msgKey → commands broadcast whose appends are under way. */
  readonly speculative = new Map<string, SpeculativeCommand>();
  /** Commands whose appends failed since the last rewind. */
  voided: VoidedCommand[] = [];
  /** The last events up to state.seq, contiguous (broadcast ones included), oldest first. */
  events: LessonEventEnvelope[] = [];
  /** Appends issued and not yet settled, and a promise for when none is left. */
  appending = 0;
  private appendsDone: Promise<void> = Promise.resolve();
  private appendsDoneResolve?: () => void;
  /** Set when an append failed: every event from `fromSeq` on is void until `rewind`. */
  broken: { fromSeq: number } | null = null;
  /** Bumped by every rewind; appends of an older epoch are dropped unsent. */
  epoch = 0;
  /** Until then this instance appends before it broadcasts (it lost a compare-and-set). */
  commitFirstUntil = 0;
  /** Envelope times never go back, so a replacement event never carries a voided one's mark. */
  lastAt = 0;
  localSockets = 0;
  evictTimer?: NodeJS.Timeout;

  constructor(
    public row: LessonRow,
    state: LessonState,
  ) {
    this.state = state;
    this.durableSeq = state.seq;
    this.snapshotSeq = state.seq;
  }

  /** Runs `task` after every task queued before it. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  remember(msgKey: string, seq: number): void {
    this.recent.set(msgKey, seq);
    if (this.recent.size > RECENT_IDS_KEPT) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** Folds an event at state.seq + 1 and keeps it for resyncs. */
  apply(e: LessonEventEnvelope): void {
    applyLessonEvent(this.state, e);
    if (this.events.length && this.events[this.events.length - 1].seq !== e.seq - 1) this.events = [];
    this.events.push(e);
    if (this.events.length > RECENT_EVENTS_KEPT * 2) this.events.splice(0, RECENT_EVENTS_KEPT);
    if (e.at > this.lastAt) this.lastAt = e.at;
  }

  /** The kept event at `seq`, if it is still in memory. */
  eventAt(seq: number): LessonEventEnvelope | undefined {
    const first = this.events[0];
    return first ? this.events[seq - first.seq] : undefined;
  }

  /** The kept events after `seq`, or null when they are not all in memory. */
  eventsAfter(seq: number): LessonEventEnvelope[] | null {
    if (seq >= this.state.seq) return [];
    const first = this.events[0];
    if (!first || first.seq > seq + 1) return null;
    return this.events.slice(seq + 1 - first.seq);
  }

  /** Counts an append under way; call the returned function when it settles. */
  beginAppend(): () => void {
    if (this.appending++ === 0) {
      this.appendsDone = new Promise<void>((r) => (this.appendsDoneResolve = r));
    }
    return () => {
      if (--this.appending === 0) this.appendsDoneResolve?.();
    };
  }

  /** Resolves once no append of this runtime is under way. */
  appendsSettled(): Promise<void> {
    return this.appending === 0 ? Promise.resolve() : this.appendsDone;
  }
}

@Injectable()
export class LessonRuntimeRegistry implements OnModuleDestroy {
  private readonly logger = new Logger('LessonRuntime');
  private readonly runtimes = new Map<string, Promise<LessonRuntime>>();

  constructor(private readonly log: LessonLogRepository) {}

  /** The runtime of a lesson, loaded from its latest snapshot and the events after it. */
  get(lessonId: string): Promise<LessonRuntime> {
    let rt = this.runtimes.get(lessonId);
    if (!rt) {
      rt = this.load(lessonId);
      this.runtimes.set(lessonId, rt);
      rt.catch(() => this.runtimes.delete(lessonId));
    }
    return rt;
  }

  /**
   * Re-reads the lesson's row (attachments, classrooms and status can change through the API
   * before the start); says whether anything the rules use changed.
   */
  async refresh(rt: LessonRuntime): Promise<boolean> {
    const row = await this.log.loadLesson(rt.row.id);
    if (!row) throw LessonErrors.notFound();
    const facts = (r: LessonRow) => JSON.stringify([r.status, r.attachments, r.classrooms]);
    const changed = facts(row) !== facts(rt.row);
    rt.row = row;
    return changed;
  }

  /** Brings the runtime up to the database (log and row); true if anything moved. */
  async freshen(rt: LessonRuntime): Promise<boolean> {
    const applied = await this.catchUp(rt);
    const changed = await this.refresh(rt);
    return applied > 0 || changed;
  }

  /**
   * Folds events appended by anyone (this or another instance) since the runtime's seq. Not
   * while this instance's own appends are under way: the state is then ahead of the log, and
   * anything another instance appended meanwhile makes those appends fail and the state rewind.
   */
  async catchUp(rt: LessonRuntime): Promise<number> {
    let applied = 0;
    for (;;) {
      if (rt.appending > 0 || rt.broken) return applied;
      const from = rt.state.seq;
      const events = await this.log.eventsAfter(rt.row.id, from, CATCH_UP_PAGE);
      // Our own broadcast may have moved the state while the query ran: read again.
      if (rt.state.seq !== from) continue;
      for (const e of events) rt.apply(e);
      rt.durableSeq = rt.state.seq;
      applied += events.length;
      if (events.length < CATCH_UP_PAGE) return applied;
    }
  }

  /**
   * After a failed append: the state, kept events and speculative commands are rebuilt from the
   * log (its latest snapshot and the events after it). Run inside the runtime's queue.
   */
  async rewind(rt: LessonRuntime): Promise<void> {
    const snapshot = await this.log.latestSnapshot(rt.row.id);
    rt.state = snapshot ?? initialLessonState(rt.row.id);
    rt.durableSeq = rt.state.seq;
    rt.snapshotSeq = rt.state.seq;
    rt.events = [];
    rt.speculative.clear();
    rt.epoch++;
    rt.broken = null;
    // Later events carry a later time than any voided one, so their marks differ even at the same seq.
    rt.lastAt += 1;
    await this.catchUp(rt);
  }

  /** Drops a runtime that no longer matches the log; the next use reloads it. */
  forget(rt: LessonRuntime): void {
    void this.runtimes.get(rt.row.id)?.then((current) => {
      if (current === rt) this.runtimes.delete(rt.row.id);
    });
  }

  attach(rt: LessonRuntime): void {
    rt.localSockets++;
    if (rt.evictTimer) clearTimeout(rt.evictTimer);
    rt.evictTimer = undefined;
  }

  detach(rt: LessonRuntime): void {
    rt.localSockets = Math.max(0, rt.localSockets - 1);
    if (rt.localSockets > 0) return;
    rt.evictTimer = setTimeout(() => {
      if (rt.localSockets === 0) this.runtimes.delete(rt.row.id);
    }, IDLE_EVICT_MS);
    rt.evictTimer.unref();
  }

  onModuleDestroy(): void {
    for (const rt of this.runtimes.values()) {
      void rt.then((r) => r.evictTimer && clearTimeout(r.evictTimer)).catch(() => undefined);
    }
    this.runtimes.clear();
  }

  private async load(lessonId: string): Promise<LessonRuntime> {
    const row = await this.log.loadLesson(lessonId);
    if (!row) throw LessonErrors.notFound();
    const snapshot = await this.log.latestSnapshot(lessonId);
    const rt = new LessonRuntime(row, snapshot ?? initialLessonState(lessonId));
    // Retries of commands acked before a restart are recognised without a broadcast.
    for (const [msgKey, seq] of await this.log.recentMessages(lessonId, RECENT_IDS_KEPT))
      rt.remember(msgKey, seq);
    const applied = await this.catchUp(rt);
    if (snapshot || applied) this.logger.debug(`lesson ${lessonId} restored at seq ${rt.state.seq}`);
    return rt;
  }
}
