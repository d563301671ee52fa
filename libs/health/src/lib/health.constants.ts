import type { Type } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

export const HEALTH_REDIS_CLIENT = Symbol('HEALTH_REDIS_CLIENT');
export const HEALTH_SETTINGS = Symbol('HEALTH_SETTINGS');

export const READINESS_CONTRIBUTORS = Symbol('READINESS_CONTRIBUTORS');
export const HEALTH_OPERATOR_ACCESS = Symbol('HEALTH_OPERATOR_ACCESS');

/**
 * A feature's extra readiness detail (token expiry, clock skew). It reports `up` with
 * details unless the process truly cannot serve; an expiring token is a warning in the
 * details, not a reason for the load balancer to drop the instance. Readiness answers
 * anyone who can reach it, so a contributor reports counts; names and ids of tenants'
 * resources only when `detailed` (the caller showed the operator key).
 */
export interface ReadinessContributor {
  check(detailed: boolean): Promise<HealthIndicatorResult>;
}

/** Tells whether a request's `Authorization` value is the operator's (the host binds it). */
export interface OperatorAccess {
  isOperator(authorization: string | undefined): boolean;
}

export interface HealthSettings {
  redisUrl: string;
  /** Injectable classes adding details to /health/ready. */
  contributors?: Array<Type<ReadinessContributor>>;
  /** Who may read the contributors' details; without it, nobody (counts only). */
  operatorAccess?: Type<OperatorAccess>;
  /** Per-check budget: a readiness probe must answer even when a dependency hangs. */
  timeoutMs?: number;
}
