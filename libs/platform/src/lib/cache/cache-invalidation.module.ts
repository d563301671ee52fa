import { DynamicModule, Module } from '@nestjs/common';
import { CACHE_SETTINGS, type CacheSettings } from './cache.constants';
import { CacheInvalidation } from './cache-invalidation.service';
import { CacheMetrics } from './cache.metrics';

/** The process caches' invalidation bus, one per process; needs MetricsModule's registry. */
@Module({})
export class CacheInvalidationModule {
  static forRoot(settings: CacheSettings): DynamicModule {
    return {
      module: CacheInvalidationModule,
      global: true,
      providers: [{ provide: CACHE_SETTINGS, useValue: settings }, CacheMetrics, CacheInvalidation],
      exports: [CacheInvalidation],
    };
  }
}
