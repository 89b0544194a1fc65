import { useState } from 'react';
import { Link } from 'wouter';
import { ApiRequestError } from '@/lib/api-client';
import type { AuditEntry } from '@/spec/access-api';
import { useAuditPage } from '../api/get-audit';
import '../access.css';

const buildActions = new Set(['build.submit', 'build.retry', 'build.rebuild', 'build.cancel', 'build.delete']);

function Target({ entry }: { entry: AuditEntry }) {
  if (buildActions.has(entry.action)) return <Link href={`/builds/${encodeURIComponent(entry.target)}`}>build {entry.target}</Link>;
  return <>{entry.target}</>;
}

/** The audit log (admins only): who submitted, canceled, deleted and promoted what, newest first. */
export default function AuditLogPage() {
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const before = pages.at(-1);
  const { data, error, isPending } = useAuditPage(before);

  return (
    <section className="audit-log" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      {error ? (
        <p role="alert">
          {error instanceof ApiRequestError && error.status === 403
            ? 'Only admins can read the audit log.'
            : `The audit log could not be loaded: ${error.message}`}
        </p>
      ) : isPending ? (
        <p role="status">Loading…</p>
      ) : data.items.length === 0 ? (
        <p role="status">Nothing recorded yet.</p>
      ) : (
        <table aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">On</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
                </td>
                <td>{entry.actor}</td>
                <td>{entry.action}</td>
                <td>
                  <Target entry={entry} />
                </td>
                <td>{entry.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="st-pager">
        {pages.length > 1 ? (
          <button type="button" className="st-button" onClick={() => setPages(pages.slice(0, -1))}>
            Newer
          </button>
        ) : null}
        {data?.nextBefore ? (
          <button type="button" className="st-button" onClick={() => setPages([...pages, data.nextBefore ?? undefined])}>
            Older
          </button>
        ) : null}
      </div>
    </section>
  );
}
