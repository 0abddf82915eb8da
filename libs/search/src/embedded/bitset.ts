/** Sets of document slots as 32-bit words: bit `slot & 31` of word `slot >>> 5`. */
export type Bits = Uint32Array;

export const wordsFor = (slots: number): number => (slots + 31) >>> 5;

export function hasBit(bits: Bits, slot: number): boolean {
  return ((bits[slot >>> 5] ?? 0) & (1 << (slot & 31))) !== 0;
}

export function setBit(bits: Bits, slot: number): void {
  bits[slot >>> 5] = (bits[slot >>> 5] ?? 0) | (1 << (slot & 31));
}

export function clearBit(bits: Bits, slot: number): void {
  bits[slot >>> 5] = (bits[slot >>> 5] ?? 0) & ~(1 << (slot & 31));
}

/** A copy of `bits` with `words` words (grown with zeros or cut). */
export function resized(bits: Bits, words: number): Bits {
  const out = new Uint32Array(words);
  out.set(bits.length <= words ? bits : bits.subarray(0, words));
  return out;
}

/** `into &= other`, in place. */
export function andInto(into: Bits, other: Bits): void {
  for (let w = 0; w < into.length; w += 1) into[w] = (into[w] ?? 0) & (other[w] ?? 0);
}

/** `into |= other`, in place. */
export function orInto(into: Bits, other: Bits): void {
  const n = Math.min(into.length, other.length);
  for (let w = 0; w < n; w += 1) into[w] = (into[w] ?? 0) | (other[w] ?? 0);
}

/** Population count of every 16-bit value: two lookups count a word. */
const POP16 = (() => {
  const table = new Uint8Array(1 << 16);
  for (let i = 1; i < table.length; i += 1) table[i] = (table[i >> 1] ?? 0) + (i & 1);
  return table;
})();

export function popcount32(word: number): number {
  return (POP16[word & 0xffff] ?? 0) + (POP16[word >>> 16] ?? 0);
}

/** |a ∩ b|. */
export function andCount(a: Bits, b: Bits): number {
  const n = Math.min(a.length, b.length);
  let count = 0;
  for (let w = 0; w < n; w += 1) {
    const word = (a[w] ?? 0) & (b[w] ?? 0);
    if (word !== 0) count += (POP16[word & 0xffff] ?? 0) + (POP16[word >>> 16] ?? 0);
  }
  return count;
}

/** The set slots in ascending order. */
export function slotsOf(bits: Bits, out: Int32Array = new Int32Array(countOf(bits))): Int32Array {
  let n = 0;
  for (let w = 0; w < bits.length; w += 1) {
    let word = bits[w] ?? 0;
    while (word !== 0) {
      const low = word & -word;
      out[n++] = (w << 5) + 31 - Math.clz32(low);
      word ^= low;
    }
  }
  return out;
}

export function countOf(bits: Bits): number {
  let count = 0;
  for (let w = 0; w < bits.length; w += 1) {
    const word = bits[w] ?? 0;
    if (word !== 0) count += (POP16[word & 0xffff] ?? 0) + (POP16[word >>> 16] ?? 0);
  }
  return count;
}

/** The bitset of the first `n` slots of a list. */
export function bitsOf(slots: Int32Array, n: number, words: number): Bits {
  const out = new Uint32Array(words);
  for (let i = 0; i < n; i += 1) {
    const slot = slots[i] ?? 0;
    out[slot >>> 5] = (out[slot >>> 5] ?? 0) | (1 << (slot & 31));
  }
  return out;
}
