/**
 * Who is signed in: the operator key (ADMIN_API_KEY) or a tenant API key, kept in
 * sessionStorage only (gone when the tab closes) and sent as a Bearer token. An operator
 * picks the tenant environment it looks at; a tenant key has exactly one.
 */
export type Environment = 'live' | 'test';

export interface Session {
  key: string;
  role: 'operator' | 'tenant';
  /** The tenant environment the pages show: the key's own, or the operator's pick. */
  tenantId: string | null;
  tenantSlug: string | null;
  environment: Environment;
}

const STORAGE_KEY = 'switchboard.console.session';

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** Tenant keys look like sbk_live_... or sbk_test_...; anything else is tried as the operator key. */
export function roleOfKey(key: string): { role: 'tenant'; environment: Environment } | { role: 'operator' } {
  const match = /^sbk_(live|test)_/.exec(key);
  return match ? { role: 'tenant', environment: match[1] as Environment } : { role: 'operator' };
}
