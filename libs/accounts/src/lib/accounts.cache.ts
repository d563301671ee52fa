import { cacheKey } from '@switchboard/platform';
import type { Environment } from '@switchboard/tenancy';

/** The invalidation topic of WABAs, their tokens, their numbers and an environment's Graph origin. */
export const ACCOUNTS_CACHE_TOPIC = 'accounts';

type Scope = { readonly tenantId: string; readonly environment: Environment };

/**
 * Keys under the tenant environment: an environment-wide change (its Graph origin) drops every
 * entry of it, a WABA's or a number's change its own entries and the environment's lists.
 */
export const accountsCacheKeys = {
  environment: (scope: Scope) => cacheKey(scope.tenantId, scope.environment),
  waba: (scope: Scope, wabaId: string) => cacheKey(scope.tenantId, scope.environment, 'wabas', wabaId),
  numbers: (scope: Scope) => cacheKey(scope.tenantId, scope.environment, 'numbers'),
  number: (scope: Scope, phoneNumberId: string) => cacheKey(scope.tenantId, scope.environment, 'numbers', phoneNumberId),
};
