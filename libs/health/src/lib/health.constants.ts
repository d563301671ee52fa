export const HEALTH_REDIS_CLIENT = Symbol('HEALTH_REDIS_CLIENT');
export const HEALTH_SETTINGS = Symbol('HEALTH_SETTINGS');

export interface HealthSettings {
  redisUrl: string;
  /** Per-check budget: a readiness probe must answer even when a dependency hangs. */
  timeoutMs?: number;
}
