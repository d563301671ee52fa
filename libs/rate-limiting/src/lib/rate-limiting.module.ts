import { DynamicModule, Global, Module } from '@nestjs/common';
import { RateLimitConnection } from './rate-limit.connection';
import { RATE_LIMITING_SETTINGS, type RateLimitingSettings } from './rate-limiting.constants';
import { SendLimiter } from './send-limiter.service';
import { TenantRequestQuota } from './tenant-request-quota.service';

/** The send limiter (worker) and the tenant request quota (gateway) over one Redis connection. */
@Global()
@Module({})
export class RateLimitingModule {
  static forRoot(settings: RateLimitingSettings): DynamicModule {
    return {
      module: RateLimitingModule,
      providers: [{ provide: RATE_LIMITING_SETTINGS, useValue: settings }, RateLimitConnection, SendLimiter, TenantRequestQuota],
      exports: [RateLimitConnection, SendLimiter, TenantRequestQuota],
    };
  }
}
