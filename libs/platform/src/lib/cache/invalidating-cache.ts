/** A cache key: parts from the widest scope to the narrowest (tenant, environment, then ids). */
export function cacheKey(...parts: readonly string[]): string {
  return parts.join(':');
}

/**
 * An entry and an invalidation are related when one key is the other or lies under it: a
 * change to a WABA (`t:e:waba`) drops the environment's sender list (`t:e`) and the
 * WABA's own entries (`t:e:waba:...`), a change to the environment (`t:e`) everything under it.
 */
export function relatedKeys(entry: string, invalidated: string): boolean {
  return entry === invalidated || entry.startsWith(`${invalidated}:`) || invalidated.startsWith(`${entry}:`);
}

export interface CacheObserver {
  hit(): void;
  miss(): void;
}

interface Entry<V> {
  readonly at: number;
  readonly value: Promise<V>;
}

/**
 * Values one process keeps for rarely changing rows, dropped when an invalidation for a
 * related key arrives (see CacheInvalidation), and at the latest after the age the bus
 * allows. An entry holds its load's promise, so callers that arrive meanwhile share one
 * load; dropping the entry is what versions it: a load in flight when its key is
 * invalidated answers only its own callers and never lands in the cache (the entry it
 * would fill is gone, and a newer one is a different object). A failed load is forgotten.
 */
export class InvalidatingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Bumped by every drop and clear: a value read before a bump may predate the change. */
  private generation = 0;

  constructor(
    readonly topic: string,
    private readonly maxAgeMs: () => number,
    private readonly observer: CacheObserver,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value of `key` if loaded less than the allowed age ago (or `maxAgeMs`, when younger; 0 always loads), else `load()`. */
  get(key: string, load: () => Promise<V>, maxAgeMs?: number): Promise<V> {
    const now = Date.now();
    const allowed = Math.min(this.maxAgeMs(), maxAgeMs ?? Number.POSITIVE_INFINITY);
    const hit = this.entries.get(key);
    if (hit && now - hit.at < allowed) {
      this.observer.hit();
      return hit.value;
    }
    this.observer.miss();
    if (this.entries.size >= this.maxEntries) this.evictExpired(now);
    const entry: Entry<V> = { at: now, value: load() };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** The generation to pass to `put`, taken before the read whose result is put. */
  version(): number {
    return this.generation;
  }

  /**
   * Keeps a value read elsewhere (by a lookup whose key was not known before it ran), unless an
   * invalidation came since `version` was taken: then the read may predate the change.
   */
  put(key: string, value: V, version: number): void {
    if (version === this.generation) this.entries.set(key, { at: Date.now(), value: Promise.resolve(value) });
  }

  /** Drops every entry related to one of `keys`. */
  drop(keys: readonly string[]): void {
    this.generation += 1;
    for (const key of this.entries.keys()) if (keys.some((invalidated) => relatedKeys(key, invalidated))) this.entries.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  private evictExpired(now: number): void {
    const maxAge = this.maxAgeMs();
    for (const [key, entry] of this.entries) if (now - entry.at >= maxAge) this.entries.delete(key);
    // Still full of fresh entries: start over rather than grow without bound.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
  }
}
