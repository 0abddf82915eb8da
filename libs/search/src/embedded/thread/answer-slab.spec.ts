import { AnswerSlab } from './answer-slab.js';

describe('AnswerSlab', () => {
  it('hands each slot out once until it is freed, then again', () => {
    const slab = new AnswerSlab(undefined, 3, 16);
    const taken = [slab.take(10), slab.take(16), slab.take(1)];
    expect(taken.every((b) => b !== undefined)).toBe(true);
    const slots = taken.map((b) => slab.slotOf(b as Uint8Array));
    expect(new Set(slots).size).toBe(3);
    expect(slab.taken()).toBe(3);
    expect(slab.take(4)).toBeUndefined(); // all taken: the caller makes its own buffer
    slab.free(slots[1]);
    const again = slab.take(4) as Uint8Array;
    expect(slab.slotOf(again)).toBe(slots[1]);
    expect(slab.taken()).toBe(3);
  });

  it('refuses an answer longer than a slot, a slot freed twice and a slot that does not exist', () => {
    const slab = new AnswerSlab(undefined, 2, 16);
    expect(slab.take(17)).toBeUndefined();
    expect(slab.taken()).toBe(0);
    const bytes = slab.take(8) as Uint8Array;
    slab.free(slab.slotOf(bytes));
    expect(() => slab.free(slab.slotOf(bytes))).toThrow(/freed twice/);
    expect(() => slab.free(2)).toThrow(RangeError);
    expect(() => slab.bytes(0, 17)).toThrow(RangeError);
    expect(slab.slotOf(new Uint8Array(8))).toBe(-1);
  });

  it('shows the reader what the writer put in the slot, through the shared memory alone', () => {
    const writer = new AnswerSlab(undefined, 4, 32);
    const reader = new AnswerSlab(writer.memory, 4, 32);
    writer.take(4); // slot 0 stays taken
    const bytes = writer.take(5) as Uint8Array;
    bytes.set(new TextEncoder().encode('hello'));
    const slot = writer.slotOf(bytes);
    expect(Buffer.from(reader.bytes(slot, 5)).toString('utf8')).toBe('hello');
    expect(reader.taken()).toBe(2);
    reader.free(slot); // the reader gives it back; the writer sees it free
    expect(writer.taken()).toBe(1);
    expect(() => new AnswerSlab(writer.memory, 5, 32)).toThrow(/wrong size/);
  });
});
