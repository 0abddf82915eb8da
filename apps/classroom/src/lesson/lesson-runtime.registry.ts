import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { applyLessonEvent, initialLessonState, type LessonState } from '@tongke/contracts';
import { LessonErrors } from './lesson.errors.js';
import { LessonLogRepository, type LessonRow } from './lesson-log.repository.js';

const CATCH_UP_PAGE = 1000;
const RECENT_IDS_KEPT = 4000;
/** A runtime nobody on this instance uses is dropped after this long; the log has everything. */
const IDLE_EVICT_MS = 5 * 60_000;

/**
 * This instance's working copy of one lesson: facts from the database, the folded state, and a
 * queue that runs its commands one at a time (so this instance appends and broadcasts in order).
 * The state may lag behind the log when another instance appended; `catchUp` folds the missing
 * events, and the compare-and-set append refuses decisions made on a stale state.
 */
export class LessonRuntime {
  state: LessonState;
  private tail: Promise<unknown> = Promise.resolve();
  /** msgKey → seq of commands this instance appended or saw duplicated recently. */
  readonly recent = new Map<string, number>();
  localSockets = 0;
  evictTimer?: NodeJS.Timeout;

  constructor(
    public row: LessonRow,
    state: LessonState,
  ) {
    this.state = state;
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

  /** Folds events appended by anyone (this or another instance) since the runtime's seq. */
  async catchUp(rt: LessonRuntime): Promise<number> {
    let applied = 0;
    for (;;) {
      const events = await this.log.eventsAfter(rt.row.id, rt.state.seq, CATCH_UP_PAGE);
      for (const e of events) applyLessonEvent(rt.state, e);
      applied += events.length;
      if (events.length < CATCH_UP_PAGE) return applied;
    }
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
    const applied = await this.catchUp(rt);
    if (snapshot || applied) this.logger.debug(`lesson ${lessonId} restored at seq ${rt.state.seq}`);
    return rt;
  }
}
