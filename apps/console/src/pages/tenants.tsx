import { useState, type FormEvent } from 'react';
import { request, type ApiKey, type Tenant } from '../api';
import type { Environment, Session } from '../session';
import { ErrorBox, Section, navigate, useLoad, when } from '../ui';

/** Tenants (list, create), their two environments, and their API keys (create, revoke). */
export function TenantsPage({ session, onSession }: { session: Session; onSession: (session: Session) => void }) {
  const tenants = useLoad(() => request<{ data: Tenant[] }>(session.key, 'GET', '/v1/admin/tenants'), [session.key]);
  const [form, setForm] = useState({ slug: '', name: '' });
  const [error, setError] = useState<unknown>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setError(undefined);
      await request(session.key, 'POST', '/v1/admin/tenants', form);
      setForm({ slug: '', name: '' });
      tenants.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const open = (tenant: Tenant, environment: Environment) => {
    onSession({ ...session, tenantId: tenant.id, tenantSlug: tenant.slug, environment });
    navigate('messages');
  };
  const selected = tenants.data?.data.find((tenant) => tenant.id === session.tenantId);

  return (
    <>
      <h1>Tenants</h1>
      <Section title="All tenants">
        <ErrorBox error={tenants.error} />
        <table>
          <thead>
            <tr>
              <th>Slug</th>
              <th>Name</th>
              <th>Created</th>
              <th>Environments</th>
            </tr>
          </thead>
          <tbody>
            {tenants.data?.data.map((tenant) => (
              <tr key={tenant.id} className={tenant.id === session.tenantId ? 'selected' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => onSession({ ...session, tenantId: tenant.id, tenantSlug: tenant.slug })}>
                    {tenant.slug}
                  </button>
                </td>
                <td>{tenant.name}</td>
                <td>{when(tenant.createdAt)}</td>
                <td>
                  {(['live', 'test'] as const).map((environment) => (
                    <button key={environment} type="button" onClick={() => open(tenant, environment)}>
                      {environment}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form className="inline" onSubmit={(event) => void create(event)}>
          <input aria-label="Slug" placeholder="slug (payments)" value={form.slug} onChange={(event) => setForm({ ...form, slug: event.target.value })} />
          <input aria-label="Name" placeholder="name (Payments)" value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
          <button type="submit">Create tenant</button>
        </form>
        <ErrorBox error={error} />
      </Section>
      {selected ? <ApiKeys session={session} tenant={selected} /> : null}
    </>
  );
}

function ApiKeys({ session, tenant }: { session: Session; tenant: Tenant }) {
  const keys = useLoad(() => request<{ data: ApiKey[] }>(session.key, 'GET', `/v1/admin/tenants/${tenant.id}/api-keys`), [session.key, tenant.id]);
  const [form, setForm] = useState<{ environment: Environment; name: string }>({ environment: 'test', name: '' });
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setError(undefined);
      const answer = await request<{ key: string }>(session.key, 'POST', `/v1/admin/tenants/${tenant.id}/api-keys`, {
        environment: form.environment,
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
      });
      setCreated(answer.key);
      keys.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const revoke = async (id: string) => {
    try {
      setError(undefined);
      await request(session.key, 'DELETE', `/v1/admin/tenants/${tenant.id}/api-keys/${id}`);
      keys.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <Section title={`API keys of ${tenant.slug}`}>
      <ErrorBox error={keys.error} />
      <table>
        <thead>
          <tr>
            <th>Environment</th>
            <th>Name</th>
            <th>Created</th>
            <th>Last used</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.data?.data.map((key) => (
            <tr key={key.id}>
              <td>{key.environment}</td>
              <td>{key.name ?? '—'}</td>
              <td>{when(key.createdAt)}</td>
              <td>{when(key.lastUsedAt)}</td>
              <td>{key.revokedAt ? `revoked ${when(key.revokedAt)}` : 'active'}</td>
              <td>
                {key.revokedAt ? null : (
                  <button type="button" onClick={() => void revoke(key.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline" onSubmit={(event) => void create(event)}>
        <select aria-label="Key environment" value={form.environment} onChange={(event) => setForm({ ...form, environment: event.target.value as Environment })}>
          <option value="test">test</option>
          <option value="live">live</option>
        </select>
        <input aria-label="Key name" placeholder="name (optional)" value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
        <button type="submit">Create key</button>
      </form>
      {created ? (
        <p className="notice">
          New key, shown only now: <code data-testid="new-key">{created}</code>
        </p>
      ) : null}
      <ErrorBox error={error} />
    </Section>
  );
}
