import { Worker } from 'node:worker_threads';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/** Bytes are handed to the worker in slots of this size, */
const SLOT_BYTES = 1024 * 1024;
/** and a hash waits for the worker while all of its slots are queued there. */
const SLOTS = 4;

/**
 * The worker: one sha256 per hash id, fed from that hash's slots in a SharedArrayBuffer; each
 * message names a filled slot, and the answer frees it. Nothing is allocated or transferred per
 * chunk: a new ArrayBuffer per MiB would count against V8's external-memory budget and bring
 * full garbage collections of the main heap. The worker is a script rather than a module file so
 * that the built app and the TypeScript tests start it alike.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'start') {
    hashes.set(m.id, { hash: createHash('sha256'), slots: m.slots });
  } else if (m.op === 'update') {
    const { hash, slots } = hashes.get(m.id);
    hash.update(new Uint8Array(slots, m.slot * m.slotBytes, m.length));
    parentPort.postMessage({ op: 'hashed', id: m.id, slot: m.slot });
  } else if (m.op === 'digest') {
    const { hash } = hashes.get(m.id);
    hashes.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, sha256: hash.digest('hex') });
  } else if (m.op === 'drop') {
    hashes.delete(m.id);
  }
});
`;

type FromWorker = { op: 'hashed'; id: number; slot: number } | { op: 'digest'; id: number; sha256: string };

/**
 * One sha256 computed in the worker thread. update() copies the bytes into a free slot, which
 * goes to the worker when full (the caller may reuse its chunk at once); it returns a promise
 * only when every slot is queued and the caller must wait for the worker to catch up, so memory
 * stays at SLOTS × 1 MiB per hash.
 */
export class WorkerSha256 {
  private readonly slots = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  private readonly free: number[] = [];
  private current: number | undefined;
  private filled = 0;
  private resume: (() => void) | undefined;
  private result: { resolve: (hex: string) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;
  private finished = false;

  constructor(
    private readonly id: number,
    private readonly post: (message: object) => void,
    private readonly release: (id: number) => void,
  ) {
    for (let slot = SLOTS - 1; slot >= 0; slot -= 1) this.free.push(slot);
    this.post({ op: 'start', id, slots: this.slots });
  }

  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('sha256 already digested');
    let offset = 0;
    while (offset < chunk.length) {
      if (this.current === undefined) {
        const slot = this.free.pop();
        // Only when the caller did not wait for the last promise; the worker frees slots in order.
        if (slot === undefined) return this.afterSlotFreed().then(() => this.update(chunk.subarray(offset)));
        this.current = slot;
      }
      const n = Math.min(chunk.length - offset, SLOT_BYTES - this.filled);
      new Uint8Array(this.slots, this.current * SLOT_BYTES + this.filled, n).set(
        chunk.subarray(offset, offset + n),
      );
      this.filled += n;
      offset += n;
      if (this.filled === SLOT_BYTES) this.send();
    }
    return this.free.length > 0 ? undefined : this.afterSlotFreed();
  }

  /** The hex digest of every byte given to update(). */
  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.finished) return Promise.reject(new Error('sha256 already digested'));
    this.finished = true;
    if (this.filled > 0) this.send();
    return new Promise<string>((resolve, reject) => {
      this.result = { resolve, reject };
      this.post({ op: 'digest', id: this.id });
    });
  }

  /** Gives up on the hash (the input failed); the worker forgets it. */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    this.post({ op: 'drop', id: this.id });
    this.release(this.id);
  }

  /** @internal a message from the worker about this hash. */
  receive(message: FromWorker): void {
    if (message.op === 'hashed') {
      this.free.push(message.slot);
      this.wake();
    } else {
      this.release(this.id);
      this.result?.resolve(message.sha256);
    }
  }

  /** @internal the worker failed. */
  fail(err: Error): void {
    this.failure = err;
    this.wake();
    this.result?.reject(err);
  }

  private afterSlotFreed(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.resume = () => (this.failure ? reject(this.failure) : resolve());
    });
  }

  private send(): void {
    if (this.current === undefined) return;
    this.post({ op: 'update', id: this.id, slot: this.current, slotBytes: SLOT_BYTES, length: this.filled });
    this.current = undefined;
    this.filled = 0;
  }

  private wake(): void {
    const resume = this.resume;
    if (!resume) return;
    this.resume = undefined;
    resume();
  }
}

/**
 * sha256 of uploads off the event loop. Hashing is ~1 s of CPU per GiB; on the event loop it
 * was a third of what a 100 MB upload waited for, in series with receiving and staging the body.
 * One long-lived worker thread hashes while the loop receives; several uploads at once share it
 * (their hashes are independent, each in its own order). If the worker dies, the hashes in
 * progress fail and the next one starts a new worker.
 */
@Injectable()
export class Sha256Worker implements OnModuleDestroy {
  private worker: Worker | undefined;
  private readonly hashes = new Map<number, WorkerSha256>();
  private nextId = 1;

  create(): WorkerSha256 {
    const worker = this.started();
    const id = this.nextId++;
    const hash = new WorkerSha256(
      id,
      (message) => worker.postMessage(message),
      (done) => this.hashes.delete(done),
    );
    this.hashes.set(id, hash);
    return hash;
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle, it must not keep the process alive.
    worker.unref();
    worker.on('message', (message: FromWorker) => this.hashes.get(message.id)?.receive(message));
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      const failing = [...this.hashes.values()];
      this.hashes.clear();
      for (const hash of failing) hash.fail(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`sha256 worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
