import { useState } from 'react';
import { request, scoped, type Delivery, type Endpoint, type Page } from '../api';
import type { Session } from '../session';
import { ErrorBox, Section, Status, useLoad, when } from '../ui';

/** Event endpoints of the environment, their deliveries, and replay of a delivered or dead one. */
export function EndpointsPage({ session }: { session: Session }) {
  const endpoints = useLoad(() => request<{ data: Endpoint[] }>(session.key, 'GET', scoped(session, '/endpoints')), [session.key, session.tenantId, session.environment]);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <h1>Event endpoints</h1>
      <ErrorBox error={endpoints.error} />
      {endpoints.data && endpoints.data.data.length === 0 ? <p className="muted">No event endpoints (POST /v1/endpoints registers one).</p> : null}
      <table>
        <thead>
          <tr>
            <th>URL</th>
            <th>Events</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {endpoints.data?.data.map((endpoint) => (
            <tr key={endpoint.id} className={endpoint.id === selected ? 'selected' : undefined}>
              <td>
                <code>{endpoint.url}</code>
              </td>
              <td>{endpoint.events.join(', ')}</td>
              <td>{when(endpoint.createdAt)}</td>
              <td>
                <button type="button" onClick={() => setSelected(endpoint.id)}>
                  Deliveries
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected ? <Deliveries session={session} endpointId={selected} /> : null}
    </>
  );
}

export function Deliveries({ session, endpointId, type }: { session: Session; endpointId: string; type?: string }) {
  const deliveries = useLoad(
    () => request<Page<Delivery>>(session.key, 'GET', scoped(session, `/endpoints/${endpointId}/deliveries?limit=100`)),
    [session.key, session.tenantId, session.environment, endpointId],
  );
  const [error, setError] = useState<unknown>();
  const replay = async (id: string) => {
    try {
      setError(undefined);
      await request(session.key, 'POST', scoped(session, `/endpoints/${endpointId}/deliveries/${id}/replay`));
      deliveries.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const rows = deliveries.data?.data.filter((delivery) => !type || delivery.type === type) ?? [];
  return (
    <Section title={type ? `${type} events` : 'Deliveries'}>
      <ErrorBox error={deliveries.error} />
      <ErrorBox error={error} />
      <table>
        <thead>
          <tr>
            <th>Event</th>
            <th>Type</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last answer</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((delivery) => (
            <tr key={delivery.id}>
              <td>
                <code>{delivery.eventId}</code>
              </td>
              <td>{delivery.type}</td>
              <td>
                <Status value={delivery.status} />
              </td>
              <td>
                {delivery.attempts}
                {delivery.replays ? ` (${delivery.replays} replays)` : ''}
              </td>
              <td>{delivery.lastError ?? delivery.lastStatusCode ?? '—'}</td>
              <td>{when(delivery.createdAt)}</td>
              <td>
                {delivery.status === 'dead' || delivery.status === 'delivered' ? (
                  <button type="button" onClick={() => void replay(delivery.id)}>
                    Replay
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
