import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CacheInvalidation, cacheKey, type InvalidatingCache } from '@switchboard/platform';
import type { Environment } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { fallbackStepSchema, type FallbackStep } from './fallback-step';

export const fallbackPolicySchema = z.strictObject({
  steps: z.array(fallbackStepSchema).max(3).describe('the channels every message of the environment falls back to, in order; empty: none'),
});
export type FallbackPolicy = z.infer<typeof fallbackPolicySchema>;

const CACHE_TOPIC = 'fallback-policies';
const keyOf = (scope: { tenantId: string; environment: Environment }) => cacheKey(scope.tenantId, scope.environment);

/** An environment's default fallback route; a request's own `fallback` overrides it. Read on every accept: kept per process until it changes. */
@Injectable()
export class FallbackPolicies {
  private readonly cache: InvalidatingCache<FallbackStep[]>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caches: CacheInvalidation,
  ) {
    this.cache = caches.cache(CACHE_TOPIC, 'fallback-policies');
  }

  steps(scope: { tenantId: string; environment: Environment }): Promise<FallbackStep[]> {
    return this.cache.get(keyOf(scope), async () => {
      const rows: Array<{ steps: unknown }> = await this.dataSource.query(`SELECT steps FROM fallback_policies WHERE tenant_id = $1 AND environment = $2`, [
        scope.tenantId,
        scope.environment,
      ]);
      return rows[0] ? fallbackPolicySchema.parse({ steps: rows[0].steps }).steps : [];
    });
  }

  async put(scope: { tenantId: string; environment: Environment }, policy: FallbackPolicy): Promise<FallbackPolicy> {
    await this.dataSource.query(
      `INSERT INTO fallback_policies (tenant_id, environment, steps) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (tenant_id, environment) DO UPDATE SET steps = EXCLUDED.steps, updated_at = now()`,
      [scope.tenantId, scope.environment, JSON.stringify(policy.steps)],
    );
    await this.caches.invalidate(CACHE_TOPIC, [keyOf(scope)]);
    return policy;
  }
}
