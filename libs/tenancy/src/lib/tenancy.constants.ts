import type { ExecutionContext, Type } from '@nestjs/common';
import type { TenantPrincipal } from './request-context';

export const TENANCY_SETTINGS = Symbol('TENANCY_SETTINGS');

/** The host's say on a request a tenant key authenticated (a `TenantAdmission`), if it binds one. */
export const TENANT_ADMISSION = Symbol('TENANT_ADMISSION');

/**
 * Asked by the tenant guard once a tenant key has authenticated a request (operator requests
 * never reach it): resolves to let the request through, throws (a SwitchboardError) to refuse
 * it. A guard, not an interceptor, so the host's policy (the gateway's request quota) costs
 * no interceptor chain on every route.
 */
export interface TenantAdmission {
  admit(principal: TenantPrincipal, context: ExecutionContext): Promise<void>;
}

export interface TenancySettings {
  /** The operator's key for /v1/admin/*. */
  adminApiKey: string;
  /** How many verified keys one process knows (least recently used go first); whether one is revoked is kept until a revocation is published. */
  keyCacheSize?: number;
  /** How long a key hash that matched no unrevoked key is refused without a database read. */
  unknownKeyCacheMs?: number;
  /** How many such hashes one process keeps, apart from the verified keys. */
  unknownKeyCacheSize?: number;
  /** last_used_at is written at most this often per key and process. */
  lastUsedWriteIntervalMs?: number;
  /** Bound to TENANT_ADMISSION: what the host decides about each authenticated tenant request. */
  admission?: Type<TenantAdmission>;
}
