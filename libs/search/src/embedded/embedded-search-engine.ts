import { join } from 'node:path';
import SearchableMap from 'minisearch/SearchableMap';
import { LRUCache } from 'lru-cache';
import { SearchEngine } from '../search-engine.js';
import { SearchInvalidDocumentError, SearchUnavailableError } from '../search.errors.js';
import {
  DEFAULT_PAGE_SIZE,
  SEARCH_FACETS,
  MAX_PAGE_SIZE,
  MAX_RESULT_WINDOW,
  type ResourceSearchDocument,
  type SearchFacetCounts,
  type SearchFacetName,
  type SearchHealth,
  type SearchHighlights,
  type SearchHit,
  type SearchHitDocument,
  type SearchQuery,
  type SearchResult,
  type SearchSort,
  type SearchSuggestion,
  type SearchViewer,
} from '../search.types.js';
import { highlightText } from '../text/highlight.js';
import {
  editBudget,
  pickCorrection,
  replaceLatinWord,
  titleMatchesLatinPrefixes,
} from '../text/did-you-mean.js';
import {
  capExtractedText,
  phraseHaystack,
  PINYIN_FIELDS,
  prepareDocument,
  sameIndexedText,
  TEXT_FIELDS,
  type TextField,
} from '../text/prepare-document.js';
import { containsPhrase, prepareQuery, type PreparedQuery } from '../text/prepare-query.js';
import { andInto, bitsOf, countOf, hasBit, slotsOf, type Bits } from './bitset.js';
import { DocColumns, type ColumnSort, type FilterMasks, type ResolvedViewer } from './doc-columns.js';
import { ResourceIndex, type GroupSpec, type TermSpec } from './resource-index.js';
import { SnapshotStore, type LoggedChange, type StoredRecord } from './snapshot-store.js';
import { topK, type RankCompare } from './top-k.js';

export interface EmbeddedSearchEngineOptions {
  /** The application's data directory; the index lives in `<dataDir>/search/`. */
  dataDir: string;
  /** Writes are persisted at most this long after they are applied (default 2 s); close() flushes. */
  flushDelayMs?: number;
  /**
   * Changes logged after a snapshot before the next flush writes a whole snapshot instead (default
   * 1,000, or a twentieth of the documents if more; also once the log passes 64 MiB).
   */
  compactAfterChanges?: number;
}

const LOG_COMPACT_BYTES = 64 * 1024 * 1024;

/** Bump when tokenization, dictionary or fields change: older snapshots are then not loaded. */
export const EMBEDDED_ANALYZER_VERSION = 'tongke-zh-1';

const FIELD_BOOST: Record<TextField, number> = {
  title: 5,
  tags: 3,
  labels: 2.5,
  pinyinTitle: 3,
  pinyinLabels: 1.5,
  description: 2,
  people: 1.5,
  text: 1,
};
const NON_PINYIN_FIELDS: TextField[] = TEXT_FIELDS.filter((f) => !PINYIN_FIELDS.includes(f));
const SYNONYM_WEIGHT = 0.6;
const LATIN_TERM = /^[a-z]+$/;

function termSpec(term: string, synonym: boolean): TermSpec {
  const latin = LATIN_TERM.test(term);
  return {
    term,
    // Han words need no prefix expansion: search-mode and dictionary tokens already hold the parts.
    prefix: latin && term.length >= 3,
    // Typos are only tolerated in Latin words: a one-character "typo" in Chinese is another word.
    fuzzy: latin && term.length >= 4 ? (term.length >= 8 ? 2 : 1) : 0,
    boost: synonym ? SYNONYM_WEIGHT : 1,
  };
}

function groupSpecs(
  pq: PreparedQuery,
  spec: (term: string, synonym: boolean) => TermSpec = termSpec,
): GroupSpec[] {
  return pq.groups.map((g) => ({
    alternatives: g.alternatives.map((alt) => alt.terms.map((t) => spec(t, alt.synonym))),
  }));
}

const prefixSpec = (term: string): TermSpec => ({ term, prefix: true, fuzzy: 0, boost: 1 });

/**
 * A set of matching slots: a list (with scores, in evaluation order) from a text query, or a
 * bitset from an empty query; each form is derived from the other when needed.
 */
interface Matches {
  slots: Int32Array | null;
  scores: Float64Array;
  n: number;
  bits: Bits | null;
}

/** What a query string compiles to, independent of the index (kept in a small LRU). */
interface PreparedState {
  /** The query string (with the groups kept, for a relaxed query). */
  key: string;
  pq: PreparedQuery;
  groups: GroupSpec[];
  fields: TextField[];
  /** The query with words dropped (see relaxations), by the indexes of the groups kept. */
  relaxed?: Map<string, PreparedState>;
  /** Highlights of documents shown for this query, for one index generation (see pageHighlights). */
  highlights?: { generation: number; bySlot: Map<number, SearchHighlights> };
}

/**
 * The disjunctive facet counts of a search with filters, kept with its result for
 * disjunctiveFacetCounts(): each filtered facet counted over the matches of every other filter.
 */
interface Disjunctive {
  generation: number;
  counts: Partial<SearchFacetCounts>;
  /** Facets whose other filters leave nothing: counted by a search without their filter. */
  empty: SearchFacetName[];
}

/** A ranked page entry: a slot, with its score when ranked by relevance. */
interface Ranked {
  slot: number;
  score?: number;
}

/** The part of an answer that depends on the matches (see answerShared). */
interface Answer {
  total: number;
  facets: SearchFacetCounts;
  /** The page (already past the offset). */
  ranked: Ranked[];
  /** With filters: the disjunctive counts. */
  disjunctive: Disjunctive | null;
}

/**
 * A query's answer over what every viewer of a kind sees (see DocColumns.sharedVisibleBits),
 * computed once per index generation and completed per viewer with the few documents only they
 * see: a popular query asked by a thousand teachers walks its words' lists once, not a thousand
 * times.
 */
interface SharedBase {
  /** Matches passing the filters. */
  total: number;
  facets: SearchFacetCounts;
  /** Per filter (in mask order): its facet counted over the matches passing every other filter. */
  disjunctive: { n: number; counts: Record<string, number> }[];
  /** The first `window` of the filtered matches in rank order. */
  slots: Int32Array;
  scores: Float64Array;
}

const SHARED_BASE_BYTES = 16 * 1024 * 1024;
const sizeOfBase = (b: SharedBase): number => b.slots.byteLength + b.scores.byteLength + 4_096;

/** The highlights of a hit of a query without words: one object, so its rendered JSON is kept too. */
const NO_HIGHLIGHTS: SearchHighlights = Object.freeze({});

const PREPARED_QUERIES = 512;
const HIGHLIGHTS = 4_096;
/** Documents whose highlights one prepared query keeps (pages seen by its askers, until a write). */
const HIGHLIGHTS_PER_QUERY = 200;

const STATUSES = new Set(['draft', 'pending_review', 'published', 'withdrawn']);
const VISIBILITIES = new Set(['private', 'school', 'district', 'public']);

function validate(doc: ResourceSearchDocument): void {
  if (typeof doc.id !== 'string' || doc.id.length === 0)
    throw new SearchInvalidDocumentError('document without id');
  if (!STATUSES.has(doc.status))
    throw new SearchInvalidDocumentError(`document ${doc.id}: unknown status ${doc.status}`);
  if (!VISIBILITIES.has(doc.visibility))
    throw new SearchInvalidDocumentError(`document ${doc.id}: unknown visibility ${doc.visibility}`);
}

/**
 * In-process search for single-node installs: MiniSearch over jieba-segmented, folded text, with
 * visibility, filters, facets and sort keys in typed-array columns, persisted as snapshots.
 */
export class EmbeddedSearchEngine extends SearchEngine {
  readonly kind = 'embedded' as const;

  private readonly store: SnapshotStore;
  private readonly flushDelayMs: number;
  private readonly compactAfterChanges: number;
  /** Changes applied since the last flush, to be logged (or folded into a snapshot). */
  private pending: LoggedChange[] = [];
  /** Changes in the live snapshot's log. */
  private loggedChanges = 0;
  /** clear() cannot be logged as changes: the next flush writes a whole snapshot. */
  private needsSnapshot = false;
  private index = new ResourceIndex();
  private columns = new DocColumns();
  /** Per slot: the document as hits carry it, and its (capped) file text apart from it. */
  private docs: (SearchHitDocument | undefined)[] = [];
  private texts: (string | undefined)[] = [];
  private latin: (string[] | undefined)[] = [];
  /** Folded title/tags/labels/description per slot, computed on the first phrase query that needs it. */
  private haystacks: (string | undefined)[] = [];
  private idToSlot = new Map<string, number>();
  private freeSlots: number[] = [];
  private vocab = new SearchableMap<number>();
  /** Bumped by every write: prepared state derived from the index is dropped. */
  private generation = 0;
  private readonly preparedQueries = new LRUCache<string, PreparedState>({ max: PREPARED_QUERIES });
  /** Bumped by writes that change indexed text (not by counts, status or visibility alone). */
  private textGeneration = 0;
  /** Highlights per slot and matched terms, valid while the indexed text is unchanged. */
  private readonly highlightCache = new LRUCache<string, SearchHighlights>({ max: HIGHLIGHTS });
  private highlightGeneration = 0;
  private readonly disjunctive = new WeakMap<SearchResult, Disjunctive>();
  /** shortIdsOfOwn() by the viewer's own-slots array. */
  private readonly ownShortIds = new WeakMap<Int32Array, { generation: number; shortIds: Int32Array }>();
  /** Shared answers by query, filters, order, window and viewer kind, for one generation. */
  private readonly sharedBases = new LRUCache<string, SharedBase>({
    maxSize: SHARED_BASE_BYTES,
    sizeCalculation: sizeOfBase,
  });
  private sharedBaseGeneration = -1;
  private ready: Promise<void> | null = null;
  private closed = false;
  private dirty = false;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Writes and snapshots run one at a time, in order (reads never wait for it). */
  private writeQueue: Promise<unknown> = Promise.resolve();
  /** True when init() found a snapshot and loaded it instead of starting empty. */
  loadedFromSnapshot = false;

  constructor(options: EmbeddedSearchEngineOptions) {
    super();
    this.index.latinVocabulary = this.vocab;
    this.store = new SnapshotStore(join(options.dataDir, 'search'), EMBEDDED_ANALYZER_VERSION);
    this.flushDelayMs = options.flushDelayMs ?? 2_000;
    this.compactAfterChanges = options.compactAfterChanges ?? 1_000;
  }

  init(): Promise<void> {
    this.ready ??= this.load();
    return this.ready;
  }

  private async load(): Promise<void> {
    const snapshot = await this.store.load();
    if (snapshot === null) return;
    this.index = await ResourceIndex.fromJSON(snapshot.indexJson);
    this.index.latinVocabulary = this.vocab;
    let maxSlot = -1;
    for await (const record of snapshot.records) {
      this.place(record.slot, record.doc, record.latin);
      maxSlot = Math.max(maxSlot, record.slot);
    }
    for (let slot = maxSlot; slot >= 0; slot -= 1)
      if (this.docs[slot] === undefined) this.freeSlots.push(slot);
    // Then what was logged after the snapshot, in order, as it was applied then.
    const changes = await snapshot.changes();
    for (const change of changes) {
      if (change.op === 'upsert') this.applyUpsert([change.doc]);
      else this.applyDelete(change.ids);
    }
    this.loggedChanges = changes.length;
    this.loadedFromSnapshot = true;
  }

  private async ensureReady(): Promise<void> {
    if (this.closed) throw new SearchUnavailableError('the embedded search engine is closed');
    await this.init();
  }

  private place(slot: number, { extractedText, ...doc }: ResourceSearchDocument, latin: string[]): void {
    this.docs[slot] = doc;
    this.texts[slot] = extractedText;
    this.latin[slot] = latin;
    this.idToSlot.set(doc.id, slot);
    this.columns.set(slot, doc);
    for (const term of latin) this.vocab.update(term, (c) => (c ?? 0) + 1);
  }

  private unplace(slot: number): void {
    const doc = this.docs[slot];
    if (doc === undefined) return;
    this.index.discard(slot);
    for (const term of this.latin[slot] ?? []) {
      const left = (this.vocab.get(term) ?? 1) - 1;
      if (left <= 0) this.vocab.delete(term);
      else this.vocab.set(term, left);
    }
    this.docs[slot] = undefined;
    this.texts[slot] = undefined;
    this.latin[slot] = undefined;
    this.haystacks[slot] = undefined;
    this.idToSlot.delete(doc.id);
    this.columns.remove(slot);
  }

  /** Runs `fn` after every earlier write or snapshot has finished. */
  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.writeQueue.then(fn);
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  async upsert(docs: readonly ResourceSearchDocument[]): Promise<void> {
    await this.ensureReady();
    docs.forEach(validate);
    await this.exclusive(() => {
      const stored = this.applyUpsert(docs);
      this.changed(stored.map((doc): LoggedChange => ({ op: 'upsert', doc })));
    });
  }

  /** Applies documents; returns them as stored (file text capped), which is what gets logged. */
  private applyUpsert(docs: readonly ResourceSearchDocument[]): ResourceSearchDocument[] {
    const stored: ResourceSearchDocument[] = [];
    for (const input of docs) {
      const doc: ResourceSearchDocument = {
        ...input,
        tags: [...input.tags],
        extractedText: capExtractedText(input.extractedText),
      };
      const existing = this.idToSlot.get(doc.id);
      const current = existing === undefined ? undefined : this.docs[existing];
      if (
        existing !== undefined &&
        current !== undefined &&
        sameIndexedText(current, this.texts[existing] ?? '', doc)
      ) {
        // Only counts, status, visibility or dates changed (a download, a rating, a review): the
        // postings, and the lists and highlights derived from them, stay; the columns change.
        const { extractedText: _text, ...rest } = doc;
        this.docs[existing] = rest;
        this.columns.set(existing, rest);
        stored.push(doc);
        continue;
      }
      const prepared = prepareDocument(doc);
      this.textGeneration += 1;
      let slot: number;
      if (existing !== undefined) {
        this.unplace(existing);
        slot = existing;
      } else {
        slot = this.freeSlots.pop() ?? this.docs.length;
      }
      this.index.add({ slot, prepared });
      this.place(slot, doc, prepared.latinTerms);
      stored.push(doc);
    }
    this.generation += 1;
    return stored;
  }

  async delete(ids: readonly string[]): Promise<void> {
    await this.ensureReady();
    await this.exclusive(() => {
      this.applyDelete(ids);
      this.changed([{ op: 'delete', ids: [...ids] }]);
    });
  }

  private applyDelete(ids: readonly string[]): void {
    for (const id of ids) {
      const slot = this.idToSlot.get(id);
      if (slot === undefined) continue;
      this.unplace(slot);
      this.freeSlots.push(slot);
    }
    this.generation += 1;
    this.textGeneration += 1;
  }

  /** Records applied changes for the next flush, which runs at most flushDelayMs from now. */
  private changed(changes: LoggedChange[]): void {
    for (const change of changes) this.pending.push(change);
    this.markDirty();
  }

  async clear(): Promise<void> {
    await this.ensureReady();
    await this.exclusive(() => this.reset());
  }

  private reset(): void {
    this.index = new ResourceIndex();
    this.columns = new DocColumns();
    this.docs = [];
    this.texts = [];
    this.latin = [];
    this.haystacks = [];
    this.idToSlot = new Map();
    this.freeSlots = [];
    this.vocab = new SearchableMap<number>();
    this.index.latinVocabulary = this.vocab;
    this.generation += 1;
    this.textGeneration += 1;
    this.pending = [];
    this.needsSnapshot = true;
    this.markDirty();
  }

  async count(): Promise<number> {
    await this.ensureReady();
    return this.idToSlot.size;
  }

  async health(): Promise<SearchHealth> {
    if (this.closed) return { kind: this.kind, status: 'down', error: 'closed' };
    try {
      await this.init();
      return { kind: this.kind, status: 'up', documents: this.idToSlot.size };
    } catch (error) {
      return {
        kind: this.kind,
        status: 'down',
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  async search(query: SearchQuery, viewer: SearchViewer): Promise<SearchResult> {
    await this.ensureReady();
    const prepared = this.prepare(query.q);
    const { pq } = prepared;
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? DEFAULT_PAGE_SIZE)));
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const requested = query.sort ?? 'relevance';
    const sort: SearchSort = pq.isEmpty && requested === 'relevance' ? 'newest' : requested;
    const rv = this.columns.resolveViewer(viewer);
    const masks = this.columns.filterMasks(query.filters);
    const offset = (page - 1) * pageSize;
    const window = Math.min(offset + pageSize, MAX_RESULT_WINDOW);
    let visible: Bits | null = null;
    const visibleBits = (): Bits => (visible ??= this.columns.visibleBits(rv));

    const answer = this.answerShared(prepared, rv, masks, sort, offset, window);
    const { ranked } = answer;
    const highlighted = pq.isEmpty ? null : this.pageHighlights(prepared, ranked);
    const hits: SearchHit[] = [];
    for (const { slot, score } of ranked) {
      const doc = this.docs[slot];
      if (doc === undefined) continue;
      hits.push({
        id: doc.id,
        ...(score !== undefined ? { score } : {}),
        highlights: highlighted?.get(slot) ?? NO_HIGHLIGHTS,
        doc,
      });
    }
    const didYouMean = this.didYouMean(pq, visibleBits, masks);
    const result: SearchResult = {
      hits,
      total: answer.total,
      page,
      pageSize,
      facets: answer.facets,
      ...(didYouMean !== undefined ? { didYouMean } : {}),
    };
    if (answer.disjunctive !== null) this.disjunctive.set(result, answer.disjunctive);
    return result;
  }

  /**
   * The answer from the query's shared base (see SharedBase) and the documents only this viewer
   * sees, matched one by one. When nothing this viewer sees has every word, words are dropped as
   * relaxations() lists them; the disjunctive counts stay those of the query as asked.
   */
  private answerShared(
    prepared: PreparedState,
    rv: ResolvedViewer,
    masks: FilterMasks,
    sort: SearchSort,
    offset: number,
    window: number,
  ): Answer {
    const own = this.columns.viewerOnlySlots(rv);
    const asked = this.sharedPart(prepared, own, rv.admin, masks, sort, offset, window);
    let answer = asked;
    if (asked.total === 0) {
      for (const state of this.relaxations(prepared)) {
        const relaxed = this.sharedPart(state, own, rv.admin, masks, sort, offset, window);
        if (relaxed.total > 0) {
          answer = relaxed;
          break;
        }
      }
    }
    return { ...answer, disjunctive: asked.disjunctive };
  }

  /** One (possibly relaxed) query's answer: its shared base and the viewer's own matches. */
  private sharedPart(
    prepared: PreparedState,
    own: Int32Array,
    admin: boolean,
    masks: FilterMasks,
    sort: SearchSort,
    offset: number,
    window: number,
  ): Answer {
    const base = this.sharedBase(prepared, admin, masks, sort, window);
    const scores = sort === 'relevance';
    const extra = prepared.pq.isEmpty
      ? { slots: own, scores: new Float64Array(0), n: own.length }
      : this.index.matchSlots(
          {
            groups: prepared.groups,
            fields: prepared.fields,
            boosts: FIELD_BOOST,
            scores,
            verify: this.phraseCheck(prepared.pq),
          },
          own,
          this.shortIdsOfOwn(own),
        );
    const kept: number[] = [];
    for (let i = 0; i < extra.n; i += 1) if (this.columns.passesFilters(extra.slots[i], masks)) kept.push(i);
    const total = base.total + kept.length;

    const facets = {} as SearchFacetCounts;
    for (const f of SEARCH_FACETS) facets[f] = { ...base.facets[f] };
    this.columns.addFacetCounts(
      facets,
      kept.map((i) => extra.slots[i]),
    );

    let disjunctive: Disjunctive | null = null;
    if (masks.length > 0) {
      const counts: Partial<SearchFacetCounts> = {};
      const empty: SearchFacetName[] = [];
      masks.forEach((mask, m) => {
        const shared = base.disjunctive[m] ?? { n: 0, counts: {} };
        const others: number[] = [];
        for (let i = 0; i < extra.n; i += 1)
          if (this.columns.passesFilters(extra.slots[i], masks, m)) others.push(extra.slots[i]);
        if (shared.n + others.length === 0) {
          empty.push(mask.facet);
          return;
        }
        counts[mask.facet] = { ...shared.counts };
        this.columns.addFacetCounts(counts, others, [mask.facet]);
      });
      disjunctive = { generation: this.generation, counts, empty };
    }
    if (total === 0 || offset >= window) return { total, facets, ranked: [], disjunctive };

    // The first `window` of the union are among the base's first `window` and the viewer's own.
    const n = base.slots.length + kept.length;
    const slots = new Int32Array(n);
    const rankScores = new Float64Array(scores ? n : 0);
    slots.set(base.slots);
    if (scores) rankScores.set(base.scores);
    kept.forEach((i, k) => {
      slots[base.slots.length + k] = extra.slots[i];
      if (scores) rankScores[base.slots.length + k] = extra.scores[i];
    });
    const ranked = topK(n, window, this.comparator(sort, slots, rankScores))
      .slice(offset)
      .map((i): Ranked => (scores ? { slot: slots[i], score: rankScores[i] } : { slot: slots[i] }));
    return { total, facets, ranked, disjunctive };
  }

  /**
   * The index's ids of a viewer's own slots (viewerOnlySlots() hands out the same array until
   * who sees what changes), kept with that array for one index generation: looking each slot up
   * again on every search was a cache miss per slot.
   */
  private shortIdsOfOwn(own: Int32Array): Int32Array {
    const kept = this.ownShortIds.get(own);
    if (kept !== undefined && kept.generation === this.generation) return kept.shortIds;
    const shortIds = this.index.shortIdsOf(own);
    this.ownShortIds.set(own, { generation: this.generation, shortIds });
    return shortIds;
  }

  /** The query's answer over what every viewer of the kind sees, kept until the next write. */
  private sharedBase(
    prepared: PreparedState,
    admin: boolean,
    masks: FilterMasks,
    sort: SearchSort,
    window: number,
  ): SharedBase {
    if (this.sharedBaseGeneration !== this.generation) {
      this.sharedBases.clear();
      this.sharedBaseGeneration = this.generation;
    }
    // Masks hold the interned codes of the filter values, in facet order.
    const filterKey = masks.map((m) => `${m.facet}:${m.allowed.join('')}`).join('\u0001');
    const key = [admin ? 'admin' : 'all', sort, window, prepared.key, filterKey].join('\u0000');
    const cached = this.sharedBases.get(key);
    if (cached !== undefined) return cached;
    const scores = sort === 'relevance';
    const shared = this.columns.sharedVisibleBits(admin);
    const unfiltered = this.match(prepared, shared, scores);
    let filtered = unfiltered;
    if (masks.length > 0) {
      const allowed = shared.slice();
      this.columns.applyFilters(allowed, masks);
      filtered = this.restrict(unfiltered, allowed);
    }
    let disjunctive: SharedBase['disjunctive'] = [];
    if (masks.length > 0) {
      const all = this.bitsOf(unfiltered);
      const filterBits = masks.map((m) => this.columns.facetFilterBits(m));
      disjunctive = masks.map((mask, m) => {
        const others = all.slice();
        filterBits.forEach((bits, j) => {
          if (j !== m) andInto(others, bits);
        });
        return {
          n: countOf(others),
          counts: this.columns.facetCountsOfBits(others, [mask.facet])[mask.facet] ?? {},
        };
      });
    }
    const top = this.top(filtered, sort, window);
    const base: SharedBase = {
      total: filtered.n,
      facets: this.facetCounts(filtered),
      disjunctive,
      slots: Int32Array.from(top, (r) => r.slot),
      scores: scores ? Float64Array.from(top, (r) => r.score ?? 0) : new Float64Array(0),
    };
    this.sharedBases.set(key, base);
    return base;
  }

  /**
   * The counts the search computed with its answer (see sharedPart). A facet whose other filters
   * leave nothing (the plain search would then drop query words) is counted by that search, as
   * the port's default does.
   */
  override async disjunctiveFacetCounts(
    query: SearchQuery,
    viewer: SearchViewer,
    result: SearchResult,
  ): Promise<SearchFacetCounts> {
    const kept = this.disjunctive.get(result);
    if (kept === undefined || kept.generation !== this.generation)
      return super.disjunctiveFacetCounts(query, viewer, result);
    const counted: SearchFacetCounts = { ...result.facets, ...kept.counts };
    for (const facet of kept.empty) counted[facet] = await this.facetWithoutItsFilter(query, viewer, facet);
    return counted;
  }

  async suggest(prefix: string, viewer: SearchViewer, limit = 8): Promise<SearchSuggestion[]> {
    await this.ensureReady();
    const pq = prepareQuery(prefix);
    if (pq.groups.length === 0) return [];
    const rv = this.columns.resolveViewer(viewer);
    const fields: TextField[] = pq.latinOnly ? ['title', 'pinyinTitle'] : ['title', 'tags'];
    const found = this.index.evaluate({
      groups: groupSpecs(pq, prefixSpec),
      fields,
      boosts: FIELD_BOOST,
      scores: true,
      allowed: this.columns.visibleBits(rv),
    });
    const m: Matches = { ...found, bits: null };
    const out: SearchSuggestion[] = [];
    const seen = new Set<string>();
    for (const i of topK(m.n, Math.max(limit * 4, 32), this.comparator('relevance', found.slots, m.scores))) {
      const doc = this.docs[found.slots[i] ?? -1];
      if (doc === undefined || seen.has(doc.title)) continue;
      // Pinyin is indexed for title and tags together; a suggested title must match by itself.
      if (pq.latinOnly && !titleMatchesLatinPrefixes(doc.title, pq.latinWords)) continue;
      seen.add(doc.title);
      out.push({ text: doc.title, id: doc.id });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Writes the current state to disk now (also done shortly after writes, and on close): the
   * changes since the last flush as lines of the log, or, when the log has grown long (or there is
   * no snapshot yet, or after clear()), a whole new snapshot.
   */
  async flush(): Promise<void> {
    if (this.flushTimer !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    await this.exclusive(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const batch = this.pending;
      this.pending = [];
      try {
        const logged = this.loggedChanges + batch.length;
        const logFull =
          logged > Math.max(this.compactAfterChanges, Math.floor(this.idToSlot.size / 20)) ||
          this.store.logBytes > LOG_COMPACT_BYTES;
        if (!this.needsSnapshot && this.store.hasSnapshot && !logFull) {
          await this.store.appendChanges(batch);
          this.loggedChanges = logged;
          return;
        }
        // Discarded documents leave stale postings behind; clean them before they are saved.
        if (this.index.dirtCount > 1_000 && this.index.dirtFactor > 0.1) await this.index.vacuum();
        const records: StoredRecord[] = [];
        for (const [, slot] of this.idToSlot) {
          const doc = this.docs[slot];
          if (doc !== undefined)
            records.push({
              slot,
              doc: { ...doc, extractedText: this.texts[slot] ?? '' },
              latin: this.latin[slot] ?? [],
            });
        }
        // The write lock keeps the index unchanged while it is streamed out in pieces.
        await this.store.save(this.index.serialize(), records, records.length);
        this.loggedChanges = 0;
        this.needsSnapshot = false;
      } catch (error) {
        this.dirty = true;
        this.pending = batch.concat(this.pending);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.ready !== null) {
      await this.ready.catch(() => undefined);
      await this.flush();
    }
    this.closed = true;
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      // A failed background flush leaves the state dirty; the next write or close() retries it.
      this.flush().catch(() => undefined);
    }, this.flushDelayMs);
    this.flushTimer.unref();
  }

  private fieldsFor(pq: PreparedQuery): TextField[] {
    // Only a query of Latin letters alone may be pinyin.
    return pq.latinOnly ? [...TEXT_FIELDS] : NON_PINYIN_FIELDS;
  }

  /** Parsing, segmentation and term specs of a query string, kept for the most recent ones. */
  private prepare(q: string): PreparedState {
    const cached = this.preparedQueries.get(q);
    if (cached !== undefined) return cached;
    const pq = prepareQuery(q);
    const state: PreparedState = { key: q, pq, groups: groupSpecs(pq), fields: this.fieldsFor(pq) };
    this.preparedQueries.set(q, state);
    return state;
  }

  /**
   * The query with fewer and fewer words, in the order they are tried when nothing has every word
   * (none for one word or a phrase): words no document has go first, then the most common ones
   * (they say the least), as Meilisearch's `frequency` matching strategy does.
   */
  private relaxations(prepared: PreparedState): PreparedState[] {
    const { pq } = prepared;
    if (pq.groups.length < 2 || pq.phrases.length > 0) return [];
    const sizes = this.index.groupSizes(prepared.groups, prepared.fields, FIELD_BOOST);
    // Words found nowhere go first, then the most common ones (they say the least).
    const rank = (i: number): number => (sizes[i] === 0 ? Number.POSITIVE_INFINITY : (sizes[i] ?? 0));
    const order = pq.groups.map((_, i) => i).sort((a, b) => rank(b) - rank(a));
    const states: PreparedState[] = [];
    let kept = pq.groups;
    for (const drop of order.slice(0, -1)) {
      const dropped = pq.groups[drop];
      kept = kept.filter((g) => g !== dropped);
      states.push(this.relaxedState(prepared, kept));
    }
    return states;
  }

  /** The prepared query with only `kept` groups, kept with it so the index reuses its compiled form. */
  private relaxedState(prepared: PreparedState, kept: PreparedQuery['groups']): PreparedState {
    const key = kept.map((g) => prepared.pq.groups.indexOf(g)).join(',');
    prepared.relaxed ??= new Map();
    let state = prepared.relaxed.get(key);
    if (state === undefined) {
      const pq = { ...prepared.pq, groups: kept };
      state = { key: `${prepared.key}\u0003${key}`, pq, groups: groupSpecs(pq), fields: prepared.fields };
      prepared.relaxed.set(key, state);
    }
    return state;
  }

  /** Documents in `allowed` with every query word (every allowed document for an empty query). */
  private match(prepared: PreparedState, allowed: Bits, scores: boolean): Matches {
    const { pq } = prepared;
    if (pq.isEmpty) return { slots: null, scores: new Float64Array(0), n: countOf(allowed), bits: allowed };
    const found = this.index.evaluate({
      groups: prepared.groups,
      fields: prepared.fields,
      boosts: FIELD_BOOST,
      scores,
      allowed,
      verify: this.phraseCheck(pq),
    });
    return { ...found, bits: null };
  }

  /** The check of the query's quoted phrases on a matching slot (none without phrases). */
  private phraseCheck(pq: PreparedQuery): ((slot: number) => boolean) | undefined {
    if (pq.phrases.length === 0) return undefined;
    return (slot) => {
      const doc = this.docs[slot];
      if (doc === undefined) return false;
      const haystack = (this.haystacks[slot] ??= phraseHaystack(doc));
      return pq.phrases.every((p) => containsPhrase(haystack, p));
    };
  }

  /** The matches that are also in `allowed`, in the same order with the same scores. */
  private restrict(m: Matches, allowed: Bits): Matches {
    if (m.slots === null) {
      const bits = this.bitsOf(m).slice();
      andInto(bits, allowed);
      return { slots: null, scores: m.scores, n: countOf(bits), bits };
    }
    const slots = new Int32Array(m.n);
    const scores = new Float64Array(m.scores.length > 0 ? m.n : 0);
    let n = 0;
    for (let i = 0; i < m.n; i += 1) {
      const slot = m.slots[i];
      if (!hasBit(allowed, slot)) continue;
      slots[n] = slot;
      if (scores.length > 0) scores[n] = m.scores[i];
      n += 1;
    }
    return { slots, scores, n, bits: null };
  }

  private bitsOf(m: Matches): Bits {
    m.bits ??= bitsOf(m.slots ?? new Int32Array(0), m.n, this.columns.words);
    return m.bits;
  }

  private slotsOf(m: Matches): Int32Array {
    m.slots ??= slotsOf(m.bits ?? new Uint32Array(0));
    return m.slots;
  }

  /** Facet counts, by facet codes per match or by bitset AND + popcount, whichever is cheaper. */
  private facetCounts(m: Matches): SearchFacetCounts {
    const byBits = this.columns.facetValueCount * this.columns.words;
    // Counting by codes reads eight codes side by side per match (about 15 ns); the bitsets, every
    // word of every value (about 5 ns a word).
    if (m.slots !== null && m.n * 2 <= byBits) return this.columns.facetCounts(m.slots, m.n);
    // A bitset (a query without words) is listed first while that still costs less (~2 ns a match).
    if (m.slots === null && m.bits !== null && m.n * 4 <= byBits)
      return this.columns.facetCounts(slotsOf(m.bits), m.n);
    return this.columns.facetCountsOfBits(this.bitsOf(m)) as SearchFacetCounts;
  }

  /**
   * The first `window` matches in rank order, with their scores when ranked by relevance.
   * Relevance (and short lists) go through a bounded heap; long lists in a column order walk that
   * presorted order and keep the matching slots.
   */
  private top(m: Matches, sort: SearchSort, window: number): Ranked[] {
    if (m.n === 0) return [];
    if (sort !== 'relevance') {
      const live = this.idToSlot.size;
      // A walk takes about window × live / n steps, a heap about n.
      if (m.slots === null || window * live < m.n * m.n) return this.walkOrder(m, sort, window);
    }
    const slots = this.slotsOf(m);
    return topK(m.n, window, this.comparator(sort, slots, m.scores)).map((i) =>
      sort === 'relevance' ? { slot: slots[i], score: m.scores[i] } : { slot: slots[i] },
    );
  }

  private walkOrder(m: Matches, sort: ColumnSort, window: number): { slot: number }[] {
    const bits = this.bitsOf(m);
    const out: { slot: number }[] = [];
    for (const slot of this.columns.sortOrder(sort)) {
      if (!hasBit(bits, slot)) continue;
      out.push({ slot });
      if (out.length >= window) break;
    }
    return out;
  }

  private comparator(sort: SearchSort, s: Int32Array, scores: Float64Array): RankCompare {
    const { createdAt, downloads, ratingAvg, ratingCount } = this.columns.sortValues;
    const newest = (a: number, b: number): number => createdAt[s[b]] - createdAt[s[a]] || s[b] - s[a];
    switch (sort) {
      case 'relevance':
        return (a, b) => scores[b] - scores[a] || downloads[s[b]] - downloads[s[a]] || newest(a, b);
      case 'newest':
        return newest;
      case 'downloads':
        return (a, b) => downloads[s[b]] - downloads[s[a]] || newest(a, b);
      case 'rating':
        return (a, b) =>
          ratingAvg[s[b]] - ratingAvg[s[a]] || ratingCount[s[b]] - ratingCount[s[a]] || newest(a, b);
    }
  }

  /**
   * The highlights of a page's documents for a query. They depend on the query and the document
   * only (not on who asks), so they are kept with the prepared query until the next write: the
   * next viewer's page, mostly the same documents, needs no term lookups (one Map lookup per
   * posting and document, the costliest part of a page) and no highlighting.
   */
  private pageHighlights(prepared: PreparedState, ranked: readonly Ranked[]): Map<number, SearchHighlights> {
    let kept = prepared.highlights;
    if (
      kept === undefined ||
      kept.generation !== this.generation ||
      kept.bySlot.size > HIGHLIGHTS_PER_QUERY
    ) {
      kept = { generation: this.generation, bySlot: new Map() };
      prepared.highlights = kept;
    }
    const { bySlot } = kept;
    const missing: number[] = [];
    for (const { slot } of ranked) if (!bySlot.has(slot)) missing.push(slot);
    if (missing.length > 0) {
      const matched = this.index.matchedTerms(missing, prepared.groups, prepared.fields, FIELD_BOOST);
      for (const slot of missing) {
        const doc = this.docs[slot];
        const terms = matched.get(slot);
        bySlot.set(
          slot,
          doc === undefined || terms === undefined
            ? NO_HIGHLIGHTS
            : this.highlights(slot, doc, terms, prepared.pq),
        );
      }
    }
    return bySlot;
  }

  /** Highlights of a hit, computed once per document and matched terms until the next write. */
  private highlights(
    slot: number,
    doc: SearchHitDocument,
    terms: Map<TextField, string[]>,
    pq: PreparedQuery,
  ): SearchHighlights {
    if (this.highlightGeneration !== this.textGeneration) {
      this.highlightCache.clear();
      this.highlightGeneration = this.textGeneration;
    }
    const pinyinMatched = (terms.get('pinyinTitle') ?? []).length > 0;
    const titleTerms = terms.get('title') ?? [];
    const descriptionTerms = terms.get('description') ?? [];
    const textTerms = terms.get('text') ?? [];
    const pinyinQueries = pinyinMatched ? pq.latinWords : [];
    const key = [slot, titleTerms, pinyinQueries, descriptionTerms, textTerms].join('\u0001');
    const cached = this.highlightCache.get(key);
    if (cached !== undefined) return cached;
    const out: SearchHighlights = {};
    const title = highlightText(doc.title, { terms: titleTerms, pinyinQueries });
    if (title !== undefined) out.title = title;
    if (descriptionTerms.length > 0) {
      const description = highlightText(doc.description, { terms: descriptionTerms }, { maxLength: 160 });
      if (description !== undefined) out.description = description;
    }
    if (textTerms.length > 0) {
      const text = highlightText(this.texts[slot] ?? '', { terms: textTerms }, { maxLength: 120 });
      if (text !== undefined) out.extractedText = text;
    }
    this.highlightCache.set(key, out);
    return out;
  }

  /**
   * For a Latin word that is not in the index, the closest indexed word (see pickCorrection),
   * offered only if the corrected query finds something this viewer may see.
   */
  private didYouMean(pq: PreparedQuery, visible: () => Bits, masks: FilterMasks): string | undefined {
    let corrected = pq.normalized;
    for (const word of pq.latinWords) {
      const budget = editBudget(word);
      if (budget === 0 || this.vocab.has(word)) continue;
      const candidates = [...this.vocab.fuzzyGet(word, budget)].map(([term, [freq, distance]]) => ({
        term,
        distance,
        freq,
      }));
      const fix = pickCorrection(word, candidates, this.vocab.atPrefix(word).size > 0);
      if (fix !== undefined) corrected = replaceLatinWord(corrected, word, fix);
    }
    if (corrected === pq.normalized) return undefined;
    const allowed = visible().slice();
    this.columns.applyFilters(allowed, masks);
    return this.match(this.prepare(corrected), allowed, false).n > 0 ? corrected : undefined;
  }
}
