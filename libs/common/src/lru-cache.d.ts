// Minimal typings for the parts of lru-cache 5 (no bundled types) used by the caches in libs and apps.
declare module 'lru-cache' {
  interface LRUCacheOptions<K, V> {
    /** Bound on the sum of `length(value, key)` over the entries; 0 or absent means no bound. */
    max?: number;
    /** Size of one entry (default 1, so `max` counts entries). An entry larger than `max` is not kept. */
    length?: (value: V, key: K) => number;
    /** Default lifetime in ms, checked on read (alive while age ≤ maxAge); 0 means no expiry. */
    maxAge?: number;
  }

  /** Least recently used entries are dropped first; `get` marks an entry used, `peek` does not. */
  export default class LRUCache<K, V> {
    constructor(options?: LRUCacheOptions<K, V>);
    /** Setting it drops least recently used entries at once; 0 means no bound. */
    max: number;
    /** Read on every `get`, so a new value applies to the entries already kept; 0 means no expiry. */
    maxAge: number;
    /** The sum of the entries' lengths. */
    readonly length: number;
    readonly itemCount: number;
    get(key: K): V | undefined;
    peek(key: K): V | undefined;
    has(key: K): boolean;
    /** `maxAge` (ms, > 0) overrides the default for this entry; false when the entry was too large. */
    set(key: K, value: V, maxAge?: number): boolean;
    del(key: K): void;
    reset(): void;
  }
}
