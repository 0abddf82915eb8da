/**
 * Memory shared by the API thread and the search thread for rendered answers, in fixed slots.
 *
 * Why: a page of hits is ~22 kB of JSON. Handed over as a transferred ArrayBuffer, every answer
 * was a new off-heap allocation on the API thread, and at a few thousand answers a second V8
 * answered that "external memory pressure" with extra full collections (10–35 ms pauses of the
 * event loop). Written into a slot of one SharedArrayBuffer instead, an answer reaches the API as a
 * view: no allocation on either side, and the slot is handed back once the response has gone out.
 *
 * Ownership is one Int32 per slot: 0 free, 1 taken. The search thread takes a free slot
 * (compare-and-swap, so a slot is never handed out twice), renders into it and names it in its
 * reply; the API thread frees it after the response is written. When every slot is taken, or an
 * answer does not fit one (a page of 100 hits), the answer gets a buffer of its own as before, so
 * a slot that is never freed costs speed, never an answer.
 */
export class AnswerSlab {
  /** A page of 20 hits is ~22 kB; 50 hits fit too. */
  static readonly SLOT_BYTES = 64 * 1024;
  /** Answers on their way out at once before new ones get buffers of their own. */
  static readonly SLOTS = 256;

  readonly memory: SharedArrayBuffer;
  readonly slots: number;
  readonly slotBytes: number;
  private readonly state: Int32Array;
  private readonly dataStart: number;
  /** Where the search thread looks for a free slot next (slots are taken round-robin). */
  private cursor = 0;

  /** A new slab, or (on the search thread) the one the API thread made, from its memory. */
  constructor(
    memory?: SharedArrayBuffer,
    slots: number = AnswerSlab.SLOTS,
    slotBytes: number = AnswerSlab.SLOT_BYTES,
  ) {
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.dataStart = Math.ceil((slots * 4) / 8) * 8;
    const size = this.dataStart + slots * slotBytes;
    this.memory = memory ?? new SharedArrayBuffer(size);
    if (this.memory.byteLength !== size) throw new Error('answer slab: memory of the wrong size');
    this.state = new Int32Array(this.memory, 0, slots);
  }

  /** Takes a free slot and returns its bytes to write into, or undefined when none is free. */
  take(length: number): Uint8Array | undefined {
    if (length > this.slotBytes) return undefined;
    for (let k = 0; k < this.slots; k += 1) {
      const slot = (this.cursor + k) % this.slots;
      if (Atomics.compareExchange(this.state, slot, 0, 1) === 0) {
        this.cursor = (slot + 1) % this.slots;
        return new Uint8Array(this.memory, this.dataStart + slot * this.slotBytes, length);
      }
    }
    return undefined;
  }

  /** The slot `bytes` lies in, or -1 when they are not in this slab. */
  slotOf(bytes: Uint8Array): number {
    if (bytes.buffer !== this.memory) return -1;
    return Math.floor((bytes.byteOffset - this.dataStart) / this.slotBytes);
  }

  /** The first `length` bytes of a slot (as the reader sees them). */
  bytes(slot: number, length: number): Uint8Array {
    this.check(slot);
    if (length < 0 || length > this.slotBytes) throw new RangeError(`answer slab: bad length ${length}`);
    return new Uint8Array(this.memory, this.dataStart + slot * this.slotBytes, length);
  }

  /** Gives a taken slot back. */
  free(slot: number): void {
    this.check(slot);
    if (Atomics.compareExchange(this.state, slot, 1, 0) !== 1)
      throw new Error(`answer slab: slot ${slot} freed twice`);
  }

  /** How many slots are taken (answers not yet sent, or never given back). */
  taken(): number {
    let n = 0;
    for (let slot = 0; slot < this.slots; slot += 1) n += Atomics.load(this.state, slot);
    return n;
  }

  private check(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots)
      throw new RangeError(`answer slab: no slot ${slot}`);
  }
}
