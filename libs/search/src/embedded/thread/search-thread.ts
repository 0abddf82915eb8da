/**
 * The search thread: an `EmbeddedSearchEngine` on a worker thread of its own, driven by
 * `ThreadedSearchEngine`. Requests are handled as they arrive; reads run while a write waits for
 * its snapshot, exactly as they do in-process.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { SearchError } from '../../search.errors.js';
import type { RenderedSearchAnswer } from '../../answer/search-response.js';
import { EmbeddedSearchEngine } from '../embedded-search-engine.js';
import { AnswerSlab } from './answer-slab.js';
import type {
  SearchThreadData,
  SearchThreadError,
  SearchThreadOp,
  SearchThreadOps,
  SearchThreadReply,
  SearchThreadRequest,
  SlabAnswer,
} from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('search-thread must run as a worker thread');
const data = workerData as SearchThreadData;
const engine = new EmbeddedSearchEngine({ dataDir: data.dataDir, flushDelayMs: data.flushDelayMs });
const slab = new AnswerSlab(data.answers);
const inSlab = (length: number): Uint8Array | undefined => slab.take(length);

/** An answer rendered into the slab is named by its slot; any other keeps its own buffer. */
function slabbed(answer: RenderedSearchAnswer): RenderedSearchAnswer | SlabAnswer {
  const slot = slab.slotOf(answer.body);
  return slot < 0 ? answer : { slot, length: answer.body.byteLength, etag: answer.etag };
}

/**
 * Loading a snapshot parses ~1 GB of JSON per 100k resources, most of it garbage once the index
 * is built; with no allocation afterwards nothing would collect it for a long time, and the
 * thread would hold twice the index's size. One full collection on this thread (it blocks
 * nothing else) gives it back. `gc` is reached as Jest's leak detector does.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

type Handlers = {
  [K in SearchThreadOp]: (...args: SearchThreadOps[K]['args']) => Promise<SearchThreadOps[K]['value']>;
};

const handlers: Handlers = {
  init: async () => {
    await engine.init();
    if (engine.loadedFromSnapshot) collectGarbage();
    return { loadedFromSnapshot: engine.loadedFromSnapshot };
  },
  upsert: (docs) => engine.upsert(docs),
  delete: (ids) => engine.delete(ids),
  search: (query, viewer) => engine.search(query, viewer),
  searchWithFacets: (query, viewer) => engine.searchWithFacets(query, viewer),
  searchAnswer: async (query, viewer, options) =>
    slabbed(await engine.searchAnswer(query, viewer, { ...options, bodyIn: inSlab })),
  suggest: (prefix, viewer, limit) => engine.suggest(prefix, viewer, limit),
  count: () => engine.count(),
  clear: () => engine.clear(),
  health: () => engine.health(),
  flush: () => engine.flush(),
  close: () => engine.close(),
  memory: () => Promise.resolve({ heapUsedBytes: getHeapStatistics().used_heap_size }),
};

function toThreadError(error: unknown): SearchThreadError {
  if (error instanceof SearchError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, code: null, message: error.message };
  return { name: 'Error', code: null, message: String(error) };
}

/** A rendered answer's body is handed over rather than copied (it owns its whole buffer). */
function transferOf(value: unknown): ArrayBuffer[] {
  if (typeof value !== 'object' || value === null || !('body' in value)) return [];
  const { body } = value;
  return body instanceof Uint8Array &&
    body.buffer instanceof ArrayBuffer &&
    body.byteOffset === 0 &&
    body.byteLength === body.buffer.byteLength
    ? [body.buffer]
    : [];
}

port.on('message', (request: SearchThreadRequest) => {
  const handler = handlers[request.op] as ((...args: unknown[]) => Promise<unknown>) | undefined;
  Promise.resolve()
    .then(() => {
      if (handler === undefined) throw new Error(`unknown search thread operation ${String(request.op)}`);
      return handler(...request.args);
    })
    .then(
      (value) =>
        port.postMessage({ id: request.id, ok: true, value } satisfies SearchThreadReply, transferOf(value)),
      (error: unknown) =>
        port.postMessage({
          id: request.id,
          ok: false,
          error: toThreadError(error),
        } satisfies SearchThreadReply),
    );
});
