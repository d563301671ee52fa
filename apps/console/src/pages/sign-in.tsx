import { useState, type FormEvent } from 'react';
import { request, type Tenant } from '../api';
import { roleOfKey, type Session } from '../session';
import { ErrorBox } from '../ui';

interface Me {
  tenant: Tenant;
  environment: 'live' | 'test';
}

/** Paste the operator key or a tenant key; it is checked once against the API before it is kept. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const trimmed = key.trim();
    try {
      const kind = roleOfKey(trimmed);
      if (kind.role === 'tenant') {
        const me = await request<Me>(trimmed, 'GET', '/v1/me');
        onSignedIn({ key: trimmed, role: 'tenant', tenantId: me.tenant.id, tenantSlug: me.tenant.slug, environment: me.environment });
      } else {
        await request(trimmed, 'GET', '/v1/admin/tenants');
        onSignedIn({ key: trimmed, role: 'operator', tenantId: null, tenantSlug: null, environment: 'live' });
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <h1>Sign in to Switchboard</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            placeholder="ADMIN_API_KEY, or sbk_live_... / sbk_test_..."
            value={key}
            onChange={(event) => setKey(event.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || key.trim() === ''}>
          Sign in
        </button>
      </form>
      <p className="muted">
        The operator key sees every tenant; a tenant key sees its own environment. The key stays in this tab&apos;s session storage and is sent as a Bearer token.
      </p>
      <ErrorBox error={error} />
    </div>
  );
}
