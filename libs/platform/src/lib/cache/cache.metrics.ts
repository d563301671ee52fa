import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { Counter, type Registry } from 'prom-client';

/** Per process cache: how often a read was answered from memory, and what dropped entries. */
@Injectable()
export class CacheMetrics {
  readonly hits: Counter<'cache'>;
  readonly misses: Counter<'cache'>;
  /** source: local (this process wrote), remote (another process's message), resubscribe (everything, after a lost subscription). */
  readonly invalidations: Counter<'topic' | 'source'>;
  readonly publishFailures: Counter<'topic'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.hits = new Counter({ name: 'switchboard_cache_hits_total', help: 'Cache reads answered from process memory', labelNames: ['cache'], registers: [registry] });
    this.misses = new Counter({ name: 'switchboard_cache_misses_total', help: 'Cache reads that loaded from the database', labelNames: ['cache'], registers: [registry] });
    this.invalidations = new Counter({
      name: 'switchboard_cache_invalidations_total',
      help: 'Cache invalidations applied by this process, by topic and source',
      labelNames: ['topic', 'source'],
      registers: [registry],
    });
    this.publishFailures = new Counter({
      name: 'switchboard_cache_invalidation_publish_failures_total',
      help: 'Invalidations that could not be published to Redis (other processes drop the entries at their TTL)',
      labelNames: ['topic'],
      registers: [registry],
    });
  }
}
