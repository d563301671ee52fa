import { useState } from 'react';
import { query, request, scoped, type Message, type Page } from '../api';
import type { Session } from '../session';
import { ErrorBox, useLoad } from '../ui';
import { MessageTable } from './messages';

/** Messages that gave up after their retries (`dead`): replay sends them again. */
export function DeadLettersPage({ session }: { session: Session }) {
  const dead = useLoad(
    () => request<Page<Message>>(session.key, 'GET', scoped(session, `/messages${query({ status: 'dead', limit: '100' })}`)),
    [session.key, session.tenantId, session.environment],
  );
  const [error, setError] = useState<unknown>();
  const [replayed, setReplayed] = useState<string[]>([]);
  const replay = async (id: string) => {
    try {
      setError(undefined);
      await request(session.key, 'POST', scoped(session, `/messages/${id}/retry`));
      setReplayed((ids) => [...ids, id]);
      dead.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <>
      <h1>Dead letters</h1>
      <ErrorBox error={dead.error} />
      <ErrorBox error={error} />
      {replayed.length ? <p className="notice">Replayed: {replayed.map((id) => <a key={id} href={`#/messages/${id}`}>{id} </a>)}</p> : null}
      <MessageTable
        messages={dead.data?.data ?? []}
        action={(message) => (
          <button type="button" onClick={() => void replay(message.id)}>
            Replay
          </button>
        )}
      />
    </>
  );
}
