import { SwitchboardError } from '@switchboard/error-taxonomy';
import { RequestContext } from '@switchboard/tenancy';
import { SYSTEM_KEY_ID } from './template-registry.constants';
import type { TemplateScope } from './waba-access.port';

/**
 * Runs `work` with `scope` as the request principal, so every query goes through the
 * tenant-scoped repository exactly as an HTTP request would. Inside an authenticated
 * request the scope must be the request's own: a mismatch is a bug, never silently
 * a cross-tenant read.
 */
export function inScope<T>(scope: TemplateScope, work: () => Promise<T>): Promise<T> {
  const store = RequestContext.store();
  const current = store?.principal;
  if (current) {
    if (current.tenantId !== scope.tenantId || current.environment !== scope.environment) {
      return Promise.reject(new SwitchboardError({ code: 'internal_error', message: 'Template scope differs from the authenticated tenant' }));
    }
    return work();
  }
  return RequestContext.run(
    { ...(store?.requestId !== undefined ? { requestId: store.requestId } : {}), principal: { ...scope, keyId: SYSTEM_KEY_ID } },
    work,
  );
}

/** The scope of the authenticated request. */
export function requestScope(): TemplateScope {
  const { tenantId, environment } = RequestContext.principal();
  return { tenantId, environment };
}
