import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * A sha256 of a stream whose hashing runs on a helper thread, so that the thread receiving the
 * bytes (the API's event loop during an upload) is not held up by them: sha256 costs ~0.15 s of
 * CPU per 100 MB on the 2-core reference machine, about as much as receiving and writing them.
 *
 * Bytes are copied into 1 MiB batches that are handed to the thread (transferred, not cloned). A
 * stream that ends before its first batch is full is hashed in place: small files never wait for
 * a round trip. update() returns a promise while more than MAX_IN_FLIGHT bytes wait for the
 * thread; await it, so a fast source cannot pile up memory behind a slow hash.
 */
export interface StreamingSha256 {
  /** Adds bytes; when it returns a promise, await it before the next update (backpressure). */
  update(chunk: Uint8Array): Promise<void> | undefined;
  /** The lower-case hex digest of everything added. The hash cannot be used afterwards. */
  digest(): Promise<string>;
  /** Drops the hash (the stream failed); safe to call at any time, also after digest(). */
  abort(): void;
}

const BATCH_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT = 8 * BATCH_BYTES;

/** The thread's whole program (CommonJS, node built-ins only, so it runs built or from sources). */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'abort') { hashes.delete(m.id); return; }
  let hash = hashes.get(m.id);
  if (hash === undefined) { hash = createHash('sha256'); hashes.set(m.id, hash); }
  if (m.bytes !== undefined) hash.update(new Uint8Array(m.bytes, 0, m.length));
  // The batch goes back to be filled again.
  const transfer = m.bytes === undefined ? [] : [m.bytes];
  if (m.op === 'end') {
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, sha256: hash.digest('hex'), bytes: m.bytes }, transfer);
  } else {
    parentPort.postMessage({ id: m.id, done: m.length, bytes: m.bytes }, transfer);
  }
});
`;

type ToThread =
  { id: number; op: 'bytes' | 'end'; bytes?: ArrayBuffer; length: number } | { id: number; op: 'abort' };
type FromThread = { id: number; bytes?: ArrayBuffer } & ({ done: number } | { sha256: string });

interface Job {
  acknowledged(bytes: number): void;
  finished(sha256: string): void;
  failed(error: Error): void;
}

/** One helper thread, started when first needed, shared by every hash assigned to it. */
class HashThread {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  get load(): number {
    return this.jobs.size;
  }

  open(job: Job): number {
    const id = this.nextId++;
    this.jobs.set(id, job);
    if (this.jobs.size === 1) this.thread().ref();
    return id;
  }

  send(message: ToThread, transfer?: ArrayBuffer[]): void {
    this.thread().postMessage(message, transfer);
  }

  close(id: number): void {
    if (!this.jobs.delete(id)) return;
    // An idle thread must not keep a finished process alive.
    if (this.jobs.size === 0) this.worker?.unref();
  }

  /** Drops a hash that will not be finished (its thread state is freed, nothing is answered). */
  cancel(id: number): void {
    if (!this.jobs.has(id)) return;
    this.close(id);
    this.worker?.postMessage({ id, op: 'abort' } satisfies ToThread);
  }

  private thread(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(THREAD_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: FromThread) => {
      if (m.bytes !== undefined) release(m.bytes);
      const job = this.jobs.get(m.id);
      if (job === undefined) return;
      if ('sha256' in m) {
        this.close(m.id);
        job.finished(m.sha256);
      } else {
        job.acknowledged(m.done);
      }
    });
    const lost = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      for (const job of jobs) job.failed(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the hashing thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

/**
 * Batches the threads have hashed, to be filled again: buffers are not left to each thread's
 * garbage collector (a thread with a small heap collects rarely, and the API's resident memory
 * grew by every batch it had not yet collected).
 */
const spare: ArrayBuffer[] = [];
const MAX_SPARE = 16; // two uploads' worth in flight; kept for the life of the process

function batch(): Buffer {
  const bytes = spare.pop();
  return bytes === undefined ? Buffer.allocUnsafeSlow(BATCH_BYTES) : Buffer.from(bytes);
}

function release(bytes: ArrayBuffer): void {
  if (spare.length < MAX_SPARE && bytes.byteLength === BATCH_BYTES) spare.push(bytes);
}

let pool: HashThread[] | null = null;

/** One thread per core beyond the first (at most 4); none on a single core. */
function threads(): HashThread[] {
  pool ??= Array.from(
    { length: Math.max(0, Math.min(4, availableParallelism() - 1)) },
    () => new HashThread(),
  );
  return pool;
}

class ThreadedSha256 implements StreamingSha256 {
  private batch: Buffer | null = null;
  private filled = 0;
  private thread: HashThread | null = null;
  private id = 0;
  private inFlight = 0;
  private state: 'open' | 'digesting' | 'closed' = 'open';
  private error: Error | null = null;
  private drained: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private result: { resolve: (hex: string) => void; reject: (e: Error) => void } | null = null;

  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.state !== 'open') throw new Error('sha256: update() after digest() or abort()');
    if (this.error !== null) throw this.error;
    let offset = 0;
    while (offset < chunk.length) {
      this.batch ??= batch();
      const n = Math.min(chunk.length - offset, BATCH_BYTES - this.filled);
      this.batch.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === BATCH_BYTES) this.flush('bytes');
    }
    if (this.inFlight <= MAX_IN_FLIGHT) return undefined;
    return new Promise((resolve, reject) => {
      this.drained = { resolve, reject };
    });
  }

  async digest(): Promise<string> {
    if (this.state !== 'open') throw new Error('sha256: digest() called twice or after abort()');
    if (this.error !== null) throw this.error;
    this.state = 'digesting';
    if (this.thread === null) {
      // Never reached a whole batch: hash in place.
      this.state = 'closed';
      const hash = createHash('sha256');
      if (this.batch !== null) {
        hash.update(this.batch.subarray(0, this.filled));
        release(this.batch.buffer as ArrayBuffer);
      }
      this.batch = null;
      return hash.digest('hex');
    }
    const done = new Promise<string>((resolve, reject) => {
      this.result = { resolve, reject };
    });
    this.flush('end');
    return done;
  }

  abort(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.batch = null;
    this.thread?.cancel(this.id);
    this.fail(new Error('sha256: aborted'));
  }

  private flush(op: 'bytes' | 'end'): void {
    if (this.thread === null) {
      this.thread = threads().reduce((a, b) => (b.load < a.load ? b : a));
      this.id = this.thread.open({
        acknowledged: (bytes) => {
          this.inFlight -= bytes;
          if (this.drained !== null && this.inFlight <= MAX_IN_FLIGHT / 2) {
            const { resolve } = this.drained;
            this.drained = null;
            resolve();
          }
        },
        finished: (hex) => {
          this.state = 'closed';
          this.result?.resolve(hex);
        },
        failed: (error) => this.fail(error),
      });
    }
    const length = this.filled;
    const bytes = length > 0 ? ((this.batch as Buffer).buffer as ArrayBuffer) : undefined; // its own 1 MiB, not pooled
    this.batch = null;
    this.filled = 0;
    this.inFlight += length;
    this.thread.send({ id: this.id, op, bytes, length }, bytes === undefined ? [] : [bytes]);
  }

  private fail(error: Error): void {
    this.error ??= error;
    const { drained, result } = this;
    this.drained = null;
    this.result = null;
    drained?.reject(error);
    result?.reject(error);
  }
}

/** Hashes on the calling thread (one core, or a caller that wants no thread). */
class InlineSha256 implements StreamingSha256 {
  private hash: Hash | null = createHash('sha256');

  update(chunk: Uint8Array): undefined {
    if (this.hash === null) throw new Error('sha256: update() after digest() or abort()');
    this.hash.update(chunk);
    return undefined;
  }

  digest(): Promise<string> {
    if (this.hash === null)
      return Promise.reject(new Error('sha256: digest() called twice or after abort()'));
    const hex = this.hash.digest('hex');
    this.hash = null;
    return Promise.resolve(hex);
  }

  abort(): void {
    this.hash = null;
  }
}

/** A streaming sha256, on a helper thread where the machine has a core to spare. */
export function streamingSha256(opts: { inline?: boolean } = {}): StreamingSha256 {
  return opts.inline === true || threads().length === 0 ? new InlineSha256() : new ThreadedSha256();
}
