import { useEffect, useState } from 'react';
import { request, type Tenant } from './api';
import { ConnectPage } from './pages/connect';
import { DeadLettersPage } from './pages/dead-letters';
import { EndpointsPage } from './pages/endpoints';
import { FailuresPage } from './pages/failures';
import { MessagePage, MessagesPage } from './pages/messages';
import { NumbersPage } from './pages/numbers';
import { AlertsPage } from './pages/alerts';
import { SignInPage } from './pages/sign-in';
import { TemplatesPage } from './pages/templates';
import { TenantsPage } from './pages/tenants';
import { loadSession, saveSession, type Environment, type Session } from './session';
import { navigate } from './ui';

interface NavItem {
  path: string;
  label: string;
  operatorOnly?: boolean;
}

const NAV: NavItem[] = [
  { path: 'tenants', label: 'Tenants & keys', operatorOnly: true },
  { path: 'numbers', label: 'WABAs & numbers' },
  { path: 'templates', label: 'Templates' },
  { path: 'messages', label: 'Messages' },
  { path: 'failures', label: 'Failures' },
  { path: 'dead', label: 'Dead letters' },
  { path: 'endpoints', label: 'Event endpoints' },
  { path: 'alerts', label: 'Alerts' },
  { path: 'connect', label: 'Connect a number', operatorOnly: true },
];

/** Hash routes (#/messages/msg_...): the gateway serves one index.html and needs no fallback. */
function useRoute(): string[] {
  // The part after `?` is a page's own filters (#/messages?errorCode=...).
  const read = () => (window.location.hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function ScopePicker({ session, onChange }: { session: Session; onChange: (session: Session) => void }) {
  const [tenants, setTenants] = useState<Tenant[]>([]);
  useEffect(() => {
    if (session.role !== 'operator') return;
    request<{ data: Tenant[] }>(session.key, 'GET', '/v1/admin/tenants').then(
      (answer) => setTenants(answer.data),
      () => setTenants([]),
    );
  }, [session.key, session.role, session.tenantId]);
  if (session.role === 'tenant') {
    return (
      <span className="scope" data-testid="scope">
        {session.tenantSlug} · {session.environment}
      </span>
    );
  }
  return (
    <span className="scope" data-testid="scope">
      <select
        aria-label="Tenant"
        value={session.tenantId ?? ''}
        onChange={(event) => {
          const tenant = tenants.find((candidate) => candidate.id === event.target.value);
          onChange({ ...session, tenantId: tenant?.id ?? null, tenantSlug: tenant?.slug ?? null });
        }}
      >
        <option value="">pick a tenant</option>
        {tenants.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.slug}
          </option>
        ))}
      </select>
      <select aria-label="Environment" value={session.environment} onChange={(event) => onChange({ ...session, environment: event.target.value as Environment })}>
        <option value="live">live</option>
        <option value="test">test</option>
      </select>
    </span>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const route = useRoute();
  const update = (next: Session | null) => {
    saveSession(next);
    setSession(next);
  };

  if (!session) return <SignInPage onSignedIn={(next) => (update(next), navigate(next.role === 'operator' ? 'tenants' : 'messages'))} />;

  const [page = session.role === 'operator' ? 'tenants' : 'messages', ...rest] = route;
  const needsTenant = session.role === 'operator' && !session.tenantId && !['tenants', 'connect'].includes(page);
  const body = needsTenant ? (
    <p className="notice">Pick a tenant and an environment above (or on the Tenants page) to see its {page}.</p>
  ) : (
    <Page page={page} rest={rest} session={session} onSession={update} />
  );

  return (
    <div className="shell">
      <header>
        <span className="brand">Switchboard</span>
        <ScopePicker session={session} onChange={update} />
        <span className="who">{session.role === 'operator' ? 'operator' : 'tenant key'}</span>
        <button type="button" onClick={() => update(null)}>
          Sign out
        </button>
      </header>
      <nav>
        {NAV.filter((item) => !item.operatorOnly || session.role === 'operator').map((item) => (
          <a key={item.path} href={`#/${item.path}`} className={item.path === page ? 'active' : undefined}>
            {item.label}
          </a>
        ))}
      </nav>
      <main>{body}</main>
    </div>
  );
}

function Page({ page, rest, session, onSession }: { page: string; rest: string[]; session: Session; onSession: (session: Session) => void }) {
  switch (page) {
    case 'tenants':
      return <TenantsPage session={session} onSession={onSession} />;
    case 'numbers':
      return <NumbersPage session={session} />;
    case 'templates':
      return <TemplatesPage session={session} />;
    case 'messages':
      return rest[0] ? <MessagePage session={session} id={rest[0]} /> : <MessagesPage session={session} />;
    case 'failures':
      return <FailuresPage session={session} />;
    case 'dead':
      return <DeadLettersPage session={session} />;
    case 'endpoints':
      return <EndpointsPage session={session} />;
    case 'alerts':
      return <AlertsPage session={session} />;
    case 'connect':
      return <ConnectPage session={session} />;
    default:
      return <p className="notice">No page {page}.</p>;
  }
}
