import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ShortLivedCache } from '@switchboard/platform';
import type { Environment } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { fallbackStepSchema, type FallbackStep } from './fallback-step';

export const fallbackPolicySchema = z.strictObject({
  steps: z.array(fallbackStepSchema).max(3).describe('the channels every message of the environment falls back to, in order; empty: none'),
});
export type FallbackPolicy = z.infer<typeof fallbackPolicySchema>;

// Read on every accept: a change shows within a second everywhere.
const POLICY_TTL_MS = 1000;

/** An environment's default fallback route; a request's own `fallback` overrides it. */
@Injectable()
export class FallbackPolicies {
  private readonly cache = new ShortLivedCache<FallbackStep[]>(POLICY_TTL_MS);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  steps(scope: { tenantId: string; environment: Environment }): Promise<FallbackStep[]> {
    return this.cache.get(`${scope.tenantId}:${scope.environment}`, async () => {
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
    this.cache.clear();
    return policy;
  }
}
