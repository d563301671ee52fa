/**
 * Values one process reuses for a moment: hot, rarely changing rows read on every
 * request (a tenant's numbers, a template), so a burst of requests shares one load and
 * a change shows within `ttlMs`. A load still in flight is shared by the callers that
 * arrive meanwhile; a failed load is forgotten at once.
 */
export class ShortLivedCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value of `key` loaded less than `maxAgeMs` ago (default the TTL; 0 always loads), else `load()`. */
  get(key: string, load: () => Promise<V>, maxAgeMs = this.ttlMs): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < maxAgeMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.evictExpired(now);
    const value = load();
    this.entries.set(key, { at: now, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Forgets everything: the next get of any key loads (this process changed the data). */
  clear(): void {
    this.entries.clear();
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.at >= this.ttlMs) this.entries.delete(key);
    // Still full of fresh entries: start over rather than grow without bound.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
  }
}
