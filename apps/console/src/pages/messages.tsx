import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { query, request, scoped, type Message, type Page } from '../api';
import type { Session } from '../session';
import { ErrorBox, Section, Status, navigate, useLoad, when } from '../ui';

const STATUSES = ['', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead'];

interface Filters {
  to: string;
  status: string;
  errorCode: string;
  createdAfter: string;
  createdBefore: string;
  metadata: string;
}

const EMPTY: Filters = { to: '', status: '', errorCode: '', createdAfter: '', createdBefore: '', metadata: '' };

/** `key=value` pairs, comma separated: a message matches when its metadata has every one. */
function metadataMatcher(text: string): (message: Message) => boolean {
  const pairs = text
    .split(',')
    .map((pair) => pair.split('=').map((part) => part.trim()))
    .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== '');
  return (message) => pairs.every(([key, value]) => String(message.metadata[key] ?? '') === value);
}

const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** Message search: recipient, status, taxonomy code (or Meta's number), time range, metadata. */
export function MessagesPage({ session }: { session: Session }) {
  const fromHash = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const [filters, setFilters] = useState<Filters>({ ...EMPTY, errorCode: fromHash.get('errorCode') ?? '', status: fromHash.get('status') ?? '' });
  const [applied, setApplied] = useState(filters);
  const [cursor, setCursor] = useState<string | undefined>();
  const messages = useLoad(
    () =>
      request<Page<Message>>(
        session.key,
        'GET',
        scoped(
          session,
          `/messages${query({
            to: applied.to,
            status: applied.status,
            errorCode: applied.errorCode,
            createdAfter: isoOf(applied.createdAfter),
            createdBefore: isoOf(applied.createdBefore),
            limit: '50',
            cursor,
          })}`,
        ),
      ),
    [session.key, session.tenantId, session.environment, applied, cursor],
  );
  const search = (event: FormEvent) => {
    event.preventDefault();
    setCursor(undefined);
    setApplied(filters);
  };
  const field = (name: keyof Filters) => ({ value: filters[name], onChange: (event: { target: { value: string } }) => setFilters({ ...filters, [name]: event.target.value }) });
  const shown = messages.data?.data.filter(metadataMatcher(applied.metadata)) ?? [];

  return (
    <>
      <h1>Messages</h1>
      <form className="filters" onSubmit={search}>
        <input aria-label="Recipient" placeholder="recipient (+1 415 555 1234)" {...field('to')} />
        <select aria-label="Status" {...field('status')}>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status || 'any status'}
            </option>
          ))}
        </select>
        <input aria-label="Error code" placeholder="taxonomy code or Meta number" {...field('errorCode')} />
        <input aria-label="Created after" type="datetime-local" {...field('createdAfter')} />
        <input aria-label="Created before" type="datetime-local" {...field('createdBefore')} />
        <input aria-label="Metadata" placeholder="metadata: orderId=4521" {...field('metadata')} />
        <button type="submit">Search</button>
      </form>
      {applied.metadata ? <p className="muted">Metadata is matched on the page loaded (50 newest messages of the other filters).</p> : null}
      <ErrorBox error={messages.error} />
      <MessageTable messages={shown} />
      {messages.data?.nextCursor ? (
        <button type="button" onClick={() => setCursor(messages.data?.nextCursor ?? undefined)}>
          Older
        </button>
      ) : null}
    </>
  );
}

export function MessageTable({ messages, action }: { messages: Message[]; action?: (message: Message) => ReactNode }) {
  if (messages.length === 0) return <p className="muted">No messages.</p>;
  return (
    <table data-testid="messages">
      <thead>
        <tr>
          <th>Id</th>
          <th>Status</th>
          <th>To</th>
          <th>Type</th>
          <th>Error</th>
          <th>Attempts</th>
          <th>Created</th>
          {action ? <th /> : null}
        </tr>
      </thead>
      <tbody>
        {messages.map((message) => (
          <tr key={message.id}>
            <td>
              <a href={`#/messages/${message.id}`}>
                <code>{message.id}</code>
              </a>
            </td>
            <td>
              <Status value={message.status} />
            </td>
            <td>{message.to}</td>
            <td>{message.type}</td>
            <td>{message.error ? `${message.error.code}${message.error.meta ? ` (${message.error.meta.code})` : ''}` : ''}</td>
            <td>{message.attempts}</td>
            <td>{when(message.createdAt)}</td>
            {action ? <td>{action(message)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One message with its full timeline, its error and what to do, and replay when it failed. */
export function MessagePage({ session, id }: { session: Session; id: string }) {
  const message = useLoad(() => request<Message>(session.key, 'GET', scoped(session, `/messages/${encodeURIComponent(id)}`)), [session.key, session.tenantId, session.environment, id]);
  const [error, setError] = useState<unknown>();
  const replay = async () => {
    try {
      setError(undefined);
      await request(session.key, 'POST', scoped(session, `/messages/${encodeURIComponent(id)}/retry`));
      message.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const view = message.data;
  // Until Meta has answered (queued, sending, sent): watch it move, once a second.
  const moving = view !== undefined && ['queued', 'sending', 'sent'].includes(view.status);
  const { reload } = message;
  useEffect(() => {
    if (!moving) return undefined;
    const timer = setInterval(reload, 1000);
    return () => clearInterval(timer);
  }, [moving, reload]);

  return (
    <>
      <h1>Message</h1>
      <p>
        <button type="button" className="link" onClick={() => navigate('messages')}>
          ← all messages
        </button>
      </p>
      <ErrorBox error={message.error} />
      {view ? (
        <>
          <dl className="facts">
            <dt>Id</dt>
            <dd>
              <code>{view.id}</code>
            </dd>
            <dt>Status</dt>
            <dd data-testid="message-status">
              <Status value={view.status} />
            </dd>
            <dt>To / from</dt>
            <dd>
              {view.to} / {view.from}
            </dd>
            <dt>Type</dt>
            <dd>{view.type}</dd>
            <dt>Attempts</dt>
            <dd>{view.attempts}</dd>
            <dt>wamid</dt>
            <dd>
              <code>{view.wamid ?? '—'}</code>
            </dd>
            <dt>Metadata</dt>
            <dd>
              <code>{JSON.stringify(view.metadata)}</code>
            </dd>
          </dl>
          {view.error ? (
            <div className="failure">
              <strong>{view.error.code}</strong> {view.error.message}
              {view.error.meta ? (
                <span className="muted">
                  {' '}
                  — Meta {view.error.meta.code}
                  {view.error.meta.title ? `: ${view.error.meta.title}` : ''}
                </span>
              ) : null}
              {view.error.action ? <p className="action">What to do: {view.error.action}</p> : null}
            </div>
          ) : null}
          {view.status === 'failed' || view.status === 'dead' ? (
            <button type="button" onClick={() => void replay()}>
              Replay
            </button>
          ) : null}
          <button type="button" onClick={reload}>
            Refresh
          </button>
          <ErrorBox error={error} />
          <Section title="Timeline">
            <ol className="timeline" data-testid="timeline">
              {view.events?.map((event, index) => (
                <li key={`${event.status}-${event.at}-${index}`}>
                  <Status value={event.status} /> {when(event.at)}
                </li>
              ))}
            </ol>
          </Section>
        </>
      ) : null}
    </>
  );
}
