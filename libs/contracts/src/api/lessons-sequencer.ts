/**
 * Client-side ordering of a lesson's events. Events can arrive twice (own echo, retries) or out
 * of order (two classroom instances publish through Redis independently); the sequencer applies
 * each seq exactly once, in order, and says when a gap needs a `lesson:resync`. Browser-safe.
 */
import type { LessonResyncResult, LessonWireEvent } from './lessons-realtime.js';
import type { LessonStateView } from './lessons-state.js';

export interface LessonSequencerHandlers {
  onEvent(event: LessonWireEvent): void;
  onSnapshot?(state: LessonStateView): void;
}

export class LessonSequencer {
  private readonly pending = new Map<number, LessonWireEvent>();

  constructor(
    private readonly handlers: LessonSequencerHandlers,
    private last = 0,
  ) {}

  /** The last seq applied: send it as `sinceSeq` when resyncing or re-joining. */
  get lastSeq(): number {
    return this.last;
  }

  /** True while an event beyond lastSeq+1 waits for the missing ones. */
  get hasGap(): boolean {
    return this.pending.size > 0;
  }

  /** Feeds one live event; returns false when it revealed a gap (resync soon unless it fills). */
  push(event: LessonWireEvent): boolean {
    if (event.seq <= this.last) return true;
    if (event.seq !== this.last + 1) {
      this.pending.set(event.seq, event);
      return false;
    }
    this.deliver(event);
    this.drain();
    return true;
  }

  /** Applies a resync answer (events or a snapshot), then whatever live events it unblocked. */
  applyResync(result: LessonResyncResult): void {
    if (result.mode === 'snapshot') {
      if (result.toSeq >= this.last) {
        this.last = result.toSeq;
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
    this.handlers.onEvent(e);
  }

  private drain(): void {
    for (let next = this.pending.get(this.last + 1); next; next = this.pending.get(this.last + 1)) {
      this.pending.delete(next.seq);
      this.deliver(next);
    }
  }
}
