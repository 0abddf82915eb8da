import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { RenderedSearchAnswer } from '../answer/search-response.js';
import { SearchEngine, type SearchAnswerOptions } from '../search-engine.js';
import {
  SearchError,
  SearchInvalidDocumentError,
  SearchSnapshotCorruptError,
  SearchUnavailableError,
} from '../search.errors.js';
import type {
  ResourceSearchDocument,
  SearchFacetCounts,
  SearchHealth,
  SearchQuery,
  SearchResult,
  SearchSuggestion,
  SearchViewer,
} from '../search.types.js';
import type { EmbeddedSearchEngineOptions } from './embedded-search-engine.js';
import type {
  SearchThreadData,
  SearchThreadError,
  SearchThreadOp,
  SearchThreadOps,
  SearchThreadReply,
  SlabAnswer,
} from './thread/protocol.js';
import { AnswerSlab } from './thread/answer-slab.js';

function toError(e: SearchThreadError): Error {
  switch (e.code) {
    case 'SEARCH_UNAVAILABLE':
      return new SearchUnavailableError(e.message);
    case 'SEARCH_SNAPSHOT_CORRUPT':
      return new SearchSnapshotCorruptError(e.message);
    case 'SEARCH_INVALID_DOCUMENT':
      return new SearchInvalidDocumentError(e.message);
    case 'SEARCH_TASK_FAILED':
    case 'SEARCH_REQUEST_FAILED':
      return new SearchError(e.code, e.message);
    case null:
      return Object.assign(new Error(e.message), { name: e.name });
  }
}

/**
 * Starts the search thread. Built (`dist/`), the thread is the compiled `search-thread.js`
 * beside this file. From the TypeScript sources (Jest, the dev scripts) it is loaded through
 * tsx's `tsImport`, since module hooks given to a worker's `execArgv` do not reach its imports
 * on Node 20.
 */
function startThread(data: SearchThreadData): Worker {
  const compiled = new URL('./thread/search-thread.js', import.meta.url);
  // The index lives on the thread's heap: give it the heap limit the process was started with.
  const resourceLimits = {
    maxOldGenerationSizeMb: Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20),
  };
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: data, resourceLimits });
  const source = new URL('./thread/search-thread.ts', import.meta.url).href;
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(boot, { eval: true, workerData: data, resourceLimits });
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const isSlabAnswer = (value: unknown): value is SlabAnswer =>
  typeof value === 'object' && value !== null && 'slot' in value && typeof value.slot === 'number';

/**
 * The answer in slot `slot`, with the `release()` that gives the slot back (once). No finalizer
 * frees a forgotten slot: the view handed out may be dropped while a copy of it (a Buffer over the
 * same memory, a socket write still queued) is in use, so only the caller knows when it is done.
 * A slot never released stays taken; once all are, answers travel in buffers of their own.
 */
function fromSlab(slab: AnswerSlab, { slot, length, etag }: SlabAnswer): RenderedSearchAnswer {
  const body = slab.bytes(slot, length);
  let released = false;
  return {
    body,
    etag,
    release: () => {
      if (released) return;
      released = true;
      slab.free(slot);
    },
  };
}

/**
 * The embedded engine on a thread of its own. Same index, same answers, same snapshots as
 * `EmbeddedSearchEngine` (whose contract suite this passes too), but queries no longer run on
 * the API's event loop: a heavy search does not hold up other requests, the index's ~1 GB heap
 * (100k resources) is collected apart from the API's, and the API and the engine use two cores.
 * If the thread dies, calls in flight fail as unavailable and the next call starts a new thread
 * from the last snapshot (the indexer replays what that snapshot lacks: it marks outbox rows
 * done only after a flush).
 */
export class ThreadedSearchEngine extends SearchEngine {
  readonly kind = 'embedded' as const;

  private worker: Worker | null = null;
  /** The rendered answers' shared memory, made with each thread. */
  private slab: AnswerSlab | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** True when the thread found a snapshot at start and loaded it instead of starting empty. */
  loadedFromSnapshot = false;

  constructor(private readonly options: EmbeddedSearchEngineOptions) {
    super();
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const slab = new AnswerSlab();
    const worker = startThread({
      dataDir: this.options.dataDir,
      flushDelayMs: this.options.flushDelayMs,
      answers: slab.memory,
    });
    // An idle thread never keeps the process alive; one with calls in flight does (see call()).
    worker.unref();
    worker.on('message', (reply: SearchThreadReply) => this.settle(reply, slab));
    worker.on('error', (error) => this.lost(worker, `the search thread failed: ${error.message}`));
    worker.on('exit', (code) => this.lost(worker, `the search thread exited (code ${code})`));
    this.worker = worker;
    this.slab = slab;
    return worker;
  }

  /** Answers a call; an answer in a slot of `slab` (the replying thread's) becomes a view of it. */
  private settle(reply: SearchThreadReply, slab: AnswerSlab): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) {
      // A call failed as lost meanwhile: its slot (if any) is nobody's now.
      if (reply.ok && isSlabAnswer(reply.value)) slab.free(reply.value.slot);
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) p.resolve(isSlabAnswer(reply.value) ? fromSlab(slab, reply.value) : reply.value);
    else p.reject(toError(reply.error));
  }

  /** Fails what was in flight; the next call starts a new thread (unless closed). */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.ready = null;
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const p of failed) p.reject(new SearchUnavailableError(reason));
  }

  private call<K extends SearchThreadOp>(
    op: K,
    ...args: SearchThreadOps[K]['args']
  ): Promise<SearchThreadOps[K]['value']> {
    if (this.closed)
      return Promise.reject(new SearchUnavailableError('the embedded search engine is closed'));
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, op, args });
    });
  }

  init(): Promise<void> {
    this.ready ??= this.call('init').then(
      (r) => {
        this.loadedFromSnapshot = r.loadedFromSnapshot;
      },
      (error: unknown) => {
        this.ready = null;
        throw error;
      },
    );
    return this.ready;
  }

  private async ensureReady(): Promise<void> {
    if (this.closed) throw new SearchUnavailableError('the embedded search engine is closed');
    await this.init();
  }

  async upsert(docs: readonly ResourceSearchDocument[]): Promise<void> {
    await this.ensureReady();
    await this.call('upsert', docs);
  }

  async delete(ids: readonly string[]): Promise<void> {
    await this.ensureReady();
    await this.call('delete', ids);
  }

  async search(query: SearchQuery, viewer: SearchViewer): Promise<SearchResult> {
    await this.ensureReady();
    return this.call('search', query, viewer);
  }

  /** One round trip: the thread counts the disjunctive facets from the matches it just found. */
  override async searchWithFacets(
    query: SearchQuery,
    viewer: SearchViewer,
  ): Promise<{ result: SearchResult; facets: SearchFacetCounts }> {
    await this.ensureReady();
    return this.call('searchWithFacets', query, viewer);
  }

  /**
   * Rendered on the thread: the bytes arrive in a slot of the shared answer slab (call the
   * answer's `release()` once they are sent) or, when none was free, transferred; and the ETag.
   */
  override async searchAnswer(
    query: SearchQuery,
    viewer: SearchViewer,
    options: SearchAnswerOptions,
  ): Promise<RenderedSearchAnswer> {
    await this.ensureReady();
    // settle() turns an answer in a slot into a view of it (protocol: RenderedSearchAnswer | SlabAnswer).
    return (await this.call('searchAnswer', query, viewer, {
      disjunctiveFacets: options.disjunctiveFacets,
    })) as RenderedSearchAnswer;
  }

  /** Slots of the answer slab not given back yet (answers being sent). */
  answersInFlight(): number {
    return this.slab?.taken() ?? 0;
  }

  async suggest(prefix: string, viewer: SearchViewer, limit?: number): Promise<SearchSuggestion[]> {
    await this.ensureReady();
    return this.call('suggest', prefix, viewer, limit);
  }

  async count(): Promise<number> {
    await this.ensureReady();
    return this.call('count');
  }

  async clear(): Promise<void> {
    await this.ensureReady();
    await this.call('clear');
  }

  async health(): Promise<SearchHealth> {
    try {
      await this.ensureReady();
      return await this.call('health');
    } catch (error) {
      return {
        kind: this.kind,
        status: 'down',
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Writes the current state to disk now (the indexer does this before marking rows done). */
  async flush(): Promise<void> {
    await this.ensureReady();
    await this.call('flush');
  }

  /** The thread's heap in use (the index lives there, not on the caller's heap). */
  async memory(): Promise<{ heapUsedBytes: number }> {
    await this.ensureReady();
    return this.call('memory');
  }

  /** Flushes, then stops the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    const worker = this.worker;
    if (worker !== null) {
      if (this.ready !== null) await this.ready.catch(() => undefined);
      // As in-process: a failed last flush is reported and the engine stays open.
      await this.call('close');
    }
    this.closed = true;
    this.worker = null;
    await worker?.terminate();
  }
}
