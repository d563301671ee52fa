import { AsyncLocalStorage } from 'node:async_hooks';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { Environment } from './environment';

export interface TenantPrincipal {
  tenantId: string;
  environment: Environment;
  /** The API key's id; `operator` when the operator key acts through /v1/admin/tenants/{tenantId}/environments/{environment}. */
  keyId: string;
  /** Set only by the operator scope: such requests are not counted against the tenant's quota. */
  operator?: true;
}

/** Mutable per-request store: created by the onRequest hook (RequestContextHook), filled in by the auth guard. */
export interface RequestContextStore {
  requestId?: string;
  principal?: TenantPrincipal;
}

const storage = new AsyncLocalStorage<RequestContextStore>();

export const RequestContext = {
  run<T>(store: RequestContextStore, work: () => T): T {
    return storage.run(store, work);
  },

  store(): RequestContextStore | undefined {
    return storage.getStore();
  },

  /** Log fields of the current request: its id and who is calling, never their key. */
  logFields(): Record<string, string> {
    const store = storage.getStore();
    const fields: Record<string, string> = store?.requestId ? { requestId: store.requestId } : {};
    const principal = store?.principal;
    return principal ? { ...fields, tenantId: principal.tenantId, environment: principal.environment, keyId: principal.keyId } : fields;
  },

  /**
   * The authenticated tenant of this request. Throws when called outside an
   * authenticated request, so a query can never silently run unscoped.
   */
  principal(): TenantPrincipal {
    const principal = storage.getStore()?.principal;
    if (!principal) {
      throw new SwitchboardError({ code: 'unauthorized', message: 'No authenticated tenant in this context' });
    }
    return principal;
  },
};
