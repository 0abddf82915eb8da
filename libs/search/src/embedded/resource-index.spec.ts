import { TEXT_FIELDS, type PreparedDocument, type TextField } from '../text/prepare-document.js';
import { ResourceIndex, type GroupSpec } from './resource-index.js';

const WORDS = Array.from({ length: 10 }, (_, i) => `w${i}`);
const FIELDS: TextField[] = ['title'];
const BOOSTS = Object.fromEntries(TEXT_FIELDS.map((f) => [f, 1])) as Record<TextField, number>;

function prepared(title: string[]): PreparedDocument {
  const doc = Object.fromEntries(TEXT_FIELDS.map((f) => [f, []])) as unknown as PreparedDocument;
  return { ...doc, title, latinTerms: [], phraseTerms: title };
}

/** Document `slot` has word i when bit i of (slot * 7 + 3) is set, so words share documents unevenly. */
function fill(index: ResourceIndex, from: number, to: number): void {
  for (let slot = from; slot < to; slot += 1) {
    const code = slot * 7 + 3;
    index.add({ slot, prepared: prepared(WORDS.filter((_, i) => (code >> i) % 2 === 1)) });
  }
}

/** One query per word, the same arrays every time (as the engine passes a prepared query's), so lists are reused. */
const queries: GroupSpec[][] = WORDS.map((term) => [
  { alternatives: [[{ term, prefix: false, fuzzy: 0, boost: 1 }]] },
]);

function search(index: ResourceIndex, groups: readonly GroupSpec[], docs: number): [number[], number[]] {
  const allowed = new Uint32Array(Math.ceil(docs / 32)).fill(0xffffffff);
  const found = index.evaluate({ groups, fields: FIELDS, boosts: BOOSTS, scores: true, allowed });
  return [[...found.slots.subarray(0, found.n)], [...found.scores.subarray(0, found.n)]];
}

describe('ResourceIndex group lists', () => {
  it('give the same answers whether a word’s list was kept, dropped for room or rebuilt after a write', () => {
    // Room for two lists of about 100 documents (12 bytes per document in a list, 64 per list).
    const small = new ResourceIndex(3_000);
    const roomy = new ResourceIndex();
    fill(small, 0, 200);
    fill(roomy, 0, 200);
    const order = [0, 1, 2, 0, 3, 0, 1, 4, 5, 0, 2, 2, 6, 7, 1, 8, 9, 0, 9, 3];
    for (const k of order) expect(search(small, queries[k], 200)).toEqual(search(roomy, queries[k], 200));

    // New documents are found by the queries whose lists were kept before the write.
    fill(small, 200, 260);
    fill(roomy, 200, 260);
    for (const k of order) {
      const answer = search(small, queries[k], 260);
      expect(answer).toEqual(search(roomy, queries[k], 260));
      expect(answer[0].some((slot) => slot >= 200)).toBe(true);
    }
  });
});
