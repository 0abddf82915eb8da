/**
 * Client-side ordering of a lesson's events. Events can arrive twice (own echo, retries) or out
 * of order (two classroom instances publish through Redis independently); the sequencer applies
 * each seq exactly once, in order, and says when a gap needs a `lesson:resync`. Events are
 * broadcast before their append commits, so a `lesson:rollback` can void some it applied: it
 * then applies nothing more until a resync replaces the state. Browser-safe.
 */
import {
  markOf,
  type LessonEventMark,
  type LessonResyncRequest,
  type LessonResyncResult,
  type LessonWireEvent,
} from './lessons-realtime.js';
import type { LessonStateView } from './lessons-state.js';

export interface LessonSequencerHandlers {
  onEvent(event: LessonWireEvent): void;
  onSnapshot?(state: LessonStateView): void;
  /** Before a resync is applied over a state that held rolled-back events: start from empty. */
  onReset?(): void;
}

export class LessonSequencer {
  private readonly pending = new Map<number, LessonWireEvent>();
  private mark: LessonEventMark | null = null;
  /** A rollback voided events this client applied: its state is wrong until the next resync. */
  private diverged = false;

  constructor(
    private readonly handlers: LessonSequencerHandlers,
    private last = 0,
  ) {}

  /** The last seq applied: send it as `sinceSeq` when resyncing or re-joining. */
  get lastSeq(): number {
    return this.last;
  }

  /** True while an event beyond lastSeq+1 waits for the missing ones, or after a rollback. */
  get hasGap(): boolean {
    return this.pending.size > 0 || this.diverged;
  }

  /** What to send as `lesson:resync` (and the since* fields of `lesson:join`). */
  resyncRequest(): LessonResyncRequest {
    // After a rollback: from the start, and the state is replaced by whatever comes back.
    if (this.diverged) return { sinceSeq: 0, sinceMark: null };
    return { sinceSeq: this.last, sinceMark: this.last > 0 ? this.mark : null };
  }

  /** Feeds one live event; returns false when it revealed a gap (resync soon unless it fills). */
  push(event: LessonWireEvent): boolean {
    if (this.diverged) return false;
    if (event.seq <= this.last) return true;
    if (event.seq !== this.last + 1) {
      this.pending.set(event.seq, event);
      return false;
    }
    this.deliver(event);
    this.drain();
    return true;
  }

  /**
   * The events from `fromSeq` on were void. Returns true if this client applied any of them: it
   * must resync (resyncRequest asks for the whole state) and applies nothing until then.
   */
  rollback(fromSeq: number): boolean {
    for (const seq of [...this.pending.keys()]) if (seq >= fromSeq) this.pending.delete(seq);
    if (this.last >= fromSeq) this.diverged = true;
    return this.diverged;
  }

  /** Applies a resync answer (events or a snapshot), then whatever live events it unblocked. */
  applyResync(result: LessonResyncResult): void {
    if (this.diverged) {
      // Only an answer to the whole-state request replaces the state (not one sent before the rollback).
      const whole =
        result.mode === 'snapshot' ||
        (result.events.length ? result.events[0].seq === 1 : result.toSeq === 0);
      if (!whole) return;
      this.diverged = false;
      this.last = 0;
      this.mark = null;
      this.pending.clear();
      this.handlers.onReset?.();
    }
    if (result.mode === 'snapshot') {
      if (result.toSeq >= this.last || result.reset) {
        this.last = result.toSeq;
        this.mark = result.mark;
        this.handlers.onSnapshot?.(result.state);
      }
    } else {
      for (const e of result.events) if (e.seq === this.last + 1) this.deliver(e);
      if (result.toSeq > this.last) this.last = result.toSeq;
    }
    for (const seq of [...this.pending.keys()]) if (seq <= this.last) this.pending.delete(seq);
    this.drain();
  }

  private deliver(e: LessonWireEvent): void {
    this.last = e.seq;
    this.mark = markOf(e);
    this.handlers.onEvent(e);
  }

  private drain(): void {
    for (let next = this.pending.get(this.last + 1); next; next = this.pending.get(this.last + 1)) {
      this.pending.delete(next.seq);
      this.deliver(next);
    }
  }
}
