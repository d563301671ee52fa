import { request, scoped, type PhoneNumber, type Waba } from '../api';
import type { Session } from '../session';
import { ErrorBox, Section, Status, useLoad, when } from '../ui';

/** WABAs (operator) and the environment's numbers with quality rating, messaging limit tier and throughput. */
export function NumbersPage({ session }: { session: Session }) {
  const deps = [session.key, session.tenantId, session.environment];
  const wabas = useLoad(
    () => (session.role === 'operator' ? request<{ data: Waba[] }>(session.key, 'GET', scoped(session, '/wabas')) : Promise.resolve(null)),
    deps,
  );
  const numbers = useLoad(() => request<{ data: PhoneNumber[] }>(session.key, 'GET', scoped(session, '/phone-numbers')), deps);
  return (
    <>
      <h1>WABAs and numbers</h1>
      {session.role === 'operator' ? (
        <Section title="WABAs">
          <ErrorBox error={wabas.error} />
          <table>
            <thead>
              <tr>
                <th>WABA</th>
                <th>Meta app</th>
                <th>Token</th>
                <th>Token expires</th>
                <th>Subscribed</th>
              </tr>
            </thead>
            <tbody>
              {wabas.data?.data.map((waba) => (
                <tr key={waba.id}>
                  <td>
                    <code>{waba.wabaId}</code>
                  </td>
                  <td>
                    <code>{waba.appId}</code>
                  </td>
                  <td>
                    <Status value={waba.token.status} />
                  </td>
                  <td>{waba.token.expiresAt ? when(waba.token.expiresAt) : 'never'}</td>
                  <td>{waba.subscribedAt ? when(waba.subscribedAt) : 'no: webhooks will not arrive'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
      <Section title="Phone numbers">
        <ErrorBox error={numbers.error} />
        <table>
          <thead>
            <tr>
              <th>Number</th>
              <th>phone_number_id</th>
              <th>WABA</th>
              <th>Quality</th>
              <th>Tier</th>
              <th>Throughput</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {numbers.data?.data.map((number) => (
              <tr key={number.phoneNumberId}>
                <td>
                  {number.displayPhoneNumber}
                  {number.verifiedName ? <span className="muted"> {number.verifiedName}</span> : null}
                  {number.testNumber ? <span className="muted"> (test number)</span> : null}
                </td>
                <td>
                  <code>{number.phoneNumberId}</code>
                </td>
                <td>
                  <code>{number.wabaId}</code>
                </td>
                <td>
                  <Status value={number.qualityRating} />
                </td>
                <td>{number.messagingLimit ?? '—'}</td>
                <td>{number.throughputMps ? `${number.throughputMps} mps` : '—'}</td>
                <td>{number.status ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}
