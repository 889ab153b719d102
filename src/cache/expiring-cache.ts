export interface ExpiringCacheOptions {
  /** How long a value may be served without being read again; 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  /**
   * False while invalidations may be missed (the Redis subscriber is not connected): every read loads and
   * nothing is stored. Whoever flips it back to true calls dropAll() first.
   */
  isListening?: () => boolean;
  now?: () => number;
  /** Concurrent misses of one key share one load (the catalog's); off, each loads for itself (the user cache's). */
  shareLoads?: boolean;
}

/**
 * Values by key for at most a TTL, dropped by invalidations: what the user cache and the catalog cache share
 * (src/cache/invalidation.ts tells every instance's caches). The TTL bounds how long a change made around the
 * API (SQL by hand) goes unseen.
 *
 * Eviction is by insertion order, not by use: a hit then costs no reordering of the map, and a busy key is
 * re-inserted anyway each time its TTL runs out.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; storedAt: number }>();
  private readonly loading = new Map<K, Promise<V>>();
  /** Moves on with every invalidation, so that a load which started before one does not store what it read. */
  private generation = 0;
  private readonly isListening: () => boolean;
  private readonly now: () => number;

  constructor(private readonly options: ExpiringCacheOptions) {
    this.isListening = options.isListening ?? (() => true);
    // A monotonic clock: a wall clock set back would keep values past their TTL.
    this.now = options.now ?? (() => performance.now());
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether a fresh value of this key would be served now (for tests and diagnostics). */
  has(key: K): boolean {
    return this.serving() && this.fresh(key) !== undefined;
  }

  /**
   * The key's value from the cache when it holds a fresh one, else from `load`, stored for next time when
   * `keep` allows and no invalidation came while it loaded. A load that fails is not kept, nor shared past
   * the callers already waiting for it.
   */
  read(key: K, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    if (!this.serving()) return load();
    const hit = this.fresh(key);
    if (hit !== undefined) return Promise.resolve(hit.value);
    if (!this.options.shareLoads) return this.loadAndStore(key, load, keep);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = this.loadAndStore(key, load, keep).finally(() => {
      if (this.loading.get(key) === promise) this.loading.delete(key);
    });
    this.loading.set(key, promise);
    return promise;
  }

  /** Forgets one key. Call it after the write has committed, never before. */
  drop(key: K): void {
    this.generation++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  dropAll(): void {
    this.generation++;
    this.entries.clear();
    // A load already under way may have read the old state: later readers start their own.
    this.loading.clear();
  }

  private async loadAndStore(key: K, load: () => Promise<V>, keep: (value: V) => boolean): Promise<V> {
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && this.serving() && keep(value)) this.store(key, value);
    return value;
  }

  private serving(): boolean {
    return this.enabled && this.isListening();
  }

  private fresh(key: K): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt < this.options.ttlMs) return entry;
    this.entries.delete(key);
    return undefined;
  }

  private store(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, storedAt: this.now() });
  }
}
