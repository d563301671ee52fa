import { request, scoped, type FailureGroup } from '../api';
import type { Session } from '../session';
import { ErrorBox, useLoad, when } from '../ui';

/** Failed and dead messages grouped by taxonomy code, each with what to do about it. */
export function FailuresPage({ session }: { session: Session }) {
  const groups = useLoad(() => request<{ data: FailureGroup[] }>(session.key, 'GET', scoped(session, '/messages/failures')), [session.key, session.tenantId, session.environment]);
  return (
    <>
      <h1>Failures</h1>
      <ErrorBox error={groups.error} />
      {groups.data && groups.data.data.length === 0 ? <p className="muted">No failed or dead messages.</p> : null}
      <div className="cards">
        {groups.data?.data.map((group) => (
          <article key={group.code} className="card" data-testid="failure-group">
            <h3>
              <a href={`#/messages?errorCode=${encodeURIComponent(group.code)}`}>{group.code}</a>
            </h3>
            <p>
              {group.failed} failed, {group.dead} dead{group.category ? ` · ${group.category}` : ''}
              {group.metaCodes.length ? ` · Meta ${group.metaCodes.join(', ')}` : ''}
            </p>
            {group.action ? <p className="action">What to do: {group.action}</p> : null}
            <p className="muted">last {when(group.lastAt)}</p>
          </article>
        ))}
      </div>
    </>
  );
}
