import type { Type } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

export const HEALTH_REDIS_CLIENT = Symbol('HEALTH_REDIS_CLIENT');
export const HEALTH_SETTINGS = Symbol('HEALTH_SETTINGS');

export const READINESS_CONTRIBUTORS = Symbol('READINESS_CONTRIBUTORS');

/**
 * A feature's extra readiness detail (token expiry, clock skew). It reports `up` with
 * details unless the process truly cannot serve; an expiring token is a warning in the
 * details, not a reason for the load balancer to drop the instance.
 */
export interface ReadinessContributor {
  check(): Promise<HealthIndicatorResult>;
}

export interface HealthSettings {
  redisUrl: string;
  /** Injectable classes adding details to /health/ready. */
  contributors?: Array<Type<ReadinessContributor>>;
  /** Per-check budget: a readiness probe must answer even when a dependency hangs. */
  timeoutMs?: number;
}
