import MiniSearch, { type Options, type VacuumOptions } from 'minisearch';
import type SearchableMap from 'minisearch/SearchableMap';
import { LRUCache } from 'lru-cache';
import { TEXT_FIELDS, type PreparedDocument, type TextField } from '../text/prepare-document.js';

export interface IndexRecord {
  slot: number;
  prepared: PreparedDocument;
}

export const INDEX_OPTIONS: Options<IndexRecord> = {
  idField: 'slot',
  fields: [...TEXT_FIELDS],
  // Documents are segmented by prepareDocument(); MiniSearch only splits the space-joined tokens.
  extractField: (record: IndexRecord, field: string): string | number =>
    field === 'slot' ? record.slot : record.prepared[field as TextField].join(' '),
  tokenize: (text: string): string[] => (text.length === 0 ? [] : text.split(' ')),
  processTerm: (term: string): string => term,
  // Vacuuming runs from the engine's write lock (see EmbeddedSearchEngine.flush), never while a
  // snapshot is being streamed out of the index.
  autoVacuum: false,
  searchOptions: { tokenize: (q: string): string[] => [q], processTerm: (t: string): string => t },
};

/** A query term and how it may be expanded in the term dictionary. */
export interface TermSpec {
  term: string;
  prefix: boolean;
  /** Maximum edit distance (0: exact). */
  fuzzy: number;
  /** Multiplier for the term's score (synonyms rank a little lower than typed words). */
  boost: number;
}

/** A document satisfies a group when it has every term of at least one alternative. */
export interface GroupSpec {
  alternatives: TermSpec[][];
}

export interface EvaluateOptions {
  /**
   * Every group must match (AND); alternatives within a group are OR. Passing the same array again
   * (until the index changes) reuses its compiled form.
   */
  groups: readonly GroupSpec[];
  fields: readonly TextField[];
  boosts: Readonly<Record<TextField, number>>;
  /** Compute BM25 scores (only needed when ranking by relevance). */
  scores: boolean;
  /** The slots that may match (visibility, filters), checked first: bit `slot & 31` of word `slot >>> 5`. */
  allowed: Uint32Array;
  /** Expensive per-slot check run last (quoted phrases). */
  verify?: (slot: number) => boolean;
}

export interface Evaluation {
  slots: Int32Array;
  scores: Float64Array;
  n: number;
}

/** One posting list to consult: a dictionary term in one field, with its precomputed weights. */
interface Posting {
  docTerm: string;
  field: TextField;
  fieldId: number;
  postings: Map<number, number>;
  /** term weight × idf × field boost. */
  weight: number;
  avgLength: number;
  /** The postings as arrays (filled on first dense use): shortIds and BM25 tf/length parts. */
  ids?: Int32Array;
  norms?: Float64Array;
}

type CompiledTerm = Posting[];
type CompiledGroup = CompiledTerm[][];

/** A group's matching documents: ascending shortIds and the group's score in each. */
interface GroupList {
  ids: Int32Array;
  scores: Float64Array;
  /**
   * For long lists, each shortId's score (NaN: absent), built on the first lookup by document
   * (matchSlots): one read instead of a binary search through a list that is most of the index.
   */
  byShortId?: Float64Array;
}

/**
 * Bytes of group lists kept at most (12 per document in a list): some 40 lists of words found in
 * every one of 100k documents, or thousands of rarer ones. A list larger than this is not kept.
 */
const GROUP_LIST_BYTES = 48_000_000;
/** Counted for each kept list besides its arrays, so lists that turned out empty are bounded too. */
const GROUP_LIST_OVERHEAD_BYTES = 64;

const sizeOfGroupList = (list: GroupList): number =>
  list.ids.byteLength +
  list.scores.byteLength +
  (list.byShortId?.byteLength ?? 0) +
  GROUP_LIST_OVERHEAD_BYTES;

/** The first index at or after `from` whose id is ≥ `id` (galloping, then binary search). */
function seek(ids: Int32Array, from: number, id: number): number {
  const len = ids.length;
  let j = from;
  if (j >= len || ids[j] >= id) return j;
  let step = 1;
  while (j + step < len && ids[j + step] < id) {
    j += step;
    step *= 2;
  }
  let lo = j + 1;
  let hi = Math.min(j + step, len);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// MiniSearch's defaults, so scores match what MiniSearch.search() would give.
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;

type FieldTermData = Map<number, Map<number, number>>;

interface CompiledQuery {
  generation: number;
  fields: readonly TextField[];
  boosts: Readonly<Record<TextField, number>>;
  groups: CompiledGroup[];
}

function termSize(term: CompiledTerm): number {
  let n = 0;
  for (const p of term) n += p.postings.size;
  return n;
}

function groupSize(group: CompiledGroup): number {
  let n = 0;
  for (const alt of group) for (const t of alt) n += termSize(t);
  return n;
}

/** Where and how {@link walkOne} and {@link walkAll} write their matches. */
interface Walk {
  slots: Int32Array;
  scores: Float64Array;
  shortToSlot: Int32Array;
  allowed: Uint32Array;
  verify: ((slot: number) => boolean) | undefined;
  withScores: boolean;
}

/** The documents of one list the viewer may see (and that pass `verify`); returns their number. */
function walkOne(list: GroupList, w: Walk): number {
  const { ids, scores: listScores } = list;
  const { slots, scores, shortToSlot, allowed, verify, withScores } = w;
  let n = 0;
  for (let i = 0; i < ids.length; i += 1) {
    const slot = shortToSlot[ids[i]];
    if (slot < 0 || (allowed[slot >>> 5] & (1 << (slot & 31))) === 0) continue;
    if (verify !== undefined && !verify(slot)) continue;
    slots[n] = slot;
    if (withScores) scores[n] = listScores[i];
    n += 1;
  }
  return n;
}

/**
 * The documents in every list, walking `lists[driverAt]` (the shortest) and finding each visible
 * candidate in the others, searched forward from the previous candidate; scores are summed in
 * list order. Returns the number of matches.
 */
function walkAll(lists: readonly GroupList[], driverAt: number, w: Walk): number {
  const driver = lists[driverAt];
  const others = lists.filter((_, g) => g !== driverAt);
  const cursors = new Int32Array(others.length);
  const parts = new Float64Array(lists.length);
  const { ids: dIds, scores: dScores } = driver;
  const { slots, scores, shortToSlot, allowed, verify, withScores } = w;
  let n = 0;
  candidates: for (let i = 0; i < dIds.length; i += 1) {
    const shortId = dIds[i];
    const slot = shortToSlot[shortId];
    if (slot < 0 || (allowed[slot >>> 5] & (1 << (slot & 31))) === 0) continue;
    for (let o = 0; o < others.length; o += 1) {
      const ids = others[o].ids;
      let j = cursors[o];
      // The next entry is usually close: step once before galloping.
      if (j < ids.length && ids[j] < shortId) {
        j += 1;
        if (j < ids.length && ids[j] < shortId) j = seek(ids, j, shortId);
      }
      cursors[o] = j;
      if (j >= ids.length) break candidates;
      if (ids[j] !== shortId) continue candidates;
    }
    if (verify !== undefined && !verify(slot)) continue;
    slots[n] = slot;
    if (withScores) {
      for (let o = 0, g = 0; g < lists.length; g += 1) {
        if (g === driverAt) parts[g] = dScores[i];
        else {
          parts[g] = others[o].scores[cursors[o]];
          o += 1;
        }
      }
      let score = parts[0];
      for (let g = 1; g < lists.length; g += 1) score += parts[g];
      scores[n] = score;
    }
    n += 1;
  }
  return n;
}

/**
 * MiniSearch's index, queried with its own evaluator instead of MiniSearch.search().
 *
 * MiniSearch.search() builds a result object for every posting of every query term and merges
 * them in Maps; with words like 数学 or 教学设计 that occur in most of 100k resources that alone
 * costs hundreds of milliseconds. Here each query word (group) becomes one list of its documents
 * in shortId order with its BM25 score summed over fields, expansions and synonyms (built by
 * scoring its postings into a dense array once, then kept with the compiled query until the index
 * changes). A query walks the shortest list, skips what the viewer may not see (a bit test) and
 * finds each candidate in the other lists by galloping search. Tokens, term dictionary, prefix
 * and fuzzy expansion, BM25 with field boosts, serialization and vacuuming stay MiniSearch's own.
 */
export class ResourceIndex extends MiniSearch<IndexRecord> {
  /** shortId (MiniSearch's internal document number) → slot, -1 once discarded. */
  private shortToSlot = new Int32Array(0);
  /** slot → its live shortId, -1 when none (a typed array: matchSlots reads it per candidate). */
  private slotToShort = new Int32Array(0);
  /** Per field id: number of distinct terms of each document in that field, by shortId. */
  private lengths: Float32Array[] = [];
  private readonly pool: Float64Array[] = [];
  /**
   * Bumped by every change (add, discard, vacuum): compiled queries (term expansion, IDF, posting
   * arrays) are kept per group list until then, so a repeated query skips the dictionary work.
   */
  private generation = 0;
  private compiled = new WeakMap<readonly GroupSpec[], CompiledQuery>();
  /** Per compiled group, its documents and scores as one list (see groupList), for one generation. */
  private readonly groupLists: LRUCache<CompiledGroup, GroupList>;
  private groupListGeneration = -1;
  private scratchSlots = new Int32Array(0);
  private scratchScores = new Float64Array(0);
  /** Latin-letter terms of the index (the engine's did-you-mean vocabulary), used for fuzzy matching. */
  latinVocabulary: SearchableMap<number> | null = null;

  /** `groupListBytes` bounds the kept group lists (smaller in tests, to see them dropped). */
  constructor(groupListBytes = GROUP_LIST_BYTES) {
    super(INDEX_OPTIONS);
    this.groupLists = new LRUCache({ maxSize: groupListBytes, sizeCalculation: sizeOfGroupList });
  }

  static async fromJSON(json: string): Promise<ResourceIndex> {
    const loaded = await MiniSearch.loadJSONAsync<IndexRecord>(json, INDEX_OPTIONS);
    // MiniSearch.loadJSON* always builds a plain MiniSearch; its state lives entirely in own
    // fields, so adopting them gives a ResourceIndex over the loaded data.
    const index = Object.assign(new ResourceIndex(), loaded);
    for (const [shortId, slot] of index._documentIds) index.track(shortId, slot as number);
    return index;
  }

  private track(shortId: number, slot: number): void {
    if (shortId >= this.shortToSlot.length) {
      const size = Math.max(1024, shortId * 2);
      const slots = new Int32Array(size).fill(-1);
      slots.set(this.shortToSlot);
      this.shortToSlot = slots;
      this.lengths = TEXT_FIELDS.map((_, i) => {
        const grown = new Float32Array(size);
        const old = this.lengths[i];
        if (old) grown.set(old);
        return grown;
      });
    }
    this.shortToSlot[shortId] = slot;
    if (slot >= this.slotToShort.length) {
      const grown = new Int32Array(Math.max(1024, slot * 2)).fill(-1);
      grown.set(this.slotToShort);
      this.slotToShort = grown;
    }
    this.slotToShort[slot] = shortId;
    const fieldLengths = this._fieldLength.get(shortId) ?? [];
    for (let f = 0; f < this.lengths.length; f += 1) {
      const lengths = this.lengths[f];
      if (lengths) lengths[shortId] = fieldLengths[f] ?? 0;
    }
  }

  override add(record: IndexRecord): void {
    this.generation += 1;
    super.add(record);
    const shortId = this._idToShortId.get(record.slot);
    if (shortId !== undefined) this.track(shortId, record.slot);
  }

  override discard(slot: number): void {
    this.generation += 1;
    const shortId = this._idToShortId.get(slot);
    super.discard(slot);
    if (shortId !== undefined) this.shortToSlot[shortId] = -1;
    if (slot < this.slotToShort.length) this.slotToShort[slot] = -1;
  }

  override async vacuum(options?: VacuumOptions): Promise<void> {
    // Vacuuming removes postings in batches while queries run: drop compiled state before and after.
    this.generation += 1;
    try {
      await super.vacuum(options);
    } finally {
      this.generation += 1;
    }
  }

  private compile(
    groups: readonly GroupSpec[],
    fields: readonly TextField[],
    boosts: Readonly<Record<TextField, number>>,
  ): CompiledGroup[] {
    const cached = this.compiled.get(groups);
    if (
      cached !== undefined &&
      cached.generation === this.generation &&
      cached.fields === fields &&
      cached.boosts === boosts
    )
      return cached.groups;
    const compiled = groups.map((g) =>
      g.alternatives.map((alt) => alt.map((t) => this.compileTerm(t, fields, boosts))),
    );
    this.compiled.set(groups, { generation: this.generation, fields, boosts, groups: compiled });
    return compiled;
  }

  /** A posting list as arrays, without discarded documents, with each posting's BM25 tf/length part. */
  private arrays(p: Posting): { ids: Int32Array; norms: Float64Array } {
    if (p.ids !== undefined && p.norms !== undefined) return { ids: p.ids, norms: p.norms };
    const slots = this.shortToSlot;
    const lengths = this.lengths[p.fieldId];
    const avg = p.avgLength;
    const { k, b, d } = BM25;
    const ids = new Int32Array(p.postings.size);
    const norms = new Float64Array(p.postings.size);
    let n = 0;
    p.postings.forEach((tf, shortId) => {
      if (slots[shortId] === -1) return;
      ids[n] = shortId;
      norms[n] = d + (tf * (k + 1)) / (tf + k * (1 - b + (b * (lengths?.[shortId] ?? avg)) / avg));
      n += 1;
    });
    for (let i = 1; i < n; i += 1) {
      // MiniSearch adds postings in document order (shortIds only grow); merging relies on it.
      if (ids[i - 1] >= ids[i]) throw new Error(`posting list of ${p.docTerm} is not in document order`);
    }
    p.ids = ids.subarray(0, n);
    p.norms = norms.subarray(0, n);
    return { ids: p.ids, norms: p.norms };
  }

  /** A dense score buffer of at least `size` entries, every entry -1 (pooled buffers are kept so). */
  private take(size: number): Float64Array {
    const buffer = this.pool.pop();
    if (buffer !== undefined && buffer.length >= size) return buffer;
    return new Float64Array(Math.max(size, this.shortToSlot.length)).fill(-1);
  }

  /** Returns a buffer to the pool after resetting the entries that were written (`touched`). */
  private release(buffer: Float64Array, touched: readonly number[]): void {
    if (this.pool.length >= 8) return;
    for (const shortId of touched) buffer[shortId] = -1;
    this.pool.push(buffer);
  }

  private expand(spec: TermSpec): { docTerm: string; weight: number; data: FieldTermData }[] {
    const out = new Map<string, { weight: number; data: FieldTermData }>();
    const exact = this._index.get(spec.term);
    if (exact) out.set(spec.term, { weight: 1, data: exact });
    if (spec.prefix) {
      for (const [term, data] of this._index.atPrefix(spec.term)) {
        if (term === spec.term) continue;
        const distance = term.length - spec.term.length;
        out.set(term, { weight: (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * distance), data });
      }
    }
    if (spec.fuzzy > 0) {
      // Fuzzy matching walks the Latin vocabulary when one is attached: a much smaller tree than
      // the whole term dictionary, whose thousands of Han first characters each open a branch.
      const near: Iterable<[string, number]> = this.latinVocabulary
        ? [...this.latinVocabulary.fuzzyGet(spec.term, spec.fuzzy)].map(
            ([term, [, distance]]): [string, number] => [term, distance],
          )
        : [...this._index.fuzzyGet(spec.term, spec.fuzzy)].map(([term, [, distance]]): [string, number] => [
            term,
            distance,
          ]);
      for (const [term, distance] of near) {
        if (distance === 0 || out.has(term)) continue;
        const data = this._index.get(term);
        if (data) out.set(term, { weight: (FUZZY_WEIGHT * term.length) / (term.length + distance), data });
      }
    }
    return [...out].map(([docTerm, v]) => ({ docTerm, ...v }));
  }

  private compileTerm(
    spec: TermSpec,
    fields: readonly TextField[],
    boosts: Readonly<Record<TextField, number>>,
  ): CompiledTerm {
    const postings: Posting[] = [];
    for (const source of this.expand(spec)) {
      for (const field of fields) {
        const fieldId = this._fieldIds[field];
        if (fieldId === undefined) continue;
        const list = source.data.get(fieldId);
        if (list === undefined || list.size === 0) continue;
        // Postings of discarded (replaced or deleted) documents stay until the next vacuum, so df
        // counts them: count them in N too (as Lucene does with deleted documents). Otherwise df
        // can exceed N, the IDF turns negative and the evaluator, which takes a negative score
        // for "absent", loses every match of a term once a few documents holding it were updated.
        const df = list.size;
        const n = this._documentCount + this.dirtCount;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        postings.push({
          docTerm: source.docTerm,
          field,
          fieldId,
          postings: list,
          weight: source.weight * spec.boost * boosts[field] * idf,
          avgLength: this._avgFieldLength[fieldId] ?? 1,
        });
      }
    }
    return postings;
  }

  /** Score of one term in one document by lookups, or -1 when the document lacks it. */
  private lookupTerm(term: CompiledTerm, shortId: number, withScores: boolean): number {
    let score = -1;
    for (const p of term) {
      const tf = p.postings.get(shortId);
      if (tf === undefined) continue;
      if (!withScores) return 0;
      const length = this.lengths[p.fieldId]?.[shortId] ?? p.avgLength;
      score =
        Math.max(score, 0) +
        p.weight *
          (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + (BM25.b * length) / p.avgLength)));
    }
    return score;
  }

  /** Adds a term's BM25 contributions into `into` (-1 = absent) and records newly touched shortIds. */
  private accumulate(term: CompiledTerm, into: Float64Array, touched: number[], withScores: boolean): void {
    for (const p of term) {
      const { ids, norms } = this.arrays(p);
      const weight = p.weight;
      for (let i = 0; i < ids.length; i += 1) {
        const shortId = ids[i];
        const contribution = withScores ? weight * norms[i] : 0;
        const current = into[shortId];
        if (current < 0) {
          into[shortId] = contribution;
          touched.push(shortId);
        } else {
          into[shortId] = current + contribution;
        }
      }
    }
  }

  /** Dense group scores (-1 = group not satisfied) and the shortIds that satisfy it. */
  private materialize(
    group: CompiledGroup,
    size: number,
    withScores: boolean,
  ): { scores: Float64Array; touched: number[] } {
    const scores = this.take(size);
    const touched: number[] = [];
    // A one-term alternative (the usual case) adds straight into the group's scores.
    for (const alternative of group) {
      if (alternative.length === 1) this.accumulate(alternative[0], scores, touched, withScores);
    }
    const multi = group.filter((alternative) => alternative.length > 1);
    if (multi.length === 0) return { scores, touched };
    const alt = this.take(size);
    for (const alternative of multi) {
      const [first, ...rest] = alternative;
      if (first === undefined) continue;
      const altTouched: number[] = [];
      this.accumulate(first, alt, altTouched, withScores);
      for (const shortId of altTouched) {
        let s = alt[shortId];
        alt[shortId] = -1;
        for (const term of rest) {
          const t = this.lookupTerm(term, shortId, withScores);
          if (t < 0) {
            s = -1;
            break;
          }
          s += t;
        }
        if (s < 0) continue;
        const current = scores[shortId];
        if (current < 0) {
          scores[shortId] = s;
          touched.push(shortId);
        } else {
          scores[shortId] = current + s;
        }
      }
    }
    // Every entry of `alt` was reset to -1 as it was read.
    this.release(alt, []);
    return { scores, touched };
  }

  /**
   * A group's documents as one list: ascending shortIds (discarded ones left out) with the group's
   * BM25 score in each, summed over its alternatives, terms, expansions and fields exactly as
   * {@link materialize} sums them. Built once per compiled group (index generation) and kept in a
   * bounded LRU; queries then intersect these lists instead of scattering every field's postings.
   */
  private groupList(group: CompiledGroup): GroupList {
    const cached = this.groupLists.get(group);
    if (cached !== undefined) return cached;
    const size = this._nextId + 1;
    const dense = this.materialize(group, size, true);
    const touched = dense.touched;
    const n = touched.length;
    const ids = new Int32Array(n);
    const scores = new Float64Array(n);
    const shortToSlot = this.shortToSlot;
    let m = 0;
    const emit = (shortId: number): void => {
      const score = dense.scores[shortId];
      dense.scores[shortId] = -1;
      if (score < 0 || shortToSlot[shortId] < 0) return;
      ids[m] = shortId;
      scores[m] = score;
      m += 1;
    };
    if (n * 16 > size) {
      for (let shortId = 0; shortId < size; shortId += 1) if (dense.scores[shortId] >= 0) emit(shortId);
    } else {
      const order = Int32Array.from(touched).sort();
      for (let k = 0; k < order.length; k += 1) emit(order[k]);
    }
    // Every touched entry was reset to -1 as it was read.
    this.release(dense.scores, []);
    const list: GroupList = { ids: ids.slice(0, m), scores: scores.slice(0, m) };
    this.groupLists.set(group, list);
    return list;
  }

  /**
   * The query's group lists in the order their scores are summed (fewest postings first), or null
   * when some word has no posting at all (nothing can match).
   */
  private listsOf(
    options: Omit<EvaluateOptions, 'allowed'>,
  ): { groups: CompiledGroup[]; lists: GroupList[] } | null {
    const groups = [...this.compile(options.groups, options.fields, options.boosts)];
    if (groups.length === 0 || groups.some((g) => groupSize(g) === 0)) return null;
    if (this.groupListGeneration !== this.generation) {
      this.groupLists.clear();
      this.groupListGeneration = this.generation;
    }
    groups.sort((a, b) => groupSize(a) - groupSize(b));
    return { groups, lists: groups.map((g) => this.groupList(g)) };
  }

  evaluate(options: EvaluateOptions): Evaluation {
    const empty: Evaluation = { slots: new Int32Array(0), scores: new Float64Array(0), n: 0 };
    const lists = this.listsOf(options)?.lists;
    if (lists === undefined) return empty;
    const withScores = options.scores;

    // The shortest list drives; every candidate it holds that the viewer may see is looked up in
    // the other lists (ascending, so each is searched forward from where the last lookup ended).
    let driverAt = 0;
    for (let g = 1; g < lists.length; g += 1)
      if ((lists[g]?.ids.length ?? 0) < (lists[driverAt]?.ids.length ?? 0)) driverAt = g;
    const driver = lists[driverAt];
    if (driver === undefined) return empty;
    // Written into scratch arrays reused across calls, then copied out at their final length: a
    // fresh array as long as a common word's list costs more (zeroing, page faults) than the walk.
    if (this.scratchSlots.length < driver.ids.length) {
      this.scratchSlots = new Int32Array(driver.ids.length);
      this.scratchScores = new Float64Array(driver.ids.length);
    }
    const out: Walk = {
      slots: this.scratchSlots,
      scores: this.scratchScores,
      shortToSlot: this.shortToSlot,
      allowed: options.allowed,
      verify: options.verify,
      withScores,
    };
    // Separate loops for one word and several, so each stays optimized for its shape.
    const n = lists.length === 1 ? walkOne(driver, out) : walkAll(lists, driverAt, out);
    return {
      slots: out.slots.slice(0, n),
      scores: withScores ? out.scores.slice(0, n) : new Float64Array(0),
      n,
    };
  }

  /**
   * A long list's scores by shortId (see GroupList.byShortId), built once and then counted in the
   * list's size; undefined for a list short enough to search (an eighth of the documents or less).
   */
  private scoresByShortId(group: CompiledGroup, list: GroupList): Float64Array | undefined {
    if (list.byShortId !== undefined) return list.byShortId;
    const size = this._nextId + 1;
    if (list.ids.length * 8 < size) return undefined;
    const byShortId = new Float64Array(size).fill(Number.NaN);
    for (let i = 0; i < list.ids.length; i += 1) byShortId[list.ids[i]] = list.scores[i];
    list.byShortId = byShortId;
    // Set again, so that the bound on kept lists counts it too.
    if (this.groupLists.get(group) === list) this.groupLists.set(group, list);
    return byShortId;
  }

  /** The index's shortIds of `slots` (-1 for a slot it does not hold), to pass to matchSlots(). */
  shortIdsOf(slots: Int32Array): Int32Array {
    const slotToShort = this.slotToShort;
    return slots.map((slot) => (slot < slotToShort.length ? slotToShort[slot] : -1));
  }

  /**
   * Which of `candidates` (slots, ascending) have every group, with the scores evaluate() gives
   * them (the same parts summed in the same order), each looked up in the group lists (a long
   * list's scores by document, a short one by binary search). For the few hundred documents one
   * viewer sees beyond what everyone sees, this costs microseconds where walking a common word's
   * list costs milliseconds. `shortIds` are the candidates' ids in the index (see shortIdsOf).
   */
  matchSlots(
    options: Omit<EvaluateOptions, 'allowed'>,
    candidates: Int32Array,
    shortIds: Int32Array,
  ): Evaluation {
    const found = this.listsOf(options);
    if (found === null || candidates.length === 0)
      return { slots: new Int32Array(0), scores: new Float64Array(0), n: 0 };
    const { groups, lists } = found;
    const dense = lists.map((list, g) => this.scoresByShortId(groups[g], list));
    const { scores: withScores, verify } = options;
    const slots = new Int32Array(candidates.length);
    const scores = new Float64Array(withScores ? candidates.length : 0);
    const parts = new Float64Array(lists.length);
    let n = 0;
    candidates: for (let c = 0; c < candidates.length; c += 1) {
      const slot = candidates[c];
      const shortId = shortIds[c];
      if (shortId < 0) continue;
      for (let g = 0; g < lists.length; g += 1) {
        const byShortId = dense[g];
        if (byShortId === undefined) {
          const list = lists[g];
          const j = seek(list.ids, 0, shortId);
          if (j >= list.ids.length || list.ids[j] !== shortId) continue candidates;
          parts[g] = list.scores[j];
        } else {
          const score = shortId < byShortId.length ? byShortId[shortId] : Number.NaN;
          if (Number.isNaN(score)) continue candidates;
          parts[g] = score;
        }
      }
      if (verify !== undefined && !verify(slot)) continue;
      slots[n] = slot;
      if (withScores) {
        let score = parts[0];
        for (let g = 1; g < lists.length; g += 1) score += parts[g];
        scores[n] = score;
      }
      n += 1;
    }
    return { slots: slots.subarray(0, n), scores: withScores ? scores.subarray(0, n) : scores, n };
  }

  /**
   * The index as MiniSearch's JSON (what toJSON() gives, loadable by loadJSON), produced in pieces
   * with a yield to the event loop every few thousand terms, so writing a snapshot of 100k
   * resources does not stall queries for seconds. The caller must keep the index unchanged
   * meanwhile (the engine holds its write lock).
   */
  async *serialize(termsPerChunk = 2_000): AsyncGenerator<string> {
    const head = {
      documentCount: this._documentCount,
      nextId: this._nextId,
      documentIds: Object.fromEntries(this._documentIds),
      fieldIds: this._fieldIds,
      fieldLength: Object.fromEntries(this._fieldLength),
      averageFieldLength: this._avgFieldLength,
      storedFields: Object.fromEntries(this._storedFields),
      dirtCount: this._dirtCount,
      serializationVersion: 2,
    };
    yield `${JSON.stringify(head).slice(0, -1)},"index":[`;
    let chunk = '';
    let n = 0;
    for (const [term, fieldIndex] of this._index) {
      const data: Record<number, Record<number, number>> = {};
      for (const [fieldId, freqs] of fieldIndex) data[fieldId] = Object.fromEntries(freqs);
      chunk += (n === 0 ? '' : ',') + JSON.stringify([term, data]);
      n += 1;
      if (n % termsPerChunk === 0) {
        yield chunk;
        chunk = '';
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    yield `${chunk}]}`;
  }

  /** Postings per group (a document-frequency estimate): how common each query word is. */
  groupSizes(
    groups: readonly GroupSpec[],
    fields: readonly TextField[],
    boosts: Readonly<Record<TextField, number>>,
  ): number[] {
    return this.compile(groups, fields, boosts).map(groupSize);
  }

  /**
   * Which indexed terms of the query each document contains, per field (for highlighting). Pass
   * the boosts used to evaluate the same groups: the compiled query is then reused.
   */
  matchedTerms(
    slots: readonly number[],
    groups: readonly GroupSpec[],
    fields: readonly TextField[],
    boosts: Readonly<Record<TextField, number>>,
  ): Map<number, Map<TextField, string[]>> {
    const postings = this.compile(groups, fields, boosts).flatMap((g) => g.flat(2));
    const out = new Map<number, Map<TextField, string[]>>();
    for (const slot of slots) {
      const byField = new Map<TextField, string[]>();
      out.set(slot, byField);
      const shortId = this._idToShortId.get(slot);
      if (shortId === undefined) continue;
      for (const p of postings) {
        if (!p.postings.has(shortId)) continue;
        const list = byField.get(p.field) ?? [];
        if (!list.includes(p.docTerm)) list.push(p.docTerm);
        byField.set(p.field, list);
      }
    }
    return out;
  }
}
