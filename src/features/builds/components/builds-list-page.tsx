import { useState } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { buildStates, type BuildState } from '@/spec/build-events';
import type { BuildListFilters } from '@/lib/api/build-query-keys';
import { useBuilds } from '../api/get-builds';
import { formatDuration } from '../lib/eta';
import { StateBadge } from '@/components/state-badge';
import { useDebouncedValue } from '@/hooks/use-debounced-value';
import '../builds.css';

const PAGE_SIZE = 20;

function filtersFrom(params: URLSearchParams): BuildListFilters {
  const state = params.get('state') ?? '';
  return {
    state: (buildStates as readonly string[]).includes(state) ? (state as BuildState) : '',
    name: params.get('name') ?? '',
    kubernetesVersion: params.get('kubernetesVersion') ?? '',
    page: Math.max(1, Number(params.get('page')) || 1),
    pageSize: PAGE_SIZE,
    sort: params.get('sort') === 'oldest' ? 'oldest' : 'newest',
  };
}

/** `/builds`: every build, filterable, newest first; pick two to compare. */
export default function BuildsListPage() {
  const [params, setParams] = useSearchParams();
  const [, navigate] = useLocation();
  const filters = filtersFrom(params);
  // typing in a text filter fires one request per pause, not one per key
  const name = useDebouncedValue(filters.name, 250);
  const kubernetesVersion = useDebouncedValue(filters.kubernetesVersion, 250);
  const builds = useBuilds({ ...filters, name, kubernetesVersion });
  // "Compare with another build" on a spec's page arrives with that build already picked
  const compareWith = params.get('compareWith');
  const [compare, setCompare] = useState<string[]>(() => (compareWith ? [compareWith] : []));

  const update = (changes: Partial<Record<'state' | 'name' | 'kubernetesVersion' | 'sort' | 'page', string>>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  const toggleCompare = (id: string) => setCompare((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current.slice(-1), id]));

  const data = builds.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <div className="st-page">
      <h1>Builds</h1>
      <form className="st-filters" role="search" aria-label="Filter builds" onSubmit={(e) => e.preventDefault()}>
        <label>
          State
          <select value={filters.state} onChange={(e) => update({ state: e.target.value })}>
            <option value="">All</option>
            {buildStates.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input type="search" value={filters.name} onChange={(e) => update({ name: e.target.value })} placeholder="image name" />
        </label>
        <label>
          Kubernetes version
          <input type="search" value={filters.kubernetesVersion} onChange={(e) => update({ kubernetesVersion: e.target.value })} placeholder="1.35.0" />
        </label>
        <label>
          Sort
          <select value={filters.sort} onChange={(e) => update({ sort: e.target.value === 'oldest' ? 'oldest' : '' })}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </label>
        <button
          type="button"
          className="st-button st-button--primary"
          disabled={compare.length !== 2}
          onClick={() => navigate(`/review/compare?a=${encodeURIComponent(compare[0] ?? '')}&b=${encodeURIComponent(compare[1] ?? '')}`)}
        >
          Compare selected ({compare.length}/2)
        </button>
      </form>

      {compareWith && compare.includes(compareWith) && compare.length === 1 ? (
        <p className="st-muted" role="status">
          Build <Link href={`/builds/${compareWith}`}>{compareWith.slice(0, 8)}</Link> is picked: choose the build to compare it with.
        </p>
      ) : null}
      {builds.isPending ? (
        <p className="st-muted" aria-busy="true">
          Loading builds…
        </p>
      ) : builds.isError ? (
        <p role="alert" className="st-error-text">
          The builds could not be loaded: {builds.error.message}{' '}
          <button type="button" className="st-button st-button--small" onClick={() => void builds.refetch()}>
            Try again
          </button>
        </p>
      ) : !data || data.items.length === 0 ? (
        <p className="st-muted">
          {filters.state || filters.name || filters.kubernetesVersion ? 'No build matches these filters.' : 'No builds yet. '}
          {!(filters.state || filters.name || filters.kubernetesVersion) && <Link href="/">Design an image and build it.</Link>}
        </p>
      ) : (
        <>
          <div className="st-table-wrap">
            <table className="st-table">
              <caption className="st-visually-hidden">Builds, {data.total} in all</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="st-visually-hidden">Compare</span>
                  </th>
                  <th scope="col">Name</th>
                  <th scope="col">State</th>
                  <th scope="col">Kubernetes</th>
                  <th scope="col">Release</th>
                  <th scope="col">Formats</th>
                  <th scope="col">Updates</th>
                  <th scope="col">Created</th>
                  <th scope="col" className="st-num">
                    Took
                  </th>
                  <th scope="col">Spec</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <input
                        type="checkbox"
                        checked={compare.includes(b.id)}
                        onChange={() => toggleCompare(b.id)}
                        aria-label={`Select ${b.name} (${b.id.slice(0, 8)}) to compare`}
                      />
                    </td>
                    <th scope="row">
                      <Link href={`/builds/${b.id}`}>{b.name}</Link> <span className="st-muted">{b.id.slice(0, 8)}</span>
                    </th>
                    <td>
                      <StateBadge state={b.state} />
                      {b.queuePosition != null && b.state === 'queued' && <span className="st-muted"> #{b.queuePosition}</span>}
                    </td>
                    <td>{b.kubernetesVersion}</td>
                    <td>{b.release}</td>
                    <td>{b.formats.join(', ')}</td>
                    <td>{b.updates ? updatesText(b.updates) : '—'}</td>
                    <td>
                      <time dateTime={b.createdAt}>{new Date(b.createdAt).toLocaleString()}</time>
                    </td>
                    <td className="st-num">{b.startedAt && b.finishedAt ? formatDuration(Date.parse(b.finishedAt) - Date.parse(b.startedAt)) : '—'}</td>
                    <td>
                      <Link href={`/review/${b.id}`} aria-label={`Spec of ${b.name} (${b.id.slice(0, 8)})`}>
                        Spec
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="st-pager" aria-label="Pages">
            <button
              type="button"
              className="st-button st-button--small"
              disabled={filters.page <= 1}
              onClick={() => update({ page: String(filters.page - 1) })}
            >
              Previous
            </button>
            <span>
              Page {data.page} of {pages} · {data.total} builds
            </span>
            <button
              type="button"
              className="st-button st-button--small"
              disabled={filters.page >= pages}
              onClick={() => update({ page: String(filters.page + 1) })}
            >
              Next
            </button>
          </nav>
        </>
      )}
    </div>
  );
}

/** "3 (2 security)", or "none": the newest updates check of a finished build. */
function updatesText(updates: { count: number; security: number }): string {
  if (updates.count === 0) return 'none';
  return updates.security > 0 ? `${updates.count} (${updates.security} security)` : String(updates.count);
}
