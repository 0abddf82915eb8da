import { join } from 'node:path';
import SearchableMap from 'minisearch/SearchableMap';
import { SearchEngine } from '../search-engine.js';
import { SearchInvalidDocumentError, SearchUnavailableError } from '../search.errors.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  MAX_RESULT_WINDOW,
  type ResourceSearchDocument,
  type SearchHealth,
  type SearchHighlights,
  type SearchHit,
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
  TEXT_FIELDS,
  type TextField,
} from '../text/prepare-document.js';
import { containsPhrase, prepareQuery, type PreparedQuery } from '../text/prepare-query.js';
import { DocColumns, type FilterMasks, type ResolvedViewer } from './doc-columns.js';
import { ResourceIndex, type GroupSpec, type TermSpec } from './resource-index.js';
import { SnapshotStore, type StoredRecord } from './snapshot-store.js';
import { topK, type RankCompare } from './top-k.js';

export interface EmbeddedSearchEngineOptions {
  /** The application's data directory; the index lives in `<dataDir>/search/`. */
  dataDir: string;
  /** Writes are persisted at most this long after they are applied (default 2 s); close() flushes. */
  flushDelayMs?: number;
}

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

interface Matches {
  slots: Int32Array;
  scores: Float64Array;
  n: number;
}

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
  private index = new ResourceIndex();
  private columns = new DocColumns();
  private docs: (ResourceSearchDocument | undefined)[] = [];
  private latin: (string[] | undefined)[] = [];
  /** Folded title/tags/labels/description per slot, computed on the first phrase query that needs it. */
  private haystacks: (string | undefined)[] = [];
  private idToSlot = new Map<string, number>();
  private freeSlots: number[] = [];
  private vocab = new SearchableMap<number>();
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
    this.loadedFromSnapshot = true;
  }

  private async ensureReady(): Promise<void> {
    if (this.closed) throw new SearchUnavailableError('the embedded search engine is closed');
    await this.init();
  }

  private place(slot: number, doc: ResourceSearchDocument, latin: string[]): void {
    this.docs[slot] = doc;
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
    await this.exclusive(() => this.applyUpsert(docs));
  }

  private applyUpsert(docs: readonly ResourceSearchDocument[]): void {
    for (const input of docs) {
      const doc: ResourceSearchDocument = {
        ...input,
        tags: [...input.tags],
        extractedText: capExtractedText(input.extractedText),
      };
      const prepared = prepareDocument(doc);
      const existing = this.idToSlot.get(doc.id);
      let slot: number;
      if (existing !== undefined) {
        this.unplace(existing);
        slot = existing;
      } else {
        slot = this.freeSlots.pop() ?? this.docs.length;
      }
      this.index.add({ slot, prepared });
      this.place(slot, doc, prepared.latinTerms);
    }
    this.markDirty();
  }

  async delete(ids: readonly string[]): Promise<void> {
    await this.ensureReady();
    await this.exclusive(() => {
      for (const id of ids) {
        const slot = this.idToSlot.get(id);
        if (slot === undefined) continue;
        this.unplace(slot);
        this.freeSlots.push(slot);
      }
      this.markDirty();
    });
  }

  async clear(): Promise<void> {
    await this.ensureReady();
    await this.exclusive(() => this.reset());
  }

  private reset(): void {
    this.index = new ResourceIndex();
    this.columns = new DocColumns();
    this.docs = [];
    this.latin = [];
    this.haystacks = [];
    this.idToSlot = new Map();
    this.freeSlots = [];
    this.vocab = new SearchableMap<number>();
    this.index.latinVocabulary = this.vocab;
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
    const pq = prepareQuery(query.q);
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? DEFAULT_PAGE_SIZE)));
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const requested = query.sort ?? 'relevance';
    const sort: SearchSort = pq.isEmpty && requested === 'relevance' ? 'newest' : requested;
    const rv = this.columns.resolveViewer(viewer);
    const masks = this.columns.filterMasks(query.filters);

    const matches = this.matchRelaxed(pq, rv, masks, sort === 'relevance');

    const facets = this.columns.facetCounts(matches.slots, matches.n);
    const offset = (page - 1) * pageSize;
    const window = Math.min(offset + pageSize, MAX_RESULT_WINDOW);
    const order =
      offset < window ? topK(matches.n, window, this.comparator(sort, matches)).slice(offset) : [];
    const pageSlots = order.map((i) => matches.slots[i]);
    const matched = pq.isEmpty
      ? null
      : this.index.matchedTerms(pageSlots, groupSpecs(pq), this.fieldsFor(pq));
    const hits: SearchHit[] = [];
    order.forEach((i, k) => {
      const slot = pageSlots[k] ?? -1;
      const doc = this.docs[slot];
      if (doc === undefined) return;
      const terms = matched?.get(slot);
      hits.push({
        id: doc.id,
        ...(sort === 'relevance' && !pq.isEmpty ? { score: matches.scores[i] } : {}),
        highlights: terms === undefined ? {} : this.highlights(doc, terms, pq),
        doc,
      });
    });
    const didYouMean = this.didYouMean(pq, rv, masks);
    return {
      hits,
      total: matches.n,
      page,
      pageSize,
      facets,
      ...(didYouMean !== undefined ? { didYouMean } : {}),
    };
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
      accept: (slot) => this.columns.isVisible(slot, rv),
    });
    const m: Matches = found;
    const out: SearchSuggestion[] = [];
    const seen = new Set<string>();
    for (const i of topK(m.n, Math.max(limit * 4, 32), this.comparator('relevance', m))) {
      const doc = this.docs[m.slots[i] ?? -1];
      if (doc === undefined || seen.has(doc.title)) continue;
      // Pinyin is indexed for title and tags together; a suggested title must match by itself.
      if (pq.latinOnly && !titleMatchesLatinPrefixes(doc.title, pq.latinWords)) continue;
      seen.add(doc.title);
      out.push({ text: doc.title, id: doc.id });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Writes the current state to disk now (also done shortly after writes, and on close). */
  async flush(): Promise<void> {
    if (this.flushTimer !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    await this.exclusive(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      try {
        // Discarded documents leave stale postings behind; clean them before they are saved.
        if (this.index.dirtCount > 1_000 && this.index.dirtFactor > 0.1) await this.index.vacuum();
        const records: StoredRecord[] = [];
        for (const [, slot] of this.idToSlot) {
          const doc = this.docs[slot];
          if (doc !== undefined) records.push({ slot, doc, latin: this.latin[slot] ?? [] });
        }
        // The write lock keeps the index unchanged while it is streamed out in pieces.
        await this.store.save(this.index.serialize(), records, records.length);
      } catch (error) {
        this.dirty = true;
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

  /**
   * Documents with every query word; when there are none, words are dropped one at a time until
   * something matches: words no document has first, then the most common ones (as Meilisearch's
   * `frequency` matching strategy does).
   */
  private matchRelaxed(pq: PreparedQuery, rv: ResolvedViewer, masks: FilterMasks, scores: boolean): Matches {
    const first = this.match(pq, rv, masks, scores);
    if (first.n > 0 || pq.groups.length < 2 || pq.phrases.length > 0) return first;
    const sizes = this.index.groupSizes(groupSpecs(pq), this.fieldsFor(pq), FIELD_BOOST);
    // Words found nowhere go first, then the most common ones (they say the least).
    const rank = (i: number): number => (sizes[i] === 0 ? Number.POSITIVE_INFINITY : (sizes[i] ?? 0));
    const order = pq.groups.map((_, i) => i).sort((a, b) => rank(b) - rank(a));
    let kept = pq.groups;
    for (const drop of order.slice(0, -1)) {
      const dropped = pq.groups[drop];
      kept = kept.filter((g) => g !== dropped);
      const relaxed = this.match({ ...pq, groups: kept }, rv, masks, scores);
      if (relaxed.n > 0) return relaxed;
    }
    return first;
  }

  private match(pq: PreparedQuery, rv: ResolvedViewer, masks: FilterMasks, scores: boolean): Matches {
    const cols = this.columns;
    if (pq.isEmpty) {
      const cap = cols.slotCount;
      const slots = new Int32Array(cap);
      let n = 0;
      for (let slot = 0; slot < cap; slot += 1) {
        if (cols.isVisible(slot, rv) && cols.passesFilters(slot, masks)) slots[n++] = slot;
      }
      return { slots, scores: new Float64Array(0), n };
    }
    return this.index.evaluate({
      groups: groupSpecs(pq),
      fields: this.fieldsFor(pq),
      boosts: FIELD_BOOST,
      scores,
      accept: (slot) => cols.isVisible(slot, rv) && cols.passesFilters(slot, masks),
      verify:
        pq.phrases.length === 0
          ? undefined
          : (slot) => {
              const doc = this.docs[slot];
              if (doc === undefined) return false;
              const haystack = (this.haystacks[slot] ??= phraseHaystack(doc));
              return pq.phrases.every((p) => containsPhrase(haystack, p));
            },
    });
  }

  private comparator(sort: SearchSort, m: Matches): RankCompare {
    const { createdAt, downloads, ratingAvg, ratingCount } = this.columns.sortValues;
    const s = m.slots;
    const newest = (a: number, b: number): number => createdAt[s[b]] - createdAt[s[a]] || s[b] - s[a];
    switch (sort) {
      case 'relevance':
        return (a, b) => m.scores[b] - m.scores[a] || downloads[s[b]] - downloads[s[a]] || newest(a, b);
      case 'newest':
        return newest;
      case 'downloads':
        return (a, b) => downloads[s[b]] - downloads[s[a]] || newest(a, b);
      case 'rating':
        return (a, b) =>
          ratingAvg[s[b]] - ratingAvg[s[a]] || ratingCount[s[b]] - ratingCount[s[a]] || newest(a, b);
    }
  }

  private highlights(
    doc: ResourceSearchDocument,
    terms: Map<TextField, string[]>,
    pq: PreparedQuery,
  ): SearchHighlights {
    const out: SearchHighlights = {};
    const pinyinMatched = (terms.get('pinyinTitle') ?? []).length > 0;
    const title = highlightText(doc.title, {
      terms: terms.get('title') ?? [],
      pinyinQueries: pinyinMatched ? pq.latinWords : [],
    });
    if (title !== undefined) out.title = title;
    const descriptionTerms = terms.get('description') ?? [];
    if (descriptionTerms.length > 0) {
      const description = highlightText(doc.description, { terms: descriptionTerms }, { maxLength: 160 });
      if (description !== undefined) out.description = description;
    }
    const textTerms = terms.get('text') ?? [];
    if (textTerms.length > 0) {
      const text = highlightText(doc.extractedText, { terms: textTerms }, { maxLength: 120 });
      if (text !== undefined) out.extractedText = text;
    }
    return out;
  }

  /**
   * For a Latin word that is not in the index, the closest indexed word (see pickCorrection),
   * offered only if the corrected query finds something this viewer may see.
   */
  private didYouMean(pq: PreparedQuery, rv: ResolvedViewer, masks: FilterMasks): string | undefined {
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
    return this.match(prepareQuery(corrected), rv, masks, false).n > 0 ? corrected : undefined;
  }
}
