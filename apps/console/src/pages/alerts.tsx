import { request, scoped, type Endpoint } from '../api';
import type { Session } from '../session';
import { ErrorBox, useLoad } from '../ui';
import { Deliveries } from './endpoints';

/**
 * Alerts of the environment (failure rate, new Meta codes, quality downgrades, token
 * problems) as the gateway records them: `alert` events to the endpoints subscribed to them.
 */
export function AlertsPage({ session }: { session: Session }) {
  const endpoints = useLoad(() => request<{ data: Endpoint[] }>(session.key, 'GET', scoped(session, '/endpoints')), [session.key, session.tenantId, session.environment]);
  const subscribed = endpoints.data?.data.filter((endpoint) => endpoint.events.includes('alert')) ?? [];
  return (
    <>
      <h1>Alerts</h1>
      <ErrorBox error={endpoints.error} />
      {endpoints.data && subscribed.length === 0 ? (
        <p className="notice">
          Alerts reach this environment as <code>alert</code> events: register an endpoint subscribed to <code>alert</code> to keep them. The operator&apos;s copy goes to
          ALERT_WEBHOOK_URL and the worker&apos;s log.
        </p>
      ) : null}
      {subscribed.map((endpoint) => (
        <div key={endpoint.id}>
          <p className="muted">
            via <code>{endpoint.url}</code>
          </p>
          <Deliveries session={session} endpointId={endpoint.id} type="alert" />
        </div>
      ))}
    </>
  );
}
