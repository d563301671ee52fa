import { useState } from 'react';
import { request, scoped, type LintResult, type Template } from '../api';
import type { Session } from '../session';
import { ErrorBox, Status, useLoad } from '../ui';

/** Templates with their Meta status, and the lint findings of each (the rules Meta enforces). */
export function TemplatesPage({ session }: { session: Session }) {
  const templates = useLoad(
    () => request<{ data: Template[]; nextCursor: string | null }>(session.key, 'GET', scoped(session, '/templates?limit=100')),
    [session.key, session.tenantId, session.environment],
  );
  return (
    <>
      <h1>Templates</h1>
      <ErrorBox error={templates.error} />
      {templates.data && templates.data.data.length === 0 ? <p className="muted">No templates: sync them (POST /v1/templates/sync) or create one.</p> : null}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Language</th>
            <th>Category</th>
            <th>Status</th>
            <th>Quality</th>
            <th>WABA</th>
            <th>Lint</th>
          </tr>
        </thead>
        <tbody>
          {templates.data?.data.map((template) => (
            <tr key={template.id}>
              <td>{template.name}</td>
              <td>{template.language}</td>
              <td>{template.category}</td>
              <td>
                <Status value={template.status} />
                {template.rejectionReason ? <span className="muted"> {template.rejectionReason}</span> : null}
              </td>
              <td>{template.qualityScore ?? '—'}</td>
              <td>
                <code>{template.wabaId}</code>
              </td>
              <td>
                <Lint session={session} template={template} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Lint({ session, template }: { session: Session; template: Template }) {
  const [result, setResult] = useState<LintResult | null>(null);
  const [error, setError] = useState<unknown>();
  const run = async () => {
    try {
      setError(undefined);
      const definition = { name: template.name, language: template.language, category: template.category, components: template.components };
      setResult(await request<LintResult>(session.key, 'POST', scoped(session, '/templates/validate'), definition));
    } catch (caught) {
      setError(caught);
    }
  };
  if (!result) {
    return (
      <>
        <button type="button" onClick={() => void run()}>
          Lint
        </button>
        <ErrorBox error={error} />
      </>
    );
  }
  if (result.issues.length === 0) return <span className="status status-green">no findings</span>;
  return (
    <ul className="findings">
      {result.issues.map((issue) => (
        <li key={`${issue.rule}:${issue.path}`}>
          <Status value={issue.severity} /> <code>{issue.rule}</code> {issue.message}
          {issue.path ? <span className="muted"> at {issue.path}</span> : null}
        </li>
      ))}
    </ul>
  );
}
