export const CACHE_SETTINGS = Symbol('CACHE_SETTINGS');

export interface CacheSettings {
  redisUrl: string;
  /** The deployment's key prefix (QUEUE_PREFIX): the invalidation channel lives under it. */
  prefix: string;
  /** Backstop age of an entry while invalidations are heard. */
  ttlMs: number;
  /** Age of an entry while they are not (no subscription yet, or a lost one): changes may go unheard. */
  unsubscribedTtlMs: number;
}
